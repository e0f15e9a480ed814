// The charts, drawn from `client.records.columns()`: a bar chart (uPlot) of a numeric
// field's mean per group, e.g. IC50 by assay, and a scatter (SVG) of two numeric fields.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** Groups `values` (numbers, NaN where missing) by `groups` (labels) and answers { labels, means, counts }. */
export function summarise(groups, values) {
  const byGroup = new Map();
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) continue;
    const group = groups[i];
    const name = group === null || group === undefined || group === "" ? "(none)" : String(group);
    const g = byGroup.get(name) || { sum: 0, count: 0 };
    g.sum += value;
    g.count += 1;
    byGroup.set(name, g);
  }
  const labels = [...byGroup.keys()].sort();
  return {
    labels,
    means: labels.map((l) => byGroup.get(l).sum / byGroup.get(l).count),
    counts: labels.map((l) => byGroup.get(l).count),
  };
}

/**
 * Whether a field's values are drawn on a log axis: potency-like values (IC50, Ki,
 * EC50…) are positive and span decades. The rule: at least two values, every value
 * present above zero, and the largest at least 100 times the smallest.
 */
export function wantsLogScale(values) {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v <= 0) return false;
    n += 1;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return n >= 2 && max / min >= 100;
}

/** Draws (or redraws) the bar chart into `container`. Bars start at zero (a bar's length is its value). */
export function drawChart(container, previous, summary, valueName) {
  previous?.destroy();
  container.replaceChildren();
  const xs = summary.labels.map((_, i) => i);
  const top = Math.max(0, ...summary.means);
  const bottom = Math.min(0, ...summary.means);
  const opts = {
    width: Math.max(container.clientWidth, 320),
    height: 300,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.6, Math.max(xs.length - 0.4, 0.6)] },
      y: { range: () => [bottom * 1.05, top > 0 ? top * 1.05 : 1] },
    },
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

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An axis over [min, max]: log (powers of ten) or linear (about six round steps). */
function axis(values, log, length) {
  const present = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let min = present.length ? Math.min(...present) : 0;
  let max = present.length ? Math.max(...present) : 1;
  if (log) {
    const lo = Math.floor(Math.log10(min));
    const hi = Math.max(Math.ceil(Math.log10(max)), lo + 1);
    const ticks = [];
    for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
    const at = (v) => ((Math.log10(v) - lo) / (hi - lo)) * length;
    return { ticks, at, label: (v) => String(v) };
  }
  if (min === max) [min, max] = [min - 1, max + 1];
  const raw = (max - min) / 6;
  const unit = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * unit).find((s) => s >= raw) ?? raw;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  const at = (v) => ((v - lo) / (hi - lo)) * length;
  return { ticks, at, label: (v) => String(v) };
}

/**
 * Draws a scatter of `x` against `y` (Float64Arrays from `columns()`, one entry per
 * record of `ids`) into `container` as SVG: one circle per record with both values,
 * potency-like fields on a log axis. Answers what it drew.
 */
export function drawScatter(container, { ids, x, y, xName, yName }) {
  const width = Math.max(container.clientWidth, 320);
  const height = 300;
  const margin = { left: 64, right: 16, top: 12, bottom: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xLog = wantsLogScale(x);
  const yLog = wantsLogScale(y);
  const usable = (v, log) => Number.isFinite(v) && (!log || v > 0);
  const ax = axis(Array.from(x), xLog, plotW);
  const ay = axis(Array.from(y), yLog, plotH);
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${yName} against ${xName}` });
  const plot = svg("g", { transform: `translate(${margin.left},${margin.top})` });
  const xAxis = svg("g", { class: "x-axis", "data-scale": xLog ? "log" : "linear" });
  const yAxis = svg("g", { class: "y-axis", "data-scale": yLog ? "log" : "linear" });
  for (const t of ax.ticks) {
    const px = ax.at(t);
    xAxis.append(svg("line", { x1: px, x2: px, y1: 0, y2: plotH, class: "grid" }), svg("text", { x: px, y: plotH + 16, "text-anchor": "middle" }, ax.label(t)));
  }
  for (const t of ay.ticks) {
    const py = plotH - ay.at(t);
    yAxis.append(svg("line", { x1: 0, x2: plotW, y1: py, y2: py, class: "grid" }), svg("text", { x: -6, y: py + 4, "text-anchor": "end" }, ay.label(t)));
  }
  xAxis.append(svg("text", { x: plotW / 2, y: plotH + 36, "text-anchor": "middle", class: "axis-label" }, `${xName}${xLog ? " (log)" : ""}`));
  yAxis.append(svg("text", { transform: `translate(-48,${plotH / 2}) rotate(-90)`, "text-anchor": "middle", class: "axis-label" }, `${yName}${yLog ? " (log)" : ""}`));
  const marks = svg("g", { class: "marks" });
  let drawn = 0;
  for (let i = 0; i < ids.length; i++) {
    if (!usable(x[i], xLog) || !usable(y[i], yLog)) continue;
    const dot = svg("circle", { cx: ax.at(x[i]).toFixed(1), cy: (plotH - ay.at(y[i])).toFixed(1), r: 2.5 });
    dot.dataset.id = ids[i];
    dot.dataset.x = String(x[i]);
    dot.dataset.y = String(y[i]);
    marks.append(dot);
    drawn += 1;
  }
  plot.append(xAxis, yAxis, marks);
  root.append(plot);
  container.replaceChildren(root);
  return { points: drawn, xScale: xLog ? "log" : "linear", yScale: yLog ? "log" : "linear" };
}
