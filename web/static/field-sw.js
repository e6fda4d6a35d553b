/* Service worker of the team pages: the shell, map assets and stop list work offline. */
'use strict';
var CACHE = 'rv-field-v1';
var SHELL = [
  '/static/field.js', '/static/field.css',
  '/static/vendor/leaflet-1.9.3/leaflet.js', '/static/vendor/leaflet-1.9.3/leaflet.css',
  '/static/vendor/jquery-3.7.1/jquery.min.js'
];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (c) { c.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || new Response('offline', {status: 503, headers: {'Content-Type': 'text/plain'}});
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || networkFirst(request); }));
  } else if (url.pathname.indexOf('/t/') === 0 && url.pathname !== '/t/sw.js') {
    event.respondWith(networkFirst(request));
  }
});
