// Live updates: a websocket that tells the app when hazards change, so lists refresh alone.
// A ticket is single-use and short-lived, so every (re)connect asks for a new one.
"use strict";

import { postJson } from "./api.js";

const LAST_ID_KEY = "safegrid.lastEventId";
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;

let socket = null;
let wanted = false;
let handler = null;
let delay = FIRST_DELAY_MS;
let timer = null;
let connectedBefore = false;

/** Start listening; `onHazard(event)` runs for every hazard.* event, including replays. */
export function startLive(onHazard) {
  handler = onHazard;
  if (wanted) return;  // already listening (e.g. signed in again without a reload)
  wanted = true;
  connectedBefore = false;
  connect();
}

export function stopLive() {
  wanted = false;
  clearTimeout(timer);
  if (socket) socket.close();
  socket = null;
}

export function forgetLastEvent() { localStorage.removeItem(LAST_ID_KEY); }

async function connect() {
  if (!wanted || socket) return;
  let ticket;
  try {
    ticket = await postJson("auth/ws-ticket/");
  } catch (error) {
    if (error.status === 401) { wanted = false; return; }  // signed out: nothing to listen to
    retry();
    return;
  }
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const lastId = localStorage.getItem(LAST_ID_KEY);
  // last_event_id makes the server replay what happened while we were away.
  const url = scheme + location.host + ticket.url + (lastId ? "&last_event_id=" + encodeURIComponent(lastId) : "");
  socket = new WebSocket(url);
  socket.onopen = () => {
    delay = FIRST_DELAY_MS;
    markLive(true);
    // Without a remembered id nothing can be replayed: refresh instead, as we may have missed some.
    if (connectedBefore && !lastId) handler({ type: "hazard.resync", data: {} });
    connectedBefore = true;
  };
  socket.onmessage = (message) => handle(JSON.parse(message.data));
  socket.onclose = () => { socket = null; markLive(false); retry(); };
}

/** Exposed on <html data-live> so that the page (and tests) can tell whether updates flow. */
function markLive(connected) {
  document.documentElement.dataset.live = connected ? "connected" : "disconnected";
}

function handle(event) {
  // Only logged events have ids (hello/pong do not); remember the newest for replay.
  if (event.id) {
    const last = Number(localStorage.getItem(LAST_ID_KEY) || 0);
    if (event.id > last) localStorage.setItem(LAST_ID_KEY, String(event.id));
  }
  if (typeof event.type === "string" && event.type.startsWith("hazard.")) handler(event);
}

/** Back off 1 s, 2 s, 4 s … up to 30 s, so a dead server is not hammered by every phone. */
function retry() {
  if (!wanted) return;
  clearTimeout(timer);
  timer = setTimeout(connect, delay);
  delay = Math.min(delay * 2, MAX_DELAY_MS);
}

// A phone's socket can stay half-open for minutes after the signal drops: close it as soon
// as the browser knows, and reconnect (replaying what was missed) the moment it is back.
window.addEventListener("offline", () => { if (socket) socket.close(); });
window.addEventListener("online", () => {
  delay = FIRST_DELAY_MS;
  clearTimeout(timer);
  connect();
});
