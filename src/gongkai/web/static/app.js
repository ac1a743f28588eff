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

  // Upload forms (form[data-dropzone] names the JSON upload URL): files dropped on the form's
  // .dropzone go into its file input, and the form is sent with XMLHttpRequest so that its
  // <progress data-upload-progress> shows the upload; then the job's page opens. A refusal's
  // message goes into [data-upload-message]. Without JavaScript the form posts as usual.
  function dropzones(root) {
    (root || document).querySelectorAll("form[data-dropzone]").forEach(function (form) {
      if (form.getAttribute("data-dropzone-ready")) return;
      form.setAttribute("data-dropzone-ready", "true");
      var input = form.querySelector("input[type=file]");
      var zone = form.querySelector(".dropzone") || form;
      var bar = form.querySelector("[data-upload-progress]");
      var note = form.querySelector("[data-upload-message]");
      var busy = false;

      function say(text) {
        if (!note) return;
        note.textContent = text;
        note.hidden = !text;
      }

      function stop(text) {
        busy = false;
        if (bar) bar.hidden = true;
        say(text);
      }

      function send() {
        if (busy || !input || !input.files.length) return;
        busy = true;
        say("");
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.getAttribute("data-dropzone"));
        xhr.upload.addEventListener("progress", function (e) {
          if (bar && e.lengthComputable) {
            bar.max = e.total;
            bar.value = e.loaded;
          }
        });
        xhr.addEventListener("load", function () {
          var answer = {};
          try {
            answer = JSON.parse(xhr.responseText);
          } catch (err) {
            answer = {};
          }
          if (xhr.status < 300 && answer.url) {
            window.location.assign(answer.url);
            return;
          }
          stop(answer.error || "上传失败（HTTP " + xhr.status + "）");
        });
        xhr.addEventListener("error", function () { stop("上传失败：无法连接服务器"); });
        if (bar) {
          bar.hidden = false;
          bar.value = 0;
        }
        xhr.send(new FormData(form));
      }

      ["dragenter", "dragover"].forEach(function (type) {
        zone.addEventListener(type, function (e) {
          e.preventDefault();
          zone.classList.add("over");
        });
      });
      zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        zone.classList.remove("over");
        if (!input || !e.dataTransfer || !e.dataTransfer.files.length) return;
        input.files = e.dataTransfer.files;
        send();
      });
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        send();
      });
    });
  }

  function ready(root) {
    drawAll(root);
    confirmForms(root);
    printButtons(root);
    dropzones(root);
  }

  // htmx.onLoad runs for the page and for every fragment htmx swaps in later.
  document.addEventListener("DOMContentLoaded", function () {
    ready(document);
    if (window.htmx && window.htmx.onLoad) {
      window.htmx.onLoad(function (root) {
        if (root !== document.body && root !== document.documentElement) ready(root);
      });
    }
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = window.echarts && window.echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
  window.gongkai = { draw: draw, ready: ready };
})();
