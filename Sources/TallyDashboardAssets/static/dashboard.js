// Tally dashboard: the sync indicator, the Apple Health upload and small conveniences.
// Plain script, no libraries; it talks to /v1 with the session cookie and the page's CSRF token.
"use strict";

(function () {
  const csrf = document.body.dataset.csrf || "";

  function api(method, path, body, contentType) {
    const headers = { "Accept": "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    if (body !== undefined && contentType === undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    return fetch(path, { method: method, headers: headers, body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (!response.ok) throw new Error(json.detail || json.title || ("HTTP " + response.status));
          return json;
        });
      });
  }

  // ---- The sync indicator (same rules as SyncIndicator.swift) ----
  const indicator = document.getElementById("sync-indicator");
  const details = document.getElementById("sync-details");
  let pollTimer = null;
  // Bumped by every change made here, so a poll that left before it cannot redraw the old state.
  let generation = 0;

  function clock(text) {
    if (!text) return "—";
    const date = new Date(text);
    const pad = function (n) { return String(n).padStart(2, "0"); };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + " " +
      pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function render(status) {
    const labels = indicator.dataset;
    const state = status.state;
    indicator.className = "sync-indicator sync-" + state + (status.auto_sync ? "" : " sync-off");
    indicator.dataset.state = state;
    indicator.dataset.auto = String(status.auto_sync);
    indicator.dataset.configured = String(state !== "unconfigured");
    const label = labels["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
    indicator.setAttribute("aria-label", label);
    indicator.querySelector(".sync-label").textContent = label;
    const lines = [label];
    const failing = status.sources.find(function (s) { return s.configured && s.last_error; });
    if (state === "error" && failing) lines.push(failing.last_error);
    lines.push(labels.labelLast + ": " + clock(status.last_sync_at));
    lines.push(labels.labelNext + ": " + clock(status.next_sync_at));
    status.sources.forEach(function (s) {
      lines.push(s.name + ": " + (s.configured ? s.state : labels.labelUnset));
    });
    if (state !== "unconfigured") lines.push(status.auto_sync ? labels.labelOff : labels.labelOn);
    indicator.title = lines.join("\n");
    // The Integrations page's table follows along.
    status.sources.forEach(function (s) {
      const cell = document.querySelector('#sources-table tr[data-source="' + s.name + '"] .state');
      if (cell) { cell.textContent = s.state; cell.className = "state state-" + s.state; }
    });
    details.textContent = "";
    lines.forEach(function (line) {
      const row = document.createElement("div");
      row.textContent = line;
      details.appendChild(row);
    });
  }

  function poll() {
    clearTimeout(pollTimer);
    const asked = generation;
    api("GET", "/v1/sync/status").then(function (status) {
      if (asked === generation) render(status);
      pollTimer = setTimeout(poll, status.state === "syncing" ? 1000 : 5000);
    }).catch(function () {
      pollTimer = setTimeout(poll, 10000);
    });
  }

  if (indicator) {
    indicator.addEventListener("click", function () {
      if (indicator.dataset.configured !== "true") return;
      const enable = indicator.dataset.auto !== "true";
      indicator.disabled = true;
      generation += 1;
      api("PUT", "/v1/sync/auto", { enabled: enable }).then(function (status) { render(status); poll(); }).catch(function (error) {
        indicator.title = error.message;
      }).finally(function () { indicator.disabled = false; });
    });
    const show = function () { details.hidden = false; };
    const hide = function () { details.hidden = true; };
    indicator.addEventListener("mouseenter", show);
    indicator.addEventListener("mouseleave", hide);
    indicator.addEventListener("focus", show);
    indicator.addEventListener("blur", hide);
    poll();
  }

  // ---- "Sync now" without leaving the page ----
  const syncNow = document.getElementById("sync-now-form");
  if (syncNow) {
    syncNow.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/v1/sync/run").then(function (status) { if (indicator) render(status); poll(); })
        .catch(function (error) { alert(error.message); });
    });
  }

  // ---- The running timer's elapsed time ticks on ----
  const elapsed = document.getElementById("timer-elapsed");
  if (elapsed && elapsed.dataset.start) {
    const started = Number(elapsed.dataset.start) * 1000;
    const tick = function () {
      const minutes = Math.max(0, Math.floor((Date.now() - started) / 60000));
      const hours = Math.floor(minutes / 60);
      const unit = document.body.dataset.lang === "nl" ? "u" : "h";
      elapsed.textContent = (hours > 0 ? hours + " " + unit + " " : "") + (minutes % 60) + " min";
    };
    setInterval(tick, 30000);
  }

  // ---- A category change is saved as soon as it is chosen ----
  document.querySelectorAll(".category-select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // ---- Apple Health upload with progress ----
  const upload = document.getElementById("health-upload");
  if (upload) {
    const bar = document.getElementById("upload-progress");
    const line = document.getElementById("upload-status");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      const file = document.getElementById("health-file").files[0];
      if (!file) return;
      const user = upload.elements.user_id.value;
      const type = /\.xml$/i.test(file.name) ? "application/xml" : "application/zip";
      const request = new XMLHttpRequest();
      request.open("POST", "/v1/imports/apple-health?user_id=" + encodeURIComponent(user));
      request.setRequestHeader("Content-Type", type);
      request.setRequestHeader("X-CSRF-Token", csrf);
      request.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      line.textContent = upload.dataset.uploading + "…";
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) bar.value = Math.round(50 * progress.loaded / progress.total);
      });
      request.addEventListener("load", function () {
        let body = {};
        try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
        if (request.status !== 202) {
          line.textContent = upload.dataset.failed + ": " + (body.detail || body.title || request.status);
          upload.dataset.result = "failed";
          return;
        }
        follow(body.id);
      });
      request.addEventListener("error", function () {
        line.textContent = upload.dataset.failed;
        upload.dataset.result = "failed";
      });
      request.send(file);
    });

    function follow(id) {
      api("GET", "/v1/imports/" + encodeURIComponent(id)).then(function (state) {
        const fraction = state.total_bytes > 0 ? state.bytes_read / state.total_bytes : 0;
        bar.value = 50 + Math.round(50 * fraction);
        if (state.state === "running") {
          line.textContent = upload.dataset.importing + "… " + state.workouts + " " + upload.dataset.workouts + ", " +
            state.mindful_sessions + " " + upload.dataset.mindful;
          setTimeout(function () { follow(id); }, 500);
        } else if (state.state === "succeeded") {
          bar.value = 100;
          line.textContent = upload.dataset.done + ": " + state.workouts + " " + upload.dataset.workouts + ", " +
            state.mindful_sessions + " " + upload.dataset.mindful + ", +" + state.added;
          upload.dataset.result = "succeeded";
        } else {
          line.textContent = upload.dataset.failed + ": " + state.error;
          upload.dataset.result = "failed";
        }
      }).catch(function (error) {
        line.textContent = upload.dataset.failed + ": " + error.message;
        upload.dataset.result = "failed";
      });
    }
  }
})();
