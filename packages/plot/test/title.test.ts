import { describe, expect, it } from 'vitest';
import { barChart, Canvas, lineChart, scatterChart } from '../src/index.js';
import { metricsFor } from '../src/frame.js';
import { layoutTitle } from '../src/title.js';
import { decodePng, type DecodedPng, rgbAt } from './decode-png.js';

const AXIS = [80, 80, 80];
const TEXT = [34, 34, 34];
const same = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v === b[i]);

/** The row of the plot's top border: the first axis-coloured pixel down the middle column. */
function borderTop(png: DecodedPng): number {
  const x = Math.floor(png.width / 2);
  for (let y = 0; y < png.height; y++) if (same(rgbAt(png, x, y), AXIS)) return y;
  throw new Error('no border');
}

/** Pixels of rows 0 … rows - 1 where `png` and `canvas` differ. */
function differences(png: DecodedPng, canvas: Canvas, rows: number): number {
  let n = 0;
  for (let y = 0; y < rows; y++) for (let x = 0; x < png.width; x++) if (!same(rgbAt(png, x, y), canvas.getPixel(x, y))) n++;
  return n;
}

/** Rows above `bottom` that hold text pixels, grouped into bands of consecutive rows. */
function textBands(png: DecodedPng, bottom: number): [number, number][] {
  const rows: number[] = [];
  for (let y = 0; y < bottom; y++) {
    for (let x = 0; x < png.width; x++) {
      if (same(rgbAt(png, x, y), TEXT)) {
        rows.push(y);
        break;
      }
    }
  }
  const bands: [number, number][] = [];
  for (const y of rows) {
    const last = bands.at(-1);
    if (last && y - last[1] <= 2) last[1] = y;
    else bands.push([y, y]);
  }
  return bands;
}

// The title a user's trial cut to 'series_0: val forecasts (12-step blocks),..' at 800 pixels.
const LONG = 'series_0: val forecasts (12-step blocks), lr 3e-4, batch 64, seed 7';
const series = [{ name: 'val', y: Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10)) }];

describe('layoutTitle', () => {
  const m = metricsFor(800, 500); // font 2, title font 3
  const width = 800 - 2 * m.gap;

  it('keeps a title that fits at the title size, on one line', () => {
    expect(layoutTitle('loss', width, m)).toEqual({ lines: ['loss'], scale: 3, height: 24 });
    const edge = 'x'.repeat(Math.floor((width + 1) / 18)); // the most characters that fit at scale 3
    expect(Canvas.measureText(edge, 3).width).toBeLessThanOrEqual(width);
    expect(layoutTitle(edge, width, m).scale).toBe(3);
  });

  it('shrinks a longer title to the axis text size before wrapping it', () => {
    const title = 'series_0: val forecasts (12-step blocks), lr 3e-4';
    expect(Canvas.measureText(title, 3).width).toBeGreaterThan(width);
    expect(layoutTitle(title, width, m)).toEqual({ lines: [title], scale: 2, height: 16 });
  });

  it('wraps a title too long for one line onto two of about equal length, at a space', () => {
    const { lines, scale, height } = layoutTitle(LONG, width, m);
    expect(scale).toBe(2);
    expect(height).toBe(10 * 2 + 8 * 2);
    expect(lines).toEqual(['series_0: val forecasts (12-step', 'blocks), lr 3e-4, batch 64, seed 7']);
    expect(lines.join(' ')).toBe(LONG);
  });

  it('ellipsizes only the second line, and only when two lines cannot hold the title', () => {
    const title = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const { lines } = layoutTitle(title, width, m);
    expect(lines.length).toBe(2);
    expect(lines[0].endsWith('..')).toBe(false);
    expect(lines[1].endsWith('..')).toBe(true);
    for (const line of lines) expect(Canvas.measureText(line, 2).width).toBeLessThanOrEqual(width);
    // The first line is filled before the second takes the rest.
    expect(Canvas.measureText(lines[0], 2).width).toBeGreaterThan(width - 7 * 12);
  });

  it('cuts one long word where it stops fitting, rather than leaving a line nearly empty', () => {
    const title = 'a ' + 'x'.repeat(80);
    const { lines } = layoutTitle(title, width, m);
    expect(lines[0].length).toBeGreaterThan(40);
    expect(lines[0] + lines[1]).toBe('a ' + 'x'.repeat(80));
  });
});

describe('long chart titles (a trial found them cut at 800 pixels)', () => {
  it('a short title keeps its size and place: the title rows are those the title has always had', () => {
    const png = decodePng(lineChart({ title: 'loss', series }));
    // The old layout: scale 3 at 2 gaps (16 pixels) from the top, the plot 48 pixels down.
    expect(borderTop(png)).toBe(48 - 1);
    const expected = new Canvas(800, 48);
    expected.text('loss', 400, 16, { scale: 3, align: 'center', color: [34, 34, 34] });
    expect(differences(png, expected, 41)).toBe(0);
  });

  it('a long title takes two lines and moves the plot down; it is drawn whole', () => {
    const short = decodePng(lineChart({ title: 'loss', series }));
    const long = decodePng(lineChart({ title: LONG, series }));
    // Two lines at scale 2 (16 + 4 + 16 pixels) where one line at scale 3 was (24).
    expect(borderTop(long) - borderTop(short)).toBe(36 - 24);
    expect(textBands(long, borderTop(long) - 8).length).toBe(2);
    // Pixel for pixel the two whole lines, centred, 20 pixels apart, 16 pixels from the top.
    const expected = new Canvas(800, 60);
    expected.text('series_0: val forecasts (12-step', 400, 16, { scale: 2, align: 'center', color: [34, 34, 34] });
    expected.text('blocks), lr 3e-4, batch 64, seed 7', 400, 36, { scale: 2, align: 'center', color: [34, 34, 34] });
    expect(differences(long, expected, 52)).toBe(0);
  });

  it('a title a little too long shrinks to one line at the axis text size, giving the plot room', () => {
    const png = decodePng(lineChart({ title: 'series_0: val forecasts (12-step blocks), lr 3e-4', series }));
    expect(borderTop(png)).toBe(16 + 16 + 8 - 1);
    expect(textBands(png, borderTop(png) - 8).length).toBe(1);
  });

  it('the bar and scatter charts, which share the frame, wrap the same way', () => {
    const bar = decodePng(barChart({ title: LONG, labels: ['a', 'b'], values: [1, 2] }));
    const scatter = decodePng(scatterChart({ title: LONG, x: [0, 1], y: [0, 1] }));
    for (const png of [bar, scatter]) {
      expect(borderTop(png)).toBe(16 + 36 + 8 - 1);
      expect(textBands(png, borderTop(png) - 8).length).toBe(2);
    }
  });

  it('small charts shrink titles to font scale 1 and wrap there', () => {
    const png = decodePng(lineChart({ title: LONG, series, width: 320, height: 240 }));
    // 320 pixels hold 52 characters at scale 1 (and 26 at scale 2): two lines of about 34.
    expect(borderTop(png)).toBe(8 + 18 + 4 - 1);
    expect(textBands(png, borderTop(png) - 4).length).toBe(2);
  });
});
