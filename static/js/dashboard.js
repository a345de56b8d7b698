// Draws the dashboard's charts from the JSON block the page carries.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-charts").textContent);
  const locale = document.documentElement.lang === "en" ? "EN" : "ZH";
  const charts = [];
  data.forEach(function (chart) {
    const element = document.querySelector('[data-chart="' + chart.key + '"]');
    if (!element) return;
    const instance = echarts.init(element, null, { locale: locale, renderer: "svg" });
    let option;
    if (chart.kind === "pie") {
      option = {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: "65%", data: chart.categories.map(function (name, i) {
          return { name: name, value: chart.series[0].data[i] };
        }) }],
      };
    } else {
      option = {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 40 },
        xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 8 ? 30 : 0 } },
        yAxis: { type: "value" },
        series: chart.series.map(function (s) { return { name: s.name, type: chart.kind, data: s.data }; }),
      };
    }
    instance.setOption(option);
    element.dataset.ready = "true";
    charts.push(instance);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
