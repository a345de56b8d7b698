// Draws the dashboard's charts from the JSON block the page carries, and sorts the district table.
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

  document.querySelectorAll("table[data-sortable] th").forEach(function (header, column) {
    header.addEventListener("click", function () {
      const body = header.closest("table").tBodies[0];
      const numeric = header.dataset.sort === "number";
      const descending = header.dataset.order !== "desc";
      header.dataset.order = descending ? "desc" : "asc";
      const rows = Array.from(body.rows);
      rows.sort(function (a, b) {
        const x = numeric ? parseFloat(a.cells[column].dataset.value) : a.cells[column].innerText;
        const y = numeric ? parseFloat(b.cells[column].dataset.value) : b.cells[column].innerText;
        const order = numeric ? x - y : x.localeCompare(y, "zh-Hans-CN");
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
