/* The coordinator's field page: records reach it as they are saved. An event stream
   (EventSource) pushes each new one, and the row is added in place. Record text goes in by
   textContent, never as HTML. The page's words and URLs come from data- attributes. */
(function () {
  'use strict';
  var table = document.getElementById('visits');
  if (!table) { return; }
  var body = table.querySelector('tbody');
  var state = document.getElementById('visits-state');
  var counter = document.getElementById('visits-new');
  var editor = JSON.parse(table.dataset.editor);
  var words = JSON.parse(table.dataset.words);
  var newest = Number(table.dataset.newest) || 0;
  var added = 0;

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
  }

  function add(v) {
    if (v.id <= newest) { return; }
    newest = v.id;
    var row = document.createElement('tr');
    row.className = 'visit-row fresh';
    row.setAttribute('data-visit-id', String(v.id));
    row.setAttribute('data-household', v.household_id);
    var when = String(v.created_at);
    cell(row, when.slice(5, 10) + ' ' + when.slice(11, 16));
    cell(row, v.team_id);
    cell(row, v.household_id);
    cell(row, words[v.status] || v.status);
    cell(row, v.rented === null ? '' : (v.rented ? words.rented : words.owned));
    cell(row, v.residents || '');
    cell(row, v.since);
    if (editor) { cell(row, v.vulnerable); cell(row, v.requests); }
    var empty = document.getElementById('visits-empty');
    if (empty) { empty.remove(); }
    body.insertBefore(row, body.firstChild);
    setTimeout(function () { row.classList.remove('fresh'); }, 4000);
    added += 1;
    counter.textContent = String(added);
  }

  /* Without a stream: ask the JSON API for newer records every 5 s. */
  function poll() {
    state.textContent = words.poll;
    setInterval(function () {
      if (document.hidden) { return; }
      fetch(table.dataset.api + '?after=' + newest, {cache: 'no-store'})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (rows) { rows.reverse().forEach(add); })
        .catch(function () {});
    }, 5000);
  }

  if (window.EventSource) {
    var source = new EventSource(table.dataset.stream + '?after=' + newest);
    source.addEventListener('visit', function (e) { add(JSON.parse(e.data)); });
    source.onopen = function () { state.textContent = words.live; };
    source.onerror = function () {
      /* EventSource retries by itself unless the answer was not a stream at all. */
      if (source.readyState === EventSource.CLOSED) { poll(); } else { state.textContent = words.again; }
    };
  } else {
    poll();
  }
})();
