// Screens with their own URLs: the phone's Back button walks back through them.
//
// A module adds a screen with `route("/path/:param", { section, enter, title })`:
// `section` is the id of its <section data-screen> (a module may create its own),
// `enter(params)` fills it when shown. `go(path)` pushes a history entry; Back pops it.
"use strict";

import { $ } from "./api.js";
import { refusalText, say } from "./messages.js";

const routes = [];
let guard = null;
let current = null;

export function route(path, screen) {
  const names = [];
  const pattern = new RegExp("^" + path.replace(/:(\w+)/g, (_, name) => { names.push(name); return "([^/]+)"; }) + "/?$");
  routes.push({ path, pattern, names, ...screen });
}

/** `check(route)` returns a path to go to instead (e.g. sign-in when there is no token). */
export function setGuard(check) { guard = check; }

export function currentRoute() { return current; }

/** Show `path` and add a history entry (or replace the current one). */
export function go(path, { replace = false, state = null } = {}) {
  const depth = (history.state && history.state.depth) || 0;
  if (replace) history.replaceState(Object.assign({}, state || {}, { depth }), "", path);
  else if (location.pathname + location.search !== path) history.pushState(state, "", path);
  return render();
}

/** Back within the app; to home when the app was opened on this screen. */
export function back() {
  if (history.state && history.state.depth > 0) history.back();
  else go("/", { replace: true });
}

function match(pathname) {
  for (const candidate of routes) {
    const found = candidate.pattern.exec(pathname);
    if (found) {
      const params = {};
      candidate.names.forEach((name, index) => { params[name] = decodeURIComponent(found[index + 1]); });
      return { route: candidate, params };
    }
  }
  return null;
}

export async function render() {
  let found = match(location.pathname) || match("/");
  const redirect = guard && guard(found.route);
  if (redirect && redirect !== location.pathname) {
    history.replaceState(null, "", redirect);
    found = match(redirect);
  }
  current = found.route;
  for (const section of document.querySelectorAll("section[data-screen]")) {
    section.hidden = section.id !== found.route.section;
  }
  document.title = (found.route.title ? found.route.title() + " · " : "") + document.body.dataset.appName;
  window.scrollTo(0, 0);
  const heading = $(found.route.section).querySelector("h2");
  if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
  // A screen that cannot load (no signal and never seen, gone) says so where the eye is.
  if (found.route.enter) await Promise.resolve(found.route.enter(found.params)).catch((error) => say(refusalText(error), "error"));
  // Modules that add to another module's screen (the home screen's on-duty switch) hook in here.
  document.dispatchEvent(new CustomEvent("screen-shown", { detail: { section: found.route.section } }));
}

// Every entry remembers how deep it is, so Back knows whether there is an app screen behind.
const pushState = history.pushState.bind(history);
history.pushState = (state, title, url) => {
  const depth = ((history.state && history.state.depth) || 0) + 1;
  pushState(Object.assign({}, state || {}, { depth }), title, url);
};
window.addEventListener("popstate", () => { render(); });
