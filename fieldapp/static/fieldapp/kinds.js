// The writes of hazards, patrols and points, each registered as an outbox kind.
"use strict";

import { api, postJson, t } from "./api.js";
import { outboxAll, registerKind, RefusedLocally } from "./outbox.js";

function photoForm(blob, fields) {
  const form = new FormData();
  form.append("file", blob, "photo.jpg");
  for (const [name, value] of Object.entries(fields || {})) form.append(name, value);
  return form;
}

/** Upload the item's photos to `path` one by one; each finished upload is remembered. */
async function uploadPhotos(item, step, path, fields) {
  for (const [index, blob] of item.photos.entries()) {
    await step("photo" + index, () => api(path, { method: "POST", body: photoForm(blob, fields) }));
  }
}

registerKind("hazard.report", {
  label: (item) => t("outboxReport", { text: item.payload.description }),
  async send(item, step) {
    const created = await step("hazard", () => postJson("hazards/", { ...item.payload, client_uuid: item.key }));
    await uploadPhotos(item, step, "hazards/" + created.id + "/photos/", { stage: "report" });
    return created;
  },
});

registerKind("hazard.me_too", {
  label: (item) => t("outboxMeToo", { number: item.payload.number }),
  // One confirmation per person: the server answers a repeat with the hazard unchanged.
  send: (item) => postJson("hazards/" + item.payload.hazard + "/me-too/"),
});

registerKind("hazard.comment", {
  label: (item) => t("outboxComment", { number: item.payload.number, text: item.payload.note }),
  send: (item) => postJson("hazards/" + item.payload.hazard + "/comments/", { note: item.payload.note, client_uuid: item.key }),
});

/**
 * A lifecycle step (start, submit-fix, assign, close), with photos uploaded first (the
 * after photo of a fix, the verification photo of a close). A step queued after another
 * step of the same hazard takes the version that one produced.
 */
registerKind("hazard.step", {
  label: (item) => t("step_" + item.payload.action, {}) + " · " + item.payload.number,
  async send(item, step, before) {
    const { hazard, action, stage } = item.payload;
    let version = item.payload.version;
    if (item.after) version = await versionAfter(item, before);
    if (stage) await uploadPhotos(item, step, "hazards/" + hazard + "/photos/", { stage });
    const body = { version, client_uuid: item.key, note: item.payload.note || "" };
    if (item.payload.assignee) body.assignee = item.payload.assignee;
    return postJson("hazards/" + hazard + "/" + action + "/", body);
  },
});

async function versionAfter(item, before) {
  if (before && before.version) return before.version;
  const earlier = (await outboxAll()).find((other) => other.uuid === item.after);
  if (earlier) throw new RefusedLocally(t("refusedBecauseEarlier"));
  // The earlier step went through in an earlier run: the hazard's version now follows it.
  return (await api("hazards/" + item.payload.hazard + "/")).version;
}

/** A finished patrol: the inspection in one piece, then each item's photo. */
registerKind("inspection.record", {
  label: (item) => t("outboxPatrol", { site: item.payload.siteName }),
  async send(item, step) {
    const { siteName, photoItems, ...body } = item.payload;
    const inspection = await step("inspection", () => postJson("inspections/", { ...body, client_uuid: item.key }));
    for (const [index, blob] of item.photos.entries()) {
      const code = photoItems[index];
      await step("photo" + index, () => api(`inspections/${inspection.id}/items/${encodeURIComponent(code)}/photo/`, { method: "POST", body: photoForm(blob) }));
    }
    return inspection;
  },
});

registerKind("reward.redeem", {
  label: (item) => t("outboxRedeem", { reward: item.payload.name }),
  send: (item) => postJson("rewards/" + item.payload.reward + "/redeem/", {}, { "Idempotency-Key": item.key }),
});

registerKind("voucher.cancel", {
  label: (item) => t("outboxCancel", { code: item.payload.code }),
  async send(item) {
    try {
      return await postJson("vouchers/" + encodeURIComponent(item.payload.code) + "/cancel/");
    } catch (error) {
      // Sent before and the answer lost: the voucher is already cancelled, which is the aim.
      if (error.status === 409 || error.status === 400) {
        const voucher = await api("vouchers/" + encodeURIComponent(item.payload.code) + "/");
        if (voucher.status === "cancelled") return voucher;
      }
      throw error;
    }
  },
});

