import type { Point } from './canvas.js';
import { type Color, type Rgb, seriesColor, toRgb } from './color.js';
import { type FrameText, metricsFor } from './frame.js';
import { type AxisLimitOptions, LIMIT_OPTIONS, LIMITS_RENAMED } from './axis-range.js';
import { checkKeys, describeValue } from './options.js';
import type { LegendEntry, LegendPlacement } from './legend.js';
import { type Dots, finishXYChart, type Range, startXYChart, union, usable } from './xy-frame.js';
import { PlotError } from './errors.js';
import { extent } from './extent.js';

export interface LineSeries {
  name?: string;
  /** x of each point; defaults to 0, 1, 2, … (the index), or 1, 2, 3, … with logX. */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: Color;
  /** Line thickness in pixels; defaults to the chart's font scale + 1. 0 draws no line, only markers. */
  thickness?: number;
  /** Dots at each point; by default only when points are at least 12 pixels apart (always with thickness 0). */
  markers?: boolean;
}

/**
 * A shaded band between `lower` and `upper` at each x, like matplotlib's fill_between: a
 * posterior mean ± 2σ, the spread of runs over seeds. Drawn under the lines, translucent.
 */
export interface BandSeries {
  name?: string;
  /** x of each point; defaults to 0, 1, 2, … (the index), or 1, 2, 3, … with logX. */
  x?: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Default: the series colours in turn, counting bands apart from lines (as matplotlib does), so the first band takes the first line's colour. */
  color?: Color;
  /** Opacity of the fill in (0, 1]; default 0.25. */
  opacity?: number;
}

export interface LineChartOptions extends FrameText, AxisLimitOptions {
  /** Lines ({ y, … }) and bands ({ lower, upper, … }), in any order; bands are drawn first, under the lines. */
  series: (LineSeries | BandSeries)[];
  width?: number;
  height?: number;
  /** Logarithmic y axis; points with y ≤ 0 are gaps, like NaN. A band's bound ≤ 0 runs it to the bottom of the plot. */
  logY?: boolean;
  /** Logarithmic x axis; points with x ≤ 0 are gaps. The default x is 1, 2, 3, … (0 has no place on it). */
  logX?: boolean;
  /** Where the legend goes: 'auto' (default) the corner that hides the least data, a corner, 'outside' right of the plot, or 'none'. */
  legend?: LegendPlacement;
  /** Integer text magnification; by default 1 for small charts, 2 around 800×500. */
  fontScale?: number;
}

const OPTIONS = ['series', 'title', 'xLabel', 'yLabel', 'width', 'height', 'logY', 'logX', ...LIMIT_OPTIONS, 'legend', 'fontScale'];
const SERIES_KEYS = ['name', 'x', 'y', 'color', 'thickness', 'markers'];
const BAND_KEYS = ['name', 'x', 'lower', 'upper', 'color', 'opacity'];
/** matplotlib's spellings. */
const RENAMED: Record<string, string> = {
  xlabel: 'xLabel', ylabel: 'yLabel', label: 'name', c: 'color', linewidth: 'thickness', lw: 'thickness',
  marker: 'markers: true', lines: 'thickness: 0 (markers only)', logy: 'logY', logx: 'logX', yscale: "logY: true", xscale: 'logX: true',
  loc: 'legend', ...LIMITS_RENAMED,
};
/** A line series with fill_between's keys is meant to be a band. */
const LINE_RENAMED: Record<string, string> = {
  ...RENAMED, y1: 'lower (a band: { lower, upper })', y2: 'upper (a band: { lower, upper })', alpha: 'a band ({ lower, upper, opacity })',
};
const BAND_RENAMED: Record<string, string> = {
  ...RENAMED, y1: 'lower', y2: 'upper', alpha: 'opacity', facecolor: 'color', fc: 'color',
};

interface PreparedLine {
  band: false;
  name?: string;
  color: Rgb;
  x: Float64Array;
  y: Float64Array;
  thickness?: number;
  markers?: boolean;
}

interface PreparedBand {
  band: true;
  name?: string;
  color: Rgb;
  x: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  opacity: number;
}

/**
 * A line chart as a PNG file: one line per series, gaps where y is NaN (or ≤ 0 on a log axis),
 * shaded bands under the lines, nice axis ticks, grid and a legend when any series is named.
 */
export function lineChart(options: LineChartOptions): Buffer {
  checkKeys(options, OPTIONS, 'lineChart', { renamed: RENAMED });
  const { width = 800, height = 500, logX = false, logY = false } = options;
  checkFlag(logX, 'logX');
  checkFlag(logY, 'logY');
  if (!Array.isArray(options.series)) {
    throw new PlotError(`lineChart: options.series must be an array of lines { y, x?, name?, color? } and bands { lower, upper, x?, name? }, got ${describeValue(options.series)}`);
  }
  // Lines and bands take the series colours in turns of their own, as matplotlib's plot and fill_between do.
  let lineCount = 0;
  let bandCount = 0;
  const series = options.series.map((s, i) => (isBand(s) ? prepareBand(s, i, bandCount++, logX) : prepareLine(s, i, lineCount++, logX)));
  const lines = series.filter((s): s is PreparedLine => !s.band);
  const bands = series.filter((s): s is PreparedBand => s.band);

  // Data ranges over the points that will be drawn.
  let yRange: Range = null;
  let xRange: Range = null;
  for (const s of lines) {
    const drawn = (_: number, i: number) => usable(s.y[i], logY) && usable(s.x[i], logX);
    yRange = union(yRange, extent(s.y.filter(drawn)));
    xRange = union(xRange, extent(s.x.filter(drawn)));
  }
  for (const b of bands) {
    const drawn = bandDrawn(b, logX, logY);
    xRange = union(xRange, extent(b.x.filter((_, i) => drawn(i))));
    for (const bound of [b.lower, b.upper]) yRange = union(yRange, extent(bound.filter((v, i) => drawn(i) && usable(v, logY))));
  }

  const m = metricsFor(width, height, options.fontScale);
  const lineRuns = lines.map((s) => runsOf(s.x.length, (i) => usable(s.y[i], logY) && usable(s.x[i], logX)));
  // Points within the x axis's fixed limits (the automatic ends take in all the data): outside
  // them they are cut off, so they do not count towards the spacing that decides on markers
  // (zooming in on a few points shows their dots).
  const { xMin = -Infinity, xMax = Infinity } = options;
  const counts = lines.map((s, k) => lineRuns[k].reduce((n, run) => n + run.filter((i) => s.x[i] >= xMin && s.x[i] <= xMax).length, 0));
  const thickness = (s: PreparedLine) => s.thickness ?? m.font + 1;
  // Markers-only series get the dots a default line would have.
  const radius = (s: PreparedLine) => (thickness(s) > 0 ? thickness(s) : m.font + 1) + 1;
  const showMarkers: boolean[] = [];
  // Decided on the plot's width; the axes then leave room for the dots at the data's extremes.
  const dotsFor = (plotWidth: number): Dots | null => {
    let dots: Dots | null = null;
    lines.forEach((s, k) => {
      showMarkers[k] = s.markers ?? (thickness(s) === 0 || (counts[k] > 0 && plotWidth / counts[k] >= 12));
      // A point alone between gaps is invisible as a line, so it always gets a dot.
      const dotted = lineRuns[k].filter((run) => showMarkers[k] || run.length === 1).flat();
      if (dotted.length === 0) return;
      // One pixel more than the radius for the anti-aliased rim.
      dots = {
        x: union(dots?.x ?? null, extent(dotted.map((i) => s.x[i]))),
        y: union(dots?.y ?? null, extent(dotted.map((i) => s.y[i]))),
        radius: Math.max(dots?.radius ?? 0, radius(s) + 1),
      };
    });
    return dots;
  };
  const legend: LegendEntry[] = series.filter((s) => s.name).map((s) => (s.band
    ? { name: s.name!, color: s.color, band: s.opacity }
    : { name: s.name!, color: s.color, marker: thickness(s) === 0 }));
  const chart = startXYChart('lineChart', { ...options, width, height }, { x: xRange, y: yRange, dots: dotsFor, legend });
  const { canvas, plot, px, py } = chart;

  // Bands first, under every line. On a log y axis a bound ≤ 0 lies below the plot's bottom.
  const below = plot.y + plot.height + 2;
  const bandY = (v: number) => (logY && v <= 0 ? below : py(v));
  for (const b of bands) {
    const drawn = bandDrawn(b, logX, logY);
    // Pixel positions, NaN at the gaps.
    const xs = b.x.map((v, i) => (drawn(i) ? px(v) : NaN));
    canvas.fillBetween(xs, b.lower.map(bandY), b.upper.map(bandY), b.color, b.opacity);
  }
  lines.forEach((s, k) => {
    const runs = lineRuns[k].map((run) => run.map((i): Point => [px(s.x[i]), py(s.y[i])]));
    if (thickness(s) > 0) for (const run of runs) canvas.polyline(run, s.color, thickness(s));
    for (const run of runs) {
      for (const [x, y] of run) if (showMarkers[k] || run.length === 1) canvas.fillCircle(x, y, radius(s), s.color);
    }
  });
  return finishXYChart(chart, yRange !== null);
}

/** A series with lower or upper is a band (checked further in prepareBand). */
const isBand = (s: LineSeries | BandSeries): s is BandSeries =>
  s !== null && typeof s === 'object' && !Array.isArray(s) && ('lower' in s || 'upper' in s);

const whereOf = (s: { name?: unknown }, i: number) => `lineChart: series[${i}]${s?.name ? ` ('${s.name}')` : ''}`;

/** 0, 1, 2, … for the points of a series without x; 1, 2, 3, … on a log axis, where 0 has no place. */
const defaultX = (n: number, logX: boolean) => Float64Array.from({ length: n }, (_, k) => k + (logX ? 1 : 0));

function prepareLine(s: LineSeries, i: number, turn: number, logX: boolean): PreparedLine {
  const where = whereOf(s, i);
  checkKeys(s, SERIES_KEYS, 'lineChart', { what: `series[${i}]`, renamed: LINE_RENAMED });
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
  const x = s.x ? Float64Array.from(s.x) : defaultX(y.length, logX);
  const color = s.color !== undefined ? toRgb(s.color, `${where}.color`) : seriesColor(turn);
  return { band: false, name: s.name, color, x, y, thickness: s.thickness, markers: s.markers };
}

function prepareBand(s: BandSeries, i: number, turn: number, logX: boolean): PreparedBand {
  const where = whereOf(s, i);
  if ('y' in s) throw new PlotError(`${where}: give y (a line) or lower and upper (a band), not both; draw the line as a series of its own`);
  checkKeys(s, BAND_KEYS, 'lineChart', { what: `series[${i}]`, renamed: BAND_RENAMED });
  for (const key of ['lower', 'upper'] as const) {
    if (s[key] === undefined) throw new PlotError(`${where}: a band needs both lower and upper, got ${key === 'lower' ? 'upper' : 'lower'} only`);
    if (!isNumeric(s[key])) throw new PlotError(`${where}.${key} must be an array of numbers, got ${describe(s[key])}`);
  }
  if (s.lower.length !== s.upper.length) throw new PlotError(`${where}: lower has ${s.lower.length} values but upper has ${s.upper.length}`);
  if (s.x !== undefined && !isNumeric(s.x)) throw new PlotError(`${where}.x must be an array of numbers, got ${describe(s.x)}`);
  if (s.x !== undefined && s.x.length !== s.lower.length) {
    throw new PlotError(`${where}: x has ${s.x.length} values but lower and upper have ${s.lower.length}`);
  }
  if (s.opacity !== undefined && !(typeof s.opacity === 'number' && s.opacity > 0 && s.opacity <= 1)) {
    throw new PlotError(`${where}.opacity must be a number in (0, 1], got ${describeValue(s.opacity)}`);
  }
  const lower = Float64Array.from(s.lower as ArrayLike<number>);
  const upper = Float64Array.from(s.upper as ArrayLike<number>);
  const x = s.x ? Float64Array.from(s.x) : defaultX(lower.length, logX);
  const color = s.color !== undefined ? toRgb(s.color, `${where}.color`) : seriesColor(turn);
  return { band: true, name: s.name, color, x, lower, upper, opacity: s.opacity ?? 0.25 };
}

/**
 * Whether a band has a place at point i: its x drawable, both bounds finite (NaN and ±Infinity
 * break the band, as they break a line) and, on a log y axis, one of them > 0 (the other, if
 * ≤ 0, runs the band to the bottom of the plot, as matplotlib clips it).
 */
function bandDrawn(b: PreparedBand, logX: boolean, logY: boolean): (i: number) => boolean {
  return (i) => usable(b.x[i], logX) && Number.isFinite(b.lower[i]) && Number.isFinite(b.upper[i]) && (!logY || Math.max(b.lower[i], b.upper[i]) > 0);
}

const isNumeric = (a: unknown): a is ArrayLike<number> =>
  (Array.isArray(a) && a.every((v) => typeof v === 'number')) || (ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array));

const describe = (a: unknown) => (a === undefined ? 'undefined' : Array.isArray(a) ? 'an array with non-numbers' : typeof a);

function checkFlag(v: unknown, name: string): void {
  if (typeof v !== 'boolean') throw new PlotError(`lineChart: ${name} must be true or false, got ${describeValue(v)}`);
}

/** The indices 0 … n−1 in runs of consecutive ones that are `drawn`; the others end a run. */
function runsOf(n: number, drawn: (i: number) => boolean): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < n; i++) {
    if (drawn(i)) run.push(i);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
