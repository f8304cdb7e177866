// Observatory charts: Chart.js (served locally) draws each indicator from the JSON the page embeds
// (json_script); the table next to each chart carries the same figures for everyone.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const colour = getComputedStyle(document.documentElement).getPropertyValue("--prc-primary").trim() || "#0b5c58";
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: spec.type === "line" ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: [{ label: `${spec.label} (${spec.unit})`, data: spec.values, backgroundColor: colour, borderColor: colour }],
      },
      options: {
        animation: reduced ? false : undefined,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } },
      },
    });
  });
});
