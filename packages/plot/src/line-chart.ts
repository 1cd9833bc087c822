import type { Point } from './canvas.js';
import { type Color, type Rgb, seriesColor, toRgb } from './color.js';
import type { FrameText } from './frame.js';
import { type AxisLimitOptions, LIMIT_OPTIONS, LIMITS_RENAMED } from './axis-range.js';
import { checkKeys, describeValue } from './options.js';
import { finishXYChart, type Range, startXYChart, union, usable } from './xy-frame.js';
import { PlotError } from './errors.js';
import { extent } from './extent.js';

export interface LineSeries {
  name?: string;
  /** x of each point; defaults to 0, 1, 2, … (the index). */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: Color;
  /** Line thickness in pixels; defaults to the chart's font scale + 1. 0 draws no line, only markers. */
  thickness?: number;
  /** Dots at each point; by default only when points are at least 12 pixels apart (always with thickness 0). */
  markers?: boolean;
}

export interface LineChartOptions extends FrameText, AxisLimitOptions {
  series: LineSeries[];
  width?: number;
  height?: number;
  /** Logarithmic y axis; points with y ≤ 0 are gaps, like NaN. */
  logY?: boolean;
  /** Logarithmic x axis; points with x ≤ 0 are gaps. */
  logX?: boolean;
  /** Integer text magnification; by default 1 for small charts, 2 around 800×500. */
  fontScale?: number;
}

const OPTIONS = ['series', 'title', 'xLabel', 'yLabel', 'width', 'height', 'logY', 'logX', ...LIMIT_OPTIONS, 'fontScale'];
const SERIES_KEYS = ['name', 'x', 'y', 'color', 'thickness', 'markers'];
/** matplotlib's spellings. */
const RENAMED: Record<string, string> = {
  xlabel: 'xLabel', ylabel: 'yLabel', label: 'name', c: 'color', linewidth: 'thickness', lw: 'thickness',
  marker: 'markers: true', lines: 'thickness: 0 (markers only)', logy: 'logY', logx: 'logX', yscale: "logY: true", xscale: 'logX: true',
  ...LIMITS_RENAMED,
};

interface Prepared {
  name?: string;
  color: Rgb;
  x: Float64Array;
  y: Float64Array;
  thickness?: number;
  markers?: boolean;
}

/**
 * A line chart as a PNG file: one line per series, gaps where y is NaN (or ≤ 0 on a log axis),
 * nice axis ticks, grid and a legend when any series is named.
 */
export function lineChart(options: LineChartOptions): Buffer {
  checkKeys(options, OPTIONS, 'lineChart', { renamed: RENAMED });
  const { width = 800, height = 500, logX = false, logY = false } = options;
  if (!Array.isArray(options.series)) throw new PlotError(`lineChart: options.series must be an array of { y, x?, name?, color? }, got ${describeValue(options.series)}`);
  const series = options.series.map((s, i) => prepare(s, i));

  // Data ranges over the points that will be drawn.
  let yRange: Range = null;
  let xRange: Range = null;
  for (const s of series) {
    const drawn = (_: number, i: number) => usable(s.y[i], logY) && usable(s.x[i], logX);
    yRange = union(yRange, extent(s.y.filter(drawn)));
    xRange = union(xRange, extent(s.x.filter(drawn)));
  }
  const chart = startXYChart('lineChart', { ...options, width, height }, xRange, yRange);
  const { canvas, plot, m, px, py, xScale } = chart;
  // Points within the x axis's range: outside fixed limits they are cut off, so they do not count
  // towards the spacing that decides on markers (zooming in on a few points shows their dots).
  const shown = ([x]: readonly [number, number]) => x >= xScale.lo && x <= xScale.hi;
  for (const s of series) {
    const thickness = s.thickness ?? m.font + 1;
    const dataRuns = splitRuns(s, logX, logY);
    const runs = dataRuns.map((run) => run.map(([x, y]) => [px(x), py(y)] as Point));
    if (thickness > 0) for (const run of runs) canvas.polyline(run, s.color, thickness);
    const count = dataRuns.reduce((n, r) => n + r.filter(shown).length, 0);
    const showMarkers = s.markers ?? (thickness === 0 || (count > 0 && plot.width / count >= 12));
    // Markers-only series get the dots a default line would have.
    const radius = (thickness > 0 ? thickness : m.font + 1) + 1;
    for (const run of runs) {
      for (const [x, y] of run) {
        // A point alone between gaps is invisible as a line, so it always gets a dot.
        if (showMarkers || run.length === 1) canvas.fillCircle(x, y, radius, s.color);
      }
    }
  }
  const named = series.filter((s) => s.name);
  return finishXYChart(chart, yRange !== null, named.map((s) => ({ name: s.name!, color: s.color, marker: s.thickness === 0 })));
}

function prepare(s: LineSeries, i: number): Prepared {
  const where = `lineChart: series[${i}]${s?.name ? ` ('${s.name}')` : ''}`;
  checkKeys(s, SERIES_KEYS, 'lineChart', { what: `series[${i}]`, renamed: RENAMED });
  if (!isNumeric(s.y)) throw new PlotError(`${where}.y must be an array of numbers, got ${describe(s.y)}`);
  if (s.x !== undefined && !isNumeric(s.x)) throw new PlotError(`${where}.x must be an array of numbers, got ${describe(s.x)}`);
  if (s.x !== undefined && s.x.length !== s.y.length) {
    throw new PlotError(`${where}: x has ${s.x.length} values but y has ${s.y.length}`);
  }
  if (s.thickness !== undefined && !(typeof s.thickness === 'number' && s.thickness >= 0 && Number.isFinite(s.thickness))) {
    throw new PlotError(`${where}.thickness must be a number of pixels >= 0 (0: markers only), got ${describeValue(s.thickness)}`);
  }
  if (s.markers !== undefined && typeof s.markers !== 'boolean') throw new PlotError(`${where}.markers must be true or false, got ${describeValue(s.markers)}`);
  if (s.thickness === 0 && s.markers === false) throw new PlotError(`${where}: thickness 0 with markers: false would draw nothing`);
  const y = Float64Array.from(s.y as ArrayLike<number>);
  const x = s.x ? Float64Array.from(s.x) : Float64Array.from(y, (_, k) => k);
  return { name: s.name, color: s.color !== undefined ? toRgb(s.color, `${where}.color`) : seriesColor(i), x, y, thickness: s.thickness, markers: s.markers };
}

const isNumeric = (a: unknown): a is ArrayLike<number> =>
  (Array.isArray(a) && a.every((v) => typeof v === 'number')) || (ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array));

const describe = (a: unknown) => (a === undefined ? 'undefined' : Array.isArray(a) ? 'an array with non-numbers' : typeof a);

/** Splits a series into runs of drawable points; NaN, ±Infinity (and values ≤ 0 on log axes) end a run. */
function splitRuns(s: Prepared, logX: boolean, logY: boolean): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (let i = 0; i < s.y.length; i++) {
    if (usable(s.y[i], logY) && usable(s.x[i], logX)) run.push([s.x[i], s.y[i]]);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
