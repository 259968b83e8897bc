// Load client for bench/ws_fanout.py: opens one websocket per URL (read as JSON lines on
// stdin), says READY when every socket is open, then records, for each socket, the delay
// between the event's `sent_at_ms` and its arrival. Prints the delays as JSON and exits
// once every socket has its event or the time limit passes. Run with
// `node --experimental-websocket` (Node 20) so no package is needed.
import { createInterface } from "node:readline";

const timeoutMs = Number(process.argv[2] || 30000);
const rounds = Number(process.argv[3] || 1);
const urls = [];
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) urls.push(JSON.parse(line));
}

// Delays per event kind ("bare" or "seam"), so both can share one run and one process.
const delays = {};
let received = 0;
let open = 0;
let done = false;
let closed = 0;
const closeCodes = {};
// Sockets open in waves, as phones reconnecting after a network change would.
const WAVE = Number(process.env.WS_WAVE || 50);
const sockets = [];
function openSocket(url) {
  const ws = new WebSocket(url);
  ws.onopen = () => {
    open += 1;
    if (open === urls.length) console.log("READY");
  };
  ws.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const sent = event.data && event.data.sent_at_ms;
    if (sent) {
      const kind = event.data.kind || "event";
      (delays[kind] = delays[kind] || []).push(Date.now() - sent);
      received += 1;
      if (received === urls.length * rounds) finish();
    }
  };
  ws.onerror = () => {};
  sockets.push(ws);
  ws.onclose = (event) => {
    if (!done) {
      closed += 1;
      closeCodes[event.code] = (closeCodes[event.code] || 0) + 1;
      if (open + closed === urls.length && open < urls.length) finish();
    }
  };
  return new Promise((resolve) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("close", resolve, { once: true });
  });
}
for (let start = 0; start < urls.length; start += WAVE) {
  await Promise.all(urls.slice(start, start + WAVE).map(openSocket));
}

function finish() {
  if (done) return;
  done = true;
  console.log(JSON.stringify({ delays, open, closed, closeCodes }));
  for (const ws of sockets) ws.close();
  setTimeout(() => process.exit(0), 200);
}
setTimeout(finish, timeoutMs);
