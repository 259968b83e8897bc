// Opening a one-click dispatch from the phone: a grid worker or community staff member on
// the spot asks the nearest qualified volunteers to come, from the home screen or from a
// hazard's page, in one form.
//
// It goes through the outbox like every write, under the UUID made when "call" was tapped,
// so a retry never opens a second dispatch. Nothing says "opened" until the server has it:
// a dispatch waiting for a signal says plainly that nobody has been asked yet.
"use strict";

import { $, cachedGet, categoryName, el, postJson, strings, t } from "./api.js";
import { clearFieldErrors, refusedOnForm, say, showFieldErrors } from "./messages.js";
import { enqueue, flushOutbox, outboxAll, registerKind } from "./outbox.js";
import { describePlaceIn } from "./report.js";
import { back, currentRoute, go, route } from "./router.js";
import { position } from "./volunteers.js";

const MAX_PEOPLE = 20;
const OPEN_HAZARD = ["reported", "assigned", "rectifying", "awaiting_verification"];

let me = null;
let target = { hazard: null, place: null };  // what the form is for: a hazard, or a place

route("/dispatch/new", { section: "dispatch-new", title: () => strings.dispNewTitle, enter: () => openForm(null) });
route("/hazards/:id/dispatch", { section: "dispatch-new", title: () => strings.dispNewTitle, enter: ({ id }) => openForm(Number(id)) });

registerKind("dispatch.open", {
  label: (item) => t("outboxDispOpen", { text: item.payload.description }),
  // The server answers a retry under the same key with the dispatch the first send opened.
  send: (item) => postJson("dispatches/", { ...item.payload, client_uuid: item.key }),
  sentText: (dispatch) => openedText(dispatch),
});

/** Whether the signed-in user may open a dispatch in this community (as the server decides). */
export function mayOpenIn(communityId) {
  if (!me) return false;
  if ((me.staff_communities || []).some((community) => community.id === communityId)) return true;
  return Boolean(me.worker_grid && me.worker_grid.community.id === communityId);
}

function mayOpenAnywhere() {
  return Boolean(me && ((me.staff_communities || []).length || me.worker_grid));
}

async function loadMe() {
  try { me = await cachedGet("me/"); } catch (error) { me = null; }
  return me;
}

async function fillSkills() {
  const select = $("dispatch-skill");
  const chosen = select.value;
  let skills = [];
  try { skills = (await cachedGet("volunteers/skills/")).results; } catch (error) { /* no signal, never seen: any volunteer */ }
  select.replaceChildren(el("option", { text: strings.dispNoSkill, attrs: { value: "" } }),
    ...skills.map((skill) => el("option", { text: skill.name, attrs: { value: skill.code } })));
  select.value = chosen;
}

async function openForm(hazardId) {
  const form = $("dispatch-form");
  form.reset();
  clearFieldErrors(form);
  target = { hazard: null, place: null };
  $("dispatch-place").textContent = "";
  $("dispatch-hazard").hidden = true;
  $("dispatch-locate").hidden = Boolean(hazardId);
  await Promise.all([fillSkills(), loadMe()]);
  if (hazardId) {
    const hazard = await cachedGet("hazards/" + hazardId + "/");
    target.hazard = hazard;
    $("dispatch-hazard").hidden = false;
    $("dispatch-hazard").textContent = t("dispForHazard", { number: hazard.number, address: hazard.address });
    $("dispatch-place").textContent = t("dispHazardPlace", { address: hazard.address || [hazard.community && hazard.community.name, hazard.grid && hazard.grid.name].filter(Boolean).join(" · ") });
    $("dispatch-description").value = (categoryName(hazard.category) + "：" + hazard.description).slice(0, 500);
  } else {
    locate();
  }
}

async function locate() {
  $("dispatch-place").textContent = strings.locating;
  const here = await position();
  if (!here) { $("dispatch-place").textContent = strings.noLocation; return; }
  target.place = { lat: Number(here.lat.toFixed(6)), lng: Number(here.lng.toFixed(6)) };
  await describePlaceIn($("dispatch-place"), target.place.lat, target.place.lng);
}

/** Check everything before queueing, so the outbox only holds dispatches the server takes. */
function readForm() {
  const form = $("dispatch-form");
  const problems = {};
  const description = $("dispatch-description").value.trim();
  const people = Number($("dispatch-people").value);
  if (!description) problems.description = strings.dispNeedDescription;
  if (!target.hazard && !target.place) problems.lat = strings.needLocation;
  if (!Number.isInteger(people) || people < 1 || people > MAX_PEOPLE) problems.people_needed = strings.dispNeedPeople;
  if (Object.keys(problems).length) return { problem: showFieldErrors(form, problems) };
  const payload = {
    description,
    people_needed: people,
    urgency: form.querySelector("input[name=urgency]:checked").value,
    is_drill: $("dispatch-drill").checked,
    address: $("dispatch-address").value.trim(),
    skill: $("dispatch-skill").value || null,
  };
  if (target.hazard) payload.hazard = target.hazard.id;
  else Object.assign(payload, target.place);
  return { payload };
}

async function send(event) {
  event.preventDefault();
  clearFieldErrors($("dispatch-form"));
  const { problem, payload } = readForm();
  if (problem) { say(problem, "error"); return; }
  $("dispatch-send").disabled = true;
  try {
    const subject = target.hazard ? "hazard:" + target.hazard.id : null;
    const item = await enqueue("dispatch.open", { payload, subject });
    say(strings.sending);
    const sent = await flushOutbox();
    if (sent.has(item.uuid)) {
      await go("/", { replace: true });
      sayOpened(sent.get(item.uuid));
    } else if (!(await refusedOnForm(item.uuid, $("dispatch-form")))) {
      await go("/", { replace: true });
      say(strings.dispOpenQueued, "error");
    }
  } finally {
    $("dispatch-send").disabled = false;
  }
}

function openedText(dispatch) {
  return dispatch.offered ? t("dispOpened", { count: dispatch.offered }) : strings.dispOpenedNobody;
}

function sayOpened(dispatch) { say(openedText(dispatch), dispatch.offered ? "info" : "error"); }

// ---- ways in: the home screen and a hazard's page ----

async function showHomeEntry() {
  await loadMe();
  $("home-call-volunteers").hidden = !mayOpenAnywhere();
  const waiting = (await outboxAll()).filter((item) => item.kind === "dispatch.open" && !item.error);
  $("home-dispatch-waiting").replaceChildren(...waiting.map((item) => el("li", { cls: "card waiting", text: t("dispOpenWaiting", { text: item.payload.description }) })));
  $("home-dispatch-waiting").hidden = !waiting.length;
}

async function showHazardEntry() {
  const box = $("hazard-dispatch");
  box.replaceChildren();
  const match = /^\/hazards\/(\d+)\/?$/.exec(location.pathname);
  if (!match) return;
  await loadMe();
  let hazard;
  try { hazard = await cachedGet("hazards/" + match[1] + "/"); } catch (error) { return; }
  if (!OPEN_HAZARD.includes(hazard.status) || !hazard.community || !mayOpenIn(hazard.community.id)) return;
  box.append(el("a", { cls: "button big", text: strings.dispCallVolunteers, attrs: { href: "/hazards/" + hazard.id + "/dispatch", "data-screen-link": "", id: "hazard-call-volunteers" } }));
}

function setup() {
  $("dispatch-form").addEventListener("submit", send);
  $("dispatch-locate").addEventListener("click", locate);
  $("dispatch-new").querySelector("button.back").addEventListener("click", back);
  document.addEventListener("screen-shown", (event) => {
    if (event.detail.section === "home") showHomeEntry();
    else if (event.detail.section === "hazard") showHazardEntry();
  });
  document.addEventListener("session-expired", () => { me = null; });
  // Sent later (back online): the app says so with the kind's sentText; home drops the card.
  document.addEventListener("outbox-sent", (event) => {
    if (event.detail.item.kind !== "dispatch.open") return;
    const screen = currentRoute();
    if (screen && screen.section === "home") showHomeEntry();
  });
}

setup();
