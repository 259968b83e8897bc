// SafeGrid field app: sign in, report hazards (also offline), work through my list, live.
"use strict";

import { $, api, el, strings, say, TOKEN_KEY, cachedGet, clearCache, errorText } from "./api.js";
import { flushOutbox, outboxAll, outboxDelete, setOutboxOwner } from "./outbox.js";
import { loadCategories, openReport, setupReport } from "./report.js";
import { detailHazardId, refreshDetail, refreshList, setUser } from "./work.js";
import { forgetLastEvent, startLive, stopLive } from "./live.js";

const SECTIONS = ["signin", "home", "report", "list", "detail"];
const RETRY_MS = 60000;
let current = "signin";
let previous = "home";

function show(section) {
  // The detail's Back returns to where it was opened from (usually the list).
  if (section === "detail" && current !== "detail") previous = current;
  current = section;
  for (const id of SECTIONS) $(id).hidden = id !== section;
  window.scrollTo(0, 0);
}

async function loadHome() {
  say(strings.loading);
  try {
    const me = await cachedGet("me/");
    setUser(me);
    setOutboxOwner(me.id);
    $("greeting").textContent = strings.hello + ", " + (me.display_name || me.username);
    $("roles").textContent = me.roles.map((role) => strings[role] || role).join(" · ");
    const grid = me.worker_grid || me.home_grid;
    $("grid").textContent = grid ? grid.community.name + " · " + grid.name : strings.noGrid;
    show("home");
    say(navigator.onLine ? "" : strings.offline);
    // Without categories one cannot report, but the list, live updates and outbox still work.
    await loadCategories().catch((error) => say(errorText(error)));
    startLive(onHazardEvent);
    await sendWaiting();
  } catch (error) {
    if (error.status === 401) { localStorage.removeItem(TOKEN_KEY); clearCache(); show("signin"); say(""); }
    else say(errorText(error));
  }
}

/** A hazard changed somewhere we can see: refresh what is on screen (cheap, one page). */
function onHazardEvent(event) {
  if (current === "list") refreshList().catch(() => {});
  const shown = event.type === "hazard.resync" || (event.data && event.data.id === detailHazardId());
  if (current === "detail" && shown) refreshDetail().catch(() => {});
}

/** Retry the outbox (app start, back online) and redraw the "waiting to send" list. */
async function sendWaiting() {
  if (!localStorage.getItem(TOKEN_KEY)) return;
  const sent = await flushOutbox().catch(() => new Map());
  if (sent.size) say(strings.sentLater);
  await renderOutbox();
  if (sent.size && current === "list") refreshList().catch(() => {});
}

async function renderOutbox() {
  const items = await outboxAll();
  $("outbox").hidden = items.length === 0;
  const list = $("outbox-items");
  list.replaceChildren();
  for (const item of items) list.append(outboxCard(item));
}

function outboxCard(item) {
  const card = el("li", { cls: "card outbox-item", attrs: { "data-uuid": item.uuid } });
  card.append(el("strong", { text: item.payload.description }));
  const state = item.error ? strings.failed + ": " + (item.error === "conflict" ? strings.conflict : item.error) : strings.waiting;
  card.append(el("span", { cls: "badge", text: state }));
  if (item.error) {
    // Only refused items may be deleted; a waiting one is still going to be sent.
    const discard = el("button", { text: strings.discard, attrs: { type: "button" } });
    discard.addEventListener("click", async () => { await outboxDelete(item.uuid); renderOutbox(); });
    card.append(discard);
  }
  return card;
}

async function openList() {
  show("list");
  say(strings.loading);
  try { await refreshList(); say(""); } catch (error) { say(errorText(error)); }
}

function setup() {
  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const body = await api("auth/token/", { method: "POST", body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
      localStorage.setItem(TOKEN_KEY, body.token);
      await loadHome();
    } catch (error) {
      say(error.status === 401 ? strings.badLogin : errorText(error));
    }
  });
  $("signout").addEventListener("click", async () => {
    stopLive();
    try { await api("auth/logout/", { method: "POST" }); } catch (error) { /* token may already be gone */ }
    localStorage.removeItem(TOKEN_KEY);
    forgetLastEvent();
    clearCache();
    setOutboxOwner(null);
    $("outbox").hidden = true;
    show("signin");
  });
  $("go-report").addEventListener("click", () => { show("report"); openReport(); });
  $("go-list").addEventListener("click", openList);
  for (const back of document.querySelectorAll("button.back")) {
    back.addEventListener("click", () => {
      if (current === "detail" && previous === "list") openList();
      else show("home");
    });
  }
  document.addEventListener("show", (event) => show(event.detail));
  document.addEventListener("outbox-changed", renderOutbox);
  window.addEventListener("online", sendWaiting);
  // "online" does not fire when the phone has a signal but requests still fail (weak
  // signal, captive Wi-Fi): try again every minute while something is waiting.
  setInterval(async () => {
    if (localStorage.getItem(TOKEN_KEY) && (await outboxAll()).length) sendWaiting();
  }, RETRY_MS);
  setupReport();
}

setup();
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
if (localStorage.getItem(TOKEN_KEY)) loadHome(); else show("signin");
