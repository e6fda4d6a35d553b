/* Team phone page: open a stop, record the visit, queue it while offline, re-send on reconnect. */
(function () {
  'use strict';
  var body = document.body;
  var base = body.dataset.base;
  var QUEUE = 'rv-queue:' + base;
  var LABEL = {visited: '已访', not_home: '不在家', refused: '拒访'};
  var form = document.getElementById('visit');
  var current = null;
  var sending = false;

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/t/sw.js', {scope: '/t/'}).catch(function () {});
  }

  function queue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || '[]'); } catch (e) { return []; }
  }
  function keep(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); showNet(); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function stops() { return Array.prototype.slice.call(document.querySelectorAll('li.stop')); }
  function item(id) { return document.querySelector('li.stop[data-stop-id="' + id + '"]'); }

  function showNet() {
    var n = queue().length;
    var net = document.getElementById('net');
    document.getElementById('queue-count').textContent = String(n);
    net.hidden = navigator.onLine && n === 0;
    stops().forEach(function (li) { li.classList.remove('queued'); });
    queue().forEach(function (r) { var li = item(r.stop_id); if (li) { li.classList.add('queued'); } });
  }

  function mark(li, status) {
    li.dataset.status = status || '';
    li.classList.remove('st-visited', 'st-not_home', 'st-refused');
    if (status) { li.classList.add('st-' + status); }
    li.querySelector('.state').textContent = LABEL[status] || '';
  }

  function highlightNext() {
    var all = stops();
    var done = all.filter(function (li) { return li.dataset.status; }).length;
    var next = all.filter(function (li) { return !li.dataset.status; })[0];
    all.forEach(function (li) { li.classList.toggle('next', li === next); });
    var progress = document.getElementById('progress');
    if (progress) { progress.textContent = done + ' / ' + all.length; }
  }

  function open(li) {
    current = li;
    form.reset();
    form.hidden = false;
    document.getElementById('visit-error').textContent = '';
    document.getElementById('visit-title').textContent =
      li.closest('.group').querySelector('h3').textContent + ' ' + li.querySelector('.unit').textContent;
    var map = document.getElementById('map');
    if (map && map.contentWindow) {
      map.contentWindow.postMessage({building: li.dataset.building}, location.origin);
    }
  }

  function record() {
    var data = new FormData(form);
    var out = {key: newKey(), stop_id: Number(current.dataset.stopId), status: data.get('status')};
    if (out.status === 'visited') {
      ['tenure', 'residents', 'since', 'vulnerable', 'requests'].forEach(function (k) {
        out[k] = String(data.get(k) || '').trim();
      });
    }
    return out;
  }

  function flush() {
    if (sending) { return Promise.resolve(); }
    var items = queue();
    if (!items.length) { showNet(); return Promise.resolve(); }
    sending = true;
    var first = items[0];
    return fetch(base + '/api/visits', {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(first),
      cache: 'no-store', credentials: 'omit'
    }).then(function (response) {
      sending = false;
      // 2xx: stored; 400/403/404: will never be accepted, drop it rather than retry forever.
      if (response.ok || [400, 403, 404].indexOf(response.status) >= 0) {
        keep(queue().filter(function (r) { return r.key !== first.key; }));
        if (!response.ok) {
          return response.json().then(function (b) { var li = item(first.stop_id); if (li) { mark(li, ''); } alert(b.error || response.status); });
        }
        return flush();
      }
      showNet();
    }).catch(function () { sending = false; showNet(); });
  }

  function refresh() {
    return fetch(base + '/api/stops', {cache: 'no-store', credentials: 'omit'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var pending = {};
        queue().forEach(function (r) { pending[r.stop_id] = r.status; });
        data.stops.forEach(function (s) {
          var li = item(s.id);
          if (!li) { return; }
          mark(li, pending[s.id] || s.status);
          var parts = [s.phone, s.requests].filter(Boolean);
          li.querySelector('.contact').textContent = parts.join(' · ');
        });
        highlightNext();
      }).catch(function () {});
  }

  if (form) {
    document.getElementById('stops').addEventListener('click', function (e) {
      var li = e.target.closest('li.stop');
      if (li) { open(li); }
    });
    form.addEventListener('change', function () {
      form.querySelector('.reg').hidden = form.elements.status.value !== 'visited';
    });
    document.getElementById('visit-cancel').addEventListener('click', function () { form.hidden = true; });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!form.checkValidity()) { document.getElementById('visit-error').textContent = '请检查填写'; return; }
      var r = record();
      keep(queue().concat([r]));
      mark(current, r.status);
      form.hidden = true;
      highlightNext();
      flush();
    });
    queue().forEach(function (r) { var li = item(r.stop_id); if (li) { mark(li, r.status); } });
    highlightNext();
    showNet();
    window.addEventListener('online', function () { flush(); });
    window.addEventListener('offline', showNet);
    setInterval(flush, 15000);
    flush().then(refresh);
  }
})();
