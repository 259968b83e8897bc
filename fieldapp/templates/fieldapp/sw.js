{% load static %}// SafeGrid field app service worker: the app shell opens with no signal after one visit.
// Every screen (/hazards/12, /rewards, ...) is the same shell, so a navigation with no
// signal is answered with the cached "/"; the app then shows its cached lists and outbox.
const SHELL = "safegrid-shell-v3";
const ASSETS = [
  "/",
  "/manifest.webmanifest",
  "/favicon.ico",
  {% for name in modules %}"{% static name %}",
  {% endfor %}
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
  // API calls always go to the network; the app keeps its own outbox and cached lists.
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/ws/")) {
    return;
  }
  const navigation = event.request.mode === "navigate";
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL).then((cache) => cache.put(navigation ? "/" : event.request, copy));
        }
        return response;
      })
      .catch(async () => (await caches.match(navigation ? "/" : event.request)) || Response.error())
  );
});
