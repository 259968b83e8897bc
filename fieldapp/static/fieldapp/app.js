// SafeGrid field app: sign in, home by role, the outbox, and the screens other modules add.
"use strict";

import { $, api, el, strings, TOKEN_KEY, cachedGet, clearCache, token, t } from "./api.js";
import { refusalText, say } from "./messages.js";
import { flushOutbox, kindOf, outboxAll, outboxDelete, setOutboxOwner } from "./outbox.js";
import { go, render, route, setGuard, currentRoute } from "./router.js";
import { hazardCard, pagedList, query } from "./lists.js";
import { refreshHazard, setHazardUser, shownHazardId } from "./hazard.js";
import { loadCategories, setupReport } from "./report.js";
import { setupPatrol } from "./patrol.js";
import { balance } from "./points.js";
import { forgetLastEvent, startLive, stopLive } from "./live.js";
import "./kinds.js";
import "./volunteers.js";
import "./dispatch.js";
import "./dispatch_home.js";
import "./dispatch_open.js";
import { photoPicker } from "./photos.js";

const OPEN = ["reported", "assigned", "rectifying", "awaiting_verification"];
const RETRY_MS = 60000;
const ME_KEY = "safegrid.me";
let me = null;

route("/signin", { section: "signin", title: () => strings.signIn });
route("/", { section: "home", title: () => strings.homeTitle, enter: showHome });
route("/outbox", { section: "outbox", title: () => strings.outboxTitle, enter: showOutbox });
route("/mine", { section: "mine", title: () => strings.myReports, enter: () => pagedList($("mine-list"), query("hazards/", { reporter: me.id })) });

// Without a token every screen but sign-in leads to sign-in.
setGuard((target) => (!token() && target.section !== "signin" ? "/signin" : null));

async function loadMe() {
  me = await cachedGet("me/");
  localStorage.setItem(ME_KEY, String(me.id));
  setOutboxOwner(me.id);
  setHazardUser(me);
  return me;
}

function roleBlock(id, visible) { $(id).hidden = !visible; }

let homeRun = null;
let homeAgain = false;

/**
 * Draw the home screen. Events come in bursts (assign + status change): while one draw
 * runs, later requests collapse into a single follow-up, so two draws never interleave.
 */
function showHome() {
  if (homeRun) { homeAgain = true; return homeRun; }
  homeRun = drawHome().finally(() => {
    homeRun = null;
    if (homeAgain) { homeAgain = false; showHome(); }
  });
  return homeRun;
}

async function drawHome() {
  if (!me) await loadMe();
  $("greeting").textContent = t("hello", { name: me.display_name || me.username });
  const grid = me.worker_grid || me.home_grid;
  $("grid").textContent = grid ? grid.community.name + " · " + grid.name : strings.noGrid;
  const worker = Boolean(me.worker_grid);
  const staff = (me.staff_communities || []).length > 0;
  roleBlock("home-worker", worker);
  roleBlock("home-staff", staff);
  roleBlock("home-resident", !worker && !staff);
  await renderOutboxCount();
  const jobs = [loadCategories()];  // kept for reporting with no signal
  if (worker) {
    const seen = new Set();
    // Mine first, by deadline; the grid's other open hazards after, each hazard once.
    jobs.push(pagedList($("assigned-list"), query("hazards/", { assignee: me.id, status: ["assigned", "rectifying"], ordering: "due_at" }), { seen })
      .then(() => pagedList($("grid-list"), query("hazards/", { grid: me.worker_grid.id, status: OPEN, ordering: "due_at" }), { seen })));
    jobs.push(showDue());
  }
  if (staff) {
    jobs.push(pagedList($("triage-list"), query("hazards/", { status: "reported", ordering: "due_at" })));
    jobs.push(pagedList($("verify-list"), query("hazards/", { status: "awaiting_verification", ordering: "due_at" })));
  }
  if (!worker && !staff) jobs.push(balance().then((points) => { $("home-points").textContent = t("pointsBalance", { points }); }));
  const results = await Promise.allSettled(jobs);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) say(refusalText(failed.reason), "error");
}

async function showDue() {
  const due = await cachedGet("inspections/due/");
  // What a patrol needs, kept now so that it can be done with no signal.
  cachedGet("checklists/").catch(() => {});
  const list = $("due-list");
  list.replaceChildren();
  if (!due.length) list.append(el("li", { cls: "empty", text: strings.nothingDue }));
  for (const site of due) {
    const when = site.due_at ? t("dueBy", { date: new Date(site.due_at).toLocaleDateString(document.documentElement.lang) }) : strings.neverInspected;
    const start = el("a", { cls: "button primary", text: strings.startPatrol, attrs: { href: "/patrol/" + site.enterprise, "data-patrol": site.enterprise } });
    start.addEventListener("click", (event) => { event.preventDefault(); go("/patrol/" + site.enterprise); });
    list.append(el("li", { cls: "card" }, el("strong", { text: site.name }), el("span", { cls: "meta", text: site.address }), el("span", { cls: "meta", text: when }), start));
  }
}

async function renderOutboxCount() {
  const items = await outboxAll();
  const refused = items.filter((item) => item.error).length;
  const link = $("outbox-link");
  link.hidden = items.length === 0;
  link.dataset.count = String(items.length);
  link.textContent = refused ? t("outboxCountRefused", { count: items.length, refused }) : t("outboxCount", { count: items.length });
}

async function showOutbox() {
  const items = await outboxAll();
  const list = $("outbox-items");
  list.replaceChildren();
  if (!items.length) list.append(el("li", { cls: "empty", text: strings.outboxEmpty }));
  for (const item of items) list.append(outboxCard(item));
}

function outboxCard(item) {
  const handler = kindOf(item);
  const card = el("li", { cls: "card outbox-item", attrs: { "data-uuid": item.uuid, "data-kind": item.kind } });
  card.append(el("strong", { text: handler ? handler.label(item) : strings.unknownWrite }));
  if (item.photos && item.photos.length) card.append(el("span", { cls: "meta", text: t("withPhotos", { count: item.photos.length }) }));
  if (item.error) {
    card.append(el("p", { cls: "refused", text: strings.refusedTitle + " " + refusalText({ status: item.error.status, body: item.error.body }) }));
    // Only refused items may be deleted; a waiting one is still going to be sent.
    const discard = el("button", { text: strings.discard, attrs: { type: "button" } });
    discard.addEventListener("click", async () => { await outboxDelete(item.uuid); showOutbox(); });
    card.append(discard);
  } else card.append(el("span", { cls: "badge", text: strings.waiting }));
  return card;
}

/** A hazard changed somewhere we can see: refresh what is on screen. */
function onHazardEvent(event) {
  const screen = currentRoute();
  if (screen && screen.section === "home") showHome().catch(() => {});
  const shown = event.type === "hazard.resync" || (event.data && event.data.id === shownHazardId());
  if (screen && screen.section === "hazard" && shown) refreshHazard().catch(() => {});
}

/** Retry the outbox (app start, back online, every minute) and say what went. */
async function sendWaiting() {
  if (!token() || !me) return;
  const before = await outboxAll();
  if (!before.length) return;
  const sent = await flushOutbox().catch(() => new Map());
  // A kind may say what its write did (a dispatch: how many volunteers are asked).
  const news = before.filter((item) => sent.has(item.uuid) && kindOf(item) && kindOf(item).sentText)
    .map((item) => kindOf(item).sentText(sent.get(item.uuid)));
  if (sent.size) say([t("sentLater", { count: sent.size }), ...news].join(" "));
  const left = await outboxAll();
  if (left.some((item) => item.error)) say(strings.someRefused, "error");
  if (sent.size) redrawAfterSending();
}

// Screens that only show what the server holds are drawn again after the outbox went;
// a form being filled in (report, patrol, a fix) is never redrawn under the user.
const REDRAWN = new Set(["home", "outbox", "mine", "points", "rewards", "vouchers", "voucher"]);
function redrawAfterSending() {
  const screen = currentRoute();
  if (screen && REDRAWN.has(screen.section)) render();
  else if (screen && screen.section === "hazard") refreshHazard().catch(() => {});
}

async function signedIn() {
  try {
    await loadMe();
  } catch (error) {
    if (error.status === 401) return;  // handled by session-expired
    say(refusalText(error), "error");
    return;
  }
  startLive(onHazardEvent);
  await render();
  sendWaiting();
}

function sessionExpired() {
  stopLive();
  me = null;
  // The outbox stays: it belongs to that user and is sent when they sign in again.
  go("/signin", { replace: true }).then(() => say(strings.sessionEnded, "error"));
}

function setup() {
  document.body.dataset.appName = strings.appName;
  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const body = await api("auth/token/", { method: "POST", body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
      localStorage.setItem(TOKEN_KEY, body.token);
      say("");
      // signedIn draws the screen once; drawing here too raced the user's first tap.
      history.replaceState({ depth: (history.state && history.state.depth) || 0 }, "", "/");
      await signedIn();
    } catch (error) {
      say(error.status === 400 || error.status === 401 ? strings.badLogin : refusalText(error), "error");
    }
  });
  $("signout").addEventListener("click", async () => {
    stopLive();
    try { await api("auth/logout/", { method: "POST" }); } catch (error) { /* token may already be gone */ }
    localStorage.removeItem(TOKEN_KEY);
    forgetLastEvent();
    clearCache();
    setOutboxOwner(null);
    me = null;
    go("/signin", { replace: true });
  });
  // In-app links are screens, not page loads.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-screen-link]");
    if (!link) return;
    event.preventDefault();
    go(link.getAttribute("href"));
  });
  for (const button of document.querySelectorAll("button.back")) button.addEventListener("click", () => history.length > 1 && history.state && history.state.depth ? history.back() : go("/", { replace: true }));
  // Switching language keeps the screen the user is on.
  document.querySelector("form.lang").addEventListener("submit", (event) => { event.target.elements.next.value = location.pathname; });
  $("large-text").addEventListener("change", (event) => setLargeText(event.target.checked));
  setLargeText(localStorage.getItem("safegrid.largeText") === "1");
  document.addEventListener("session-expired", sessionExpired);
  document.addEventListener("outbox-changed", () => {
    renderOutboxCount();
    const screen = currentRoute();
    if (screen && screen.section === "outbox") showOutbox();
  });
  window.addEventListener("online", sendWaiting);
  // "online" does not fire when the phone has a signal but requests still fail (weak
  // signal, captive Wi-Fi): try again every minute while something is waiting.
  setInterval(sendWaiting, RETRY_MS);
  setupReport();
  setupPatrol();
  photoPicker($("report-photo"), strings.takePhoto, strings.noPhotoYet);
}

function setLargeText(on) {
  document.documentElement.classList.toggle("large-text", on);
  $("large-text").checked = on;
  localStorage.setItem("safegrid.largeText", on ? "1" : "0");
}

setup();
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
if (token()) signedIn(); else render();
