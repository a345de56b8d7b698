// Draws the dashboard's charts from the JSON block the page carries. They must not mislead: a chart
// without data says so in words (never a pie of equal parts), counts get whole-number ticks, a rate
// without a denominator (null) is a gap shown "—", and axis names that would collide are turned and
// shortened, the full name staying in the tooltip.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-charts").textContent);
  const locale = document.documentElement.lang === "en" ? "EN" : "ZH";
  const NAME_PIXELS = 13; // one character of an axis name at ECharts' 12 px
  const SHORT_NAME = 6; // characters of a name kept on a crowded axis
  const drawn = [];

  function hasData(chart) {
    return chart.series.some(function (s) {
      return s.data.some(function (v) { return v !== null && v !== 0; });
    });
  }

  function shorten(name, chars) {
    return name.length > chars ? name.slice(0, chars - 1) + "…" : name;
  }

  function shown(value) {
    return value === null || value === undefined ? "—" : value;
  }

  function categoryLabels(categories, width) {
    const room = width / Math.max(categories.length, 1);
    const longest = Math.max.apply(null, categories.map(function (c) { return c.length; }));
    const fits = longest * NAME_PIXELS <= room;
    return {
      interval: 0,
      hideOverlap: true,
      rotate: fits ? 0 : room < 40 ? 60 : 35,
      formatter: function (name) { return fits ? name : shorten(name, SHORT_NAME); },
    };
  }

  function pieOption(chart, width) {
    const slices = chart.categories
      .map(function (name, i) { return { name: name, value: chart.series[0].data[i] }; })
      .filter(function (slice) { return slice.value; }); // empty slices would pile their labels up
    return {
      tooltip: { trigger: "item", valueFormatter: shown },
      series: [{
        type: "pie",
        radius: width < 420 ? "50%" : "62%",
        data: slices,
        avoidLabelOverlap: true,
        label: { formatter: function (p) { return shorten(p.name, SHORT_NAME) + " " + p.value; } },
        labelLayout: { hideOverlap: true },
      }],
    };
  }

  function axisOption(chart, width) {
    return {
      tooltip: { trigger: "axis", valueFormatter: shown },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: categoryLabels(chart.categories, width) },
      yAxis: { type: "value", minInterval: 1 },
      series: chart.series.map(function (s) {
        return { name: s.name, type: chart.kind, data: s.data, connectNulls: false };
      }),
    };
  }

  function option(chart, element) {
    const width = element.clientWidth;
    return chart.kind === "pie" ? pieOption(chart, width) : axisOption(chart, width);
  }

  data.forEach(function (chart) {
    const element = document.querySelector('[data-chart="' + chart.key + '"]');
    if (!element) return;
    if (!hasData(chart)) {
      element.classList.add("chart-empty", "text-muted");
      element.textContent = element.dataset.empty;
      element.dataset.ready = "empty";
      return;
    }
    const instance = echarts.init(element, null, { locale: locale, renderer: "svg" });
    instance.setOption(option(chart, element));
    element.dataset.ready = "true";
    drawn.push({ chart: chart, element: element, instance: instance });
  });

  function relayout() {
    drawn.forEach(function (d) {
      d.instance.resize();
      d.instance.setOption(option(d.chart, d.element));
    });
  }
  window.addEventListener("resize", relayout);
  window.addEventListener("beforeprint", relayout);
})();
