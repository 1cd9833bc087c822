import { Canvas, type Rect } from './canvas.js';
import { AXIS, GRID, type Rgb, TEXT, WHITE } from './color.js';
import { fit, type Metrics } from './frame.js';
import { describeValue } from './options.js';
import { PlotError } from './errors.js';

export interface LegendEntry {
  name: string;
  color: Rgb;
  /** A dot for the swatch instead of a line (scatter points, a line chart's markers-only series). */
  marker?: boolean;
  /** A filled box at this opacity for the swatch instead of a line (a line chart's band). */
  band?: number;
}

/**
 * Where the legend goes: 'auto' the corner of the plot that hides the least data, a named corner
 * inside the plot, 'outside' to the right of the plot (which is narrowed to make room), 'none'
 * no legend.
 */
export type LegendPlacement = 'auto' | 'none' | 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'outside';

export const LEGEND_PLACEMENTS: readonly LegendPlacement[] = ['auto', 'none', 'top-left', 'top-right', 'bottom-left', 'bottom-right', 'outside'];

/** matplotlib's loc strings (and a boolean), for the hint in the refusal. */
const PLACEMENTS_RENAMED: Readonly<Record<string, string>> = {
  best: 'auto', 'upper right': 'top-right', 'upper left': 'top-left', 'lower left': 'bottom-left', 'lower right': 'bottom-right',
  'center right': 'outside', right: 'outside', false: 'none', true: 'auto',
};

/** Checks a chart's `legend` option; undefined is 'auto'. */
export function legendPlacement(fn: string, value: unknown): LegendPlacement {
  if (value === undefined) return 'auto';
  if (typeof value === 'string' && (LEGEND_PLACEMENTS as readonly string[]).includes(value)) return value as LegendPlacement;
  const allowed = LEGEND_PLACEMENTS.map((p) => `'${p}'`);
  const key = String(value);
  const hint = (typeof value === 'string' || typeof value === 'boolean') && Object.hasOwn(PLACEMENTS_RENAMED, key) ? `; did you mean '${PLACEMENTS_RENAMED[key]}'?` : '';
  throw new PlotError(`${fn}: legend must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, got ${describeValue(value)}${hint}`);
}

/** The legend's rows, as laid out for `entries` with names cut to `maxText` pixels. */
interface LegendLayout {
  names: string[];
  width: number;
  height: number;
}

function layoutLegend(entries: LegendEntry[], m: Metrics, maxText: number, maxWidth: number, maxHeight: number): LegendLayout {
  const swatch = 6 * m.gap;
  const names = entries.map((e) => fit(e.name, Math.max(0, maxText), m.font));
  const textWidth = Math.max(...names.map((n) => Canvas.measureText(n, m.font).width));
  const width = Math.min(maxWidth, 3 * m.gap + swatch + textWidth);
  const height = Math.min(maxHeight, entries.length * (m.line + m.gap) + m.gap);
  return { names, width, height };
}

/**
 * The width a legend placed 'outside' takes to the right of the plot, gaps included, for a
 * canvas `canvasWidth` wide: at most about a third of it, the names shortened to fit. 0 without
 * entries.
 */
export function outsideLegendWidth(entries: LegendEntry[], m: Metrics, canvasWidth: number): number {
  if (entries.length === 0) return 0;
  return 2 * m.gap + layoutLegend(entries, m, outsideMaxText(m, canvasWidth), Infinity, Infinity).width + 2 * m.gap;
}

const outsideMaxText = (m: Metrics, canvasWidth: number) => Math.floor(canvasWidth / 3) - 9 * m.gap;

/**
 * Draws the legend. 'auto' puts it in the corner of the plot that hides the least data, like
 * matplotlib's loc='best': it runs after the series are drawn and counts, per corner, the pixels
 * that are neither background nor grid, so a loss curve falling to the lower right gets its
 * legend at the upper right, an accuracy curve rising there gets it at the lower right. A named
 * corner puts it there whatever it covers; 'outside' puts it right of the plot, top-aligned with
 * it, in the room `startXYChart` left (outsideLegendWidth); 'none' draws nothing.
 */
export function drawLegend(canvas: Canvas, plot: Rect, entries: LegendEntry[], m: Metrics, placement: LegendPlacement = 'auto'): void {
  if (entries.length === 0 || placement === 'none') return;
  const swatch = 6 * m.gap;
  const rowHeight = m.line + m.gap;
  let box: Rect;
  let names: string[];
  if (placement === 'outside') {
    const layout = layoutLegend(entries, m, outsideMaxText(m, canvas.width), canvas.width - plot.x - plot.width - 3 * m.gap, plot.height);
    names = layout.names;
    box = { x: plot.x + plot.width + 2 * m.gap, y: plot.y, width: layout.width, height: layout.height };
  } else {
    const layout = layoutLegend(entries, m, plot.width - swatch - 5 * m.gap, plot.width - 2 * m.gap, plot.height - 2 * m.gap);
    names = layout.names;
    const { width, height } = layout;
    const inset = 2 * m.gap;
    const right = plot.x + plot.width - inset - width;
    const bottom = plot.y + plot.height - inset - height;
    const corners: Record<'top-right' | 'top-left' | 'bottom-right' | 'bottom-left', Rect> = {
      'top-right': { x: right, y: plot.y + inset, width, height },
      'top-left': { x: plot.x + inset, y: plot.y + inset, width, height },
      'bottom-right': { x: right, y: bottom, width, height },
      'bottom-left': { x: plot.x + inset, y: bottom, width, height },
    };
    box = placement === 'auto' ? emptiest(canvas, Object.values(corners)) : corners[placement];
  }
  canvas.fillRect(box.x, box.y, box.width, box.height, WHITE, 0.9);
  canvas.strokeRect(box.x, box.y, box.width, box.height, AXIS);
  entries.forEach((e, i) => {
    const cy = box.y + m.gap + i * rowHeight + Math.round((7 * m.font) / 2);
    if (cy > box.y + box.height - m.gap) return;
    if (e.band !== undefined) {
      const h = 7 * m.font;
      canvas.fillRect(box.x + m.gap, cy - Math.round(h / 2), swatch, h, e.color, e.band);
    } else if (e.marker) canvas.fillCircle(box.x + m.gap + swatch / 2, cy, Math.max(2.5, m.font * 2), e.color);
    else canvas.line(box.x + m.gap, cy, box.x + m.gap + swatch, cy, e.color, Math.max(2, m.font + 1));
    canvas.text(names[i], box.x + 2 * m.gap + swatch, cy, { scale: m.font, baseline: 'middle', color: TEXT });
  });
}

/** The first of `boxes` with the fewest pixels of ink (neither background nor grid) inside. */
function emptiest(canvas: Canvas, boxes: Rect[]): Rect {
  let box = boxes[0];
  let least = Infinity;
  for (const c of boxes) {
    const ink = inkInside(canvas, c);
    if (ink < least) {
      least = ink;
      box = c;
    }
  }
  return box;
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
