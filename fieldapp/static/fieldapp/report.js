// The report form: category (with its extra attributes), description, place, photo.
"use strict";

import { $, api, el, strings, say, cachedGet, categoryName, postJson, errorText } from "./api.js";
import { outboxAll, outboxDelete, outboxPut, flushOutbox } from "./outbox.js";

let categories = [];

export async function loadCategories() {
  categories = await cachedGet("hazard-categories/");
  const select = $("report-category");
  select.replaceChildren(el("option", { text: strings.chooseCategory, attrs: { value: "" } }));
  for (const category of categories) {
    select.append(el("option", { text: categoryName(category), attrs: { value: category.code } }));
  }
  renderAttributes();
}

function selectedCategory() {
  return categories.find((category) => category.code === $("report-category").value) || null;
}

/** One input per attribute the category defines (Open311-style definitions). */
function renderAttributes() {
  const box = $("report-attributes");
  box.replaceChildren();
  const category = selectedCategory();
  $("category-help").textContent = category ? category.description || "" : "";
  for (const definition of (category && category.attributes) || []) box.append(attributeField(definition));
}

function attributeField(definition) {
  const label = el("label", { text: definition.description || definition.code, attrs: { "data-attribute": definition.code } });
  const type = definition.datatype;
  if (type === "multivaluelist") return checkboxGroup(definition);
  let input;
  if (type === "singlevaluelist") {
    input = el("select");
    input.append(el("option", { text: "—", attrs: { value: "" } }));
    for (const option of definition.values) input.append(el("option", { text: option.name, attrs: { value: option.key } }));
  } else if (type === "text") {
    input = el("textarea", { attrs: { rows: "2" } });
  } else {
    input = el("input", { attrs: { type: { number: "number", datetime: "datetime-local" }[type] || "text" } });
    if (type === "number") input.setAttribute("step", "any");
  }
  input.name = "attr:" + definition.code;
  if (definition.required) input.required = true;
  label.append(input);
  return label;
}

function checkboxGroup(definition) {
  const set = el("fieldset", { attrs: { "data-attribute": definition.code } });
  set.append(el("legend", { text: definition.description || definition.code }));
  for (const option of definition.values) {
    const label = el("label", { cls: "check" });
    const box = el("input", { attrs: { type: "checkbox", value: option.key } });
    box.name = "attr:" + definition.code;
    label.append(box, " " + option.name);
    set.append(label);
  }
  return set;
}

/** Attribute values as the API wants them: lists for multiple choice, numbers as numbers. */
function attributeValues(category) {
  const values = {};
  const form = $("report-form");
  for (const definition of category.attributes || []) {
    const name = "attr:" + definition.code;
    if (definition.datatype === "multivaluelist") {
      const chosen = [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((box) => box.value);
      if (chosen.length) values[definition.code] = chosen;
      continue;
    }
    const value = form.elements[name].value.trim();
    if (value === "") continue;
    values[definition.code] = definition.datatype === "number" ? Number(value) : value;
  }
  return values;
}

/** Fill lat/lng from the phone; the fields stay editable as the fallback. */
function locate() {
  if (!navigator.geolocation) { say(strings.noLocation); return; }
  say(strings.locating);
  navigator.geolocation.getCurrentPosition(
    (position) => {
      $("report-lat").value = position.coords.latitude.toFixed(6);
      $("report-lng").value = position.coords.longitude.toFixed(6);
      say("");
      describePlace();
    },
    () => say(strings.noLocation),
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

/** Tell the reporter which community and grid the point falls in (best effort). */
async function describePlace() {
  const place = $("report-place");
  try {
    const found = await api(`locate/?lat=${$("report-lat").value}&lng=${$("report-lng").value}`);
    const grid = found.grid ? " · " + found.grid.name : "";
    place.textContent = (found.community ? found.community.name : "") + grid;
  } catch (error) {
    place.textContent = error.status === 400 ? strings.outsideArea : "";
  }
}

/** Check the form before anything is queued, so the outbox only holds sendable reports. */
function readForm() {
  const category = selectedCategory();
  if (!category) return { problem: strings.needCategory };
  const description = $("report-description").value.trim();
  if (!description) return { problem: strings.needDescription };
  const lat = parseFloat($("report-lat").value);
  const lng = parseFloat($("report-lng").value);
  if (Number.isNaN(lat) || Number.isNaN(lng)) return { problem: strings.needLocation };
  const payload = { category: category.code, description, lat, lng, attributes: attributeValues(category) };
  // The API refuses a blank address; leave it out when there is none.
  const address = $("report-address").value.trim();
  if (address) payload.address = address;
  return { payload, photo: $("report-photo").files[0] || null };
}

async function send(event) {
  event.preventDefault();
  const { problem, payload, photo } = readForm();
  if (problem) { say(problem); return; }
  // The UUID is fixed now: every retry of this report carries the same one.
  const uuid = crypto.randomUUID();
  payload.client_uuid = uuid;
  const item = { uuid, payload, photo, photoName: photo && photo.name, createdAt: Date.now() };
  await outboxPut(item);
  $("report-send").disabled = true;
  say(strings.sending);
  try {
    const sent = await flushOutbox();
    if (sent.has(uuid)) {
      say(strings.sent);
      resetForm();
      showSuggestions(sent.get(uuid));
    } else if (!(await refused(uuid))) {
      say(strings.queued);  // still in the outbox: sent when the signal is back
      resetForm();
    }
  } catch (error) {
    say(errorText(error));
  } finally {
    $("report-send").disabled = false;
    document.dispatchEvent(new CustomEvent("outbox-changed"));
  }
}

/**
 * A report the server refused at once (e.g. outside every community) is taken out of the
 * outbox and the form is kept, so the reporter can correct it and send again.
 */
async function refused(uuid) {
  const item = (await outboxAll()).find((candidate) => candidate.uuid === uuid);
  if (!item || !item.error) return false;
  await outboxDelete(uuid);
  say(item.error === "conflict" ? strings.conflict : item.error);
  return true;
}

/** Clear the report but keep the place: a second report is usually from the same spot. */
function resetForm() {
  const kept = ["report-lat", "report-lng", "report-address"].map((id) => [id, $(id).value]);
  $("report-form").reset();
  for (const [id, value] of kept) $(id).value = value;
  renderAttributes();
}

/** Open hazards nearby that may be the same one; "me too" confirms instead of repeating. */
function showSuggestions(created) {
  const list = $("suggestion-items");
  list.replaceChildren();
  const suggestions = (created && created.suggestions) || [];
  $("suggestions").hidden = suggestions.length === 0;
  for (const suggestion of suggestions) {
    const item = el("li", { cls: "card" });
    const category = categories.find((one) => one.code === suggestion.category);
    item.append(
      el("strong", { text: (category ? categoryName(category) + " · " : "") + suggestion.number }),
      el("p", { text: strings.confirmations.replace("%s", suggestion.me_too_count || 0) }),
    );
    const button = el("button", { cls: "big", text: strings.meToo, attrs: { type: "button", "data-me-too": suggestion.id } });
    button.addEventListener("click", async () => {
      try {
        await postJson("hazards/" + suggestion.id + "/me-too/");
        button.disabled = true;
        say(strings.meTooDone);
      } catch (error) { say(errorText(error)); }
    });
    item.append(button);
    list.append(item);
  }
}

export function setupReport() {
  $("report-category").addEventListener("change", renderAttributes);
  $("report-locate").addEventListener("click", locate);
  $("report-form").addEventListener("submit", send);
}

export function openReport() {
  $("suggestions").hidden = true;
  if (!$("report-lat").value) locate();
}
