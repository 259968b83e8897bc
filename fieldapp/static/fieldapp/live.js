// Live updates: a websocket that tells the app when hazards change, so lists refresh alone.
// A ticket is single-use and short-lived, so every (re)connect asks for a new one.
"use strict";

import { postJson } from "./api.js";

const LAST_ID_KEY = "safegrid.lastEventId";
const FIRST_WINDOW_MS = 2000;
const MAX_WINDOW_MS = 30000;
const ONLINE_WINDOW_MS = 1000;

let socket = null;
let wanted = false;
let handler = null;
let attempt = 0;
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
    attempt = 0;
    markLive(true);
    // Without a remembered id nothing can be replayed: refresh instead, as we may have missed some.
    if (connectedBefore && !lastId) handler({ type: "hazard.resync", data: {} });
    connectedBefore = true;
    // Modules that must not miss anything (an open dispatch offer) look again on every connect.
    document.dispatchEvent(new CustomEvent("safegrid-live", { detail: { connected: true } }));
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
  // Other programs' screens (volunteers, dispatch) listen for their own event types.
  document.dispatchEvent(new CustomEvent("safegrid-event", { detail: event }));
}

/**
 * How long to wait before reconnect attempt `n` (0 first): a random point in a window that
 * doubles from 2 s up to 30 s ("full jitter"). After a deploy or a network blip every phone
 * of a district loses its socket in the same second; random waits spread their reconnects
 * out instead of sending them all back at the same instant, and the doubling keeps a dead
 * server from being hammered.
 */
export function reconnectDelay(n, random = Math.random) {
  const windowMs = Math.min(FIRST_WINDOW_MS * 2 ** n, MAX_WINDOW_MS);
  return Math.floor(random() * windowMs);
}

function retry() {
  if (!wanted) return;
  clearTimeout(timer);
  timer = setTimeout(connect, reconnectDelay(attempt));
  attempt += 1;
}

// A phone's socket can stay half-open for minutes after the signal drops: close it as soon
// as the browser knows, and reconnect (replaying what was missed) the moment it is back.
window.addEventListener("offline", () => { if (socket) socket.close(); });
// Phones under one cell come back online together: a short random wait spreads them too.
window.addEventListener("online", () => {
  attempt = 0;
  clearTimeout(timer);
  timer = setTimeout(connect, Math.floor(Math.random() * ONLINE_WINDOW_MS));
});
