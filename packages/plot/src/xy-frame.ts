// The frame of a chart of y against x, shared by the line and scatter charts: the layout around
// the plot, linear or log axes with grid and ticks, title and labels, then — once the caller has
// drawn its data — the border, a 'no data' note and the legend (in a corner, or beside the plot).

import { Canvas, type Rect } from './canvas.js';
import { TEXT } from './color.js';
import { drawBorder, drawFrameText, drawXAxis, drawYAxis, type FrameText, leftMargin, type Metrics, metricsFor, verticalMargins, yTicksFor } from './frame.js';
import { drawLegend, type LegendEntry, type LegendPlacement, legendPlacement, outsideLegendWidth } from './legend.js';
import { project, type Scale } from './ticks.js';
import { type AxisLimitOptions, axisLimits, type AxisLimits, axisScale } from './axis-range.js';
import { PlotError } from './errors.js';

export interface XYFrameOptions extends FrameText, AxisLimitOptions {
  width: number;
  height: number;
  fontScale?: number;
  logX?: boolean;
  logY?: boolean;
  /** Where the legend goes (checked here: any value may come in). */
  legend?: LegendPlacement;
}

export type Range = [number, number] | null;

/** A chart under way: its canvas, the plot rectangle, the scales and value → pixel maps. */
export interface XYChart {
  canvas: Canvas;
  plot: Rect;
  m: Metrics;
  xScale: Scale;
  yScale: Scale;
  px: (x: number) => number;
  py: (y: number) => number;
  /** The legend to draw at the end (none with placement 'none'), and where. */
  legend: LegendEntry[];
  placement: LegendPlacement;
}

/** Whether a value can be drawn on its axis: finite, and positive on a log axis. */
export const usable = (v: number, log: boolean): boolean => Number.isFinite(v) && (!log || v > 0);

/** [min, max] over both ranges; null when both are. */
export function union(a: Range, b: Range): Range {
  if (!a || !b) return a ?? b;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/**
 * Points drawn as dots (markers): their extent on each axis and the room they need, in pixels,
 * between their centres and the frame (the radius and the anti-aliased rim).
 */
export interface Dots {
  x: Range;
  y: Range;
  radius: number;
}

/** What an xy chart shows, for its layout: the data's ranges, how far to pad them, the legend. */
export interface XYContent {
  /** [min, max] of the x values drawn; null: no data. */
  x: Range;
  y: Range;
  /** Each automatic end of a linear axis is widened by this fraction of the data's span (scatter: 0.05). */
  pad?: number;
  /**
   * The dots, so that the automatic ends of the axes leave room to draw them whole; or a function
   * of the plot's width that gives them (a line chart decides on markers by the room its points
   * have), null for none.
   */
  dots?: Dots | null | ((plotWidth: number) => Dots | null);
  /** The legend's entries: placed 'outside', they take room right of the plot. */
  legend?: LegendEntry[];
}

/**
 * Lays out the canvas for data spanning `content.x` × `content.y` (null: no data) and draws the
 * axes, grid, title and axis labels. Linear axes have nice ticks and ends just around the data
 * (see snugScale), widened first by `pad` times the data's span on each side (scatter: 5%);
 * log axes pad by 5% of their decades. Where `dots` lie closer to an automatic end than their
 * radius, that end moves out until they are drawn whole (roomyScale). xMin … yMax fix either end of either axis (axis-range.ts):
 * fixed ends are never padded. With `legend: 'outside'` and legend entries the plot is narrowed
 * so that the legend fits right of it. On return the canvas clips to the plot, ready for the
 * data, so what lies outside fixed limits is cut at the border; `finishXYChart` draws the rest.
 */
export function startXYChart(fn: string, options: XYFrameOptions, content: XYContent): XYChart {
  const { width, height, logX = false, logY = false } = options;
  const { x: xRange, y: yRange, pad = 0 } = content;
  const limits = axisLimits(fn, options);
  const placement = legendPlacement(fn, options.legend);
  const legend = placement === 'none' ? [] : content.legend ?? [];
  const canvas = new Canvas(width, height);
  const m = metricsFor(width, height, options.fontScale);
  const { top, bottom } = verticalMargins(options, m, m.line, width);
  const plotHeight = height - top - bottom;
  // The last x label is centred on the right edge: leave half of a wide one (~8 characters).
  const right = Math.max(4 * m.gap + 4 * m.font * 6, placement === 'outside' ? outsideLegendWidth(legend, m, width) : 0);
  const yTarget = yTicksFor(plotHeight, m.line);
  const layout = (dots: Dots | null) => {
    const yScale = roomyScale(yRange, limits.y, dots?.y ?? null, dots?.radius ?? 0, plotHeight, (range) => axisScale(range, limits.y, logY, pad, yTarget));
    const left = leftMargin(options, m, yScale.labels);
    const plot: Rect = { x: left, y: top, width: width - left - right, height: plotHeight };
    return { yScale, plot };
  };
  const dots = typeof content.dots === 'function' ? content.dots(layout(null).plot.width) : content.dots ?? null;
  const { yScale, plot } = layout(dots);
  if (plot.width < 16 || plot.height < 16) {
    throw new PlotError(`${fn}: ${width}x${height} leaves no room for the plot after titles, labels${placement === 'outside' && legend.length > 0 ? ' and the legend' : ''}; make it larger`);
  }
  const xScale = roomyScale(xRange, limits.x, dots?.x ?? null, dots?.radius ?? 0, plot.width, (range) => (logX
    ? axisScale(range, limits.x, true, pad, 0)
    : fitXScale(range, limits.x, pad, plot.width, m.font, m.gap)));

  drawYAxis(canvas, plot, yScale, m);
  drawXAxis(canvas, plot, xScale, m);
  drawFrameText(canvas, plot, options, m);
  canvas.clip = { x: plot.x, y: plot.y, width: plot.width, height: plot.height };
  return {
    canvas, plot, m, xScale, yScale, legend, placement,
    px: (x) => project(xScale, x, plot.x, plot.x + plot.width),
    py: (y) => project(yScale, y, plot.y + plot.height, plot.y),
  };
}

/**
 * The scale `make` gives for the data, its automatic ends moved out where dots (spanning `dots`)
 * would come closer to them than `radius` pixels on an axis `size` pixels long, so that markers
 * at the data's extremes are drawn whole, not cut in half by the frame. Only the end that needs
 * it moves, and only as far as it needs (a curve whose markers lie inside is not padded); rounding
 * the ends out to nice values can take back some of the room at the other end, so it checks
 * again, a few times. Fixed ends (xMin …) stay where they are.
 */
export function roomyScale(data: Range, limits: AxisLimits, dots: Range, radius: number, size: number, make: (data: Range) => Scale): Scale {
  let scale = make(data);
  if (!data || !dots || !(radius > 0)) return scale;
  const t = (v: number) => (scale.log ? Math.log10(v) : v);
  const back = (u: number) => (scale.log ? 10 ** u : u);
  let range: [number, number] = [data[0], data[1]];
  for (let k = 0; k < 4; k++) {
    const span = t(scale.hi) - t(scale.lo);
    const room = (radius * span) / size;
    const lowShort = limits.min === undefined && t(dots[0]) - t(scale.lo) < room * (1 - 1e-9);
    const highShort = limits.max === undefined && t(scale.hi) - t(dots[1]) < room * (1 - 1e-9);
    if (!lowShort && !highShort) break;
    // Data spanning D padded by g at each end puts radius pixels in g when g = D·r / (size − 2r).
    const grow = (radius * (t(range[1]) - t(range[0]) || span)) / Math.max(size - 2 * radius, size / 4);
    range = [
      lowShort ? Math.min(range[0], back(t(dots[0]) - grow * (k + 1))) : range[0],
      highShort ? Math.max(range[1], back(t(dots[1]) + grow * (k + 1))) : range[1],
    ];
    scale = make(range);
  }
  return scale;
}

/** Ends the chart: 'no data' on an empty plot, the border, the legend (if any entries); the PNG. */
export function finishXYChart(chart: XYChart, hasData: boolean): Buffer {
  const { canvas, plot, m } = chart;
  if (!hasData) {
    canvas.text('no data', plot.x + plot.width / 2, plot.y + plot.height / 2, { scale: m.font, align: 'center', baseline: 'middle', color: TEXT });
  }
  canvas.clip = null;
  drawBorder(canvas, plot);
  drawLegend(canvas, plot, chart.legend, m, chart.placement);
  return canvas.toPng();
}

/**
 * As many x ticks as fit without their labels touching: each label and four gaps per step of
 * the axis (a snug axis's ends are not ticks, so its span counts, not its ticks).
 */
function fitXScale(data: Range, limits: AxisLimits, pad: number, plotWidth: number, font: number, gap: number): Scale {
  for (let target = 10; target > 2; target--) {
    const scale = axisScale(data, limits, false, pad, target);
    const widest = Math.max(0, ...scale.labels.map((l) => Canvas.measureText(l, font).width));
    const step = scale.ticks.length > 1 ? scale.ticks[1] - scale.ticks[0] : scale.hi - scale.lo;
    if ((widest + 4 * gap) * ((scale.hi - scale.lo) / step + 1) <= plotWidth) return scale;
  }
  return axisScale(data, limits, false, pad, 2);
}
