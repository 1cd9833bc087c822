// Bands under the lines (fill_between), where the legend goes, room for markers at the data's
// extremes, and the 1-based default x on a log x axis (user trials: a GP posterior ± 2σ, a dense
// 10-class scatter whose legend covered data, markers cut in half by the frame, explained
// variance against component numbers on a log axis).
import { describe, expect, it } from 'vitest';
import { Canvas, lineChart, PALETTE, PlotError, scatterChart } from '../src/index.js';
import { AXIS_GREY as AXIS, decodePng, type DecodedPng, near, plotRect as plotRectAt, rgbAt } from './decode-png.js';

const RED = [255, 0, 0];

interface Box { x0: number; y0: number; x1: number; y1: number }

const plotRect = (png: DecodedPng): Box => plotRectAt(png, Math.floor(png.width / 3));

/** Pixels for which `test` holds, as [x, y], optionally only inside a box. */
function pixelsWhere(png: DecodedPng, test: (rgb: readonly number[]) => boolean, box?: Box): [number, number][] {
  const found: [number, number][] = [];
  const { x0 = 0, y0 = 0, x1 = png.width, y1 = png.height } = box ?? {};
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(rgbAt(png, x, y))) found.push([x, y]);
  return found;
}

/** A red tint: red well above green and blue (the band over white or grid, or a red line). */
const reddish = ([r, g, b]: readonly number[]) => r - g > 20 && Math.abs(g - b) < 8;

/** The bounding box of pixels (a loop: spreading many into Math.min overflows the stack). */
function bounds(px: [number, number][]): Box {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const [x, y] of px) {
    box.x0 = Math.min(box.x0, x);
    box.y0 = Math.min(box.y0, y);
    box.x1 = Math.max(box.x1, x + 1);
    box.y1 = Math.max(box.y1, y + 1);
  }
  return box;
}

/** The legend box: the frame drawn in the axis colour inside the plot (nothing else there is). */
function legendInside(png: DecodedPng, plot: Box): Box | null {
  const px = pixelsWhere(png, (c) => near(c, AXIS, 0), plot);
  return px.length > 0 ? bounds(px) : null;
}

describe('lineChart bands (fill_between)', () => {
  // Fixed axes 0..10 both ways, so value v is at a known fraction of the plot.
  const fixed = { xMin: 0, xMax: 10, yMin: 0, yMax: 10, width: 640, height: 480 } as const;
  const xAt = (p: Box, v: number) => p.x0 + ((p.x1 - p.x0) * v) / 10;
  const yAt = (p: Box, v: number) => p.y1 - ((p.y1 - p.y0) * v) / 10;

  it('shades between lower and upper, in the series colour at the opacity asked, and nowhere else', () => {
    const png = decodePng(lineChart({ ...fixed, series: [{ x: [2, 5, 8], lower: [3, 3, 3], upper: [6, 6, 6], color: '#ff0000', opacity: 0.5 }] }));
    const plot = plotRect(png);
    const tinted = pixelsWhere(png, reddish);
    expect(tinted.length).toBeGreaterThan(1000);
    // Inside the band (a pixel clear of its edges): red at half opacity over white or the grid.
    for (const [x, y] of tinted) {
      expect(x >= xAt(plot, 2) - 1 && x < xAt(plot, 8) + 1 && y >= yAt(plot, 6) - 1 && y < yAt(plot, 3) + 1, `tinted pixel (${x}, ${y})`).toBe(true);
    }
    const inner = { x0: Math.ceil(xAt(plot, 2)) + 1, x1: Math.floor(xAt(plot, 8)) - 1, y0: Math.ceil(yAt(plot, 6)) + 1, y1: Math.floor(yAt(plot, 3)) - 1 };
    const area = (inner.x1 - inner.x0) * (inner.y1 - inner.y0);
    const half = pixelsWhere(png, (c) => near(c, [255, 128, 128], 2) || near(c, [242, 114, 114], 2), inner);
    expect(half.length).toBe(area);
  });

  it('follows sloping bounds, and fills both sides where they cross', () => {
    // lower 0 → 8 and upper 8 → 0 cross at x = 5: two triangles meeting there.
    const png = decodePng(lineChart({ ...fixed, series: [{ x: [0, 10], lower: [0, 8], upper: [8, 0], color: '#ff0000', opacity: 0.5 }] }));
    const plot = plotRect(png);
    const tint = (x: number, y: number) => reddish(rgbAt(png, Math.round(x), Math.round(y)));
    // At x = 2.5 the band runs from 2 to 6; at x = 7.5 from 2 to 6 again (crossed).
    for (const x of [2.5, 7.5]) {
      expect(tint(xAt(plot, x), yAt(plot, 4)), `middle at x ${x}`).toBe(true);
      expect(tint(xAt(plot, x), yAt(plot, 6.5)), `above at x ${x}`).toBe(false);
      expect(tint(xAt(plot, x), yAt(plot, 1.5)), `below at x ${x}`).toBe(false);
    }
  });

  it('breaks at NaN like a line, is drawn under the lines, and takes colours in its own turn (as fill_between does)', () => {
    const x = Array.from({ length: 11 }, (_, i) => i);
    const lower = x.map((v) => (v === 5 ? NaN : 2));
    const png = decodePng(lineChart({ ...fixed, series: [
      { name: 'mean', x, y: x.map(() => 4), thickness: 4, markers: false },
      { name: 'band', x, lower, upper: x.map(() => 6) },
    ] }));
    const plot = plotRect(png);
    // The band is the first band: the first series colour, like the first line.
    const [r, g, b] = PALETTE[0];
    const bandColour = [255 - (255 - r) * 0.25, 255 - (255 - g) * 0.25, 255 - (255 - b) * 0.25].map(Math.round);
    const at = (v: number, y: number) => rgbAt(png, Math.round(xAt(plot, v)), Math.round(yAt(plot, y)));
    expect(near(at(2.5, 5), bandColour, 2)).toBe(true);
    expect(near(at(7.5, 3), bandColour, 2)).toBe(true);
    // Nothing of the band at x = 4.6 .. 5.4, where the NaN breaks it.
    for (const v of [4.6, 5, 5.4]) expect(near(at(v, 5), [255, 255, 255], 0) || near(at(v, 5), [228, 228, 228], 0), `x ${v}`).toBe(true);
    // The line is drawn over the band, unblended.
    expect(near(at(2.5, 4), PALETTE[0], 0)).toBe(true);
  });

  it('is part of the automatic axis range', () => {
    const x = Array.from({ length: 21 }, (_, i) => i / 2);
    const png = decodePng(lineChart({ width: 640, height: 480, series: [
      { x, y: x.map(() => 0.5), color: '#0000ff', markers: false },
      { x, lower: x.map(() => -5), upper: x.map(() => 5), color: '#ff0000', opacity: 0.5 },
    ] }));
    const plot = plotRect(png);
    const tinted = bounds(pixelsWhere(png, reddish, plot));
    // The band fills the plot's height, give or take the snug ends' rounding.
    expect(tinted.y0 - plot.y0).toBeLessThan(0.05 * (plot.y1 - plot.y0));
    expect(plot.y1 - tinted.y1).toBeLessThan(0.05 * (plot.y1 - plot.y0));
  });

  it('on a log y axis a bound <= 0 runs the band to the bottom; both <= 0 is a gap; logX leaves x <= 0 out', () => {
    const png = decodePng(lineChart({ logY: true, yMin: 0.1, yMax: 100, xMin: 0, xMax: 10, width: 640, height: 480, series: [
      { x: [1, 2, 3, 4, 5, 6, 7, 8, 9], lower: [-1, -1, -1, 2, 2, 2, -5, -5, -5], upper: [10, 10, 10, 10, 10, 10, -1, -1, -1], color: '#ff0000', opacity: 0.5 },
    ] }));
    const plot = plotRect(png);
    const tintedRows = (v: number) => pixelsWhere(png, reddish, { x0: Math.round(xAt(plot, v)), x1: Math.round(xAt(plot, v)) + 1, y0: plot.y0, y1: plot.y1 }).map(([, y]) => y);
    // x = 2: from 10 down to the bottom of the plot.
    const left = tintedRows(2);
    expect(Math.max(...left)).toBe(plot.y1 - 1);
    // x = 5: from 10 down to 2 only.
    expect(Math.max(...tintedRows(5))).toBeLessThan(plot.y1 - 50);
    // x = 8: nothing (both bounds <= 0).
    expect(tintedRows(8).length).toBe(0);
    // logX: a band at x = 0 .. 2 starts at x = 1.
    const logX = decodePng(lineChart({ logX: true, width: 640, height: 480, series: [{ y: [1, 1, 1] }, { x: [0, 1, 2], lower: [1, 1, 1], upper: [2, 2, 2], color: '#ff0000' }] }));
    expect(pixelsWhere(logX, reddish).length).toBeGreaterThan(100);
  });

  it('shows in the legend as a filled swatch', () => {
    const x = [0, 10];
    const png = decodePng(lineChart({ ...fixed, legend: 'top-left', series: [{ name: 'a band', x, lower: [0, 0], upper: [1, 1], color: '#ff0000', opacity: 0.5 }] }));
    const plot = plotRect(png);
    const box = legendInside(png, plot)!;
    expect(box.x0 - plot.x0).toBeLessThan(20);
    // A solid box of band colour: at least a 20 × 10 block of it inside the legend.
    const swatch = pixelsWhere(png, (c) => near(c, [255, 128, 128], 3), box);
    expect(swatch.length).toBeGreaterThan(200);
    const b = bounds(swatch);
    expect(swatch.length).toBe((b.x1 - b.x0) * (b.y1 - b.y0));
  });

  it('draws a million points about as fast as a line does', () => {
    const n = 1_000_000;
    const mean = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1e5) + 0.3 * Math.sin(i * 1.3));
    const start = performance.now();
    const png = decodePng(lineChart({ width: 300, height: 200, series: [{ lower: mean.map((v) => v - 0.5), upper: mean.map((v) => v + 0.5) }] }));
    expect(png.width).toBe(300);
    expect(performance.now() - start).toBeLessThan(8000);
  });

  it('refuses bands of unequal lengths, half a band, a band with y, and bad opacity, with matplotlib hints', () => {
    const band = { lower: [1, 2], upper: [3, 4] };
    expect(() => lineChart({ series: [{ lower: [1, 2], upper: [3] }] })).toThrow(/^lineChart: series\[0\]: lower has 2 values but upper has 1$/);
    expect(() => lineChart({ series: [{ ...band, x: [1, 2, 3], name: 'ci' }] })).toThrow(/^lineChart: series\[0\] \('ci'\): x has 3 values but lower and upper have 2$/);
    expect(() => lineChart({ series: [{ lower: [1, 2] } as never] })).toThrow(/^lineChart: series\[0\]: a band needs both lower and upper, got lower only$/);
    expect(() => lineChart({ series: [{ ...band, y: [2, 3] } as never] })).toThrow(/^lineChart: series\[0\]: give y \(a line\) or lower and upper \(a band\), not both/);
    expect(() => lineChart({ series: [{ lower: ['a'], upper: [1] } as never] })).toThrow(/^lineChart: series\[0\]\.lower must be an array of numbers/);
    expect(() => lineChart({ series: [{ ...band, opacity: 0 }] })).toThrow(/^lineChart: series\[0\]\.opacity must be a number in \(0, 1\], got 0$/);
    expect(() => lineChart({ series: [{ ...band, alpha: 0.2 } as never] })).toThrow(
      /^lineChart: unknown key 'alpha' in series\[0\] \(it takes 'name', 'x', 'lower', 'upper', 'color', 'opacity'\); did you mean opacity\?$/,
    );
    expect(() => lineChart({ series: [{ ...band, thickness: 2 } as never] })).toThrow(/^lineChart: unknown key 'thickness' in series\[0\]/);
    expect(() => lineChart({ series: [{ x: [1, 2], y1: [1, 2], y2: [3, 4] } as never] })).toThrow(/unknown key 'y1' in series\[0\] .*; did you mean lower \(a band: \{ lower, upper \}\)\?$/);
    expect(() => lineChart({ series: [{ ...band, color: 'red' }] })).toThrow(/^lineChart: series\[0\]\.color: expected/);
  });
});

describe('legend placement', () => {
  const x = Array.from({ length: 50 }, (_, i) => i);
  // A curve through the middle of the plot, away from every corner.
  const series = [{ name: 'loss', x, y: x.map((v) => Math.sin(v / 8)), markers: false }, { name: 'accuracy', x, y: x.map((v) => Math.cos(v / 8)), markers: false }];
  const chart = (legend?: string, s: typeof series = series) => lineChart({ series: s, legend: legend as never, width: 640, height: 480 });

  it('puts the legend box in the corner asked for', () => {
    for (const corner of ['top-left', 'top-right', 'bottom-left', 'bottom-right']) {
      const png = decodePng(chart(corner));
      const plot = plotRect(png);
      const box = legendInside(png, plot);
      expect(box, corner).not.toBeNull();
      const [vertical, horizontal] = corner.split('-');
      const gaps = { left: box!.x0 - plot.x0, right: plot.x1 - box!.x1, top: box!.y0 - plot.y0, bottom: plot.y1 - box!.y1 };
      // Two gaps (of 8 pixels at this size) from the two sides of its corner, far from the others.
      expect(gaps[horizontal as 'left' | 'right'], corner).toBeLessThanOrEqual(17);
      expect(gaps[vertical as 'top' | 'bottom'], corner).toBeLessThanOrEqual(17);
      expect(gaps[horizontal === 'left' ? 'right' : 'left'], corner).toBeGreaterThan(200);
      expect(gaps[vertical === 'top' ? 'bottom' : 'top'], corner).toBeGreaterThan(200);
    }
  });

  it("'auto' is the default, and 'none' draws no legend", () => {
    expect(chart('auto').equals(chart())).toBe(true);
    const unnamed = series.map(({ name: _, ...s }) => s);
    expect(chart('none').equals(chart(undefined, unnamed as typeof series))).toBe(true);
    expect(chart().equals(chart(undefined, unnamed as typeof series))).toBe(false);
    expect(legendInside(decodePng(chart('none')), plotRect(decodePng(chart('none'))))).toBeNull();
  });

  it("'outside' puts it right of a narrower plot, top-aligned, the image keeping its size", () => {
    const inside = decodePng(chart('top-right'));
    const png = decodePng(chart('outside'));
    expect([png.width, png.height]).toEqual([640, 480]);
    const plot = plotRect(png);
    expect(plot.x1 - plot.x0).toBeLessThan(plotRect(inside).x1 - plotRect(inside).x0 - 50);
    expect(legendInside(png, plot)).toBeNull();
    const right = pixelsWhere(png, (c) => near(c, AXIS, 0), { x0: plot.x1 + 2, y0: 0, x1: png.width, y1: png.height });
    const box = bounds(right);
    expect(box.x0 - plot.x1).toBeGreaterThan(2);
    expect(box.x1).toBeLessThanOrEqual(png.width);
    expect(Math.abs(box.y0 - (plot.y0 - 1))).toBeLessThanOrEqual(1);
    // Both names' swatches, in the series colours.
    for (const c of [PALETTE[0], PALETTE[1]]) expect(pixelsWhere(png, (p) => near(p, c, 0), box).length).toBeGreaterThan(20);
    // Unnamed series have no legend: the plot keeps its width.
    const unnamed = series.map(({ name: _, ...s }) => s);
    expect(plotRect(decodePng(chart('outside', unnamed as typeof series)))).toEqual(plotRect(decodePng(chart('none'))));
  });

  it('works on scatterChart: a dense 10-class scatter with its legend outside or in a corner', () => {
    let seed = 5;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const labels = Array.from({ length: 10000 }, (_, i) => i % 10);
    const pts = { x: labels.map(() => rand()), y: labels.map(() => rand()), labels, classNames: labels.slice(0, 10).map((k) => `class ${k}`), width: 640, height: 480 };
    const outside = decodePng(scatterChart({ ...pts, legend: 'outside' }));
    const plot = plotRect(outside);
    const box = bounds(pixelsWhere(outside, (c) => near(c, AXIS, 0), { x0: plot.x1 + 2, y0: 0, x1: outside.width, y1: outside.height }));
    // Ten rows of 24 pixels and a margin.
    expect(Math.abs(box.y1 - box.y0 - (10 * 24 + 8))).toBeLessThanOrEqual(3);
    const corner = decodePng(scatterChart({ ...pts, legend: 'bottom-left' }));
    const cplot = plotRect(corner);
    const cbox = bounds(pixelsWhere(corner, (c) => near(c, AXIS, 0), { x0: cplot.x0, y0: cplot.y0, x1: cplot.x1, y1: cplot.y1 }));
    expect(cbox.x0 - cplot.x0).toBeLessThanOrEqual(17);
    expect(cplot.y1 - cbox.y1).toBeLessThanOrEqual(17);
    expect(scatterChart({ ...pts, legend: 'none' }).equals(scatterChart({ ...pts, classNames: undefined, legend: 'none' }))).toBe(true);
  });

  it('refuses other values, listing the ones it takes (with matplotlib loc names hinted)', () => {
    const list = "'auto', 'none', 'top-left', 'top-right', 'bottom-left', 'bottom-right' or 'outside'";
    expect(() => chart('middle')).toThrow(new PlotError(`lineChart: legend must be ${list}, got "middle"`));
    expect(() => chart('upper right')).toThrow(new PlotError(`lineChart: legend must be ${list}, got "upper right"; did you mean 'top-right'?`));
    expect(() => lineChart({ series, legend: false as never })).toThrow(new PlotError(`lineChart: legend must be ${list}, got false; did you mean 'none'?`));
    expect(() => scatterChart({ x: [1], y: [1], legend: 'best' as never })).toThrow(new PlotError(`scatterChart: legend must be ${list}, got "best"; did you mean 'auto'?`));
    expect(() => lineChart({ series, loc: 'best' } as never)).toThrow(/unknown option 'loc' .*; did you mean legend\?$/);
  });
});

describe('room for markers at the data extremes', () => {
  it('markers at the ends of both axes are drawn whole (they were cut in half by the frame)', () => {
    // Data 0..10 would give axes from exactly 0 to 10: dots centred on the frame.
    const png = decodePng(lineChart({ series: [{ x: [0, 5, 10], y: [0, 10, 5], color: '#ff0000', thickness: 0 }], width: 640, height: 480 }));
    const plot = plotRect(png);
    const red = pixelsWhere(png, (c) => near(c, RED, 100));
    const dots = [0, 1, 2].map((k) => red.filter(([x]) => Math.abs(x - (plot.x0 + ((plot.x1 - plot.x0) * [0.03, 0.5, 0.97][k]))) < 30));
    const sizes = dots.map((d) => d.length);
    // Three whole discs of radius 4: the same size (give or take the anti-aliased rim), none cut.
    expect(Math.min(...sizes)).toBeGreaterThan(Math.PI * 3.5 ** 2);
    expect(Math.max(...sizes) - Math.min(...sizes), `${sizes}`).toBeLessThanOrEqual(0.15 * Math.max(...sizes));
    const all = bounds(red);
    expect(all.x0).toBeGreaterThan(plot.x0);
    expect(all.x1).toBeLessThan(plot.x1);
    expect(all.y0).toBeGreaterThan(plot.y0);
    expect(all.y1).toBeLessThan(plot.y1);
  });

  it('only where markers are drawn: a dense line keeps its snug axes; lines with markers get room', () => {
    const dense = Array.from({ length: 500 }, (_, i) => i / 50);
    const png = decodePng(lineChart({ series: [{ x: dense, y: dense, color: '#ff0000' }], width: 640, height: 480 }));
    const plot = plotRect(png);
    const red = bounds(pixelsWhere(png, (c) => near(c, RED, 100)));
    // No markers: the line runs to the frame at both ends.
    expect(red.x0).toBe(plot.x0);
    expect(red.y0).toBe(plot.y0);
    const marked = decodePng(lineChart({ series: [{ x: [0, 1, 2, 3], y: [0, 3, 1, 2], color: '#ff0000', markers: true, thickness: 3 }], width: 640, height: 480 }));
    const mplot = plotRect(marked);
    const m = bounds(pixelsWhere(marked, (c) => near(c, RED, 100)));
    expect([m.x0 > mplot.x0, m.x1 < mplot.x1, m.y0 > mplot.y0, m.y1 < mplot.y1]).toEqual([true, true, true, true]);
  });

  it('scatter markers of any size at the extremes are drawn whole (shared with the line chart)', () => {
    // 5% of padding was room enough for the default markers, not for big ones.
    const png = decodePng(scatterChart({ x: [0, 1], y: [0, 1], size: 120, opacity: 1, color: '#ff0000', width: 640, height: 480 }));
    const plot = plotRect(png);
    const red = pixelsWhere(png, (c) => near(c, RED, 0));
    const lowerLeft = red.filter(([x]) => x < (plot.x0 + plot.x1) / 2).length;
    const upperRight = red.length - lowerLeft;
    // Two whole discs of diameter 120 (the core of full colour: radius about 59.5), inside the frame.
    for (const n of [lowerLeft, upperRight]) expect(Math.abs(n - Math.PI * 59.5 ** 2)).toBeLessThan(200);
    const box = bounds(red);
    expect([box.x0 > plot.x0, box.x1 < plot.x1, box.y0 > plot.y0, box.y1 < plot.y1]).toEqual([true, true, true, true]);
  });

  it('fixed ends stay where they are, even with markers on them', () => {
    const png = decodePng(lineChart({ series: [{ x: [0, 10], y: [0, 10], color: '#ff0000', thickness: 0 }], xMin: 0, xMax: 10, yMin: 0, yMax: 10, width: 640, height: 480 }));
    const plot = plotRect(png);
    const red = bounds(pixelsWhere(png, (c) => near(c, RED, 100)));
    expect([red.x0, red.y1]).toEqual([plot.x0, plot.y1]);
  });
});

describe('logX without x', () => {
  it('numbers the points 1, 2, 3, … (matplotlib users plot explained variance against component numbers)', () => {
    const y = [0.5, 0.3, 0.15, 0.05];
    const chart = (x?: number[]) => lineChart({ logX: true, series: [{ x, y, color: '#ff0000', thickness: 0 }], width: 640, height: 480 });
    expect(chart().equals(chart([1, 2, 3, 4]))).toBe(true);
    // Four dots: the first point no longer vanishes at x = 0.
    const png = decodePng(chart());
    const cols = [...new Set(pixelsWhere(png, (c) => near(c, RED, 10)).map(([x]) => x))].sort((a, b) => a - b);
    const clusters = cols.filter((x, i) => i === 0 || x - cols[i - 1] > 1).length;
    expect(clusters).toBe(4);
    // A linear axis still counts from 0.
    const linear = lineChart({ series: [{ y, color: '#ff0000', thickness: 0 }], width: 640, height: 480 });
    expect(linear.equals(lineChart({ series: [{ x: [0, 1, 2, 3], y, color: '#ff0000', thickness: 0 }], width: 640, height: 480 }))).toBe(true);
  });

  it('refuses logX and logY that are not booleans', () => {
    expect(() => lineChart({ series: [], logX: 1 as never })).toThrow(/^lineChart: logX must be true or false, got 1$/);
  });
});

describe('Canvas.fillBetween', () => {
  it('covers a rectangle exactly, and whole pixels fully', () => {
    const c = new Canvas(20, 20);
    c.fillBetween([2, 12], [5, 5], [15, 15], [0, 0, 0]);
    let dark = 0;
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) if (c.getPixel(x, y)[0] === 0) dark++;
    expect(dark).toBe(10 * 10);
    expect(c.getPixel(1, 10)).toEqual([255, 255, 255]);
    expect(c.getPixel(12, 10)).toEqual([255, 255, 255]);
    // Half a pixel covered: half the colour.
    const h = new Canvas(4, 4);
    h.fillBetween([0, 4], [1.5, 1.5], [4, 4], [0, 0, 0]);
    expect(h.getPixel(2, 1)[0]).toBe(128);
  });
});
