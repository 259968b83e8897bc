// Messages where the eye is: one live region kept in view, and field errors by label.
"use strict";

import { $, el, isNetworkError, statusWords, strings, t } from "./api.js";
import { outboxAll, outboxDelete } from "./outbox.js";

/**
 * Show a message in the status bar (sticky at the top of the screen, announced to screen
 * readers: polite for news, assertive for problems) and bring it into view.
 */
export function say(text, tone = "info") {
  const box = $("status");
  box.textContent = text || "";
  box.dataset.tone = tone;
  box.setAttribute("aria-live", tone === "error" ? "assertive" : "polite");
  if (text) box.scrollIntoView({ block: "nearest" });
}

/** The visible label of a form control (its <label>, legend or aria-label). */
export function labelOf(control) {
  if (!control) return "";
  const fieldset = control.closest("fieldset[data-field]");
  const label = control.closest("label") || fieldset;
  const source = label && label.querySelector(":scope > .label-text, :scope > legend");
  const text = (source ? source.textContent : control.getAttribute("aria-label")) || "";
  return text.replace(/\s*[*＊]\s*$/, "").replace(/（必填）|\(required\)/g, "").trim();
}

export function clearFieldErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  }
}

/**
 * Put each message under its field, named by the field's label, and return one summary
 * line ("楼层：请填写。"). `fields` maps a field name (as the API sends it, or
 * "attributes.<code>") to messages; the form's controls carry data-field with that name.
 */
export function showFieldErrors(form, fields) {
  clearFieldErrors(form);
  const lines = [];
  let first = null;
  for (const [name, messages] of Object.entries(fields)) {
    const target = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const control = target && (target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea"));
    const text = [].concat(messages).map(String).join(" ");
    const label = control ? labelOf(control) : "";
    lines.push(label ? t("fieldProblem", { label, message: text }) : text);
    if (!control) continue;
    const id = "err-" + name.replace(/[^a-z0-9]/gi, "-");
    const note = el("p", { cls: "field-error", text, attrs: { id } });
    (control.closest("label, fieldset") || control).after(note);
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", id);
    first = first || control;
  }
  if (first) { first.focus({ preventScroll: true }); first.scrollIntoView({ block: "center" }); }
  return lines.join(" ");
}

/** Split the API's field errors: attribute errors come nested under "attributes". */
export function flatFields(body) {
  const out = {};
  for (const [name, value] of Object.entries((body && body.fields) || {})) {
    if (name === "attributes" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [code, messages] of Object.entries(value)) out["attributes." + code] = messages;
    } else out[name] = value;
  }
  return out;
}

/**
 * A form's write refused at once by the server (e.g. outside every community): it leaves
 * the outbox and the form shows why, by field. True when it was refused.
 */
export async function refusedOnForm(uuid, form) {
  const item = (await outboxAll()).find((candidate) => candidate.uuid === uuid);
  if (!item || !item.error) return false;
  await outboxDelete(uuid);
  const fields = flatFields(item.error.body);
  const named = Object.keys(fields).length ? showFieldErrors(form, fields) : "";
  const message = (item.error.body && item.error.body.message) || "";
  say(named ? message + " " + named : refusalText({ status: item.error.status, body: item.error.body }), "error");
  return true;
}

/**
 * A refusal in plain words: the server's message, problems by field label where a label is
 * known, and what the server holds now (the `current` of a 409).
 */
export function refusalText(error, labels = {}) {
  if (isNetworkError(error) && !error.status) return strings.offline;
  if (error.status === 401) return strings.sessionEnded;
  if (error.status === 403) return (error.body && error.body.message) || strings.notAllowed;
  if (error.status === 404) return strings.notFound;
  if (error.status >= 500) return strings.serverTrouble;
  const parts = [(error.body && error.body.message) || strings.refused];
  for (const [name, messages] of Object.entries(flatFields(error.body))) {
    const label = labels[name];
    const text = [].concat(messages).map(String).join(" ");
    if (label) parts.push(t("fieldProblem", { label, message: text }));
    else if (!parts[0].includes(text)) parts.push(text);
  }
  const current = error.body && error.body.current;
  if (current && current.status) parts.push(t("nowIs", { status: statusWords(current.status) }));
  return parts.join(" ");
}
