/* Draws the dashboard's charts from the JSON that the panel embeds
   (#dashboard-data) and draws them again each time htmx refreshes the panel. */
(function () {
  "use strict";

  var COLOURS = ["#0b5cad", "#e0a100", "#d0d7de", "#1a7f37", "#b42318",
                 "#6f42c1", "#57606a", "#0a7d8c"];
  var charts = [];
  var number = new Intl.NumberFormat("ja-JP");

  function destroyAll() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
  }

  function budgetChart(canvas, data, animation) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: [data.title],
        datasets: data.series.map(function (item, i) {
          return { label: item.label, data: [item.value], backgroundColor: COLOURS[i] };
        })
      },
      options: {
        indexAxis: "y", animation: animation, maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { callback: function (v) { return number.format(v); } } },
                  y: { stacked: true, display: false } },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return c.dataset.label + ": " + number.format(c.raw) + " " + data.unit; } } } }
      }
    });
  }

  function dailyChart(canvas, data, animation) {
    return new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels,
              datasets: [{ label: data.label, data: data.counts, backgroundColor: COLOURS[0] }] },
      options: { animation: animation, maintainAspectRatio: false,
                 plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function statusChart(canvas, data, animation) {
    return new Chart(canvas, {
      type: "doughnut",
      data: { labels: data.labels,
              datasets: [{ data: data.counts, backgroundColor: COLOURS }] },
      options: { animation: animation, maintainAspectRatio: false,
                 plugins: { legend: { position: "right" } } }
    });
  }

  function draw(animate) {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var animation = animate ? {} : false;
    destroyAll();
    var plans = [["budget-chart", budgetChart, data.budget],
                 ["daily-chart", dailyChart, data.daily],
                 ["status-chart", statusChart, data.statuses]];
    plans.forEach(function (plan) {
      var canvas = document.getElementById(plan[0]);
      if (canvas) { charts.push(plan[1](canvas, plan[2], animation)); }
    });
  }

  // Respect the clerk's "reduce motion" preference (also what screenshots use).
  var calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  document.addEventListener("DOMContentLoaded", function () { draw(!calm); });
  // Anything but a panel (the log-in page after the session ended) reloads
  // the whole page instead of landing inside the dashboard.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 200 && xhr.responseText.indexOf('id="dashboard-panel"') === -1) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
  // A refresh replaces the panel; redraw without animation so nothing jumps.
  document.addEventListener("htmx:afterSettle", function () { draw(false); });
})();
