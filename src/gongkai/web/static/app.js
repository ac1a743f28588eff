// gongkai web app: charts from the JSON specs embedded in the page (web/charts.py), drawn with
// the bundled ECharts; no inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  function percent(v) {
    return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%";
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.echarts) return;
    var spec = JSON.parse(source.textContent);
    var old = window.echarts.getInstanceByDom(el);
    if (old) old.dispose();
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var axis = spec.percent
      ? { type: "value", axisLabel: { formatter: function (v) { return percent(v); } } }
      : { type: "value", minInterval: 1 };
    chart.setOption({
      animation: false,
      title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
      // richText: the tooltip is drawn on the canvas, not as HTML with inline styles.
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        valueFormatter: spec.percent ? percent : undefined,
      },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 60, right: 20, top: 40, bottom: 50 },
      xAxis: { type: "category", data: spec.categories },
      yAxis: axis,
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind, data: s.values, connectNulls: false };
      }),
    });
    el.setAttribute("data-drawn", "true");
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  function confirmForms(root) {
    (root || document).querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  }

  function printButtons(root) {
    (root || document).querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  function ready(root) {
    drawAll(root);
    confirmForms(root);
    printButtons(root);
  }

  // htmx.onLoad runs for the page and for every fragment htmx swaps in later.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx && window.htmx.onLoad) window.htmx.onLoad(function (root) { ready(root); });
    else ready(document);
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = window.echarts && window.echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
  window.gongkai = { draw: draw, ready: ready };
})();
