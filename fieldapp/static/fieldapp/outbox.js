// The offline outbox: reports wait in IndexedDB (photo as a Blob) until the server has them.
// Each keeps the UUID made when Send was tapped, so a retry can never create a second hazard.
"use strict";

import { api, errorText, isNetworkError } from "./api.js";

const DB_NAME = "safegrid";
const STORE = "outbox";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "uuid" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run one request against the store and resolve with its result. */
async function withStore(mode, action) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(request.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

// Reports belong to whoever wrote them: on a shared phone, another user signing in must
// neither see nor send them under their own name. They wait for their author instead.
let owner = null;
export function setOutboxOwner(userId) { owner = userId; }

export function outboxPut(item) {
  if (item.owner === undefined) item.owner = owner;
  return withStore("readwrite", (store) => store.put(item));
}
export function outboxDelete(uuid) { return withStore("readwrite", (store) => store.delete(uuid)); }
export async function outboxAll() {
  const items = await withStore("readonly", (store) => store.getAll());
  return items.filter((item) => item.owner === owner).sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Send one item: the hazard first, then its photo. The hazard id is saved between the
 * two steps so that a photo upload interrupted by lost signal does not re-post the report.
 * Returns the server's hazard (with duplicate suggestions) once everything is accepted.
 */
export async function sendItem(item) {
  let created = null;
  if (!item.hazardId) {
    created = await api("hazards/", { method: "POST", body: JSON.stringify(item.payload) });
    item.hazardId = created.id;
    item.hazardVersion = created.version;
    await outboxPut(item);
  }
  if (item.photo) {
    const form = new FormData();
    form.append("file", item.photo, item.photoName || "photo.jpg");
    form.append("stage", "report");
    await api("hazards/" + item.hazardId + "/photos/", { method: "POST", body: form });
  }
  await outboxDelete(item.uuid);
  return created;
}

let queue = Promise.resolve();

/**
 * Try every waiting item once. Network failures leave the item for the next try; an
 * answer the server refuses (400, 409) is marked failed so it stops retrying and the
 * user can read why. Runs are queued one after another (the online event, app start and
 * Send can all ask at once), so an item is never in flight twice.
 * Resolves with a Map of uuid -> the created hazard for the items sent in this run.
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
      sent.set(item.uuid, await sendItem(item));
    } catch (error) {
      if (isNetworkError(error)) break;  // still no signal: stop, try again later
      if (error.status >= 500 || error.status === 429) continue;  // the server's problem: retry later
      item.error = error.status === 409 ? "conflict" : errorText(error);
      await outboxPut(item);
    }
  }
  return sent;
}
