import { Canvas, type Rect } from './canvas.js';
import { AXIS, type Color, type Rgb, seriesColor, TEXT, toRgb } from './color.js';
import { drawBorder, drawFrameText, drawYAxis, fit, type FrameText, leftMargin, metricsFor, verticalMargins, yTicksFor } from './frame.js';
import { formatNumber, innerScale, project } from './ticks.js';
import { PlotError } from './errors.js';
import { checkKeys } from './options.js';
import { extent } from './extent.js';

export interface BarChartOptions extends FrameText {
  labels: string[];
  values: ArrayLike<number>;
  /** One colour for every bar, or one per bar; defaults to the first series colour. */
  color?: Color | Color[];
  width?: number;
  height?: number;
  /** Write each value above its bar (below it when negative); on by default when it fits. */
  showValues?: boolean;
  fontScale?: number;
}

const OPTIONS = ['labels', 'values', 'color', 'width', 'height', 'showValues', 'fontScale', 'title', 'xLabel', 'yLabel'];

/**
 * A bar chart as a PNG file (per-class accuracy, parameter counts per layer …). Bars grow from
 * zero, so negative values point down; category labels turn vertical when they do not fit
 * under their bar.
 */
export function barChart(options: BarChartOptions): Buffer {
  checkKeys(options, OPTIONS, 'barChart', { renamed: { xlabel: 'xLabel', ylabel: 'yLabel', height_values: 'values', tick_label: 'labels' } });
  const { labels, values, width = 800, height = 500 } = options;
  if (!Array.isArray(labels)) throw new PlotError(`barChart: labels must be an array of strings, got ${typeof labels}`);
  if (!values || typeof values.length !== 'number') throw new PlotError(`barChart: values must be an array of numbers, got ${typeof values}`);
  if (labels.length !== values.length) throw new PlotError(`barChart: ${labels.length} labels but ${values.length} values`);
  if (values.length === 0) throw new PlotError('barChart: values is empty');
  const n = values.length;
  const colors = barColors(options.color, n);
  const canvas = new Canvas(width, height);
  const m = metricsFor(width, height, options.fontScale);

  // Labels go under their bars if they fit there, else vertical, capped at a third of the height.
  const guessSlot = (width * 0.8) / n;
  const names = labels.map(String);
  const widest = Math.max(...names.map((l) => Canvas.measureText(l, m.font).width));
  const vertical = widest > guessSlot - m.gap;
  const labelSpace = vertical ? Math.min(widest, Math.floor(height / 3)) : m.line;
  const { top, bottom } = verticalMargins(options, m, labelSpace, width);
  const [lo, hi] = extent([0, ...Array.from(values)]) ?? [0, 1];
  const plotHeight = height - top - bottom;
  const valueTexts = Array.from(values, (v) => formatNumber(v));
  const slotGuess = (width - 2 * m.line * 6) / n;
  // Values in the chart's font if they fit over their bars, else one size smaller, else none.
  const fits = (f: number) => f >= 1 && valueTexts.every((t) => Canvas.measureText(t, f).width <= slotGuess - 3 * m.gap);
  const valueFont = fits(m.font) ? m.font : fits(m.font - 1) ? m.font - 1 : 0;
  const showValues = options.showValues ?? valueFont > 0;
  // Value labels need a line of room beyond the longest bars, so the axis reaches further.
  const labelRoom = 8 * Math.max(1, valueFont) + 2 * m.gap;
  const room = showValues ? labelRoom / Math.max(1, plotHeight - 2 * labelRoom) : 0;
  const span = hi - lo || 1;
  const yMin = lo < 0 ? lo - span * room : 0;
  const yMax = hi > 0 ? hi + span * room : lo === hi ? 1 : 0;
  const yScale = innerScale(yMin, yMax, yTicksFor(plotHeight, m.line));
  const left = leftMargin(options, m, yScale.labels);
  const plot: Rect = { x: left, y: top, width: width - left - 3 * m.gap, height: plotHeight };
  if (plot.width < 16 || plot.height < 16) throw new PlotError(`barChart: ${width}x${height} leaves no room for the bars; make it larger`);

  drawYAxis(canvas, plot, yScale, m);
  drawFrameText(canvas, plot, options, m);
  const slot = plot.width / n;
  const py = (v: number) => project(yScale, v, plot.y + plot.height, plot.y);
  const zero = Math.round(py(0));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const x0 = Math.round(plot.x + i * slot + slot * 0.15);
    const x1 = Math.round(plot.x + (i + 1) * slot - slot * 0.15);
    const cx = plot.x + (i + 0.5) * slot;
    if (Number.isFinite(v)) {
      const yv = Math.round(py(v));
      canvas.fillRect(x0, Math.min(yv, zero), Math.max(1, x1 - x0), Math.abs(zero - yv), colors[i]);
      if (showValues) {
        const above = v >= 0;
        canvas.text(valueTexts[i], cx, above ? yv - m.gap : yv + m.gap, { scale: Math.max(1, valueFont), align: 'center', baseline: above ? 'bottom' : 'top', color: TEXT });
      }
    } else {
      canvas.text(valueTexts[i], cx, zero - m.gap, { scale: m.font, align: 'center', baseline: 'bottom', color: TEXT });
    }
    const bottomY = plot.y + plot.height;
    canvas.fillRect(Math.round(cx), bottomY, 1, m.tick, AXIS);
    if (vertical) {
      canvas.text(fit(names[i], labelSpace, m.font), cx - Math.round((7 * m.font) / 2), bottomY + m.tick + m.gap, {
        scale: m.font, align: 'right', rotate: true, color: TEXT,
      });
    } else {
      canvas.text(names[i], cx, bottomY + m.tick + m.gap, { scale: m.font, align: 'center', color: TEXT });
    }
  }
  canvas.fillRect(plot.x, zero, plot.width, 1, AXIS);
  drawBorder(canvas, plot);
  return canvas.toPng();
}

function barColors(color: BarChartOptions['color'], n: number): Rgb[] {
  if (color === undefined) return Array.from({ length: n }, () => seriesColor(0));
  if (Array.isArray(color) && color.length > 0 && typeof color[0] !== 'number') {
    const list = color as Color[];
    if (list.length !== n) throw new PlotError(`barChart: color has ${list.length} entries but there are ${n} bars`);
    return list.map((c, i) => toRgb(c, `barChart: color[${i}]`));
  }
  const one = toRgb(color as Color, 'barChart: color');
  return Array.from({ length: n }, () => one);
}
