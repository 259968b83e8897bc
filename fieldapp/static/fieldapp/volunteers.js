// Volunteers: my profile and certificates, activities near me with sign-up and cancel,
// check-in and check-out by the event's code (typed or its QR scanned) or by location,
// and my hours. Every write goes through the outbox; check-in and check-out carry the
// time of the tap (`occurred_at`), so one made with no signal counts from when it happened.
"use strict";

import { $, api, cachedGet, el, formatDate, postJson, strings, t } from "./api.js";
import { clearFieldErrors, refusalText, say, showFieldErrors } from "./messages.js";
import { enqueue, flushOutbox, outboxAll, registerKind, waitingFor } from "./outbox.js";
import { chosenPhotos, photoPicker } from "./photos.js";
import { currentRoute, go, render, route } from "./router.js";

Object.assign(strings, JSON.parse($("i18n-volunteers").textContent));
const V = "volunteers/";
const NEAR_M = 5000;

route("/volunteer", { section: "vol-profile", title: () => strings.volProfileTitle, enter: showProfile });
route("/volunteer/activities", { section: "vol-activities", title: () => strings.volActivitiesTitle, enter: showActivities });
route("/volunteer/activities/:id", { section: "vol-activity", title: () => strings.volActivityTitle, enter: ({ id }) => showActivity(Number(id)) });
route("/volunteer/hours", { section: "vol-hours", title: () => strings.volHoursTitle, enter: showHours });

// ---- outbox kinds ----

/** A sign-up or cancel whose first answer was lost: the server's refusal of the repeat
 * means the first went through, so the sign-up as it is now is the answer. */
async function mySignup(activity) {
  const page = await api(V + "me/signups/");
  return page.results.find((signup) => signup.activity === activity) || null;
}

registerKind("volunteer.register", {
  label: () => strings.outboxVolRegister,
  send: (item) => postJson(V + "me/", item.payload),
});

registerKind("volunteer.profile", {
  label: () => strings.outboxVolProfile,
  async send(item, step) {
    await step("profile", () => api(V + "me/", { method: "PATCH", body: JSON.stringify(item.payload.profile) }));
    return step("availability", () => api(V + "me/availability/", { method: "PUT", body: JSON.stringify(item.payload.availability) }));
  },
});

registerKind("volunteer.duty", {
  label: (item) => t("outboxVolDuty", { state: item.payload.on_duty ? strings.yes : strings.no }),
  send: (item) => postJson(V + "me/duty/", item.payload),
});

registerKind("volunteer.certificate", {
  label: (item) => t("outboxVolCertificate", { number: item.payload.number }),
  send(item) {
    const form = new FormData();
    for (const [name, value] of Object.entries(item.payload)) form.append(name, value);
    form.append("file", item.photos[0], "certificate.jpg");
    return api(V + "me/certificates/", { method: "POST", body: form });
  },
});

registerKind("volunteer.signup", {
  label: (item) => t("outboxVolSignup", { title: item.payload.title }),
  async send(item) {
    try {
      return await postJson(V + "activities/" + item.payload.activity + "/signup/");
    } catch (error) {
      if (error.body && error.body.code === "already_signed_up") return (await mySignup(item.payload.activity)) || Promise.reject(error);
      throw error;
    }
  },
});

registerKind("volunteer.cancel", {
  label: (item) => t("outboxVolCancel", { title: item.payload.title }),
  async send(item) {
    try {
      return await postJson(V + "activities/" + item.payload.activity + "/cancel/");
    } catch (error) {
      const now = error.body && error.body.code === "not_signed_up" ? await mySignup(item.payload.activity) : null;
      if (now && now.status === "cancelled") return now;
      throw error;
    }
  },
});

// The server answers a repeated check-in or check-out with the sign-up unchanged.
for (const [kind, path, label] of [["volunteer.checkin", "check-in", "outboxVolCheckIn"], ["volunteer.checkout", "check-out", "outboxVolCheckOut"]]) {
  registerKind(kind, {
    label: (item) => t(label, { title: item.payload.title, time: formatDate(item.payload.proof.occurred_at) }),
    send: (item) => postJson(V + "activities/" + item.payload.activity + "/" + path + "/", item.payload.proof),
  });
}

/** Queue a write, try to send it now, and say in words what happened. */
export async function write(kind, options, sentText) {
  const item = await enqueue(kind, options);
  say(strings.sending);
  const sent = await flushOutbox();
  if (sent.has(item.uuid)) { say(sentText); return sent.get(item.uuid); }
  const left = (await outboxAll()).find((one) => one.uuid === item.uuid);
  if (left && left.error) say(refusalText({ status: left.error.status, body: left.error.body }), "error");
  else say(strings.volKept);
  return null;
}

function redrawIfShown(section) {
  const screen = currentRoute();
  if (screen && screen.section === section) render();
}

// ---- my profile and certificates ----

let skills = null;
async function loadSkills() {
  if (!skills) skills = (await cachedGet(V + "skills/")).results;
  return skills;
}

async function loadProfile() {
  try {
    return await cachedGet(V + "me/");
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

async function showProfile() {
  const profile = await loadProfile();
  $("vol-register").hidden = Boolean(profile);
  $("vol-profile-body").hidden = !profile;
  if (!profile) return;
  $("vol-community").textContent = t("volCommunity", { community: profile.community_name });
  $("vol-duty").checked = profile.on_duty;
  $("vol-duty-note").textContent = profile.status === "paused" ? strings.volDutyPaused : (profile.on_duty ? strings.volDutyOn : strings.volDutyOff);
  $("vol-duty").disabled = profile.status === "paused";
  for (const radio of document.querySelectorAll("#vol-profile-form [name=status]")) radio.checked = radio.value === profile.status;
  const all = await loadSkills();
  $("vol-skills").replaceChildren(...all.map((skill) => el("label", { cls: "choice" },
    el("input", { attrs: { type: "checkbox", name: "skill", value: skill.id, checked: profile.skills.includes(skill.id) } }),
    el("span", { text: skill.name + (skill.needs_certificate ? "（" + strings.volNeedsCertificate + "）" : "") }))));
  const days = strings.volDayNames.split(",");
  const chosen = new Set(profile.availability.map((window) => window.weekday));
  $("vol-days").replaceChildren(...days.map((name, weekday) => el("label", { cls: "choice" },
    el("input", { attrs: { type: "checkbox", name: "weekday", value: weekday, checked: chosen.has(weekday) } }), el("span", { text: name }))));
  if (profile.availability.length) { $("vol-from").value = profile.availability[0].starts; $("vol-until").value = profile.availability[0].ends; }
  $("vol-cert-skill").replaceChildren(...all.filter((skill) => skill.needs_certificate).map((skill) => el("option", { text: skill.name, attrs: { value: skill.id } })));
  await showCertificates(all);
}

function certificateState(certificate) {
  if (certificate.status === "rejected") return strings.volCertRejected;
  const expired = certificate.expires_on <= new Date().toISOString().slice(0, 10);
  if (expired) return t("volCertExpired", { date: formatDate(certificate.expires_on, false) });
  if (certificate.status === "pending") return strings.volCertPending;
  return t("volCertValid", { date: formatDate(certificate.expires_on, false) });
}

async function showCertificates(all) {
  const names = new Map(all.map((skill) => [skill.id, skill.name]));
  const rows = (await cachedGet(V + "me/certificates/")).results;
  const list = $("vol-certificates");
  list.replaceChildren();
  if (!rows.length) list.append(el("li", { cls: "empty", text: strings.volNoCertificates }));
  for (const certificate of rows) {
    list.append(el("li", { cls: "card", attrs: { "data-certificate": certificate.id } },
      el("strong", { text: names.get(certificate.skill) || certificate.skill_code }),
      el("span", { cls: "badge", text: certificateState(certificate) }),
      el("span", { cls: "meta", text: t("volCertNumber", { issuer: certificate.issuer, number: certificate.number }) })));
  }
  for (const item of (await outboxAll()).filter((one) => one.kind === "volunteer.certificate")) {
    list.append(el("li", { cls: "card waiting", text: t("waitingItem", { what: t("outboxVolCertificate", { number: item.payload.number }) }) }));
  }
}

async function saveProfile(event) {
  event.preventDefault();
  const form = $("vol-profile-form");
  const checked = (name) => Array.from(form.querySelectorAll(`[name=${name}]:checked`)).map((box) => Number(box.value));
  const status = (form.querySelector("[name=status]:checked") || {}).value;
  const availability = checked("weekday").map((weekday) => ({ weekday, starts: $("vol-from").value, ends: $("vol-until").value }));
  const saved = await write("volunteer.profile", { payload: { profile: { status, skills: checked("skill") }, availability } }, strings.volSaved);
  if (saved) showProfile();
}

async function sendCertificate(event) {
  event.preventDefault();
  const form = $("vol-cert-form");
  clearFieldErrors(form);
  const photos = await chosenPhotos($("vol-cert-photo"));
  const payload = { skill: $("vol-cert-skill").value, issuer: $("vol-cert-issuer").value.trim(), number: $("vol-cert-number").value.trim(), expires_on: $("vol-cert-expires").value };
  const missing = Object.entries(payload).filter(([, value]) => !value).map(([name]) => [name, strings.needValue]);
  if (!photos.length) missing.push(["file", strings.needPhoto]);
  if (missing.length) { say(showFieldErrors(form, Object.fromEntries(missing)), "error"); return; }
  await write("volunteer.certificate", { payload, photos }, strings.volSaved);
  form.reset();
  showProfile();
}

async function setDuty(event) {
  const on = event.target.checked;
  const payload = { on_duty: on };
  const here = on ? await position() : null;
  if (here) Object.assign(payload, here);
  const answer = await write("volunteer.duty", { payload }, on ? strings.volDutyOn : strings.volDutyOff);
  if (answer) showProfile();
}

// ---- activities ----

/** Where the phone is, or null (no permission, no fix within a few seconds). */
export function position() {
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => navigator.geolocation.getCurrentPosition(
    (found) => resolve({ lat: found.coords.latitude, lng: found.coords.longitude }),
    () => resolve(null), { timeout: 8000, maximumAge: 60000 }));
}

function timeRange(activity) {
  return t("volTimeRange", { start: formatDate(activity.starts_at), end: formatDate(activity.ends_at) });
}

async function signupsByActivity() {
  const page = await cachedGet(V + "me/signups/");
  return new Map(page.results.filter((signup) => signup.status !== "cancelled").map((signup) => [signup.activity, signup]));
}

function signupWords(signup) {
  if (signup.status === "waiting") return t("volMineWaiting", { position: signup.waiting_position });
  return strings["volSignup_" + signup.status] || "";
}

async function showActivities() {
  const here = await position();
  $("vol-near").textContent = here ? strings.volNearHere : strings.volNearAll;
  const path = V + "activities/" + (here ? `?lat=${here.lat}&lng=${here.lng}&radius=${NEAR_M}` : "");
  const [page, mine] = await Promise.all([cachedGet(path), signupsByActivity()]);
  const list = $("vol-activity-list");
  list.replaceChildren();
  if (!page.results.length) list.append(el("li", { cls: "empty", text: strings.volNoActivities }));
  for (const activity of page.results) {
    const link = el("a", { cls: "open", attrs: { href: "/volunteer/activities/" + activity.id, "data-activity": activity.id } },
      el("strong", { text: activity.title }),
      el("span", { cls: "meta", text: strings["volKind_" + activity.kind] + " · " + activity.place }),
      el("span", { cls: "meta", text: timeRange(activity) }),
      el("span", { cls: "meta", text: activity.confirmed >= activity.capacity ? strings.volFull : t("volPlaces", { taken: activity.confirmed, capacity: activity.capacity }) }));
    const signup = mine.get(activity.id);
    if (signup) link.append(el("span", { cls: "badge", text: signupWords(signup) }));
    link.addEventListener("click", (event) => { event.preventDefault(); go("/volunteer/activities/" + activity.id); });
    list.append(el("li", { cls: "card" }, link));
  }
}

let shownActivity = null;

async function showActivity(id) {
  const [activity, mine, waiting] = await Promise.all([cachedGet(V + "activities/" + id + "/"), signupsByActivity(), waitingFor("activity:" + id)]);
  shownActivity = activity;
  $("vol-activity-title").textContent = activity.title;
  const fact = (term, text) => [el("dt", { text: term }), el("dd", { text })];
  $("vol-activity-facts").replaceChildren(
    ...fact(strings.volWhat, strings["volKind_" + activity.kind]), ...fact(strings.volWhen, timeRange(activity)),
    ...fact(strings.volWhere, activity.place), ...fact(strings.volPlacesLabel, activity.confirmed >= activity.capacity ? strings.volFull : t("volPlaces", { taken: activity.confirmed, capacity: activity.capacity })));
  const signup = mine.get(id) || null;
  const queued = (kind) => waiting.find((item) => item.kind === kind && !item.error);
  const checkin = queued("volunteer.checkin");
  const checkout = queued("volunteer.checkout");
  $("vol-activity-mine").textContent = !signup ? "" : signup.status === "waiting" ? signupWords(signup)
    : signup.checked_out_at ? t("volMineCheckedOut", { time: formatDate(signup.checked_out_at), hours: (signup.minutes / 60).toFixed(1), status: strings["volHours_" + signup.hours_status] })
    : signup.checked_in_at ? t("volMineCheckedIn", { time: formatDate(signup.checked_in_at) }) : strings.volMineConfirmed;
  const notes = [];
  if (queued("volunteer.signup")) notes.push(strings.volWaitingSignup);
  if (queued("volunteer.cancel")) notes.push(strings.volWaitingCancel);
  if (checkin) notes.push(t("volWaitingCheckIn", { time: formatDate(checkin.payload.proof.occurred_at) }));
  if (checkout) notes.push(t("volWaitingCheckOut", { time: formatDate(checkout.payload.proof.occurred_at) }));
  $("vol-activity-waiting").hidden = !notes.length;
  $("vol-activity-waiting").textContent = notes.join(" ");
  const started = new Date(activity.starts_at) <= new Date();
  $("vol-signup").hidden = Boolean(signup) || Boolean(queued("volunteer.signup")) || started;
  $("vol-cancel").hidden = !signup || Boolean(queued("volunteer.cancel")) || started || Boolean(signup.checked_in_at);
  // Check-in opens 30 minutes before the start; check-out follows a check-in, sent or not.
  const opens = new Date(new Date(activity.starts_at).getTime() - 30 * 60000);
  const confirmed = signup && signup.status === "confirmed";
  const inDone = Boolean(checkin) || Boolean(confirmed && signup.checked_in_at);
  const outDone = Boolean(checkout) || Boolean(confirmed && signup.checked_out_at);
  const form = $("vol-presence");
  form.hidden = !confirmed || outDone || new Date() < opens;
  form.dataset.action = inDone ? "checkout" : "checkin";
  $("vol-presence-title").textContent = inDone ? strings.volCheckOutTitle : strings.volCheckInTitle;
  $("vol-presence-code").textContent = inDone ? strings.volCheckOutCode : strings.volCheckInCode;
  $("vol-presence-place").textContent = inDone ? strings.volCheckOutPlace : strings.volCheckInPlace;
  $("vol-scan").hidden = !("BarcodeDetector" in window);
  clearFieldErrors(form);
}

async function signUp() {
  const activity = shownActivity;
  const answer = await write("volunteer.signup", { payload: { activity: activity.id, title: activity.title }, subject: "activity:" + activity.id }, strings.volSignedUp);
  if (answer && answer.status === "waiting") say(t("volMineWaiting", { position: answer.waiting_position }));
  await showActivity(activity.id);
}

async function cancelSignup() {
  if (!confirm(strings.volCancelConfirm)) return;
  const activity = shownActivity;
  await write("volunteer.cancel", { payload: { activity: activity.id, title: activity.title }, subject: "activity:" + activity.id }, strings.volCancelled);
  await showActivity(activity.id);
}

async function presence(proof) {
  const activity = shownActivity;
  const action = $("vol-presence").dataset.action;
  const kind = action === "checkout" ? "volunteer.checkout" : "volunteer.checkin";
  // The moment of the tap, not of the sending: with no signal it may go hours later.
  const payload = { activity: activity.id, title: activity.title, proof: { ...proof, occurred_at: new Date().toISOString() } };
  const done = action === "checkout" ? strings.volCheckedOut : strings.volCheckedIn;
  const answer = await write(kind, { payload, subject: "activity:" + activity.id }, done);
  $("vol-code").value = "";
  await showActivity(activity.id);
  if (!answer) {
    const refused = (await outboxAll()).find((item) => item.kind === kind && item.subject === "activity:" + activity.id && item.error);
    if (refused && refused.error.body && refused.error.body.fields) showFieldErrors($("vol-presence"), refused.error.body.fields);
  }
}

function byCode(event) {
  event.preventDefault();
  const code = $("vol-code").value.trim().toUpperCase();
  if (!code) { say(showFieldErrors($("vol-presence"), { code: strings.volNeedCode }), "error"); return; }
  presence({ code });
}

async function byPlace() {
  say(strings.locating);
  const here = await position();
  if (!here) { say(strings.noLocation, "error"); return; }
  presence(here);
}

/** Read the event's QR with the camera where the browser can (BarcodeDetector); the code
 * lands in the same field as a typed one, which always works. */
async function scan() {
  const video = $("vol-scan-video");
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    say(strings.volScanning);
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    for (let tries = 0; tries < 150; tries += 1) {
      const found = await detector.detect(video);
      if (found.length) { $("vol-code").value = found[0].rawValue.trim().toUpperCase(); say(""); return; }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    say(strings.volScanFailed, "error");
  } catch (error) {
    say(strings.volScanFailed, "error");
  } finally {
    if (stream) for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
  }
}

// ---- my hours ----

async function showHours() {
  const [months, signups] = await Promise.all([cachedGet(V + "me/hours/"), cachedGet(V + "me/signups/")]);
  const list = $("vol-hours-months");
  list.replaceChildren();
  if (!months.length) list.append(el("li", { cls: "empty", text: strings.volNoHours }));
  for (const row of months) {
    list.append(el("li", { cls: "card", attrs: { "data-month": row.month } }, el("strong", { text: t("volHoursMonth", { month: row.month, approved: row.approved_hours, pending: row.pending_hours }) })));
  }
  const mine = $("vol-signups");
  mine.replaceChildren();
  if (!signups.results.length) mine.append(el("li", { cls: "empty", text: strings.empty }));
  for (const signup of signups.results) {
    const words = [signupWords(signup)];
    if (signup.checked_out_at) words.push(t("volMineCheckedOut", { time: formatDate(signup.checked_out_at), hours: (signup.minutes / 60).toFixed(1), status: strings["volHours_" + signup.hours_status] }));
    if (signup.no_show) words.push(strings.volNoShow);
    mine.append(el("li", { cls: "card", attrs: { "data-signup": signup.id } }, el("strong", { text: signup.activity_title }), el("span", { cls: "meta", text: words.join(" ") })));
  }
}

// ---- wiring ----

function setup() {
  const home = document.querySelector("#home nav.actions");
  if (home) home.append(el("a", { cls: "button big", text: strings.volHome, attrs: { href: "/volunteer", "data-screen-link": true, id: "go-volunteer" } }));
  for (const button of document.querySelectorAll("#vol-profile button.back, #vol-activities button.back, #vol-activity button.back, #vol-hours button.back")) button.addEventListener("click", () => (history.state && history.state.depth ? history.back() : go("/", { replace: true })));
  $("vol-register-send").addEventListener("click", async () => {
    const me = await cachedGet("me/");
    const grid = me.home_grid || me.worker_grid;
    if (!grid) { say(strings.noGrid, "error"); return; }
    if (await write("volunteer.register", { payload: { community: grid.community.id } }, strings.volSaved)) showProfile();
  });
  $("vol-profile-form").addEventListener("submit", saveProfile);
  $("vol-cert-form").addEventListener("submit", sendCertificate);
  $("vol-duty").addEventListener("change", setDuty);
  $("vol-signup").addEventListener("click", signUp);
  $("vol-cancel").addEventListener("click", cancelSignup);
  $("vol-presence").addEventListener("submit", byCode);
  $("vol-presence-place").addEventListener("click", byPlace);
  $("vol-scan").addEventListener("click", scan);
  photoPicker($("vol-cert-photo"), strings.takePhoto, strings.noPhotoYet);
  // Sent later by the outbox: the screen showing that activity (or my hours) catches up.
  document.addEventListener("outbox-sent", (event) => {
    if (!event.detail.item.kind.startsWith("volunteer.")) return;
    redrawIfShown("vol-activity");
    redrawIfShown("vol-hours");
  });
  document.addEventListener("safegrid-event", (event) => {
    const data = event.detail && event.detail.type === "volunteers.waitlist_promoted" ? event.detail.data : null;
    if (data) { say(t("volPromoted", { title: data.title })); redrawIfShown("vol-activity"); }
  });
}

setup();
