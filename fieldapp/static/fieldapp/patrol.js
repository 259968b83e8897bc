// A patrol: start at the site (GPS and time), pass / fail / not applicable per checklist
// item with a note and a photo, finish; the whole inspection waits in the outbox as one
// item and a failed item comes back as a hazard the worker can open.
"use strict";

import { $, cachedGet, el, formatDate, strings, t } from "./api.js";
import { clearFieldErrors, refusalText, say, showFieldErrors } from "./messages.js";
import { enqueue, flushOutbox, outboxAll } from "./outbox.js";
import { downscale, photoPicker } from "./photos.js";
import { go, route } from "./router.js";
import { attributeField, attributeValues, categoryByCode, loadCategories } from "./report.js";

const OUTCOMES = [["pass", "outcomePass"], ["fail", "outcomeFail"], ["not_applicable", "outcomeNa"]];
let patrol = null;
let lastResult = null;

route("/patrol/:site", { section: "patrol", title: () => strings.patrolTitle, enter: ({ site }) => startPatrol(Number(site)) });
route("/patrol/:site/done/:inspection", { section: "patrol-done", title: () => strings.patrolDoneTitle, enter: showDone });

function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve(null); return; }
    navigator.geolocation.getCurrentPosition(
      (found) => resolve({ lat: Number(found.coords.latitude.toFixed(6)), lng: Number(found.coords.longitude.toFixed(6)) }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

async function startPatrol(siteId) {
  const due = await cachedGet("inspections/due/");
  const site = due.find((one) => one.enterprise === siteId);
  if (!site) { say(strings.notFound, "error"); return; }
  const templates = await cachedGet("checklists/");
  await loadCategories();
  const template = templates.find((one) => one.site_kind === site.kind);
  $("patrol-site").textContent = site.name;
  $("patrol-address").textContent = site.address;
  const start = await position();
  patrol = { site, template, startedAt: new Date().toISOString(), start };
  $("patrol-started").textContent = t("patrolStarted", { date: formatDate(patrol.startedAt) }) + (start ? "" : " " + strings.noLocation);
  const box = $("patrol-items");
  box.replaceChildren();
  for (const item of (template && template.items) || []) box.append(itemFieldset(item));
}

function itemFieldset(item) {
  const set = el("fieldset", { cls: "patrol-item", attrs: { "data-item": item.code, "data-field": "item." + item.code } });
  set.append(el("legend", { text: item.text }));
  const choices = el("div", { cls: "outcomes" });
  for (const [value, key] of OUTCOMES) {
    const input = el("input", { attrs: { type: "radio", name: "outcome:" + item.code, value } });
    choices.append(el("label", { cls: "choice outcome-" + value }, input, el("span", { text: strings[key] })));
  }
  const extra = el("div", { cls: "fail-attributes" });
  choices.addEventListener("change", () => {
    extra.replaceChildren();
    const category = categoryByCode(item.category);
    if (set.querySelector("input:checked").value !== "fail" || !category) return;
    for (const definition of category.attributes || []) extra.append(attributeField(definition));
  });
  const photo = el("input", { attrs: { type: "file", accept: "image/*", capture: "environment", name: "photo:" + item.code } });
  const photoRow = el("label", {}, el("span", { cls: "label-text", text: strings.photoOptional }), photo);
  photoPicker(photo, strings.takePhoto, strings.noPhotoYet);
  set.append(
    choices,
    extra,
    el("label", {}, el("span", { cls: "label-text", text: strings.noteOptional }), el("textarea", { attrs: { rows: "2", maxlength: "2000", name: "note:" + item.code } })),
    photoRow,
  );
  return set;
}

async function finish(event) {
  event.preventDefault();
  const form = $("patrol-form");
  clearFieldErrors(form);
  const problems = {};
  const results = [];
  const photos = [];
  const photoItems = [];
  for (const set of form.querySelectorAll(".patrol-item")) {
    const code = set.dataset.item;
    const chosen = set.querySelector(`input[name="outcome:${CSS.escape(code)}"]:checked`);
    if (!chosen) { problems["item." + code] = [strings.needOutcome]; continue; }
    const result = { item: code, outcome: chosen.value, note: set.querySelector("textarea").value.trim() };
    const category = categoryByCode(patrol.template.items.find((one) => one.code === code).category);
    if (chosen.value === "fail" && category) {
      result.attributes = attributeValues(category, set);
      for (const definition of category.attributes || []) {
        if (definition.required && result.attributes[definition.code] === undefined) problems["attributes." + definition.code] = [strings.needValue];
      }
    }
    results.push(result);
    const file = set.querySelector("input[type=file]").files[0];
    if (file) { photos.push(await downscale(file)); photoItems.push(code); }
  }
  if (Object.keys(problems).length) { say(showFieldErrors(form, problems), "error"); return; }
  const end = (await position()) || patrol.start;
  if (!end) { say(strings.noLocation, "error"); return; }
  const start = patrol.start || end;
  const payload = {
    siteName: patrol.site.name, photoItems, enterprise: patrol.site.enterprise, results,
    started_at: patrol.startedAt, start_lat: start.lat, start_lng: start.lng,
    finished_at: new Date().toISOString(), finish_lat: end.lat, finish_lng: end.lng,
  };
  const item = await enqueue("inspection.record", { payload, photos });
  say(strings.sending);
  const sent = await flushOutbox();
  if (sent.has(item.uuid)) {
    lastResult = sent.get(item.uuid);
    await go(`/patrol/${patrol.site.enterprise}/done/${lastResult.id}`, { replace: true });
    say(strings.sentToServer);
    return;
  }
  const waiting = (await outboxAll()).find((one) => one.uuid === item.uuid);
  if (waiting && waiting.error) say(refusalText({ status: waiting.error.status, body: waiting.error.body }), "error");
  else { await go("/", { replace: true }); say(strings.patrolKept); }
}

async function showDone({ inspection }) {
  const list = $("patrol-hazards");
  list.replaceChildren();
  const result = lastResult && lastResult.id === Number(inspection) ? lastResult : null;
  const made = result ? result.results.filter((one) => one.hazard) : [];
  $("patrol-summary").textContent = made.length ? t("patrolMadeHazards", { count: made.length }) : strings.patrolAllGood;
  for (const one of made) {
    const template = patrol && patrol.template && patrol.template.items.find((item) => item.code === one.item);
    const link = el("a", { cls: "open", text: (template ? template.text : "") + " · " + strings.openHazard, attrs: { href: "/hazards/" + one.hazard, "data-hazard": one.hazard } });
    link.addEventListener("click", (event) => { event.preventDefault(); go("/hazards/" + one.hazard); });
    list.append(el("li", { cls: "card risk-orange" }, link));
  }
}

export function setupPatrol() { $("patrol-form").addEventListener("submit", finish); }
