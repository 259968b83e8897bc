// One-click dispatch on the volunteer's phone: an offer that cannot be missed (full screen,
// a beep, vibration), Accept / Decline in one tap, then the way there and the steps on the
// way (on the way, arrived, at the task, done), each with the time the server recorded.
// The home screen's part (on-duty switch, my grid's dispatches) is dispatch_home.js.
//
// Every answer goes through the outbox. Nothing says "accepted" until the server answered:
// an acceptance made with no signal is shown as waiting, with the plain warning that by the
// time it goes somebody else may have taken the place.
"use strict";

import { $, api, cachedGet, el, formatDate, isChinese, postJson, strings, t } from "./api.js";
import { refusalText, say } from "./messages.js";
import { enqueue, flushOutbox, outboxAll, outboxDelete, registerKind, waitingFor } from "./outbox.js";
import { back, currentRoute, go, route } from "./router.js";

Object.assign(strings, JSON.parse($("i18n-dispatch").textContent));

const PENDING = ["offered", "seen"];
const STEPS = ["en_route", "arrived", "on_task", "done"];
const TAKEN = ["accepted", ...STEPS];
export const LIVE_DISPATCH = ["open", "filled", "unfilled"];
const BEEP_EVERY_MS = 4000;
const BEEP_FOR_MS = 90000;

route("/dispatch/offers/:id", { section: "dispatch-offer", title: () => strings.dispOfferTitle, enter: ({ id }) => showWayThere(Number(id)) });

// ---- outbox kinds: the server answers a repeat of each the same way as the first ----

const offerPath = (item, what) => "dispatch-offers/" + item.payload.offer + "/" + what + "/";
registerKind("dispatch.seen", {
  label: (item) => t("outboxDispSeen", { area: item.payload.area }),
  send: (item) => postJson(offerPath(item, "seen")),
});
registerKind("dispatch.accept", {
  label: (item) => t("outboxDispAccept", { area: item.payload.area }),
  send: (item) => postJson(offerPath(item, "accept")),
});
registerKind("dispatch.decline", {
  label: (item) => t("outboxDispDecline", { area: item.payload.area }),
  send: (item) => postJson(offerPath(item, "decline")),
});
registerKind("dispatch.progress", {
  label: (item) => t("outboxDispProgress", { step: strings["dispStep_" + item.payload.step], area: item.payload.area }),
  // The time it was tapped, not the time a weak signal let it through.
  send: (item) => postJson(offerPath(item, "progress"), { step: item.payload.step, occurred_at: new Date(item.createdAt).toISOString() }),
});

// ---- words ----

function distanceWords(metres) {
  if (metres < 1000) return t("dispMetres", { m: Math.max(10, Math.round(metres / 10) * 10) });
  return t("dispKilometres", { km: (metres / 1000).toFixed(1) });
}

let skillNames = null;
async function loadSkillNames() {
  if (skillNames) return skillNames;
  try {
    const page = await cachedGet("volunteers/skills/");
    skillNames = new Map(page.results.map((skill) => [skill.code, skill.name]));
  } catch (error) {
    return new Map();  // no signal and never seen: the code is better than nothing
  }
  return skillNames;
}

async function skillName(code) {
  if (!code) return strings.dispNoSkill;
  return (await loadSkillNames()).get(code) || code;
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString(isChinese ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

const fact = (term, text) => [el("dt", { text: term }), el("dd", { text })];

// ---- the offer overlay ----

const waitingOffers = new Map();  // offer id -> what the event (or the list) said about it
let shown = null;
let beeper = null;

/** An offer to answer: shown at once over whatever screen is open, unless already answered here. */
async function offerArrived(offer) {
  if (!PENDING.includes(offer.status)) return;
  const answered = (await waitingFor("offer:" + offer.offer)).some((item) => item.kind !== "dispatch.seen");
  if (answered) return;
  waitingOffers.set(offer.offer, offer);
  if (!shown) await showOverlay(offer);
}

async function showOverlay(offer) {
  shown = offer;
  const box = $("offer-overlay");
  box.classList.toggle("drill", offer.is_drill);
  $("offer-drill").hidden = !offer.is_drill;
  $("offer-urgency").textContent = strings["dispUrgency_" + offer.urgency] || "";
  $("offer-urgency").dataset.urgency = offer.urgency;
  // Each label with its value in one group (a <div> in the <dl>), so that they share a line.
  const group = (term, text) => el("div", {}, ...fact(term, text));
  $("offer-facts").replaceChildren(
    group(strings.dispDistance, distanceWords(offer.distance_m)), group(strings.dispArea, offer.area),
    group(strings.dispSkill, await skillName(offer.skill)), group(strings.dispPeople, String(offer.people_needed)));
  box.dataset.offer = String(offer.offer);
  answering(true);
  note("");
  box.hidden = false;
  behindOverlay(true);
  $("offer-title").focus();
  alarm(offer);
  markSeen(offer);
}

/** While the overlay is up, nothing behind it can be reached (screen readers, Tab). */
function behindOverlay(covered) {
  for (const part of document.querySelectorAll("body > header, body > main")) part.inert = covered;
}

function answering(open) {
  $("offer-overlay").classList.toggle("answered", !open);
  $("offer-answers").hidden = !open;
  $("offer-ok").hidden = open;
  $("offer-accept").disabled = false;
  $("offer-decline").disabled = false;
}

function note(text, tone = "info") {
  $("offer-note").textContent = text;
  $("offer-note").hidden = !text;
  $("offer-note").dataset.tone = tone;
}

/** Close the overlay on this offer (answered, stood down) and show the next one waiting. */
function closeOverlay(offerId) {
  waitingOffers.delete(offerId);
  if (!shown || shown.offer !== offerId) return;
  shown = null;
  silence();
  $("offer-overlay").hidden = true;
  behindOverlay(false);
  const next = waitingOffers.values().next().value;
  if (next) showOverlay(next);
}

/** A beep every few seconds and a vibration, where the browser allows them (a phone
 * that was never tapped since the page loaded may refuse both: the screen still shows). */
function alarm(offer) {
  silence();
  const started = Date.now();
  const once = () => {
    if (Date.now() - started > BEEP_FOR_MS) { silence(); return; }
    const beeped = beep(offer.urgency === "emergency" ? 880 : 660);
    let vibrated = false;
    try { vibrated = Boolean(navigator.vibrate && navigator.vibrate([400, 200, 400])); } catch (error) { /* not allowed */ }
    // What the phone could do, for the people (and tests) checking that it did.
    $("offer-overlay").dataset.alerted = [beeped ? "sound" : "", vibrated ? "vibration" : ""].filter(Boolean).join(" ") || "screen";
  };
  once();
  beeper = setInterval(once, BEEP_EVERY_MS);
}

let audio = null;
function beep(frequency) {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return false;
  try {
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = "square";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.25, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.6);
    return audio.state === "running";
  } catch (error) {
    return false;
  }
}

function silence() {
  clearInterval(beeper);
  beeper = null;
  try { if (navigator.vibrate) navigator.vibrate(0); } catch (error) { /* not allowed */ }
}

/** Tell the server the phone showed it; its answer also says whether the offer is still open. */
async function markSeen(offer) {
  const item = await enqueue("dispatch.seen", { payload: { offer: offer.offer, area: offer.area }, subject: "offer:" + offer.offer });
  const sent = await flushOutbox();
  const answer = sent.get(item.uuid);
  if (answer && !PENDING.includes(answer.status) && shown && shown.offer === offer.offer) closeOverlay(offer.offer);
}

async function acceptShown() {
  const offer = shown;
  if (!offer) return;
  $("offer-accept").disabled = true;
  $("offer-decline").disabled = true;
  silence();
  note(strings.sending);
  const item = await enqueue("dispatch.accept", { payload: { offer: offer.offer, dispatch: offer.dispatch, area: offer.area }, subject: "offer:" + offer.offer });
  const sent = await flushOutbox();
  if (sent.has(item.uuid)) return;  // "outbox-sent" opened the way there
  const left = (await outboxAll()).find((one) => one.uuid === item.uuid);
  if (left && !left.error) {
    note(strings.dispAcceptQueued, "error");
    answering(false);
  }
  // A refusal (already filled, closed) is shown by reviewRefusals, for this tap as for a later send.
}

function accepted(offerId) {
  closeOverlay(offerId);
  say(strings.dispAccepted);
  go("/dispatch/offers/" + offerId);
}

async function declineShown() {
  const offer = shown;
  if (!offer) return;
  closeOverlay(offer.offer);
  const item = await enqueue("dispatch.decline", { payload: { offer: offer.offer, area: offer.area }, subject: "offer:" + offer.offer });
  const sent = await flushOutbox();
  if (sent.has(item.uuid)) say(strings.dispDeclined);
  else if (!(await outboxAll()).some((one) => one.uuid === item.uuid && one.error)) say(strings.dispDeclineQueued);
}

/**
 * Refused answers to offers: an acceptance refused (already filled, closed) is shown on the
 * full screen with the server's words; it is then done with and leaves the outbox. A refused
 * "seen" or decline means the offer is no longer open: nothing for the person to do.
 */
const reviewed = new Set();
async function reviewRefusals() {
  for (const item of await outboxAll()) {
    if (!item.error || !item.kind.startsWith("dispatch.") || reviewed.has(item.uuid)) continue;
    if (item.kind === "dispatch.progress") continue;  // stays in the outbox with its reason
    reviewed.add(item.uuid);
    waitingOffers.delete(item.payload.offer);
    if (item.kind === "dispatch.accept") showRefusedAccept(item);
    else outboxDelete(item.uuid);
  }
}

function showRefusedAccept(item) {
  const message = refusalText({ status: item.error.status, body: { message: item.error.body.message } });
  if (!shown || shown.offer !== item.payload.offer) {
    shown = { offer: item.payload.offer, area: item.payload.area };
    $("offer-facts").replaceChildren(el("div", {}, ...fact(strings.dispArea, item.payload.area)));
    $("offer-overlay").hidden = false;
    behindOverlay(true);
  }
  silence();
  note(message, "error");
  answering(false);
  $("offer-ok").dataset.refused = item.uuid;
  $("offer-ok").focus();
}

async function okTapped() {
  const refused = $("offer-ok").dataset.refused;
  delete $("offer-ok").dataset.refused;
  if (refused) await outboxDelete(refused);
  if (shown) closeOverlay(shown.offer);
}

/**
 * Offers still open (on start, on the home screen and every reconnect: an offer missed while
 * away is still shown). Resolves with the offer I am on, if any, or undefined with no signal.
 */
export async function lookForOffers() {
  loadSkillNames();  // kept, so that an offer shows its skill at once, even with no signal
  let page;
  try { page = await api("dispatch-offers/?open=1"); } catch (error) { return undefined; }
  for (const offer of page.results) {
    if (PENDING.includes(offer.status)) await offerArrived({ ...offer, offer: offer.id });
  }
  return page.results.find((offer) => TAKEN.includes(offer.status)) || null;
}

// ---- the way there ----

let shownOffer = null;

async function showWayThere(id) {
  const [offer, waiting] = await Promise.all([cachedGet("dispatch-offers/" + id + "/"), waitingFor("offer:" + id)]);
  shownOffer = offer;
  const live = LIVE_DISPATCH.includes(offer.dispatch_status);
  const mine = TAKEN.includes(offer.status) || offer.status === "done";
  const acceptWaiting = waiting.some((item) => item.kind === "dispatch.accept" && !item.error);
  $("disp-drill").hidden = !offer.is_drill;
  $("disp-state").textContent = offer.status === "done" ? strings.dispThanks
    : !live ? strings.dispClosed
    : acceptWaiting ? strings.dispAcceptWaiting
    : !mine && !PENDING.includes(offer.status) ? strings.dispNotYours : "";
  const facts = [];
  if (offer.place) facts.push(...fact(strings.dispAddress, offer.place.address || offer.area));
  facts.push(...fact(strings.dispArea, offer.area), ...fact(strings.dispDistance, distanceWords(offer.distance_m)));
  if (offer.description) facts.push(...fact(strings.dispWhat, offer.description));
  facts.push(...fact(strings.dispSkill, await skillName(offer.skill)));
  if (offer.accepted_at) facts.push(...fact(strings.dispAcceptedAt, formatDate(offer.accepted_at)));
  if (!offer.place && live) facts.push(...fact(strings.dispAddress, strings.dispPlaceAfterAccept));
  $("disp-facts").replaceChildren(...facts);
  showMaps(offer.place);
  showSteps(offer, waiting, live && mine);
}

function showMaps(place) {
  $("disp-maps").hidden = !place;
  if (!place) return;
  const label = encodeURIComponent(place.address || "");
  // geo: opens the phone's own map app (Android); the web map link works everywhere and
  // hands over to the Amap app where it is installed. Links only: no map script loads here.
  $("disp-map-app").href = `geo:${place.lat},${place.lng}?q=${place.lat},${place.lng}(${label})`;
  $("disp-map-web").href = `https://uri.amap.com/marker?position=${place.lng},${place.lat}&name=${label}&coordinate=wgs84&callnative=1`;
}

function showSteps(offer, waiting, active) {
  const queued = new Set(waiting.filter((item) => item.kind === "dispatch.progress" && !item.error).map((item) => item.payload.step));
  const reached = Math.max(STEPS.indexOf(offer.status), ...STEPS.map((step, index) => (queued.has(step) ? index : -1)));
  const list = $("disp-steps");
  list.replaceChildren();
  $("disp-steps-title").hidden = !(active || offer.en_route_at);
  let next = true;
  STEPS.forEach((step, index) => {
    const at = offer[step + "_at"];
    const row = el("li", { attrs: { "data-step": step } });
    if (at) row.append(el("p", { cls: "step-done", text: "✓ " + t("dispStepDone_" + step, { time: clock(at) }) }));
    else if (queued.has(step)) row.append(el("p", { cls: "waiting", text: t("dispStepQueued", { step: strings["dispStep_" + step] }) }));
    else if (active && index > reached && offer.status !== "done") {
      const button = el("button", { cls: next ? "primary big" : "", text: strings["dispStep_" + step], attrs: { type: "button", "data-progress": step } });
      button.addEventListener("click", () => progress(step));
      row.append(button);
      next = false;
    } else return;
    list.append(row);
  });
}

async function progress(step) {
  const offer = shownOffer;
  for (const button of document.querySelectorAll("#disp-steps button")) button.disabled = true;
  const item = await enqueue("dispatch.progress", { payload: { offer: offer.id, step, area: offer.area }, subject: "offer:" + offer.id });
  say(strings.sending);
  const sent = await flushOutbox();
  const left = (await outboxAll()).find((one) => one.uuid === item.uuid);
  if (sent.has(item.uuid)) say(t("dispStepSaved", { step: t("dispStepDone_" + step, { time: clock(sent.get(item.uuid)[step + "_at"]) }) }));
  else if (left && left.error) say(refusalText({ status: left.error.status, body: left.error.body }), "error");
  else say(strings.dispStepKept);
  await showWayThere(offer.id);
}

// ---- wiring ----

/** The way there again as the server has it now, in place (no jump to the top of the screen). */
function redrawWayThere(offerId) {
  const screen = currentRoute();
  if (screen && screen.section === "dispatch-offer" && shownOffer && (offerId === undefined || shownOffer.id === offerId)) showWayThere(shownOffer.id).catch(() => {});
}

function onEvent(event) {
  const { type, data } = event.detail || {};
  if (!type || !type.startsWith("dispatch.") || !data) return;
  if (type === "dispatch.offered") offerArrived(data);
  else if (type === "dispatch.stood_down") {
    // An offer whose acceptance is already on its way (queued, or refused and on screen)
    // stays: the server's answer to it ("already filled") is what the person reads next.
    const answered = (offer) => shown && shown.offer === offer.offer && $("offer-answers").hidden;
    const standing = [...waitingOffers.values()].filter((offer) => offer.dispatch === data.dispatch && !answered(offer));
    for (const offer of standing) closeOverlay(offer.offer);
    if (standing.length || (shownOffer && shownOffer.dispatch === data.dispatch)) say(strings.dispStoodDown);
    redrawWayThere();
  } else if (type === "dispatch.offer_changed") {
    // This volunteer's own offer, answered on this phone or another one.
    if (!PENDING.includes(data.status) && waitingOffers.has(data.offer) && !(shown && shown.offer === data.offer && $("offer-answers").hidden)) closeOverlay(data.offer);
    redrawWayThere(data.offer);
  } else if (type === "dispatch.closed" && shownOffer && shownOffer.dispatch === data.dispatch) {
    say(strings.dispClosed);
    redrawWayThere();
  } else if (type === "dispatch.opened") say(strings.dispGridOpened);
  else if (type === "dispatch.unfilled") say(strings.dispGridUnfilled, "error");
}

function setup() {
  $("offer-accept").addEventListener("click", acceptShown);
  $("offer-decline").addEventListener("click", declineShown);
  $("offer-ok").addEventListener("click", okTapped);
  $("dispatch-offer").querySelector("button.back").addEventListener("click", back);
  document.addEventListener("safegrid-event", onEvent);
  document.addEventListener("safegrid-live", lookForOffers);
  document.addEventListener("outbox-changed", reviewRefusals);
  // Signed out (session expired): the offer belonged to that user, so it goes too.
  document.addEventListener("session-expired", () => { waitingOffers.clear(); if (shown) closeOverlay(shown.offer); });
  // Sent later (back online): an acceptance that went through opens the way there.
  document.addEventListener("outbox-sent", (event) => {
    const { item, answer } = event.detail;
    if (item.kind === "dispatch.accept" && answer && TAKEN.includes(answer.status)) accepted(item.payload.offer);
    else if (item.kind === "dispatch.progress") redrawWayThere(item.payload.offer);
  });
}

setup();
