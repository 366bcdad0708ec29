// Crecer's offline visit page: the page and its files are answered from the network when
// there is one (and kept), from the kept copy when there is none. Visits themselves are
// queued by offline.js in the page's local storage, not here.
const CACHE = "crecer-offline-v1";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreVary: true, ignoreSearch: true }).then(
          (kept) => kept || Response.error()
        )
      )
  );
});
