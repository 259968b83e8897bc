// One-click dispatch on the home screen: the on-duty switch of every volunteer, the way
// back to the dispatch I am on, and for a grid worker or staff the live dispatches they follow.
"use strict";

import { $, cachedGet, el, formatDate, strings, t } from "./api.js";
import { outboxAll } from "./outbox.js";
import { currentRoute } from "./router.js";
import { position, write } from "./volunteers.js";
import { LIVE_DISPATCH, lookForOffers } from "./dispatch.js";

/** The on-duty switch as the server (or the outbox) has it; resolves with the profile, or null. */
async function showDuty() {
  let profile;
  try { profile = await cachedGet("volunteers/me/"); } catch (error) { $("home-duty").hidden = true; return null; }
  $("home-duty").hidden = false;
  const queued = (await outboxAll()).filter((item) => item.kind === "volunteer.duty" && !item.error).pop();
  const on = queued ? queued.payload.on_duty : profile.on_duty;
  $("home-duty-switch").checked = on;
  $("home-duty-switch").disabled = profile.status === "paused";
  $("home-duty-note").textContent = profile.status === "paused" ? strings.volDutyPaused
    : queued ? strings.dispDutyQueued : on ? strings.volDutyOn : strings.volDutyOff;
  return profile;
}

async function dutyChanged(event) {
  const on = event.target.checked;
  const payload = { on_duty: on };
  const here = on ? await position() : null;
  if (here) Object.assign(payload, here);
  await write("volunteer.duty", { payload }, on ? strings.volDutyOn : strings.volDutyOff);
  await showDuty();
}

function showOnDispatch(offer) {
  const banner = $("home-dispatch");
  banner.hidden = !offer;
  if (!offer) return;
  banner.href = "/dispatch/offers/" + offer.id;
  banner.textContent = t("dispOnDispatch", { area: offer.area });
}

/** The live dispatches a grid worker or staff member follows (the server scopes the list). */
async function showGridDispatches() {
  if ($("home-worker").hidden && $("home-staff").hidden) { $("grid-dispatch-block").hidden = true; return; }
  let page;
  try { page = await cachedGet("dispatches/"); } catch (error) { return; }
  const live = page.results.filter((dispatch) => LIVE_DISPATCH.includes(dispatch.status));
  $("grid-dispatch-block").hidden = !live.length;
  $("grid-dispatches").replaceChildren(...live.map((dispatch) => el("li", { cls: "card dispatch-" + dispatch.status, attrs: { "data-dispatch": dispatch.id } },
    el("strong", { text: (dispatch.is_drill ? strings.dispDrill + " · " : "") + dispatch.area }),
    el("span", { cls: "badge", text: strings["dispStatus_" + dispatch.status] }),
    el("span", { cls: "meta", text: t("dispAcceptedCount", { accepted: dispatch.accepted, needed: dispatch.people_needed }) }),
    dispatch.description ? el("span", { cls: "meta", text: dispatch.description }) : null,
    el("span", { cls: "meta", text: dispatch.address + " · " + t("dispOpenedAt", { time: formatDate(dispatch.opened_at) }) }))));
}

function onHome() {
  const screen = currentRoute();
  return Boolean(screen && screen.section === "home");
}

function setup() {
  $("home-duty-switch").addEventListener("change", dutyChanged);
  document.addEventListener("screen-shown", (event) => {
    if (event.detail.section !== "home") return;
    showGridDispatches();
    // Only volunteers are offered dispatches: nobody else asks for offers on every home visit.
    showDuty().then((profile) => (profile ? lookForOffers() : null)).then((onIt) => { if (onIt !== undefined) showOnDispatch(onIt); });
  });
  document.addEventListener("safegrid-event", (event) => {
    const type = (event.detail && event.detail.type) || "";
    if (type.startsWith("dispatch.") && type !== "dispatch.offered" && onHome()) showGridDispatches();
  });
  document.addEventListener("outbox-sent", (event) => {
    if (event.detail.item.kind === "volunteer.duty" && onHome()) showDuty();
  });
}

setup();
