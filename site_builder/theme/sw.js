/* Service worker of the Rumah Pengetahuan: the pages a reader opened stay readable offline.
   Plain JavaScript, same origin only (the Content-Security-Policy allows nothing else).
   - pages: network first, the last copy kept; offline, the kept copy or the offline page (/luring/);
   - the theme's files: cache first (their names carry a hash, or they are revalidated in the background);
   - "Simpan untuk dibaca luring" (pokja.js) posts {type: "save", urls: [...]}: kept in a cache of its own
     that is never trimmed, the page with its attachments;
   - the service's own pages (search, accounts, contributions, moderation, administration) are never kept. */
"use strict";
var VERSION = "pokja-v1";
var PAGES = VERSION + "-pages";
var ASSETS = VERSION + "-assets";
var SAVED = "pokja-saved";
var MAX_PAGES = 200;
var scope = self.registration.scope;
var OFFLINE = new URL("luring/", scope).href;
var PRIVATE = /^\/(cari|api|akun|kontribusi|laporan|moderasi|admin|unduh)(\/|$)/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.add(OFFLINE); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== PAGES && name !== ASSETS && name !== SAVED;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function trim(cache) {
  return cache.keys().then(function (keys) {
    if (keys.length <= MAX_PAGES) return null;
    return Promise.all(keys.slice(0, keys.length - MAX_PAGES).map(function (k) { return cache.delete(k); }));
  });
}

function keep(cacheName, request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) {
      return cache.put(request, copy).then(function () { return cacheName === PAGES ? trim(cache) : null; });
    });
  }
  return response;
}

function fromCaches(request) {
  return caches.match(request, {ignoreSearch: false}).then(function (hit) {
    return hit || caches.match(request, {ignoreSearch: true, cacheName: SAVED});
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || PRIVATE.test(url.pathname)) return;
  if (request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") !== -1) {
    event.respondWith(fetch(request).then(function (response) {
      return keep(PAGES, request, response);
    }).catch(function () {
      return fromCaches(request).then(function (hit) { return hit || caches.match(OFFLINE); });
    }));
    return;
  }
  event.respondWith(fromCaches(request).then(function (hit) {
    var network = fetch(request).then(function (response) { return keep(ASSETS, request, response); });
    if (hit) {
      network.catch(function () { return null; });
      return hit;
    }
    return network;
  }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "save" || !Array.isArray(data.urls)) return;
  var urls = data.urls.filter(function (u) {
    var url = new URL(u, scope);
    return url.origin === self.location.origin && !PRIVATE.test(url.pathname);
  });
  var port = event.ports && event.ports[0];
  event.waitUntil(caches.open(SAVED).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return fetch(u, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) throw new Error(u + ": " + response.status);
        return cache.put(u, response);
      });
    }));
  }).then(function () {
    if (port) port.postMessage({ok: true, count: urls.length});
  }).catch(function (error) {
    if (port) port.postMessage({ok: false, error: String(error)});
  }));
});
