/* Dispatch charts: the monthly cumulative trend, this year against last year (ECharts, served
   by the app). Each chart is an element [data-chart="trend"] whose data-source names a
   <script type="application/json"> block written by Django's json_script; nothing inline. */
(function () {
  "use strict";

  var FONT = '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  function option(data) {
    return {
      textStyle: { fontFamily: FONT },
      color: ["#0b5cab", "#9aa5b1"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: { type: "value", name: data.measure, scale: false },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "line",
          data: s.data,
          connectNulls: false,
          symbolSize: 6,
          lineStyle: { width: s.current ? 3 : 2, type: s.current ? "solid" : "dashed" }
        };
      })
    };
  }

  function render(root) {
    if (typeof window.echarts === "undefined" || !root || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll('[data-chart="trend"]').forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      if (!source) {
        return;
      }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      chart.setOption(option(JSON.parse(source.textContent)), true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    render(document);
  });
  // The period form swaps the page body (htmx): draw the charts it brought.
  document.addEventListener("htmx:afterSettle", function (event) {
    render(event.target);
  });
  window.addEventListener("resize", function () {
    if (typeof window.echarts === "undefined") {
      return;
    }
    document.querySelectorAll('[data-chart="trend"]').forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) {
        chart.resize();
      }
    });
  });
})();
