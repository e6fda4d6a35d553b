// Behaviour of the coordinator pages. The Content-Security-Policy forbids inline handlers,
// so forms ask their question from data-confirm and links select themselves from here.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-select]"), function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
})();

// Job progress: poll the JSON API, move the bar, open the new plan when the job is done.
(function () {
  "use strict";
  var panel = document.getElementById("job");
  if (!panel) return;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var message = document.getElementById("job-message");
  var labels = JSON.parse(status.dataset.labels);
  var steps = JSON.parse(status.dataset.steps);

  function show(job) {
    panel.dataset.status = job.status;
    panel.className = "card job-" + job.status;
    bar.value = job.progress;
    message.textContent = job.error || steps[job.message] || job.message;
    status.textContent = labels[job.status] || job.status;
    if (job.finished) {
      var form = document.getElementById("job-cancel-form");
      if (form) form.remove();
    }
  }

  function poll() {
    fetch(panel.dataset.api, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (!job.finished) { setTimeout(poll, 700); return; }
        if (panel.dataset.reload) { window.location.reload(); return; }
        var plan = job.result && job.result.plan_id;
        if (job.status === "done" && plan && String(plan) !== panel.dataset.shownPlan) {
          window.location.assign(panel.dataset.plans + "/" + plan);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }

  var cancel = document.getElementById("job-cancel");
  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(panel.dataset.cancel, {method: "POST", credentials: "same-origin",
                                    headers: {"X-CSRFToken": token}})
        .then(function (r) { return r.json(); }).then(show);
    });
  }
  if (panel.dataset.status === "queued" || panel.dataset.status === "running") poll();
})();
