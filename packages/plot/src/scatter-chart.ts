import { CLASS_PALETTE, type Color, type Rgb, seriesColor, toRgb } from './color.js';
import { type FrameText, metricsFor } from './frame.js';
import { type AxisLimitOptions, LIMIT_OPTIONS, LIMITS_RENAMED } from './axis-range.js';
import type { LegendEntry, LegendPlacement } from './legend.js';
import { checkKeys, describeValue } from './options.js';
import { isTensorLike, type TensorLike } from './raster.js';
import { finishXYChart, type Range, startXYChart, union, usable } from './xy-frame.js';
import { extent } from './extent.js';
import { PlotError } from './errors.js';

/** Numbers as an array, a typed array or a 1-D tensor (read back synchronously). */
export type Numbers = ArrayLike<number> | BigInt64Array | TensorLike;
/** Points as a tensor [N, 2] (a 2-D projection of embeddings) or an array of [x, y] pairs. */
export type Points = TensorLike | ArrayLike<ArrayLike<number>>;

export interface ScatterSeries {
  name?: string;
  x?: Numbers;
  y?: Numbers;
  /** Instead of x and y. */
  points?: Points;
  color?: Color;
  /** Marker diameter in pixels; default the chart's `size`. */
  size?: number;
  /** Marker opacity in (0, 1]; default the chart's `opacity`. */
  opacity?: number;
}

export interface ScatterChartOptions extends FrameText, AxisLimitOptions {
  /** Several sets of points, each in its own colour, named in the legend. */
  series?: ScatterSeries[];
  /** Or one set of points: x and y, or `points`. */
  x?: Numbers;
  y?: Numbers;
  points?: Points;
  /** Integer class of each point (0, 1, …): colours from the class palette and a legend of classes. */
  labels?: Numbers;
  /** Legend names of classes 0, 1, …; default the numbers. */
  classNames?: readonly string[];
  /** Colour of one set of points without labels. */
  color?: Color;
  /** Marker diameter in pixels; default 3 + 2 × font scale (7 at 800×500). */
  size?: number;
  /** Marker opacity in (0, 1], default 0.75: markers blend, so dense clusters show darker. */
  opacity?: number;
  width?: number;
  height?: number;
  /** Logarithmic axes; points at values ≤ 0 on them are left out, like NaN. */
  logX?: boolean;
  logY?: boolean;
  /** Where the legend goes: 'auto' (default) the corner that hides the least data, a corner, 'outside' right of the plot, or 'none'. */
  legend?: LegendPlacement;
  /** Integer text magnification; by default 1 for small charts, 2 around 800×500. */
  fontScale?: number;
}

const OPTIONS = ['series', 'x', 'y', 'points', 'labels', 'classNames', 'color', 'size', 'opacity', 'title', 'xLabel', 'yLabel', 'width', 'height', 'logX', 'logY', ...LIMIT_OPTIONS, 'legend', 'fontScale'];
const SERIES_KEYS = ['name', 'x', 'y', 'points', 'color', 'size', 'opacity'];
/** matplotlib's plt.scatter spellings. */
const RENAMED: Record<string, string> = {
  c: 'labels (class indices) or color', s: 'size (a diameter in pixels)', alpha: 'opacity', label: 'name', xlabel: 'xLabel', ylabel: 'yLabel',
  classes: 'classNames', names: 'classNames', target: 'labels', targets: 'labels', markersize: 'size', logx: 'logX', logy: 'logY', loc: 'legend',
  ...LIMITS_RENAMED,
};

/** Points to draw, in the order given, in one colour or with a colour each. */
interface PointSet {
  x: Float64Array;
  y: Float64Array;
  color: Rgb;
  colors?: Rgb[];
  size?: number;
  opacity?: number;
}

/**
 * A scatter chart as a PNG file, like matplotlib's plt.scatter: several named series in the
 * series colours, or one set of points coloured by integer class labels (a 2-D projection of
 * embeddings coloured by class) with a legend of class names. Markers are translucent discs
 * drawn in the order given, so dense clusters show darker; axes are padded so markers at the
 * extremes stay inside the frame. Points with a NaN or infinite coordinate are left out.
 */
export function scatterChart(options: ScatterChartOptions): Buffer {
  checkKeys(options, OPTIONS, 'scatterChart', { renamed: RENAMED });
  const { width = 800, height = 500, logX = false, logY = false } = options;
  checkFlag(logX, 'logX');
  checkFlag(logY, 'logY');
  const size = checkSize(options.size, 'scatterChart: size');
  const opacity = checkOpacity(options.opacity, 'scatterChart: opacity');
  const { sets, legend } = options.series !== undefined ? seriesSets(options) : labelledSet(options);

  let xRange: Range = null;
  let yRange: Range = null;
  for (const s of sets) {
    const drawn = (_: number, i: number) => usable(s.x[i], logX) && usable(s.y[i], logY);
    xRange = union(xRange, extent(s.x.filter(drawn)));
    yRange = union(yRange, extent(s.y.filter(drawn)));
  }
  const m = metricsFor(width, height, options.fontScale);
  const radius = (s: PointSet) => (s.size ?? size ?? 3 + 2 * m.font) / 2;
  // Axes padded by 5% of the data's span, and by more where the markers at the extremes need it
  // (their radius and anti-aliased rim), so that they are drawn whole.
  const dots = { x: xRange, y: yRange, radius: Math.max(0, ...sets.map((s) => radius(s) + 1)) };
  const chart = startXYChart('scatterChart', { ...options, width, height }, { x: xRange, y: yRange, pad: 0.05, dots, legend });
  const { canvas, px, py } = chart;
  for (const s of sets) {
    const r = radius(s);
    const alpha = s.opacity ?? opacity ?? 0.75;
    for (let i = 0; i < s.x.length; i++) {
      if (!usable(s.x[i], logX) || !usable(s.y[i], logY)) continue;
      canvas.fillCircle(px(s.x[i]), py(s.y[i]), r, s.colors?.[i] ?? s.color, alpha);
    }
  }
  return finishXYChart(chart, xRange !== null);
}

function seriesSets(options: ScatterChartOptions): { sets: PointSet[]; legend: LegendEntry[] } {
  for (const key of ['x', 'y', 'points', 'labels', 'classNames', 'color'] as const) {
    if (options[key] !== undefined) throw new PlotError(`scatterChart: give series, or one set of points (x and y, or points; with labels), not both; got series and ${key}`);
  }
  if (!Array.isArray(options.series)) throw new PlotError(`scatterChart: series must be an array of { x, y } or { points }, got ${describeValue(options.series)}`);
  const sets = options.series.map((s, i): PointSet & { name?: string } => {
    checkKeys(s, SERIES_KEYS, 'scatterChart', { what: `series[${i}]`, renamed: RENAMED });
    const where = `scatterChart: series[${i}]${typeof s.name === 'string' ? ` ('${s.name}')` : ''}`;
    if (s.name !== undefined && typeof s.name !== 'string') throw new PlotError(`${where}.name must be a string, got ${describeValue(s.name)}`);
    const { x, y } = coordinates(s, where);
    const color = s.color !== undefined ? toRgb(s.color, `${where}.color`) : seriesColor(i);
    return { name: s.name, x, y, color, size: checkSize(s.size, `${where}.size`), opacity: checkOpacity(s.opacity, `${where}.opacity`) };
  });
  const legend = sets.filter((s) => s.name).map((s) => ({ name: s.name!, color: s.color, marker: true }));
  return { sets, legend };
}

function labelledSet(options: ScatterChartOptions): { sets: PointSet[]; legend: LegendEntry[] } {
  if (options.x === undefined && options.y === undefined && options.points === undefined) {
    throw new PlotError('scatterChart: give series, or one set of points as x and y or as points (with labels to colour them by class)');
  }
  const { x, y } = coordinates(options, 'scatterChart');
  const { labels, classNames } = options;
  if (classNames !== undefined && labels === undefined) throw new PlotError('scatterChart: classNames name the classes of labels, but no labels were given');
  if (labels === undefined) {
    const color = options.color !== undefined ? toRgb(options.color, 'scatterChart: color') : seriesColor(0);
    return { sets: [{ x, y, color }], legend: [] };
  }
  if (options.color !== undefined) throw new PlotError('scatterChart: give labels (points coloured by class) or color (one colour for all), not both');
  const classes = numbersOf(labels, 'scatterChart: labels');
  if (classes.length !== x.length) throw new PlotError(`scatterChart: labels has ${classes.length} values but there are ${x.length} points`);
  if (classNames !== undefined && (!Array.isArray(classNames) || classNames.some((n) => typeof n !== 'string'))) {
    throw new PlotError(`scatterChart: classNames must be an array of strings, got ${describeValue(classNames)}`);
  }
  const present = new Set<number>();
  classes.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0) throw new PlotError(`scatterChart: labels must be class indices (integers >= 0), but labels[${i}] is ${k}`);
    if (classNames !== undefined && k >= classNames.length) {
      throw new PlotError(`scatterChart: labels[${i}] is ${k}, but classNames has ${classNames.length} names (classes 0 to ${classNames.length - 1})`);
    }
    present.add(k);
  });
  const colorOf = (k: number) => CLASS_PALETTE[k % CLASS_PALETTE.length];
  const legend = [...present].sort((a, b) => a - b).map((k) => ({ name: classNames?.[k] ?? String(k), color: colorOf(k), marker: true }));
  return { sets: [{ x, y, color: colorOf(0), colors: Array.from(classes, colorOf) }], legend };
}

/** x and y of a series or of the chart's one set: from x and y, or from points. */
function coordinates(s: { x?: Numbers; y?: Numbers; points?: Points }, where: string): { x: Float64Array; y: Float64Array } {
  if (s.points !== undefined) {
    if (s.x !== undefined || s.y !== undefined) throw new PlotError(`${where}: give x and y, or points, not both`);
    return pointsOf(s.points, `${where}: points`);
  }
  if (s.x === undefined || s.y === undefined) throw new PlotError(`${where}: x and y (or points) are required, got ${s.x === undefined ? 'no x' : 'x'} and ${s.y === undefined ? 'no y' : 'y'}`);
  const x = numbersOf(s.x, `${where}: x`);
  const y = numbersOf(s.y, `${where}: y`);
  if (x.length !== y.length) throw new PlotError(`${where}: x has ${x.length} values but y has ${y.length}`);
  return { x, y };
}

function numbersOf(v: Numbers, where: string): Float64Array {
  if (isTensorLike(v)) {
    if (v.shape.length !== 1) throw new PlotError(`${where} expected a 1-D tensor, got shape [${v.shape.join(',')}]`);
    return Float64Array.from(v.dataSync() as ArrayLike<number | bigint>, Number);
  }
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Float64Array.from(v as ArrayLike<number>);
  if (Array.isArray(v)) {
    const bad = v.findIndex((e) => typeof e !== 'number');
    if (bad >= 0) throw new PlotError(`${where} must hold numbers, but [${bad}] is ${describeValue(v[bad])}`);
    return Float64Array.from(v);
  }
  throw new PlotError(`${where} must be an array of numbers, a typed array or a 1-D tensor, got ${describeValue(v)}`);
}

function pointsOf(p: Points, where: string): { x: Float64Array; y: Float64Array } {
  if (isTensorLike(p)) {
    if (p.shape.length !== 2 || p.shape[1] !== 2) throw new PlotError(`${where} expected a tensor [N, 2], got shape [${p.shape.join(',')}]`);
    const data = Float64Array.from(p.dataSync() as ArrayLike<number | bigint>, Number);
    const n = p.shape[0];
    return { x: Float64Array.from({ length: n }, (_, i) => data[2 * i]), y: Float64Array.from({ length: n }, (_, i) => data[2 * i + 1]) };
  }
  if (!Array.isArray(p)) throw new PlotError(`${where} must be a tensor [N, 2] or an array of [x, y] pairs, got ${describeValue(p)}`);
  const x = new Float64Array(p.length);
  const y = new Float64Array(p.length);
  p.forEach((pair, i) => {
    if (!pair || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') {
      throw new PlotError(`${where}[${i}] must be an [x, y] pair of numbers, got ${Array.isArray(pair) ? JSON.stringify(pair) : describeValue(pair)}`);
    }
    x[i] = pair[0];
    y[i] = pair[1];
  });
  return { x, y };
}

function checkSize(size: unknown, where: string): number | undefined {
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !(size > 0) || !Number.isFinite(size)) throw new PlotError(`${where} must be a marker diameter in pixels (a number > 0), got ${describeValue(size)}`);
  return size;
}

function checkOpacity(opacity: unknown, where: string): number | undefined {
  if (opacity === undefined) return undefined;
  if (typeof opacity !== 'number' || !(opacity > 0 && opacity <= 1)) throw new PlotError(`${where} must be a number in (0, 1], got ${describeValue(opacity)}`);
  return opacity;
}

function checkFlag(v: unknown, name: string): void {
  if (typeof v !== 'boolean') throw new PlotError(`scatterChart: ${name} must be true or false, got ${describeValue(v)}`);
}
