{% load static %}// SafeGrid field app service worker: keeps the app shell usable with poor signal.
const SHELL = "safegrid-shell-v2";
const ASSETS = [
  "/",
  "{% static 'fieldapp/app.css' %}",
  "{% static 'fieldapp/app.js' %}",
  "{% static 'fieldapp/api.js' %}",
  "{% static 'fieldapp/outbox.js' %}",
  "{% static 'fieldapp/report.js' %}",
  "{% static 'fieldapp/work.js' %}",
  "{% static 'fieldapp/live.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(ASSETS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  // API calls always go to the network; the app keeps its own outbox for offline writes.
  // The whistleblower's page (/tip/) is never cached: it must leave nothing in the browser.
  const bypass = ["/api/", "/ws/", "/tip/"].some((prefix) => url.pathname.startsWith(prefix));
  if (event.request.method !== "GET" || bypass) {
    return;
  }
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        const copy = response.clone();
        caches.open(SHELL).then((cache) => cache.put(event.request, copy));
        return response;
      })
      .catch(() => caches.match(event.request))
  );
});
