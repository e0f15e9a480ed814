// A bar chart (uPlot) of a numeric field's mean per group, e.g. IC50 by assay.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** Groups `rows` ({ group, value }) and answers { labels, means, counts }. */
export function summarise(rows) {
  const groups = new Map();
  for (const { group, value } of rows) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const name = group === null || group === undefined || group === "" ? "(none)" : String(group);
    const g = groups.get(name) || { sum: 0, count: 0 };
    g.sum += value;
    g.count += 1;
    groups.set(name, g);
  }
  const labels = [...groups.keys()].sort();
  return {
    labels,
    means: labels.map((l) => groups.get(l).sum / groups.get(l).count),
    counts: labels.map((l) => groups.get(l).count),
  };
}

/** Draws (or redraws) the chart into `container`. */
export function drawChart(container, previous, summary, valueName) {
  previous?.destroy();
  container.replaceChildren();
  const xs = summary.labels.map((_, i) => i);
  const opts = {
    width: Math.max(container.clientWidth, 320),
    height: 300,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.6, Math.max(xs.length - 0.4, 0.6)] } },
    axes: [
      { splits: () => xs, values: (_, splits) => splits.map((i) => summary.labels[i] ?? "") },
      { label: `${valueName} (mean)` },
    ],
    series: [
      {},
      { label: valueName, fill: "#6d8fd8", stroke: "#2459c7", paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } },
    ],
  };
  return new uPlot(opts, [xs, summary.means], container);
}
