import { Canvas } from './canvas.js';
import { AXIS, colormap, type ColormapName, contrastText, isColormap, TEXT } from './color.js';
import { fit, metricsFor } from './frame.js';
import { formatNumber, formatTick, niceTicks } from './ticks.js';
import { extent } from './extent.js';
import { PlotError } from './errors.js';
import { checkKeys } from './options.js';
import { isTensorLike, rowsOfTensor, type TensorLike } from './raster.js';

export interface HeatmapOptions {
  title?: string;
  /** One label per row, written left of the grid (a confusion matrix's true classes). */
  rowLabels?: string[];
  /** One label per column, written under the grid (a confusion matrix's predicted classes). */
  colLabels?: string[];
  xLabel?: string;
  yLabel?: string;
  /** Write each value in its cell, in black or white for contrast; on when the numbers fit. */
  annotate?: boolean;
  /** Decimals of the numbers in the cells (seaborn's fmt='.3f' is 3); default: enough to tell the values apart. */
  decimals?: number;
  colormap?: ColormapName;
  /** Ends of the colour scale; default the matrix's finite min and max. */
  min?: number;
  max?: number;
  /** Side of a cell in pixels; by default the grid is about 560 pixels across. */
  cellSize?: number;
  fontScale?: number;
}

const OPTIONS = ['title', 'rowLabels', 'colLabels', 'xLabel', 'yLabel', 'annotate', 'decimals', 'colormap', 'min', 'max', 'cellSize', 'fontScale'];

/**
 * A matrix as coloured cells with a colour bar, e.g. a confusion matrix. The canvas is sized
 * to the grid and its labels. NaN cells are grey and annotated 'NaN'.
 */
export function heatmap(values: ArrayLike<number>[] | TensorLike, options: HeatmapOptions = {}): Buffer {
  checkKeys(options, OPTIONS, 'heatmap', { renamed: { cmap: 'colormap', annot: 'annotate', fmt: 'decimals', vmin: 'min', vmax: 'max', xticklabels: 'colLabels', yticklabels: 'rowLabels' } });
  const given = options.decimals;
  if (given !== undefined && !(Number.isInteger(given) && given >= 0 && given <= 10)) throw new PlotError(`heatmap: decimals expected an integer in [0, 10], got ${String(given)}`);
  const matrix = isTensorLike(values) ? rowsOfTensor(values, 'heatmap') : values;
  const rows = checkMatrix(matrix);
  const cols = matrix[0].length;
  const { title, xLabel, yLabel, colormap: cmap = 'viridis' } = options;
  if (!isColormap(cmap)) throw new PlotError(`heatmap: colormap must be 'viridis', 'blues' or 'gray', got ${JSON.stringify(cmap)}`);
  const rowLabels = labelsOf(options.rowLabels, rows, 'rowLabels');
  const colLabels = labelsOf(options.colLabels, cols, 'colLabels');
  const cell = options.cellSize ?? Math.max(4, Math.min(72, Math.floor(560 / Math.max(rows, cols))));
  if (!Number.isInteger(cell) || cell < 1) throw new PlotError(`heatmap: cellSize must be a positive integer, got ${cell}`);
  const m = metricsFor(800, 500, options.fontScale);
  const f = m.font;

  const finite = matrix.flatMap((r) => Array.from(r).filter(Number.isFinite));
  const range = extent(finite) ?? [0, 1];
  const lo = options.min ?? range[0];
  const hi = options.max ?? range[1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new PlotError(`heatmap: min and max must be finite with min <= max, got ${lo}, ${hi}`);
  const norm = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);

  // Sizes of everything around the grid, then the canvas that holds it.
  const gridW = cols * cell;
  const gridH = rows * cell;
  const rowLabelW = Math.max(0, ...rowLabels.map((l) => Canvas.measureText(l, f).width));
  const colLabelW = Math.max(0, ...colLabels.map((l) => Canvas.measureText(l, f).width));
  const verticalCols = colLabelW > cell - m.gap;
  const colLabelSpace = colLabels.length === 0 ? 0 : verticalCols ? Math.min(colLabelW, 30 * f * 6) : m.line;
  const barTicks = niceTicks(lo, hi === lo ? lo + 1 : hi, 6).filter((t) => t >= lo - 1e-9 * Math.abs(hi - lo) && t <= hi + 1e-9 * Math.abs(hi - lo));
  const barStep = barTicks.length > 1 ? barTicks[1] - barTicks[0] : 1;
  const barLabels = barTicks.map((t) => formatTick(t, barStep));
  const barLabelW = Math.max(0, ...barLabels.map((l) => Canvas.measureText(l, f).width));

  const left0 = 2 * m.gap + (yLabel ? m.line + 2 * m.gap : 0) + (rowLabelW > 0 ? rowLabelW + 2 * m.gap : 0);
  const barGap = 4 * m.gap;
  const barW = 4 * m.gap;
  const contentW = left0 + gridW + barGap + barW + m.tick + m.gap + barLabelW + 3 * m.gap;
  const titleW = title ? Canvas.measureText(title, m.titleFont).width + 4 * m.gap : 0;
  const width = Math.max(contentW, titleW);
  const left = left0 + Math.floor((width - contentW) / 2);
  const top = title ? 3 * m.gap + 8 * m.titleFont : 3 * m.gap;
  const height = top + gridH + (colLabelSpace > 0 ? 2 * m.gap + colLabelSpace : 0) + (xLabel ? 2 * m.gap + m.line : 0) + 3 * m.gap;
  const canvas = new Canvas(width, height);

  // Cells, and the numbers in them in the largest font that fits every cell.
  const decimals = given ?? cellDecimals(finite);
  const annotations = matrix.map((r) => Array.from(r, (v) => (Number.isFinite(v) ? v.toFixed(decimals) : formatNumber(v))));
  const widest = annotations.flat().reduce((w, a) => (Canvas.measureText(a, 1).width > Canvas.measureText(w, 1).width ? a : w), '');
  const widestNote = Canvas.measureText(widest, 1).width;
  let noteScale = 0;
  for (let s = f; s >= 1 && noteScale === 0; s--) if (widestNote * s <= cell * 0.85 - 2 && 8 * s <= cell * 0.6) noteScale = s;
  const annotate = (options.annotate ?? true) && noteScale > 0;
  if (options.annotate === true && noteScale === 0 && widest !== '') {
    // Asked for numbers that cannot be read at this size: say so rather than draw none silently.
    const needed = Math.ceil(Math.max((widestNote + 2) / 0.85, 8 / 0.6));
    process.emitWarning(`heatmap: the cell numbers (widest '${widest}') need cells of at least ${needed} px; cells are ${cell} px, so none are drawn — pass { cellSize: ${needed} } or annotate: false`);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = matrix[r][c];
      const color = colormap(cmap, Number.isFinite(v) ? norm(v) : NaN);
      canvas.fillRect(left + c * cell, top + r * cell, cell, cell, color);
      if (annotate) {
        canvas.text(annotations[r][c], left + c * cell + cell / 2, top + r * cell + cell / 2, {
          scale: noteScale, align: 'center', baseline: 'middle', color: contrastText(color),
        });
      }
    }
  }
  canvas.strokeRect(left - 1, top - 1, gridW + 2, gridH + 2, AXIS);

  rowLabels.forEach((l, r) => {
    canvas.text(l, left - 2 * m.gap, top + r * cell + cell / 2, { scale: f, align: 'right', baseline: 'middle', color: TEXT });
  });
  const labelTop = top + gridH + 2 * m.gap;
  colLabels.forEach((l, c) => {
    const cx = left + c * cell + cell / 2;
    if (verticalCols) {
      canvas.text(fit(l, colLabelSpace, f), cx - Math.round((7 * f) / 2), labelTop, { scale: f, align: 'right', rotate: true, color: TEXT });
    } else {
      canvas.text(l, cx, labelTop, { scale: f, align: 'center', color: TEXT });
    }
  });
  if (title) canvas.text(title, width / 2, 2 * m.gap, { scale: m.titleFont, align: 'center', color: TEXT });
  if (xLabel) canvas.text(fit(xLabel, width, f), left + gridW / 2, height - 2 * m.gap, { scale: f, align: 'center', baseline: 'bottom', color: TEXT });
  if (yLabel) canvas.text(fit(yLabel, gridH + top, f), 2 * m.gap, top + gridH / 2, { scale: f, align: 'center', rotate: true, color: TEXT });

  // The colour bar: a vertical gradient from max (top) to min (bottom) with ticks.
  const barX = left + gridW + barGap;
  for (let y = 0; y < gridH; y++) {
    canvas.fillRect(barX, top + y, barW, 1, colormap(cmap, 1 - (y + 0.5) / gridH));
  }
  canvas.strokeRect(barX - 1, top - 1, barW + 2, gridH + 2, AXIS);
  barTicks.forEach((t, i) => {
    const y = Math.round(top + gridH - 1 - (hi > lo ? (t - lo) / (hi - lo) : 0.5) * (gridH - 1));
    canvas.fillRect(barX + barW, y, m.tick, 1, AXIS);
    canvas.text(barLabels[i], barX + barW + m.tick + m.gap, y, { scale: f, baseline: 'middle', color: TEXT });
  });
  return canvas.toPng();
}

function checkMatrix(matrix: ArrayLike<number>[]): number {
  if (!Array.isArray(matrix) || matrix.length === 0) throw new PlotError('heatmap: matrix must be a non-empty array of rows');
  const cols = matrix[0]?.length;
  if (!cols) throw new PlotError('heatmap: matrix rows must be non-empty arrays of numbers');
  matrix.forEach((r, i) => {
    if (!r || r.length !== cols) throw new PlotError(`heatmap: row ${i} has ${r?.length} values but row 0 has ${cols}`);
    for (let c = 0; c < cols; c++) {
      if (typeof r[c] !== 'number') throw new PlotError(`heatmap: matrix[${i}][${c}] is ${typeof r[c]}, expected a number`);
    }
  });
  return matrix.length;
}

function labelsOf(labels: string[] | undefined, n: number, name: string): string[] {
  if (labels === undefined) return [];
  if (!Array.isArray(labels) || labels.length !== n) throw new PlotError(`heatmap: ${name} must have ${n} entries, got ${labels?.length}`);
  return labels.map(String);
}

/**
 * One number of decimals for every cell, so that columns of numbers line up: none for counts,
 * otherwise two significant digits of the largest magnitude (0.97 / 0.02 for a normalised
 * confusion matrix, 15 / 3 for values up to tens) — and more where the values are close together,
 * two significant digits of their spread (a grid of scores from 0.2075 to 0.2327 showed only
 * 0.21 … 0.23 in a user trial, and the best cell could not be read).
 */
function cellDecimals(finite: number[]): number {
  if (finite.every(Number.isInteger)) return 0;
  const largest = finite.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const bySize = largest > 0 ? 1 - Math.floor(Math.log10(largest)) : 2;
  const spread = finite.reduce((a, v) => Math.max(a, v), -Infinity) - finite.reduce((a, v) => Math.min(a, v), Infinity);
  const bySpread = spread > 0 ? 1 - Math.floor(Math.log10(spread)) : bySize;
  return Math.max(0, Math.min(6, Math.max(bySize, bySpread)));
}
