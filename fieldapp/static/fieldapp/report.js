// Reporting: choose the kind (its "what to do now" shows at once), one sentence, the place
// from GPS, Send. Required fields are marked and checked before anything is queued.
"use strict";

import { $, api, cachedGet, categoryName, el, localized, strings, t } from "./api.js";
import { clearFieldErrors, refusalText, refusedOnForm, say, showFieldErrors } from "./messages.js";
import { enqueue, flushOutbox, outboxAll } from "./outbox.js";
import { chosenPhotos } from "./photos.js";
import { go, route } from "./router.js";

let categories = [];
let lastSent = null;

route("/report", { section: "report", title: () => strings.reportTitle, enter: openReport });
route("/report/sent/:id", { section: "report-sent", title: () => strings.sentTitle, enter: ({ id }) => showSent(Number(id)) });

let loading = null;

/** The categories, fetched once per page (home and the form both ask at start). */
export function loadCategories() {
  loading = loading || fetchCategories().catch((error) => { loading = null; throw error; });
  return loading;
}

async function fetchCategories() {
  categories = await cachedGet("hazard-categories/");
  const box = $("report-categories");
  box.replaceChildren();
  for (const category of categories) {
    const input = el("input", { attrs: { type: "radio", name: "category", value: category.code } });
    box.append(el("label", { cls: "choice" }, input, el("span", { text: categoryName(category) })));
  }
  return categories;
}

export function categoryByCode(code) { return categories.find((category) => category.code === code) || null; }

function selectedCategory() {
  const chosen = $("report-form").querySelector("input[name=category]:checked");
  return chosen ? categoryByCode(chosen.value) : null;
}

/** The chosen category's guidance and its extra fields (Open311-style definitions). */
function renderCategory() {
  const category = selectedCategory();
  const guidance = category ? localized(category, "guidance") : "";
  $("report-guidance").hidden = !guidance;
  $("report-guidance-text").textContent = guidance;
  const box = $("report-attributes");
  box.replaceChildren();
  for (const definition of (category && category.attributes) || []) box.append(attributeField(definition));
}

function labelText(definition) {
  return el("span", { cls: "label-text", text: (definition.description || "") + (definition.required ? " " + strings.requiredMark : "") });
}

export function attributeField(definition) {
  const type = definition.datatype;
  const field = "attributes." + definition.code;
  if (type === "multivaluelist") {
    const set = el("fieldset", { attrs: { "data-field": field } }, el("legend", { text: definition.description || "" }));
    for (const option of definition.values) {
      const box = el("input", { attrs: { type: "checkbox", value: option.key, name: "attr:" + definition.code } });
      set.append(el("label", { cls: "check" }, box, el("span", { text: option.name })));
    }
    return set;
  }
  let input;
  if (type === "singlevaluelist") {
    input = el("select", {}, el("option", { text: strings.choose, attrs: { value: "" } }));
    for (const option of definition.values) input.append(el("option", { text: option.name, attrs: { value: option.key } }));
  } else if (type === "text") {
    input = el("textarea", { attrs: { rows: "2" } });
  } else {
    input = el("input", { attrs: { type: { number: "number", datetime: "datetime-local" }[type] || "text" } });
    if (type === "number") { input.setAttribute("step", "any"); input.setAttribute("inputmode", "decimal"); }
  }
  input.name = "attr:" + definition.code;
  input.dataset.field = field;
  if (definition.required) { input.required = true; input.setAttribute("aria-required", "true"); }
  return el("label", { attrs: { "data-attribute": definition.code } }, labelText(definition), input);
}

export function attributeValues(category, form = $("report-form")) {
  const values = {};
  for (const definition of category.attributes || []) {
    const name = "attr:" + definition.code;
    if (definition.datatype === "multivaluelist") {
      const chosen = [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((box) => box.value);
      if (chosen.length) values[definition.code] = chosen;
      continue;
    }
    const value = form.querySelector(`[name="${CSS.escape(name)}"]`).value.trim();
    if (value !== "") values[definition.code] = definition.datatype === "number" ? Number(value) : value;
  }
  return values;
}

/** Fill the place from the phone; typing the coordinates stays as the fallback. */
function locate() {
  if (!navigator.geolocation) { $("report-place").textContent = strings.noLocation; return; }
  $("report-place").textContent = strings.locating;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      $("report-lat").value = position.coords.latitude.toFixed(6);
      $("report-lng").value = position.coords.longitude.toFixed(6);
      describePlace();
    },
    () => { $("report-place").textContent = strings.noLocation; $("report-manual").open = true; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

function describePlace() { return describePlaceIn($("report-place"), $("report-lat").value, $("report-lng").value); }

/** Name the community and grid of a position in `node` (or say it is outside them all). */
export async function describePlaceIn(node, lat, lng) {
  node.textContent = strings.locationFound;
  try {
    const found = await api(`locate/?lat=${lat}&lng=${lng}`);
    node.textContent = t("locationIn", { place: [found.community && found.community.name, found.grid && found.grid.name].filter(Boolean).join(" · ") });
  } catch (error) {
    if (error.status === 400) node.textContent = strings.outsideArea;
  }
}

/** Check everything before queueing, so the outbox only holds reports the server takes. */
function readForm() {
  const form = $("report-form");
  const problems = {};
  const category = selectedCategory();
  if (!category) problems.category = [strings.needCategory];
  const description = $("report-description").value.trim();
  if (!description) problems.description = [strings.needDescription];
  const lat = parseFloat($("report-lat").value);
  const lng = parseFloat($("report-lng").value);
  if (Number.isNaN(lat) || Number.isNaN(lng)) problems.lat = [strings.needLocation];
  for (const definition of (category && category.attributes) || []) {
    const value = attributeValues(category)[definition.code];
    if (definition.required && (value === undefined || value === "")) problems["attributes." + definition.code] = [strings.needValue];
    else if (definition.datatype === "number" && value !== undefined && Number.isNaN(value)) problems["attributes." + definition.code] = [strings.needNumber];
  }
  if (Object.keys(problems).length) return { problem: showFieldErrors(form, problems) };
  const payload = { category: category.code, description, lat, lng, attributes: attributeValues(category) };
  const address = $("report-address").value.trim();
  if (address) payload.address = address;
  return { payload };
}

async function send(event) {
  event.preventDefault();
  clearFieldErrors($("report-form"));
  const { problem, payload } = readForm();
  if (problem) { say(problem, "error"); return; }
  $("report-send").disabled = true;
  try {
    const photos = await chosenPhotos($("report-photo"));
    const item = await enqueue("hazard.report", { payload, photos });
    say(strings.sending);
    const sent = await flushOutbox();
    if (sent.has(item.uuid)) {
      lastSent = sent.get(item.uuid);
      resetForm();
      await go("/report/sent/" + lastSent.id);
      say(strings.sentToServer);
    } else if (await refusedOnForm(item.uuid, $("report-form"))) {
      // kept on screen: the reporter corrects it and sends again
    } else {
      resetForm();
      await go("/", { replace: true });
      say(strings.reportKept);
    }
  } finally {
    $("report-send").disabled = false;
  }
}

function resetForm() {
  const kept = ["report-lat", "report-lng", "report-address"].map((id) => [id, $(id).value]);
  $("report-form").reset();
  for (const [id, value] of kept) $(id).value = value;
  renderCategory();
}

async function showSent(id) {
  const hazard = lastSent && lastSent.id === id ? lastSent : await cachedGet("hazards/" + id + "/");
  $("sent-number").textContent = hazard.number;
  const list = $("sent-suggestions");
  list.replaceChildren();
  const suggestions = hazard.suggestions || [];
  $("sent-similar").hidden = suggestions.length === 0;
  const waiting = (await outboxAll()).filter((item) => item.kind === "hazard.me_too").map((item) => item.payload.hazard);
  for (const suggestion of suggestions) {
    // Residents see only their own reports, so "me too" is answered here, not on a detail page.
    const button = el("button", { cls: "big", text: strings.meToo, attrs: { type: "button", "data-me-too": suggestion.id } });
    button.disabled = waiting.includes(suggestion.id);
    button.addEventListener("click", async () => {
      button.disabled = true;
      const item = await enqueue("hazard.me_too", { payload: { hazard: suggestion.id, number: suggestion.number } });
      const sent = await flushOutbox();
      say(sent.has(item.uuid) ? strings.meTooDone : strings.keptOnPhone);
    });
    list.append(el("li", { cls: "card" },
      el("strong", { text: categoryName(categoryByCode(suggestion.category)) + " · " + suggestion.number }),
      el("p", { text: t("confirmations", { count: suggestion.me_too_count || 0 }) }), button));
  }
}

export function setupReport() {
  $("report-categories").addEventListener("change", renderCategory);
  $("report-locate").addEventListener("click", locate);
  $("report-form").addEventListener("submit", send);
  for (const id of ["report-lat", "report-lng"]) $(id).addEventListener("change", describePlace);
}

async function openReport() {
  await loadCategories().catch((error) => say(refusalText(error), "error"));
  if (!$("report-lat").value) locate();
}
