import { Canvas, type Rect } from './canvas.js';
import { AXIS, GRID, type Rgb, TEXT, WHITE } from './color.js';
import { fit, type Metrics } from './frame.js';

export interface LegendEntry {
  name: string;
  color: Rgb;
  /** A dot for the swatch instead of a line (scatter points, a line chart's markers-only series). */
  marker?: boolean;
}

/**
 * Draws the legend in the corner of the plot that hides the least data, like matplotlib's
 * loc='best'. It runs after the series are drawn and counts, per corner, the pixels that are
 * neither background nor grid: a loss curve falling to the lower right gets its legend at the
 * upper right, an accuracy curve rising there gets it at the lower right.
 */
export function drawLegend(canvas: Canvas, plot: Rect, entries: LegendEntry[], m: Metrics): void {
  if (entries.length === 0) return;
  const swatch = 6 * m.gap;
  const rowHeight = m.line + m.gap;
  const maxText = Math.max(0, plot.width - swatch - 5 * m.gap);
  const names = entries.map((e) => fit(e.name, maxText, m.font));
  const textWidth = Math.max(...names.map((n) => Canvas.measureText(n, m.font).width));
  const width = Math.min(plot.width - 2 * m.gap, 3 * m.gap + swatch + textWidth);
  const height = Math.min(plot.height - 2 * m.gap, entries.length * rowHeight + m.gap);
  const inset = 2 * m.gap;
  const corners: Rect[] = [
    { x: plot.x + plot.width - inset - width, y: plot.y + inset, width, height },
    { x: plot.x + inset, y: plot.y + inset, width, height },
    { x: plot.x + plot.width - inset - width, y: plot.y + plot.height - inset - height, width, height },
    { x: plot.x + inset, y: plot.y + plot.height - inset - height, width, height },
  ];
  let box = corners[0];
  let least = Infinity;
  for (const c of corners) {
    const ink = inkInside(canvas, c);
    if (ink < least) {
      least = ink;
      box = c;
    }
  }
  canvas.fillRect(box.x, box.y, box.width, box.height, WHITE, 0.9);
  canvas.strokeRect(box.x, box.y, box.width, box.height, AXIS);
  entries.forEach((e, i) => {
    const cy = box.y + m.gap + i * rowHeight + Math.round((7 * m.font) / 2);
    if (cy > box.y + box.height - m.gap) return;
    if (e.marker) canvas.fillCircle(box.x + m.gap + swatch / 2, cy, Math.max(2.5, m.font * 2), e.color);
    else canvas.line(box.x + m.gap, cy, box.x + m.gap + swatch, cy, e.color, Math.max(2, m.font + 1));
    canvas.text(names[i], box.x + 2 * m.gap + swatch, cy, { scale: m.font, baseline: 'middle', color: TEXT });
  });
}

function inkInside(canvas: Canvas, r: Rect): number {
  let n = 0;
  for (let y = Math.max(0, Math.round(r.y)); y < Math.min(canvas.height, Math.round(r.y + r.height)); y++) {
    for (let x = Math.max(0, Math.round(r.x)); x < Math.min(canvas.width, Math.round(r.x + r.width)); x++) {
      const [red, g, b] = canvas.getPixel(x, y);
      const background = (red === 255 && g === 255 && b === 255) || (red === GRID[0] && g === GRID[1] && b === GRID[2]);
      if (!background) n++;
    }
  }
  return n;
}
