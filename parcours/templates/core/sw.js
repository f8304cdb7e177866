// Parcours' service worker (parcours/core/offline.py builds its lists; docs/continuite.md says what
// works without network). Static files: cache first. Offline pages: network first, the last copy
// when the server cannot be reached. Snapshots (the 115's free places): network first, kept.
"use strict";
const CONFIG = {{ config_json|safe }};
const CACHE = "parcours-" + CONFIG.version;
const KEEP_MS = {{ keep_hours }} * 3600 * 1000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(CONFIG.precache)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("parcours-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

const offlinePages = () => CONFIG.pages.map((p) => p[1]);

// A copy is kept only when it is a real answer of ours (not a redirection to the login page).
async function networkFirst(request, stamp) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      if (stamp) {
        const headers = new Headers(copy.headers);
        headers.set("X-Parcours-Kept-At", String(Date.now()));
        await cache.put(request.url, new Response(await copy.blob(), { status: copy.status, headers }));
      } else {
        await cache.put(request.url, copy);
      }
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request.url);
    if (kept && stamp && Date.now() - Number(kept.headers.get("X-Parcours-Kept-At") || 0) > KEEP_MS) {
      await cache.delete(request.url);
      throw error;
    }
    if (kept) return kept;
    throw error;
  }
}

async function fallbackFor(url) {
  const cache = await caches.open(CACHE);
  for (const [prefix, page] of CONFIG.pages) {
    if (url.pathname.startsWith(prefix)) {
      const kept = await cache.match(page);
      if (kept) return kept;
    }
  }
  return Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (CONFIG.snapshots.includes(url.pathname)) {
    event.respondWith(networkFirst(request, true));
  } else if (offlinePages().includes(url.pathname)) {
    event.respondWith(networkFirst(request, true).catch(() => Response.error()));
  } else if (request.mode === "navigate") {
    if (CONFIG.pages.some(([prefix]) => url.pathname.startsWith(prefix))) {
      event.respondWith(fetch(request).catch(() => fallbackFor(url)));
    }
  } else if (CONFIG.precache.includes(url.pathname)) {
    event.respondWith(caches.match(request.url).then((kept) => kept || fetch(request)));
  }
});

// A page asks the worker to keep the offline pages (a 115 page does at each load; copies younger
// than WARM_MS are kept as they are), or to forget everything kept (after a logout). The snapshots
// are kept each time a page reads them.
const WARM_MS = 10 * 60 * 1000;

async function warm(url) {
  const kept = await (await caches.open(CACHE)).match(url);
  if (kept && Date.now() - Number(kept.headers.get("X-Parcours-Kept-At") || 0) < WARM_MS) return;
  await networkFirst(new Request(url), true).catch(() => null);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "warm") {
    event.waitUntil(Promise.all([...offlinePages(), ...CONFIG.snapshots].map(warm)));
  } else if (data.type === "forget") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("parcours-")).map((k) => caches.delete(k)))));
  }
});
