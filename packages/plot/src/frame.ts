// The parts that line and bar charts share: margins sized to the text around the plot, the
// title, the axis labels, and y / x axes with grid lines, ticks and tick labels.

import { Canvas, type Rect } from './canvas.js';
import { AXIS, GRID, TEXT } from './color.js';
import { project, type Scale } from './ticks.js';
import { fit } from './fit-text.js';
import { drawTitle, layoutTitle } from './title.js';

// Kept here too: the charts and the legend import it from the frame.
export { fit };

export interface FrameText {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/** Text and spacing sizes for one chart, all proportional to its font scale. */
export interface Metrics {
  font: number;
  titleFont: number;
  gap: number;
  tick: number;
  line: number;
}

/** Font scale 1 for small charts, 2 around 800×500, so text stays readable at either size. */
export function metricsFor(width: number, height: number, font?: number): Metrics {
  const f = Math.max(1, Math.round(font ?? Math.min(width / 400, height / 250)));
  return { font: f, titleFont: f + 1, gap: 4 * f, tick: 3 + f, line: 8 * f };
}

export interface Margins {
  top: number;
  bottom: number;
}

/**
 * Space above and below the plot: the title as set in `width` pixels (see title.ts), x tick
 * labels (of `xTickHeight` pixels) and x label.
 */
export function verticalMargins(text: FrameText, m: Metrics, xTickHeight: number, width: number): Margins {
  const top = text.title ? 2 * m.gap + layoutTitle(text.title, titleWidth(width, m), m).height + m.gap : 3 * m.gap;
  const bottom = m.tick + m.gap + xTickHeight + (text.xLabel ? 2 * m.gap + m.line : 0) + m.gap;
  return { top, bottom };
}

/** Space left of the plot: y label and the widest y tick label. */
export function leftMargin(text: FrameText, m: Metrics, yLabels: string[]): number {
  const widest = Math.max(0, ...yLabels.map((l) => Canvas.measureText(l, m.font).width));
  return m.gap * 2 + (text.yLabel ? m.line + 2 * m.gap : 0) + widest + m.gap + m.tick;
}

/** The width a title may take: the canvas less a gap at each side. */
const titleWidth = (canvasWidth: number, m: Metrics) => canvasWidth - 2 * m.gap;

/** How many y ticks to aim for: one per three text lines of plot height, 3 to 9. */
export function yTicksFor(plotHeight: number, line: number): number {
  return Math.max(3, Math.min(9, Math.floor(plotHeight / (3 * line))));
}

/** Draws the title centred over the canvas and the axis labels centred on the plot. */
export function drawFrameText(canvas: Canvas, plot: Rect, text: FrameText, m: Metrics): void {
  if (text.title) drawTitle(canvas, layoutTitle(text.title, titleWidth(canvas.width, m), m), 2 * m.gap);
  if (text.xLabel) {
    canvas.text(fit(text.xLabel, plot.width, m.font), plot.x + plot.width / 2, canvas.height - m.gap, {
      scale: m.font, align: 'center', baseline: 'bottom', color: TEXT,
    });
  }
  if (text.yLabel) {
    canvas.text(fit(text.yLabel, plot.height, m.font), 2 * m.gap, plot.y + plot.height / 2, {
      scale: m.font, align: 'center', rotate: true, color: TEXT,
    });
  }
}

/** Horizontal grid lines, left ticks and their labels for `scale` mapped onto the plot's height. */
export function drawYAxis(canvas: Canvas, plot: Rect, scale: Scale, m: Metrics): void {
  scale.ticks.forEach((t, i) => {
    const y = Math.round(project(scale, t, plot.y + plot.height, plot.y));
    if (y < plot.y - 0.5 || y > plot.y + plot.height + 0.5) return;
    canvas.fillRect(plot.x, y, plot.width, 1, GRID);
    canvas.fillRect(plot.x - m.tick, y, m.tick, 1, AXIS);
    canvas.text(scale.labels[i], plot.x - m.tick - m.gap, y, { scale: m.font, align: 'right', baseline: 'middle', color: TEXT });
  });
}

/** Vertical grid lines, bottom ticks and their labels for `scale` mapped onto the plot's width. */
export function drawXAxis(canvas: Canvas, plot: Rect, scale: Scale, m: Metrics): void {
  const bottom = plot.y + plot.height;
  scale.ticks.forEach((t, i) => {
    const x = Math.round(project(scale, t, plot.x, plot.x + plot.width));
    if (x < plot.x - 0.5 || x > plot.x + plot.width + 0.5) return;
    canvas.fillRect(x, plot.y, 1, plot.height, GRID);
    canvas.fillRect(x, bottom, 1, m.tick, AXIS);
    canvas.text(scale.labels[i], x, bottom + m.tick + m.gap, { scale: m.font, align: 'center', color: TEXT });
  });
}

/** The frame around the plot, drawn last so that data never covers it. */
export function drawBorder(canvas: Canvas, plot: Rect): void {
  canvas.strokeRect(plot.x - 1, plot.y - 1, plot.width + 2, plot.height + 2, AXIS);
}
