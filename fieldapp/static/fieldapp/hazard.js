// One hazard: where, by when, how risky, its attributes and photos, the timeline in words,
// and the steps the server allows the reader now, each queued in the outbox.
"use strict";

import { $, api, cachedGet, categoryName, el, formatDate, isNetworkError, localized, loadImage, statusWords, strings, t } from "./api.js";
import { RISK_WORDS } from "./lists.js";
import { clearFieldErrors, refusalText, say, showFieldErrors } from "./messages.js";
import { enqueue, flushOutbox, waitingFor } from "./outbox.js";
import { chosenPhotos, photoPicker } from "./photos.js";
import { route } from "./router.js";
import { categoryByCode, loadCategories } from "./report.js";

let shown = null;
let me = null;
export function setHazardUser(user) { me = user; }
export function shownHazardId() { return shown && shown.id; }

route("/hazards/:id", { section: "hazard", title: () => strings.hazardTitle, enter: ({ id }) => openHazard(Number(id)) });

async function openHazard(id) {
  $("hazard-body").replaceChildren(el("p", { text: strings.loading }));
  $("hazard-actions").replaceChildren();
  $("hazard-actions").dataset.key = "";
  try {
    await loadCategories().catch(() => {});
    renderHazard(await cachedGet("hazards/" + id + "/"));
  } catch (error) {
    say(refusalText(error), "error");
  }
}

export async function refreshHazard() {
  if (!shown || $("hazard").hidden) return;
  renderHazard(await api("hazards/" + shown.id + "/"));
}

function row(term, value) {
  return value ? [el("dt", { text: term }), el("dd", { text: value })] : [];
}

function attributeRows(hazard) {
  const category = categoryByCode(hazard.category.code);
  const rows = [];
  for (const [code, value] of Object.entries(hazard.attribute_values || {})) {
    const definition = ((category && category.attributes) || []).find((one) => one.code === code);
    if (!definition) continue;  // never show a raw code
    const options = Object.fromEntries((definition.values || []).map((option) => [option.key, option.name]));
    const words = [].concat(value).map((one) => options[one] || one).join("、");
    rows.push(...row(definition.description || "", words));
  }
  return rows;
}

async function renderHazard(hazard) {
  shown = hazard;
  $("hazard-title").textContent = categoryName(hazard.category) + " · " + hazard.number;
  const body = $("hazard-body");
  const risk = el("p", { cls: "risk risk-" + hazard.risk_colour, text: strings[RISK_WORDS[hazard.risk_colour]] + (hazard.is_major ? " · " + strings.major : "") });
  const status = el("p", { cls: "badge", text: statusWords(hazard.status), attrs: { id: "hazard-status", "data-status": hazard.status } });
  const due = hazard.is_overdue ? t("overdueSince", { date: formatDate(hazard.due_at) }) : formatDate(hazard.due_at);
  const facts = el("dl", { cls: "facts" },
    ...row(strings.address, hazard.address),
    ...row(strings.place, [hazard.community && hazard.community.name, hazard.grid && hazard.grid.name].filter(Boolean).join(" · ")),
    ...row(strings.deadline, ["closed", "rejected", "duplicate"].includes(hazard.status) ? "" : due),
    ...row(strings.assignee, hazard.assignee && hazard.assignee.name),
    ...attributeRows(hazard),
  );
  const category = categoryByCode(hazard.category.code);
  const guidance = category && localized(category, "guidance");
  body.replaceChildren(status, risk, el("p", { cls: "description", text: hazard.description }), facts);
  if (guidance && ["reported", "assigned"].includes(hazard.status)) body.append(el("p", { cls: "guidance", text: guidance }));
  if (hazard.reject_reason) body.append(el("p", { text: t("rejectedBecause", { reason: hazard.reject_reason }) }));
  body.append(photosOf(hazard), el("h3", { text: strings.timeline }), timelineOf(hazard));
  await renderActions(hazard);
}

function photosOf(hazard) {
  const box = el("div", { cls: "photos" });
  for (const photo of hazard.photos) {
    const img = el("img", { attrs: { alt: t("photoAlt", { stage: strings["stage_" + photo.stage] || strings.photo, date: formatDate(photo.created_at) }), width: "150", height: "112" } });
    box.append(img);
    loadImage(photo.thumbnail_url, img).catch(() => {});  // no signal: the words still show
  }
  return box;
}

function timelineOf(hazard) {
  const list = el("ol", { cls: "timeline" });
  for (const event of hazard.timeline) {
    const what = event.kind === "transition" ? statusWords(event.to_status) : strings["kind_" + event.kind] || strings.kind_comment;
    const item = el("li", {}, el("time", { text: formatDate(event.created_at) }), el("strong", { text: " " + what }));
    if (event.actor) item.append(el("span", { text: " · " + event.actor.name }));
    if (event.note && event.kind !== "photo") item.append(el("p", { text: event.note }));
    list.append(item);
  }
  return list;
}

/** What waits in the outbox for this hazard is shown, and counts as done for the buttons. */
async function renderActions(hazard) {
  const box = $("hazard-actions");
  const waiting = await waitingFor("hazard:" + hazard.id);
  // A live refresh must not wipe a form the user is filling in (photo, note).
  const key = [hazard.id, hazard.version, waiting.map((item) => item.uuid).join()].join(":");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  // A comment being written survives the redraw that a step just sent causes.
  const draft = $("comment-note") ? $("comment-note").value : "";
  box.replaceChildren();
  for (const item of waiting) box.append(el("p", { cls: "waiting", text: t("waitingItem", { what: waitingLabel(item) }) }));
  const queuedSteps = waiting.filter((item) => item.kind === "hazard.step").map((item) => item.payload.action);
  const steps = new Set(hazard.steps || []);
  // A start waiting to be sent makes the fix the next step, offline too.
  if (queuedSteps.includes("start")) { steps.delete("start"); steps.add("submit_fix"); }
  for (const action of queuedSteps) steps.delete(action.replace("-", "_"));
  if (steps.has("start")) box.append(stepButton(hazard, "start", strings.startFix));
  if (steps.has("submit_fix")) box.append(photoStepForm(hazard, "submit-fix", "rectified", strings.afterPhoto, strings.submitFix, true));
  if (steps.has("assign")) box.append(await assignForm(hazard));
  if (steps.has("close")) box.append(photoStepForm(hazard, "close", "verification", strings.verifyPhoto, strings.verifyClose, false));
  if (me && hazard.reporter !== me.id && !steps.size && ["reported", "assigned", "rectifying"].includes(hazard.status) && !waiting.some((item) => item.kind === "hazard.me_too")) {
    box.append(meTooButton(hazard));
  }
  box.append(commentForm(hazard));
  if (draft) $("comment-note").value = draft;
}

function waitingLabel(item) {
  return item.kind === "hazard.step" ? strings["step_" + item.payload.action] : item.kind === "hazard.comment" ? strings.comment : strings.meToo;
}

/** Queue a step; chained after an earlier step of this hazard that still waits. */
async function queueStep(hazard, action, extra = {}, photos = []) {
  const waiting = (await waitingFor("hazard:" + hazard.id)).filter((item) => item.kind === "hazard.step");
  const after = waiting.length ? waiting[waiting.length - 1].uuid : null;
  const payload = { hazard: hazard.id, number: hazard.number, action, version: hazard.version, ...extra };
  await enqueue("hazard.step", { payload, photos, subject: "hazard:" + hazard.id, after });
  await sendNow(hazard);
}

/** Try to send at once; say honestly whether it reached the server or waits on the phone. */
export async function sendNow(hazard) {
  say(strings.sending);
  const before = await waitingFor("hazard:" + hazard.id);
  await flushOutbox();
  const after = await waitingFor("hazard:" + hazard.id);
  const refused = after.find((item) => item.error);
  if (refused) say(refusalText({ status: refused.error.status, body: refused.error.body }), "error");
  else if (after.length) say(strings.keptOnPhone);
  else say(before.length ? strings.sentToServer : "");
  if (!after.length || refused) {
    try { renderHazard(await api("hazards/" + hazard.id + "/")); return; } catch (error) { if (!isNetworkError(error)) throw error; }
  }
  $("hazard-actions").dataset.key = "";
  await renderActions(shown);
}

function stepButton(hazard, action, text) {
  const button = el("button", { cls: "primary big", text, attrs: { type: "button", id: "step-" + action } });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try { await queueStep(hazard, action); } finally { button.disabled = false; }
  });
  return button;
}

function photoStepForm(hazard, action, stage, photoLabel, buttonText, photoRequired) {
  const form = el("form", { cls: "step", attrs: { id: "form-" + action, novalidate: true } });
  const photo = el("input", { attrs: { id: action + "-photo", type: "file", accept: "image/*", capture: "environment", "data-field": "photo" } });
  const note = el("textarea", { attrs: { id: action + "-note", rows: "2", maxlength: "2000", "data-field": "note" } });
  const photoRow = el("label", {}, el("span", { cls: "label-text", text: photoLabel + (photoRequired ? " " + strings.requiredMark : "") }), photo);
  photoPicker(photo, strings.takePhoto, strings.noPhotoYet);
  form.append(
    photoRow,
    el("label", {}, el("span", { cls: "label-text", text: strings.noteOptional }), note),
    el("button", { cls: "primary big", text: buttonText, attrs: { type: "submit", id: "step-" + action } }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    if (photoRequired && !photo.files.length) { say(showFieldErrors(form, { photo: [strings.needPhoto] }), "error"); return; }
    const photos = await chosenPhotos(photo);
    await queueStep(hazard, action, { note: note.value.trim(), stage: photos.length ? stage : null }, photos);
  });
  return form;
}

async function assignForm(hazard) {
  const form = el("form", { cls: "step", attrs: { id: "form-assign", novalidate: true } });
  let worker = null;
  try { if (hazard.grid) worker = (await cachedGet("grids/" + hazard.grid.id + "/")).worker; } catch (error) { /* offline and never seen */ }
  if (!worker) { form.append(el("p", { text: strings.noWorker })); return form; }
  form.append(el("p", { text: t("assignTo", { name: worker.name }) }), el("button", { cls: "primary big", text: t("assignButton", { name: worker.name }), attrs: { type: "submit", id: "step-assign" } }));
  form.addEventListener("submit", async (event) => { event.preventDefault(); await queueStep(hazard, "assign", { assignee: worker.id }); });
  return form;
}

function meTooButton(hazard) {
  const button = el("button", { cls: "big", text: strings.meToo, attrs: { type: "button", id: "me-too" } });
  button.addEventListener("click", async () => {
    await enqueue("hazard.me_too", { payload: { hazard: hazard.id, number: hazard.number }, subject: "hazard:" + hazard.id });
    await sendNow(hazard);
  });
  return button;
}

function commentForm(hazard) {
  const form = el("form", { cls: "step", attrs: { id: "form-comment", novalidate: true } });
  const note = el("textarea", { attrs: { id: "comment-note", rows: "2", maxlength: "2000", "data-field": "note" } });
  form.append(el("label", {}, el("span", { cls: "label-text", text: strings.addComment }), note), el("button", { text: strings.sendComment, attrs: { type: "submit", id: "send-comment" } }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    if (!note.value.trim()) { say(showFieldErrors(form, { note: [strings.needComment] }), "error"); return; }
    await enqueue("hazard.comment", { payload: { hazard: hazard.id, number: hazard.number, note: note.value.trim() }, subject: "hazard:" + hazard.id });
    note.value = "";
    await sendNow(hazard);
  });
  return form;
}
