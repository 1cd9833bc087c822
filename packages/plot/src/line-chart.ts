import { Canvas, type Point, type Rect } from './canvas.js';
import { type Color, type Rgb, seriesColor, TEXT, toRgb } from './color.js';
import { drawBorder, drawFrameText, drawXAxis, drawYAxis, type FrameText, leftMargin, metricsFor, verticalMargins, yTicksFor } from './frame.js';
import { drawLegend } from './legend.js';
import { linearScale, logScale, project, type Scale } from './ticks.js';
import { PlotError } from './errors.js';
import { extent } from './extent.js';

export interface LineSeries {
  name?: string;
  /** x of each point; defaults to 0, 1, 2, … (the index). */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: Color;
  /** Line thickness in pixels; defaults to the chart's font scale + 1. */
  thickness?: number;
  /** Dots at each point; by default only when points are at least 12 pixels apart. */
  markers?: boolean;
}

export interface LineChartOptions extends FrameText {
  series: LineSeries[];
  width?: number;
  height?: number;
  /** Logarithmic y axis; points with y ≤ 0 are gaps, like NaN. */
  logY?: boolean;
  /** Integer text magnification; by default 1 for small charts, 2 around 800×500. */
  fontScale?: number;
}

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
  const { width = 800, height = 500, logY = false } = options ?? ({} as LineChartOptions);
  if (!options || !Array.isArray(options.series)) throw new PlotError('lineChart: options.series must be an array of { y, x?, name?, color? }');
  const series = options.series.map((s, i) => prepare(s, i));
  const canvas = new Canvas(width, height);
  const m = metricsFor(width, height, options.fontScale);

  // Data ranges over the points that will be drawn.
  let yRange: [number, number] | null = null;
  let xRange: [number, number] | null = null;
  for (const s of series) {
    const drawn = (_: number, i: number) => usable(s.y[i], logY) && Number.isFinite(s.x[i]);
    yRange = union(yRange, extent(s.y.filter(drawn)));
    xRange = union(xRange, extent(s.x.filter(drawn)));
  }
  const { top, bottom } = verticalMargins(options, m, m.line);
  const plotHeight = height - top - bottom;
  const yScale: Scale = logY ? logScale(...(yRange ?? [1, 10])) : linearScale(...(yRange ?? [0, 1]), yTicksFor(plotHeight, m.line));
  const left = leftMargin(options, m, yScale.labels);
  // The last x label is centred on the right edge: leave half of a wide one (~8 characters).
  const right = 4 * m.gap + 4 * m.font * 6;
  const plot: Rect = { x: left, y: top, width: width - left - right, height: plotHeight };
  if (plot.width < 16 || plot.height < 16) {
    throw new PlotError(`lineChart: ${width}x${height} leaves no room for the plot after titles and labels; make it larger`);
  }
  const xScale = fitXScale(...(xRange ?? [0, 1]), plot.width, m.font, m.gap);

  drawYAxis(canvas, plot, yScale, m);
  drawXAxis(canvas, plot, xScale, m);
  drawFrameText(canvas, plot, options, m);

  canvas.clip = { x: plot.x, y: plot.y, width: plot.width, height: plot.height };
  const px = (x: number) => project(xScale, x, plot.x, plot.x + plot.width);
  const py = (y: number) => project(yScale, y, plot.y + plot.height, plot.y);
  for (const s of series) {
    const thickness = s.thickness ?? m.font + 1;
    const runs = splitRuns(s, logY).map((run) => run.map(([x, y]) => [px(x), py(y)] as Point));
    for (const run of runs) canvas.polyline(run, s.color, thickness);
    const count = runs.reduce((n, r) => n + r.length, 0);
    const showMarkers = s.markers ?? (count > 0 && plot.width / count >= 12);
    for (const run of runs) {
      for (const [x, y] of run) {
        // A point alone between gaps is invisible as a line, so it always gets a dot.
        if (showMarkers || run.length === 1) canvas.fillCircle(x, y, thickness + 1, s.color);
      }
    }
  }
  if (yRange === null) {
    canvas.text('no data', plot.x + plot.width / 2, plot.y + plot.height / 2, { scale: m.font, align: 'center', baseline: 'middle', color: TEXT });
  }
  canvas.clip = null;
  drawBorder(canvas, plot);
  const named = series.filter((s) => s.name);
  if (named.length > 0) drawLegend(canvas, plot, named.map((s) => ({ name: s.name!, color: s.color })), m);
  return canvas.toPng();
}

function prepare(s: LineSeries, i: number): Prepared {
  const where = `lineChart: series[${i}]${s?.name ? ` ('${s.name}')` : ''}`;
  if (!s || !isNumeric(s.y)) throw new PlotError(`${where}.y must be an array of numbers, got ${describe(s?.y)}`);
  if (s.x !== undefined && !isNumeric(s.x)) throw new PlotError(`${where}.x must be an array of numbers, got ${describe(s.x)}`);
  if (s.x !== undefined && s.x.length !== s.y.length) {
    throw new PlotError(`${where}: x has ${s.x.length} values but y has ${s.y.length}`);
  }
  const y = Float64Array.from(s.y as ArrayLike<number>);
  const x = s.x ? Float64Array.from(s.x) : Float64Array.from(y, (_, k) => k);
  return { name: s.name, color: s.color !== undefined ? toRgb(s.color, `${where}.color`) : seriesColor(i), x, y, thickness: s.thickness, markers: s.markers };
}

const isNumeric = (a: unknown): a is ArrayLike<number> =>
  (Array.isArray(a) && a.every((v) => typeof v === 'number')) || (ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array));

const describe = (a: unknown) => (a === undefined ? 'undefined' : Array.isArray(a) ? 'an array with non-numbers' : typeof a);

const usable = (y: number, logY: boolean) => Number.isFinite(y) && (!logY || y > 0);

function union(a: [number, number] | null, b: [number, number] | null): [number, number] | null {
  if (!a || !b) return a ?? b;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/** Splits a series into runs of drawable points; NaN, ±Infinity (and y ≤ 0 on log axes) end a run. */
function splitRuns(s: Prepared, logY: boolean): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (let i = 0; i < s.y.length; i++) {
    if (usable(s.y[i], logY) && Number.isFinite(s.x[i])) run.push([s.x[i], s.y[i]]);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** As many x ticks as fit without their labels touching. */
function fitXScale(min: number, max: number, plotWidth: number, font: number, gap: number): Scale {
  for (let target = 10; target > 2; target--) {
    const scale = linearScale(min, max, target);
    const widest = Math.max(...scale.labels.map((l) => Canvas.measureText(l, font).width));
    if ((widest + 4 * gap) * scale.ticks.length <= plotWidth) return scale;
  }
  return linearScale(min, max, 2);
}
