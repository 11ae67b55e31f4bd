// Progressive enhancement for the report form: screen the pasted transcript while typing.
// Without JavaScript the "screen" button does the same with a full page round trip. The reporter's
// confirm / reject choices travel with each request so a refreshed result keeps them.
(function () {
  "use strict";
  var area = document.getElementById("f-transcript");
  var form = document.getElementById("report-form");
  if (!area || !form || !window.fetch) { return; }
  var timer = null;
  var last = null;
  function screen() {
    var text = area.value;
    if (text === last) { return; }
    last = text;
    var body = new FormData();
    body.append("transcript", text);
    // keep the decisions already made on suggestions that are still there
    form.querySelectorAll("#screening-result input[type=radio]:checked").forEach(function (input) {
      body.append(input.name, input.value);
    });
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { body.append("csrf_token", token.value); }
    fetch(area.getAttribute("data-screen-url"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var box = document.getElementById("screening-result");
        if (!box) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#screening-result");
        if (fresh) { box.replaceWith(fresh); }
      })
      .catch(function () { /* the button still works */ });
  }
  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(screen, 600);
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
