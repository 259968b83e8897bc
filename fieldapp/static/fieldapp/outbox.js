// The outbox: every write waits in IndexedDB (with its photos as Blobs) until the server has it.
//
// Each item keeps the idempotency key made when the user tapped, so a retry never does the
// write twice; items are sent one at a time, oldest first. A kind of write is registered
// once by the module that owns it:
//
//   registerKind("volunteer.checkin", {
//     label: (item) => "签到：" + item.payload.activityName,   // shown while it waits
//     send: async (item, step) => postJson("...", { ...item.payload, client_uuid: item.key }),
//   });
//   await enqueue("volunteer.checkin", { payload: {...}, photos: [blob] });
//
// An optional `sentText(answer)` says what the write did when it goes later, after the
// app's "N waiting item(s) were sent" (a dispatch: how many volunteers are being asked).
//
// `send` may take several requests; `step(name, fn)` runs `fn` once and remembers its
// result in the item, so a send cut off half-way resumes after the last finished step.
// A refusal (4xx) stops the item and keeps the server's answer for the user to read.
"use strict";

import { ApiError, isNetworkError } from "./api.js";

const DB_NAME = "safegrid";
const STORE = "outbox";
const kinds = new Map();

export function registerKind(kind, handler) { kinds.set(kind, handler); }
export function kindOf(item) { return kinds.get(item.kind); }

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      // Version 1 held reports only, keyed by uuid; v2 keeps them and adds a kind.
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "uuid" });
      if (event.oldVersion === 1) {
        const store = request.transaction.objectStore(STORE);
        store.openCursor().onsuccess = (cursorEvent) => {
          const cursor = cursorEvent.target.result;
          if (!cursor) return;
          const item = cursor.value;
          if (!item.kind) cursor.update(Object.assign(item, { kind: "hazard.report", key: item.uuid, photos: item.photo ? [item.photo] : [], done: {} }));
          cursor.continue();
        };
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(request.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

// Writes belong to whoever made them: on a shared phone, another user signing in must
// neither see nor send them under their own name. They wait for their author instead,
// also across an expired session.
let owner = null;
export function setOutboxOwner(userId) { owner = userId; }

function changed() { document.dispatchEvent(new CustomEvent("outbox-changed")); }

function put(item) { return withStore("readwrite", (store) => store.put(item)); }

/**
 * Queue a write. `payload` is the kind's own data; `photos` Blobs (already downscaled);
 * `subject` groups items about one thing (e.g. "hazard:12") so a screen can show what waits.
 */
export async function enqueue(kind, { payload, photos = [], subject = null, after = null }) {
  if (!kinds.has(kind)) throw new Error("unknown outbox kind " + kind);
  const key = crypto.randomUUID();
  const item = { uuid: key, key, kind, payload, photos, subject, after, owner, createdAt: Date.now(), done: {}, error: null };
  await put(item);
  changed();
  return item;
}

export async function outboxDelete(uuid) { await withStore("readwrite", (store) => store.delete(uuid)); changed(); }

export async function outboxAll() {
  if (owner === null) return [];
  const items = await withStore("readonly", (store) => store.getAll());
  return items.filter((item) => item.owner === owner).sort((a, b) => a.createdAt - b.createdAt);
}

export async function waitingFor(subject) {
  return (await outboxAll()).filter((item) => item.subject === subject);
}

async function sendOne(item) {
  const handler = kinds.get(item.kind);
  const step = async (name, action) => {
    if (name in item.done) return item.done[name];
    const result = await action();
    item.done[name] = result === undefined ? null : result;
    await put(item);
    return item.done[name];
  };
  // A later item may need what an earlier one returned (e.g. the hazard's new version).
  const before = item.after ? results.get(item.after) : undefined;
  return handler.send(item, step, before);
}

const results = new Map();
let queue = Promise.resolve();

/**
 * Try every waiting item once, oldest first. No signal: stop, the rest stay for later.
 * The server's own trouble (5xx, 429): keep it and go on. A refusal (4xx): mark it with
 * the server's answer; it stays visible until the user deletes it. Runs are queued, so an
 * item is never in flight twice. Resolves with a Map of uuid -> server answer.
 */
export function flushOutbox() {
  const run = queue.then(flushAll);
  queue = run.catch(() => {});
  return run;
}

async function flushAll() {
  const sent = new Map();
  for (const item of await outboxAll()) {
    if (item.error) continue;
    try {
      const answer = await sendOne(item);
      results.set(item.uuid, answer);
      sent.set(item.uuid, answer);
      await withStore("readwrite", (store) => store.delete(item.uuid));
      document.dispatchEvent(new CustomEvent("outbox-sent", { detail: { item, answer } }));
    } catch (error) {
      if (isNetworkError(error)) break;
      if (error.status === 401) break;  // signed out meanwhile: wait for the same user
      if (error.status >= 500 || error.status === 429) continue;
      item.error = { status: error.status, body: error.body || {} };
      await put(item);
    }
  }
  changed();
  return sent;
}

/** A send that cannot go ahead (e.g. the step it followed was refused): a refusal too. */
export class RefusedLocally extends ApiError {
  constructor(message) { super(400, { message }); }
}
