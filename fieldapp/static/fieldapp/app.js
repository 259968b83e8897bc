// SafeGrid field app: sign in with a token, then show who you are and your grid.
"use strict";

const strings = JSON.parse(document.getElementById("i18n").textContent);
const TOKEN_KEY = "safegrid.token";

function $(id) { return document.getElementById(id); }
function say(text) { $("status").textContent = text || ""; }

async function api(path, options = {}) {
  const token = localStorage.getItem(TOKEN_KEY);
  const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
  if (token) headers.Authorization = "Token " + token;
  const response = await fetch("/api/v1/" + path, Object.assign({}, options, { headers, credentials: "omit" }));
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) { const error = new Error((body && body.message) || response.statusText); error.status = response.status; throw error; }
  return body;
}

function show(section) {
  for (const id of ["signin", "home"]) $(id).hidden = id !== section;
}

async function loadHome() {
  say(strings.loading);
  try {
    const me = await api("me/");
    $("greeting").textContent = strings.hello + ", " + (me.display_name || me.username);
    $("roles").textContent = me.roles.map((role) => strings[role] || role).join(" · ");
    const grid = me.worker_grid || me.home_grid;
    $("grid").textContent = grid ? grid.community.name + " · " + grid.name : strings.noGrid;
    show("home");
    say("");
  } catch (error) {
    if (error.status === 401) { localStorage.removeItem(TOKEN_KEY); show("signin"); say(""); }
    else say(navigator.onLine ? error.message : strings.offline);
  }
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const body = await api("auth/token/", { method: "POST", body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
    localStorage.setItem(TOKEN_KEY, body.token);
    await loadHome();
  } catch (error) {
    say(error.status === 401 ? strings.badLogin : error.message);
  }
});

$("signout").addEventListener("click", async () => {
  try { await api("auth/logout/", { method: "POST" }); } catch (error) { /* token may already be gone */ }
  localStorage.removeItem(TOKEN_KEY);
  show("signin");
});

if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
if (localStorage.getItem(TOKEN_KEY)) loadHome(); else show("signin");
