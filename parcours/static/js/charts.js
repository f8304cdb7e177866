// Charts of Parcours, the same look on every page: Chart.js (vendored, no CDN) draws each
// <canvas data-chart="ID"> from the JSON of <script type="application/json" id="ID"> (Django's
// json_script filter: no inline script, so the strict CSP holds). The figures are always in the table
// next to the chart too; the chart is a picture of that table (role="img" and its aria-label are set in
// the template).
//
// The JSON: {"type": "bar" | "line", "label", "unit", "labels": [...], "values": [...]}; for several
// series, "datasets": [{"label", "values"}] instead of "values"; "horizontal": false keeps bars
// upright (bars lie down by default, so that long category labels stay readable). A null value — a
// suppressed cell — is left out of the chart: the table says why.
(() => {
  "use strict";

  // The theme's colours (parcours.css), all at least 3:1 against white (WCAG 1.4.11).
  const PALETTE = ["#0b5c58", "#8a3b12", "#3f4d9c", "#6b5b00", "#8c2f6b"];
  const LABEL_MAX = 28;

  const short = (text) => (String(text).length > LABEL_MAX ? `${String(text).slice(0, LABEL_MAX - 1)}…` : text);

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || Chart.getChart(canvas)) return;
    const spec = JSON.parse(source.textContent);
    const values = spec.datasets ? spec.datasets.flatMap((s) => s.values) : spec.values;
    if (!values.some((v) => v !== null && v !== undefined) && canvas.dataset.empty) {
      // Nothing to draw (every cell suppressed or absent): say so over the empty axes.
      const note = document.createElement("p");
      note.className = "prc-chart-empty";
      note.textContent = canvas.dataset.empty;
      canvas.after(note);
    }
    const line = spec.type === "line";
    const horizontal = !line && spec.horizontal !== false;
    const series = spec.datasets || [{ label: spec.unit ? `${spec.label} (${spec.unit})` : spec.label, values: spec.values }];
    const locale = document.documentElement.lang || "fr";
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const category = horizontal ? "y" : "x";
    const value = horizontal ? "x" : "y";
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.values,
          backgroundColor: PALETTE[i % PALETTE.length],
          borderColor: PALETTE[i % PALETTE.length],
          borderWidth: line ? 2 : 0,
          pointRadius: line ? 2 : undefined,
          maxBarThickness: 28,
        })),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 300 },
        plugins: {
          legend: { display: series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? spec.labels[items[0].dataIndex] : ""),
              label: (item) => `${item.dataset.label} : ${number.format(item.parsed[value])}`,
            },
          },
        },
        scales: {
          [category]: {
            grid: { display: false },
            ticks: {
              autoSkip: true,
              maxRotation: 0,
              callback(index) {
                return short(this.getLabelForValue(index));
              },
            },
          },
          [value]: {
            beginAtZero: true,
            title: { display: Boolean(spec.unit), text: spec.unit || "" },
            ticks: { precision: spec.unit === "%" ? 1 : 0, callback: (v) => number.format(v) },
          },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Chart === "undefined") return;
    const body = getComputedStyle(document.body);
    Chart.defaults.font.family = body.fontFamily;
    Chart.defaults.font.size = 13;
    Chart.defaults.color = "#212529";
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
