/* Live calls: the operator's screen and the supervisor's board (issue 17).
   Reads the state from /api/v1/calls, follows server-sent events (EventSource reconnects by
   itself and resumes from Last-Event-ID), posts decisions with the session's CSRF token. */
(function () {
  "use strict";
  var msgEl = document.getElementById("live-messages");
  if (!msgEl) { return; }
  var M = JSON.parse(msgEl.textContent || "{}");
  var API = "/api/v1/calls";

  function m(key, n) { var s = M[key] || key; return n === undefined ? s : s.replace("{n}", String(n)); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), mnt = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(mnt).padStart(2, "0") : String(mnt)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  var jst = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  function jstTime(epoch) { return jst.format(new Date(epoch * 1000)); }
  function reasonText(reason, lang) { return reason ? (reason[lang] || reason.ja || "") : ""; }
  function post(url, body, csrf) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (data) { if (!r.ok) { throw data; } return data; });
    });
  }
  function errorText(data) {
    if (!data) { return m("error"); }
    if (Array.isArray(data.detail)) { return data.detail.map(function (d) { return d.msg; }).join(" / "); }
    return data.msg_ja || data.detail || m("error");
  }

  /* ---------- the operator's screen ---------- */
  var op = document.getElementById("live-operator");
  if (op) {
    var callId = op.getAttribute("data-call-id"), csrf = op.getAttribute("data-csrf"), lang = op.getAttribute("data-lang");
    var started = null, limit = 0, ended = false, promptSeverity = 0;
    var transcript = document.getElementById("transcript"), alertsEl = document.getElementById("alerts");

    var shownSegs = {}, shownAlerts = {};
    var addSegment = function (seg) {
      if (shownSegs[seg.seq]) { return; }
      shownSegs[seg.seq] = true;
      var li = el("li", "live-seg live-seg--" + seg.speaker);
      li.setAttribute("data-seq", seg.seq);
      li.appendChild(el("span", "live-seg__who", m("speaker." + seg.speaker)));
      li.appendChild(el("span", "live-seg__text", seg.text));
      (seg.flags || []).forEach(function (f) {
        var note = el("span", "live-flag", reasonText(f.reason, lang));
        note.setAttribute("data-behaviour", f.behaviour);
        li.appendChild(note);
      });
      transcript.appendChild(li);
      li.scrollIntoView({ block: "nearest" });
    };
    var addAlert = function (a) {
      if (shownAlerts[a.id]) { return; }
      shownAlerts[a.id] = true;
      var empty = alertsEl.querySelector(".live-empty");
      if (empty) { empty.remove(); }
      var li = el("li", "live-alert live-alert--" + a.severity);
      li.setAttribute("data-rule", a.rule);
      li.appendChild(el("time", null, jstTime(a.at)));
      li.appendChild(el("span", null, " " + reasonText(a.reason, lang)));
      alertsEl.insertBefore(li, alertsEl.firstChild);
      if (a.notify.indexOf("operator") >= 0 && a.severity >= promptSeverity) {
        promptSeverity = a.severity;
        var box = document.getElementById("prompt");
        box.setAttribute("data-severity", a.severity);
        box.setAttribute("data-rule", a.rule);
        document.getElementById("prompt-reason").textContent = reasonText(a.reason, lang);
        var say = document.getElementById("prompt-say");
        var words = a.say ? (a.say[lang] || a.say.ja) : "";
        if (words) { say.textContent = "「" + words + "」"; say.hidden = false; } else { say.hidden = true; }
      }
    };
    var supervisorNote = function (text) {
      var s = document.getElementById("supervisor-status");
      s.textContent = text; s.hidden = false;
    };
    var setStatus = function (st) {
      var status = document.getElementById("call-status");
      status.textContent = m("status." + st.status);
      status.className = "tag" + (st.status === "ended" ? "" : " tag--live");
      var cust = document.getElementById("customer-status");
      cust.textContent = m("customer." + st.customer_status);
      cust.className = "tag" + (st.customer_status === "banned" ? " tag--danger" : "");
      if (st.status === "ended") { ended = true; supervisorNote(m("end_reason." + (st.end_reason || "ended"))); }
    };
    var apply = function (ev) {
      if (ev.type === "segment") {
        addSegment(ev.segment);
        document.getElementById("partial").textContent = "";
      } else if (ev.type === "partial") {
        document.getElementById("partial").textContent = m("speaker." + ev.speaker) + ": " + ev.text + "…";
      } else if (ev.type === "alert") {
        addAlert(ev.alert);
      } else if (ev.type === "decision") {
        var act = ev.decision.action;
        if (act === "take_over") { supervisorNote(m("taken_over")); }
        else if (act === "join") { supervisorNote(m("joined")); }
        else if (act === "acknowledge") { supervisorNote(m("acknowledged")); }
      } else if (ev.type === "call.end") {
        setStatus(ev.summary);
      }
    };
    /* The feed first, then the state: whatever happens in between comes by the feed, and what
       both give is shown once (segments by seq, alerts by id). */
    var pending = [], loaded = false;
    var source = new EventSource(API + "/" + encodeURIComponent(callId) + "/events");
    ["segment", "partial", "alert", "decision", "call.end"].forEach(function (kind) {
      source.addEventListener(kind, function (e) {
        var ev = JSON.parse(e.data);
        if (loaded) { apply(ev); } else { pending.push(ev); }
      });
    });
    var loading = false;
    var loadState = function () {
      if (loaded || loading) { return; }
      loading = true;
      fetch(API + "/" + encodeURIComponent(callId), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (st) {
          started = st.started_at; limit = st.time_limit_seconds;
          document.getElementById("limit").textContent = clock(limit);
          setStatus(st);
          (st.segments || []).forEach(addSegment);
          (st.alerts || []).forEach(addAlert);
          if (st.taken_over_by) { supervisorNote(m("taken_over")); }
          loaded = true;
          pending.forEach(apply); pending = [];
          if (st.status === "ended") { source.close(); }
        });
    };
    source.onopen = loadState;
    /* No feed for a call that has already ended (or a dropped line): show what is stored. */
    source.onerror = function () { if (!loaded) { source.close(); loadState(); } };
    setInterval(function () {
      if (started !== null && !ended) {
        var secs = Date.now() / 1000 - started;
        var e = document.getElementById("elapsed");
        e.textContent = clock(secs);
        e.className = secs >= limit ? "live-over" : (secs >= limit * 0.8 ? "live-near" : "");
      }
    }, 1000);
    document.getElementById("call-supervisor").addEventListener("click", function () {
      var status = document.getElementById("help-status");
      post(API + "/" + encodeURIComponent(callId) + "/help", {}, csrf)
        .then(function () { status.textContent = m("help_sent"); })
        .catch(function (data) { status.textContent = errorText(data); });
    });
  }

  /* ---------- the supervisor's board ---------- */
  var board = document.getElementById("live-board");
  if (board) {
    var bcsrf = board.getAttribute("data-csrf"), blang = board.getAttribute("data-lang");
    var calls = {};
    var tbody = document.getElementById("board-calls"), feed = document.getElementById("board-alerts");
    var endedList = document.getElementById("board-ended");

    var decide = function (id, action) {
      if (action === "end" && !window.confirm(m("confirm_end"))) { return; }
      post(API + "/" + encodeURIComponent(id) + "/decisions", { action: action }, bcsrf)
        .catch(function (data) { window.alert(errorText(data)); });
    };
    var render = function () {
      var rows = Object.keys(calls).map(function (k) { return calls[k]; })
        .filter(function (c) { return c.status === "live"; });
      rows.sort(function (a, b) { return (b.risk - a.risk) || (a.started_at - b.started_at); });
      tbody.textContent = "";
      if (!rows.length) {
        var tr0 = el("tr"); var td0 = el("td", null, m("no_calls")); td0.colSpan = 6; tr0.appendChild(td0); tbody.appendChild(tr0);
      }
      rows.forEach(function (c) {
        var tr = el("tr", c.open_alerts ? "live-row--alert" : "");
        tr.setAttribute("data-call-id", c.call_id);
        var first = el("td");
        first.appendChild(el("strong", null, c.call_id));
        if (c.customer_status !== "unknown") {
          first.appendChild(el("span", "tag" + (c.customer_status === "banned" ? " tag--danger" : ""), m("customer." + c.customer_status)));
        }
        tr.appendChild(first);
        tr.appendChild(el("td", null, c.operator));
        var elapsed = el("td", "live-elapsed"); elapsed.setAttribute("data-started", c.started_at);
        elapsed.setAttribute("data-limit", c.time_limit_seconds);
        elapsed.textContent = clock(Date.now() / 1000 - c.started_at); tr.appendChild(elapsed);
        var risk = el("td"); risk.appendChild(el("span", "live-risk", String(c.risk)));
        if (c.open_alerts) { risk.appendChild(el("span", "tag tag--danger", m("open_alerts", c.open_alerts))); }
        tr.appendChild(risk);
        tr.appendChild(el("td", null, c.last_alert ? reasonText(c.last_alert.reason, blang) : ""));
        var actions = el("td", "live-actions");
        ["acknowledge", "join", "take_over", "end"].forEach(function (a) {
          var b = el("button", "button button--small" + (a === "end" ? " button--danger" : " button--secondary"), m(a));
          b.type = "button"; b.setAttribute("data-action", a);
          b.addEventListener("click", function () { decide(c.call_id, a); });
          actions.appendChild(b);
        });
        if (c.taken_over_by) { actions.appendChild(el("span", "tag", m("taken_over"))); }
        tr.appendChild(actions);
        tbody.appendChild(tr);
      });
    };
    var addEnded = function (c) {
      var existing = endedList.querySelector("[data-call-id='" + CSS.escape(c.call_id) + "']");
      if (existing) { existing.remove(); }
      var li = el("li"); li.setAttribute("data-call-id", c.call_id);
      li.appendChild(el("strong", null, c.call_id));
      li.appendChild(el("span", null, " " + clock(c.duration_seconds) + " · " + m("end_reason." + (c.end_reason || "ended")) + " "));
      if (c.incident_id) {
        var a = el("a", "button button--small button--secondary", m("open_case")); a.href = "/cases/" + c.incident_id; li.appendChild(a);
      } else {
        var b = el("button", "button button--small", m("make_incident")); b.type = "button";
        b.addEventListener("click", function () {
          b.disabled = true;
          post(API + "/" + encodeURIComponent(c.call_id) + "/incident", {}, bcsrf).then(function (made) {
            b.remove();
            var link = el("a", "button button--small button--secondary", m("open_case"));
            link.href = "/cases/" + made.incident_id; li.appendChild(link);
            li.appendChild(el("span", "tag", m("incident_made")));
          }).catch(function (data) { b.disabled = false; window.alert(errorText(data)); });
        });
        li.appendChild(b);
      }
      endedList.insertBefore(li, endedList.firstChild);
    };
    var addFeed = function (ev) {
      var a = ev.alert;
      var empty = feed.querySelector(".live-empty");
      if (empty) { empty.remove(); }
      var li = el("li", "live-alert live-alert--" + a.severity + (a.notify.indexOf("supervisor") >= 0 ? " live-alert--sup" : ""));
      li.setAttribute("data-rule", a.rule); li.setAttribute("data-call-id", ev.call_id);
      li.appendChild(el("time", null, jstTime(a.at)));
      li.appendChild(el("strong", null, " " + ev.call_id + " "));
      li.appendChild(el("span", null, reasonText(a.reason, blang)));
      var ev0 = a.detail && a.detail.evidence && a.detail.evidence.length ? "「" + a.detail.evidence.join("」「") + "」" : "";
      if (ev0) { li.appendChild(el("span", "live-evidence", ev0)); }
      feed.insertBefore(li, feed.firstChild);
    };
    /* The feed first, then the list: a call that starts in between comes by the feed. */
    var bpending = [], bloaded = false;
    var applyBoard = function (kind, ev) {
      if (ev.summary) { calls[ev.call_id] = ev.summary; }
      if (kind === "alert") { addFeed(ev); }
      if (kind === "call.end") { addEnded(ev.summary); delete calls[ev.call_id]; }
      render();
    };
    var bsource = new EventSource(API + "/events");
    var connection = document.getElementById("board-connection");
    bsource.onerror = function () { connection.textContent = m("reconnecting"); };
    ["call.start", "alert", "decision", "call.end"].forEach(function (kind) {
      bsource.addEventListener(kind, function (e) {
        var ev = JSON.parse(e.data);
        if (bloaded) { applyBoard(kind, ev); } else { bpending.push([kind, ev]); }
      });
    });
    bsource.onopen = function () {
      connection.textContent = "";
      if (bloaded) { return; }
      fetch(API, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        data.live.forEach(function (c) { calls[c.call_id] = c; });
        data.ended.slice().reverse().forEach(addEnded);
        bloaded = true;
        bpending.forEach(function (p) { applyBoard(p[0], p[1]); }); bpending = [];
        render();
      });
    };
    setInterval(function () {
      Array.prototype.forEach.call(document.querySelectorAll(".live-elapsed"), function (td) {
        var secs = Date.now() / 1000 - Number(td.getAttribute("data-started"));
        td.textContent = clock(secs);
        td.className = "live-elapsed" + (secs >= Number(td.getAttribute("data-limit")) ? " live-over" : "");
      });
    }, 1000);
  }
})();
