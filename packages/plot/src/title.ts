// A chart's title set to fit its width. Long titles (a run's name, its settings) used to be cut
// with '..' at the title size, losing the part that told runs apart. Now they shrink first, to
// the size of the axis text and no smaller; then they take a second line; only a title too long
// for two lines loses its end. A title that fits keeps the size and place it always had.

import { Canvas } from './canvas.js';
import { TEXT } from './color.js';
import { fit } from './fit-text.js';
import type { Metrics } from './frame.js';

/** A title's lines, their font scale, and the height they take from the top of the first. */
export interface TitleLayout {
  lines: string[];
  scale: number;
  height: number;
}

/** Pixels from the top of one title line to the top of the next, at font `scale`. */
const pitch = (scale: number) => 10 * scale;

/** How `title` is set in `width` pixels: one line at the title size, or smaller, or two lines. */
export function layoutTitle(title: string, width: number, m: Metrics): TitleLayout {
  const smallest = Math.min(m.font, m.titleFont);
  for (let scale = m.titleFont; scale >= smallest; scale--) {
    if (Canvas.measureText(title, scale).width <= width) return { lines: [title], scale, height: 8 * scale };
  }
  const [first, rest] = breakLine(title, width, smallest);
  const lines = rest ? [first, fit(rest, width, smallest)] : [first];
  return { lines, scale: smallest, height: (lines.length - 1) * pitch(smallest) + 8 * smallest };
}

/** Draws the lines centred on the canvas, the first `top` pixels from its top. */
export function drawTitle(canvas: Canvas, layout: TitleLayout, top: number): void {
  layout.lines.forEach((line, i) => {
    canvas.text(line, canvas.width / 2, top + i * pitch(layout.scale), { scale: layout.scale, align: 'center', color: TEXT });
  });
}

/**
 * Two lines of `text`: split after a space (which is dropped) or after ',', ';', '/' or '-', at
 * the break that makes the two lines most even (a greedy fill leaves one word alone on the
 * second line). When no break lets both lines fit, the first line is filled and the second,
 * ellipsized by the caller, takes the rest; a break that would leave the first line under half
 * full (one long word, a path) gives way to cutting at the last character that fits.
 */
function breakLine(text: string, width: number, scale: number): [string, string] {
  const chars = [...text];
  const widthOf = (from: number, to: number) => Canvas.measureText(chars.slice(from, to).join('').trim(), scale).width;
  // Breaks as [end of the first line, start of the second].
  const breaks: [number, number][] = [];
  chars.forEach((c, i) => {
    if (c === ' ' && i > 0) breaks.push([i, i + 1]);
    else if (',;/-'.includes(c) && i + 1 < chars.length) breaks.push([i + 1, i + 1]);
  });
  let best: [number, number] | null = null;
  let widest = Infinity;
  for (const [end, start] of breaks) {
    const w = Math.max(widthOf(0, end), widthOf(start, chars.length));
    if (w <= width && w < widest) [best, widest] = [[end, start], w];
  }
  if (!best) {
    let fits = 0;
    while (fits < chars.length && widthOf(0, fits + 1) <= width) fits++;
    const last = breaks.filter(([end]) => end <= fits).at(-1);
    best = last && widthOf(0, last[0]) >= width / 2 ? last : [fits, fits];
  }
  return [chars.slice(0, best[0]).join('').trim(), chars.slice(best[1]).join('').trim()];
}
