// The frame of a chart of y against x, shared by the line and scatter charts: the layout around
// the plot, linear or log axes with grid and ticks, title and labels, then — once the caller has
// drawn its data — the border, a 'no data' note and the legend.

import { Canvas, type Rect } from './canvas.js';
import { TEXT } from './color.js';
import { drawBorder, drawFrameText, drawXAxis, drawYAxis, type FrameText, leftMargin, type Metrics, metricsFor, verticalMargins, yTicksFor } from './frame.js';
import { drawLegend, type LegendEntry } from './legend.js';
import { project, type Scale } from './ticks.js';
import { type AxisLimitOptions, axisLimits, type AxisLimits, axisScale } from './axis-range.js';
import { PlotError } from './errors.js';

export interface XYFrameOptions extends FrameText, AxisLimitOptions {
  width: number;
  height: number;
  fontScale?: number;
  logX?: boolean;
  logY?: boolean;
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
}

/** Whether a value can be drawn on its axis: finite, and positive on a log axis. */
export const usable = (v: number, log: boolean): boolean => Number.isFinite(v) && (!log || v > 0);

/** [min, max] over both ranges; null when both are. */
export function union(a: Range, b: Range): Range {
  if (!a || !b) return a ?? b;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/**
 * Lays out the canvas for data spanning `xRange` × `yRange` (null: no data) and draws the axes,
 * grid, title and axis labels. Linear axes have nice ticks and ends just around the data (see
 * snugScale), widened first by `pad` times the data's span on each side (scatter markers at the
 * extremes stay inside the frame); log axes pad by 5% of their decades. xMin … yMax fix either
 * end of either axis (axis-range.ts). On return the canvas clips to the plot, ready for the
 * data, so what lies outside fixed limits is cut at the border; `finishXYChart` draws the rest.
 */
export function startXYChart(fn: string, options: XYFrameOptions, xRange: Range, yRange: Range, pad = 0): XYChart {
  const { width, height, logX = false, logY = false } = options;
  const limits = axisLimits(fn, options);
  const canvas = new Canvas(width, height);
  const m = metricsFor(width, height, options.fontScale);
  const { top, bottom } = verticalMargins(options, m, m.line, width);
  const plotHeight = height - top - bottom;
  const yScale = axisScale(yRange, limits.y, logY, pad, yTicksFor(plotHeight, m.line));
  const left = leftMargin(options, m, yScale.labels);
  // The last x label is centred on the right edge: leave half of a wide one (~8 characters).
  const right = 4 * m.gap + 4 * m.font * 6;
  const plot: Rect = { x: left, y: top, width: width - left - right, height: plotHeight };
  if (plot.width < 16 || plot.height < 16) {
    throw new PlotError(`${fn}: ${width}x${height} leaves no room for the plot after titles and labels; make it larger`);
  }
  const xScale = logX ? axisScale(xRange, limits.x, true, pad, 0) : fitXScale(xRange, limits.x, pad, plot.width, m.font, m.gap);

  drawYAxis(canvas, plot, yScale, m);
  drawXAxis(canvas, plot, xScale, m);
  drawFrameText(canvas, plot, options, m);
  canvas.clip = { x: plot.x, y: plot.y, width: plot.width, height: plot.height };
  return {
    canvas, plot, m, xScale, yScale,
    px: (x) => project(xScale, x, plot.x, plot.x + plot.width),
    py: (y) => project(yScale, y, plot.y + plot.height, plot.y),
  };
}

/** Ends the chart: 'no data' on an empty plot, the border, the legend (if any entries); the PNG. */
export function finishXYChart(chart: XYChart, hasData: boolean, legend: LegendEntry[]): Buffer {
  const { canvas, plot, m } = chart;
  if (!hasData) {
    canvas.text('no data', plot.x + plot.width / 2, plot.y + plot.height / 2, { scale: m.font, align: 'center', baseline: 'middle', color: TEXT });
  }
  canvas.clip = null;
  drawBorder(canvas, plot);
  if (legend.length > 0) drawLegend(canvas, plot, legend, m);
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
