// Load client for bench/ws_fanout.py: opens one websocket per URL (read as JSON lines on
// stdin), and once every socket has opened or failed prints one JSON line
// {"phase": "connected", open, failed, pending, connect_ms, closeCodes}. It then records,
// for each socket, the delay between an event's `sent_at_ms` and its arrival, and prints
// {"delays": {kind: [ms, ...]}, ...} once every open socket has its events or the time
// limit passes. Sockets are the `ws` package's (bench/package.json; the benchmarks run
// `npm ci` in bench/ when it is missing): per handshake it took a third to a half less CPU
// than Node's built-in WebSocket here, and the client must not be the bottleneck. Both JSON lines
// carry `cpu_ms`, the client's own CPU time so far, to show it was not.
//
// WS_WAVE sockets are opened at a time, the next wave when the last one has settled: 50
// by default (phones reconnecting a few at a time); WS_WAVE=0 opens every socket in the
// same instant (a reconnect storm), and connect_ms is then measured from that instant.
// A socket not open after WS_CONNECT_LIMIT_MS (60 s) counts as pending, not open.
//
// WS_RECORD_TYPES (comma-separated event types, bench/dispatch.py) records the arrival
// time of every event of those types as [type, data.dispatch, epoch ms] in `arrivals`;
// the client finishes once WS_EXPECT of them have arrived.
import { createInterface } from "node:readline";
import WebSocket from "ws";

const timeoutMs = Number(process.argv[2] || 30000);
const rounds = Number(process.argv[3] || 1);
const wave = Number(process.env.WS_WAVE ?? 50);
const connectLimitMs = Number(process.env.WS_CONNECT_LIMIT_MS || 60000);
const urls = [];
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) urls.push(JSON.parse(line));
}

// Delays per event kind ("bare" or "seam"), so both can share one run and one process.
const delays = {};
const connectMs = [];
const closeCodes = {};
const sockets = [];
let received = 0;
let open = 0;
let failed = 0;
let connectedReported = false;
let done = false;
const recordTypes = (process.env.WS_RECORD_TYPES || "").split(",").filter(Boolean);
const expectRecorded = Number(process.env.WS_EXPECT || 0);
const arrivals = [];

function openSocket(url, startedAt) {
  const ws = new WebSocket(url);
  let opened = false;
  sockets.push(ws);
  ws.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (recordTypes.includes(event.type)) {
      arrivals.push([event.type, event.data && event.data.dispatch, Date.now()]);
      if (expectRecorded && arrivals.length >= expectRecorded) finish();
    }
    const sent = event.data && event.data.sent_at_ms;
    if (sent) {
      const kind = event.data.kind || "event";
      (delays[kind] = delays[kind] || []).push(Date.now() - sent);
      received += 1;
      if (connectedReported && received === open * rounds) finish();
    }
  };
  ws.onerror = () => {};
  return new Promise((resolve) => {
    ws.onopen = () => {
      opened = true;
      open += 1;
      connectMs.push(Date.now() - startedAt);
      resolve();
    };
    ws.onclose = (event) => {
      if (!opened) {
        failed += 1;
        resolve();
      }
      if (!done) closeCodes[event.code] = (closeCodes[event.code] || 0) + 1;
    };
    // A refused handshake is an HTTP answer (403), not a close: count it as a failure.
    ws.on("unexpected-response", (_request, response) => {
      const code = `http ${response.statusCode}`;
      failed += 1;
      closeCodes[code] = (closeCodes[code] || 0) + 1;
      resolve();
    });
  });
}

function settled(promises) {
  const limit = new Promise((resolve) => setTimeout(resolve, connectLimitMs));
  return Promise.race([Promise.all(promises), limit]);
}

if (wave <= 0) {
  const startedAt = Date.now();
  await settled(urls.map((url) => openSocket(url, startedAt)));
} else {
  for (let start = 0; start < urls.length; start += wave) {
    const startedAt = Date.now();
    await settled(urls.slice(start, start + wave).map((url) => openSocket(url, startedAt)));
  }
}
const pending = urls.length - open - failed;
console.log(
  JSON.stringify({
    phase: "connected", open, failed, pending, connect_ms: connectMs, closeCodes, cpu_ms: cpuMs(),
  })
);
connectedReported = true;
if (open === 0) finish();

function cpuMs() {
  const usage = process.cpuUsage();
  return Math.round((usage.user + usage.system) / 1000);
}

function finish() {
  if (done) return;
  done = true;
  const line = JSON.stringify({ delays, arrivals, open, closeCodes, cpu_ms: cpuMs() });
  for (const ws of sockets) ws.close();
  // Exit only once the line is written: a pipe takes 64 KB at a time, and exiting
  // earlier cut a long line short while the reader was still busy.
  process.stdout.write(line + "\n", () => setTimeout(() => process.exit(0), 200));
}
setTimeout(finish, timeoutMs);
