// "My list" and the hazard detail: what a worker has to do, or what a resident reported.
"use strict";

import { $, api, el, strings, say, categoryName, statusWords, loadImage, postJson, errorText } from "./api.js";

const OPEN = ["reported", "assigned", "rectifying", "awaiting_verification"];

let me = null;
let openHazardId = null;
let shown = null;  // the hazard on screen now: actions read its latest version from here

export function setUser(user) { me = user; }
export function detailHazardId() { return openHazardId; }

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const one of [].concat(value)) search.append(key, one);
  }
  return "hazards/?" + search.toString();
}

/** Which lists this user sees: workers their assignments and grid, residents their reports. */
function listsFor(user) {
  const lists = [];
  if (user.worker_grid) {
    lists.push({ id: "assigned", title: strings.assignedToMe, path: query({ assignee: user.id, status: ["assigned", "rectifying"], ordering: "due_at" }) });
    lists.push({ id: "grid", title: strings.openInGrid, path: query({ grid: user.worker_grid.id, status: OPEN }) });
  }
  if ((user.staff_communities || []).length) {
    lists.push({ id: "community", title: strings.toHandle, path: query({ status: "reported" }) });
  }
  lists.push({ id: "mine", title: strings.myReports, path: query({ reporter: user.id }) });
  return lists;
}

let refreshing = null;
let again = false;

/**
 * Redraw the lists. Events often come in bursts (assign + status change): while one
 * refresh runs, later requests collapse into a single follow-up, so answers never race.
 */
export function refreshList() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = drawLists().finally(() => {
    refreshing = null;
    if (again) { again = false; refreshList().catch(() => {}); }
  });
  return refreshing;
}

async function drawLists() {
  if (!me) return;
  const box = $("list-groups");
  const groups = [];
  for (const list of listsFor(me)) {
    const page = await api(list.path);
    // A worker rarely files reports: skip an empty "my reports" under their work lists.
    if (list.id === "mine" && me.worker_grid && page.results.length === 0) continue;
    groups.push(renderGroup(list, page.results));
  }
  box.replaceChildren(...groups);
}

function renderGroup(list, hazards) {
  const group = el("div", { cls: "group", attrs: { "data-list": list.id } });
  group.append(el("h2", { text: list.title }));
  const items = el("ul", { cls: "cards" });
  if (!hazards.length) items.append(el("li", { cls: "empty", text: strings.empty }));
  for (const hazard of hazards) items.append(hazardCard(hazard));
  group.append(items);
  return group;
}

function hazardCard(hazard) {
  const item = el("li", { cls: "card risk-" + hazard.risk_colour });
  const button = el("button", { cls: "open", attrs: { type: "button", "data-hazard": hazard.id } });
  button.append(
    el("strong", { text: categoryName(hazard.category) }),
    el("span", { cls: "number", text: hazard.number }),
    el("span", { cls: "badge", text: statusWords(hazard.status) }),
  );
  if (hazard.is_overdue) button.append(el("span", { cls: "overdue", text: strings.overdue }));
  if (hazard.address) button.append(el("span", { cls: "address", text: hazard.address }));
  button.addEventListener("click", () => openDetail(hazard.id));
  item.append(button);
  return item;
}

export async function openDetail(id) {
  openHazardId = id;
  document.dispatchEvent(new CustomEvent("show", { detail: "detail" }));
  await renderDetail(await api("hazards/" + id + "/"));
}

export async function refreshDetail() {
  if (openHazardId !== null && !$("detail").hidden) await renderDetail(await api("hazards/" + openHazardId + "/"));
}

function renderDetail(hazard) {
  shown = hazard;
  $("detail-title").textContent = categoryName(hazard.category) + " · " + hazard.number;
  $("detail-status").textContent = statusWords(hazard.status);
  $("detail-status").dataset.status = hazard.status;
  $("detail-description").textContent = hazard.description;
  const photos = $("detail-photos");
  photos.replaceChildren();
  for (const photo of hazard.photos) {
    const img = el("img", { attrs: { alt: photo.stage, width: "120" } });
    photos.append(img);
    loadImage(photo.thumbnail_url, img).catch(() => {});  // no signal: the text still shows
  }
  renderTimeline(hazard.timeline);
  renderActions(hazard);
}

function renderTimeline(events) {
  const list = $("detail-timeline");
  list.replaceChildren();
  for (const event of events) {
    const when = new Date(event.created_at).toLocaleString(document.documentElement.lang);
    const what = event.to_status ? statusWords(event.to_status) : strings["kind_" + event.kind] || event.kind;
    const item = el("li");
    item.append(el("time", { text: when }), el("strong", { text: " " + what }));
    if (event.actor) item.append(el("span", { text: " · " + event.actor.name }));
    if (event.note) item.append(el("p", { text: event.note }));
    list.append(item);
  }
}

/** Only the steps the API lets the assignee take: start, then submit the fix with a photo. */
function renderActions(hazard) {
  const box = $("detail-actions");
  const mine = me && hazard.assignee && hazard.assignee.id === me.id;
  // A live refresh must not wipe a fix form the worker is filling in (photo, note).
  const key = hazard.id + ":" + hazard.status + ":" + Boolean(mine);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren();
  if (!mine) return;
  if (hazard.status === "assigned") {
    box.append(actionButton("start-fix", strings.startFix, () => transition(hazard, "start")));
  } else if (hazard.status === "rectifying") {
    box.append(fixForm(hazard));
  }
}

function actionButton(id, text, onClick) {
  const button = el("button", { cls: "primary big", text, attrs: { type: "button", id } });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try { await onClick(); } finally { button.disabled = false; }
  });
  return button;
}

function fixForm(hazard) {
  const form = el("div", { cls: "fix" });
  const photoLabel = el("label", { text: strings.afterPhoto });
  const photo = el("input", { attrs: { id: "fix-photo", type: "file", accept: "image/*", capture: "environment" } });
  photoLabel.append(photo);
  const noteLabel = el("label", { text: strings.fixNote });
  const note = el("textarea", { attrs: { id: "fix-note", rows: "2", maxlength: "2000" } });
  noteLabel.append(note);
  const submit = actionButton("submit-fix", strings.submitFix, async () => {
    if (!photo.files[0]) { say(strings.needAfterPhoto); return; }
    const upload = new FormData();
    upload.append("file", photo.files[0]);
    upload.append("stage", "rectified");
    try { await api("hazards/" + hazard.id + "/photos/", { method: "POST", body: upload }); }
    catch (error) { say(errorText(error)); return; }
    await transition(hazard, "submit-fix", { note: note.value.trim() });
  });
  form.append(photoLabel, noteLabel, submit);
  return form;
}

/**
 * A lifecycle step with the version the worker saw; a 409 means someone else moved the
 * hazard first, so the detail is reloaded to show its state now.
 */
async function transition(hazard, action, extra = {}) {
  const version = shown && shown.id === hazard.id ? shown.version : hazard.version;
  try {
    const updated = await postJson("hazards/" + hazard.id + "/" + action + "/", Object.assign({ version }, extra));
    say(strings.done);
    renderDetail(updated);
    refreshList().catch(() => {});
  } catch (error) {
    if (error.status === 409) { say(strings.changed); await refreshDetail(); }
    else say(errorText(error));
  }
}
