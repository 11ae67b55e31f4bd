// Draws the dashboard's charts with Chart.js (installed from npm, served by the app).
// Without JavaScript or Chart.js the tables under each chart show the same numbers.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent || "{}");
  var palette = ["#1d4f91", "#b00020", "#1e6b35", "#8a5a00", "#5b2a86", "#0b7285", "#c2255c", "#5c940d", "#e67700", "#495057"];
  var detColours = { customer_harassment: "#b00020", unjustified_demand: "#8a5a00", needs_fact_finding: "#1d4f91", legitimate_complaint: "#1e6b35", none: "#adb5bd" };
  window.Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  window.Chart.defaults.animation = false;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var key = canvas.getAttribute("data-chart");
    var spec = charts[key];
    if (!spec || !spec.labels || spec.labels.length === 0) { canvas.parentNode.hidden = true; return; }
    var doughnut = spec.type === "doughnut";
    var datasets = spec.series.map(function (s, i) {
      var colours = doughnut
        ? spec.labels.map(function (_, j) { return spec.keys ? detColours[spec.keys[j]] : palette[j % palette.length]; })
        : palette[i % palette.length];
      return { label: s.label, data: s.data, backgroundColor: colours, borderWidth: doughnut ? 1 : 0 };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: { legend: { display: doughnut || spec.series.length > 1, position: "bottom" } },
        scales: doughnut ? {} : { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } }
      }
    });
    canvas.setAttribute("data-drawn", "true");
    var fallback = document.querySelector('[data-fallback="' + key + '"]');
    if (fallback) { fallback.classList.add("visually-hidden"); }
  });
})();
