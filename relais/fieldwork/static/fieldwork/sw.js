// Relais field work: a service worker so that the pages a mediator opened stay available offline.
//
// Scope /terrain/ (served at /terrain/sw.js). Field-work pages that the server marks with the
// X-Relais-Offline header ("Ma journée", a visit, its summary, an activity) are fetched from the network
// first and kept in a cache; when the network is away the last copy is shown, and outbox.js keeps the
// entries made on it until they can be sent. Static files those pages use are kept the same way.
//
// Never one person's pages for another: the header carries a key derived from the session, and a page
// from another session empties the cache first. The cache is also emptied on logout (a logout posted
// from a field-work page passes here; relais.js empties it from other pages), and when a page kept
// earlier answers with a redirect (the session ended: to the login page).
"use strict";

const PREFIX = "relais-fieldwork-";
const PAGES = `${PREFIX}pages-v1`;
const ASSETS = `${PREFIX}assets-v1`;
const OWNER = "__relais-owner__"; // a cache entry naming the session the cached pages belong to
const LOGOUT = new URL(self.location.href).searchParams.get("logout") || "";
const STATIC = new URL(self.location.href).searchParams.get("static") || "/static/";
const SCOPE = new URL(self.registration.scope).pathname;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== PAGES && k !== ASSETS).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function clearAll() {
  return caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX)).map((k) => caches.delete(k))));
}

self.addEventListener("message", (event) => {
  if (event.data === "relais:logout") event.waitUntil(clearAll());
});

async function owner(cache) {
  const hit = await cache.match(new URL(OWNER, self.registration.scope).href);
  return hit ? hit.text() : "";
}

async function keep(request, response, key) {
  let cache = await caches.open(PAGES);
  if ((await owner(cache)) !== key) {
    await caches.delete(PAGES);
    cache = await caches.open(PAGES);
    await cache.put(new URL(OWNER, self.registration.scope).href, new Response(key));
  }
  await cache.put(request.url, response);
}

function offlinePage() {
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pas de réseau · Relais</title></head>
<body><main><h1>Pas de réseau</h1>
<p>Cette page n'a pas encore été ouverte sur ce téléphone : elle s'affichera au retour du réseau.</p>
<p>Les pages déjà ouvertes (« Ma journée », vos déplacements et leurs activités) restent consultables.</p>
</main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function page(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (networkError) {
    const cache = await caches.open(PAGES);
    return (await cache.match(request.url)) || offlinePage();
  }
  if (response.type === "opaqueredirect") {
    // A page kept earlier now redirects (to the login page): the session is over, forget every page.
    const cache = await caches.open(PAGES);
    if (await cache.match(request.url)) await clearAll();
  } else {
    const key = response.headers.get("X-Relais-Offline");
    if (response.ok && key) await keep(request, response.clone(), key);
  }
  return response;
}

async function asset(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(ASSETS);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (networkError) {
    const hit = await caches.match(request, { cacheName: ASSETS });
    if (hit) return hit;
    throw networkError;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "POST" && LOGOUT && url.pathname === LOGOUT) {
    event.waitUntil(clearAll());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // Pages only (a path ending with "/", no query): downloads and searches go straight to the network.
    if (url.pathname.startsWith(SCOPE) && url.pathname.endsWith("/") && !url.search) event.respondWith(page(request));
    return;
  }
  if (url.pathname.startsWith(STATIC)) event.respondWith(asset(request));
});
