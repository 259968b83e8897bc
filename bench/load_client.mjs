// Load client for bench/load.py. Reads one JSON plan on stdin:
//   {base_urls, sockets: [url...], duration_s, baseline_s, think_ms, photo_path,
//    workers: [{token, lat, lng, category, attributes}], residents: [{token, reward}],
//    staff: [{token, hazards: [{id, version, assignee}]}]}
// Opens every socket (waves of 50, as reconnecting phones do) and keeps them open; runs
// one virtual user per worker, resident and staff member for duration_s, each doing its
// role's steps with a random think time (0.5x-1.5x think_ms) between requests; then, for
// baseline_s, the same number of users asking GET /healthz with the same think time.
// Prints one JSON line: per endpoint {count, errors, statuses, p50_ms, p95_ms}, the
// sockets' {open, failed, closed_early, events}, and its own CPU time (cpu_ms).
// Requests go round-robin over base_urls (two Daphne processes). Every loop is bounded
// by duration_s; only 127.0.0.1 is ever addressed (load.py builds the URLs).
import { readFileSync } from "node:fs";
import WebSocket from "ws";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const plan = JSON.parse(Buffer.concat(chunks).toString());
const photo = readFileSync(plan.photo_path);
const stats = {};
let next = 0;

function base() {
  next = (next + 1) % plan.base_urls.length;
  return plan.base_urls[next];
}

function record(name, status, ms, ok) {
  const entry = (stats[name] = stats[name] || { count: 0, errors: 0, statuses: {}, ms: [] });
  entry.count += 1;
  entry.statuses[status] = (entry.statuses[status] || 0) + 1;
  if (!ok) entry.errors += 1;
  entry.ms.push(ms);
}

async function call(name, method, path, token, body, { expect = [200, 201], headers = {} } = {}) {
  const started = performance.now();
  let status = 0;
  let json = null;
  try {
    const init = { method, headers: { ...headers } };
    if (token) init.headers.Authorization = `Token ${token}`;
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(base() + path, init);
    status = response.status;
    const text = await response.text();
    json = text && (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : null;
  } catch (error) {
    status = "network";
  }
  record(name, status, performance.now() - started, expect.includes(status));
  return { status, json };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const think = () => sleep(plan.think_ms * (0.5 + Math.random()));
let deadline = 0;

async function worker(user) {
  let n = 0;
  while (performance.now() < deadline) {
    await call("GET hazards/ (worker list)", "GET", "/api/v1/hazards/?ordering=-created_at", user.token);
    await think();
    if (n++ % 3 === 0 && performance.now() < deadline) {
      const report = await call("POST hazards/ (report)", "POST", "/api/v1/hazards/", user.token, {
        category: user.category,
        description: "负载测试：楼道堆放杂物",
        lat: user.lat,
        lng: user.lng,
        attributes: user.attributes,
        client_uuid: crypto.randomUUID(),
      });
      await think();
      if (report.json && report.json.id && performance.now() < deadline) {
        const form = new FormData();
        form.append("file", new Blob([photo], { type: "image/jpeg" }), "photo.jpg");
        form.append("stage", "report");
        await call("POST hazards/{id}/photos/", "POST", `/api/v1/hazards/${report.json.id}/photos/`, user.token, form);
        await think();
      }
    }
  }
}

async function resident(user) {
  while (performance.now() < deadline) {
    await call("GET points/balance/", "GET", "/api/v1/points/balance/", user.token);
    await think();
    if (performance.now() >= deadline) break;
    await call("POST rewards/{id}/redeem/", "POST", `/api/v1/rewards/${user.reward}/redeem/`, user.token, undefined, {
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    await think();
  }
}

async function staff(user) {
  const queue = [...user.hazards];
  while (performance.now() < deadline) {
    await call("GET hazards/ (staff list)", "GET", "/api/v1/hazards/?status=reported", user.token);
    await think();
    const hazard = queue.shift();
    if (!hazard || performance.now() >= deadline) continue;
    await call("POST hazards/{id}/assign/", "POST", `/api/v1/hazards/${hazard.id}/assign/`, user.token, {
      version: hazard.version,
      assignee: hazard.assignee,
    });
    await think();
  }
}

async function healthz() {
  while (performance.now() < deadline) {
    await call("GET healthz (baseline)", "GET", "/healthz", null);
    await think();
  }
}

const sockets = { open: 0, failed: 0, closed_early: 0, events: 0, refused: {} };
const open = [];
let finished = false;
function openSocket(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let opened = false;
    ws.on("open", () => { opened = true; sockets.open += 1; resolve(); });
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.id) sockets.events += 1;
    });
    ws.on("error", () => {});
    // A refused handshake is an HTTP answer, not a close: count it and let the wave go on.
    ws.on("unexpected-response", (_request, response) => {
      sockets.failed += 1;
      sockets.refused[response.statusCode] = (sockets.refused[response.statusCode] || 0) + 1;
      resolve();
    });
    ws.on("close", () => {
      if (!opened) { sockets.failed += 1; resolve(); }
      else if (!finished) sockets.closed_early += 1;
    });
    open.push(ws);
  });
}
for (let start = 0; start < plan.sockets.length; start += 50) {
  await Promise.all(plan.sockets.slice(start, start + 50).map(openSocket));
}

const mixStarted = performance.now();
deadline = mixStarted + plan.duration_s * 1000;
await Promise.all([
  ...plan.workers.map(worker),
  ...plan.residents.map(resident),
  ...plan.staff.map(staff),
]);
const mixSeconds = (performance.now() - mixStarted) / 1000;
await sleep(2000); // events of the last writes reach the sockets
finished = true;
for (const ws of open) ws.close();

const users = plan.workers.length + plan.residents.length + plan.staff.length;
const baselineStarted = performance.now();
deadline = baselineStarted + plan.baseline_s * 1000;
await Promise.all(Array.from({ length: users }, healthz));
const baselineSeconds = (performance.now() - baselineStarted) / 1000;

function quantile(values, share) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] * 10) / 10 : null;
}
const endpoints = {};
for (const [name, entry] of Object.entries(stats)) {
  endpoints[name] = {
    count: entry.count, errors: entry.errors, statuses: entry.statuses,
    p50_ms: quantile(entry.ms, 0.5), p95_ms: quantile(entry.ms, 0.95),
  };
}
const usage = process.cpuUsage();
console.log(JSON.stringify({
  endpoints, sockets, mix_seconds: mixSeconds, baseline_seconds: baselineSeconds,
  cpu_ms: Math.round((usage.user + usage.system) / 1000),
}));
process.exit(0);
