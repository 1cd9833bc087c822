import { describe, expect, it } from 'vitest';
import { barChart, heatmap, imageGrid, lineChart, PALETTE, PlotError } from '../src/index.js';
import { decodePng, type DecodedPng, rgbAt } from './decode-png.js';

const near = (a: readonly number[], b: readonly number[], tol = 40) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

/** Rows of column x whose colour is close to `color`. */
function rowsOf(png: DecodedPng, x: number, color: readonly number[], tol = 40): number[] {
  const rows: number[] = [];
  for (let y = 0; y < png.height; y++) if (near(rgbAt(png, x, y), color, tol)) rows.push(y);
  return rows;
}

describe('lineChart', () => {
  const rising = Array.from({ length: 100 }, (_, i) => i * 0.01);

  it('is a PNG of the requested size', () => {
    const png = decodePng(lineChart({ title: 't', series: [{ y: rising }], width: 640, height: 360 }));
    expect([png.width, png.height, png.colorType]).toEqual([640, 360, 2]);
  });

  it('draws a rising series as a line going up from left to right', () => {
    const png = decodePng(lineChart({ title: 'rising', xLabel: 'step', yLabel: 'value', series: [{ name: 'up', y: rising }] }));
    expect([png.width, png.height]).toEqual([800, 500]);
    const color = PALETTE[0];
    // Sample columns across the middle of the canvas; in each the series' colour is present,
    // and its mean row moves up (smaller y) as x grows.
    const means: number[] = [];
    for (let x = 200; x <= 600; x += 50) {
      const rows = rowsOf(png, x, color).filter((y) => y > 60 && y < 430); // plot area, not the legend swatch
      expect(rows.length, `column ${x}`).toBeGreaterThan(0);
      means.push(rows.reduce((a, b) => a + b, 0) / rows.length);
    }
    for (let i = 1; i < means.length; i++) expect(means[i]).toBeLessThan(means[i - 1]);
    // Far from the line (above it at the left) the plot is background or grid.
    expect(rowsOf(png, 200, color).every((y) => y > means[0] - 10 || y < 60)).toBe(true);
  });

  it('leaves a gap where y is NaN', () => {
    const y = Array.from({ length: 101 }, (_, i) => (i >= 40 && i <= 60 ? NaN : 0.5));
    const png = decodePng(lineChart({ series: [{ y, color: '#ff0000' }], width: 600, height: 400 }));
    const red: number[] = [];
    for (let x = 0; x < png.width; x++) if (rowsOf(png, x, [255, 0, 0]).length > 0) red.push(x);
    // Two solid runs of red columns with one wide hole between them, about a fifth of the plot.
    const holes = red.slice(1).map((x, i) => x - red[i]).filter((d) => d > 1);
    expect(holes.length).toBe(1);
    expect(holes[0]).toBeGreaterThan(0.15 * png.width);
    expect(holes[0]).toBeLessThan(0.25 * png.width);
  });

  it('draws several series in distinct colours, with x values and a log axis', () => {
    const x = [1, 2, 4, 8, 16];
    const file = lineChart({ logY: true, series: [{ name: 'a', x, y: [1, 0.1, 0.01, 0, -1] }, { name: 'b', x, y: [5, 4, 3, 2, 1] }] });
    const png = decodePng(file);
    let a = 0, b = 0;
    for (let px = 0; px < png.width; px += 3) {
      a += rowsOf(png, px, PALETTE[0]).length;
      b += rowsOf(png, px, PALETTE[1]).length;
    }
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('draws an empty chart for series without data, and refuses malformed input', () => {
    expect(decodePng(lineChart({ series: [] })).width).toBe(800);
    expect(decodePng(lineChart({ series: [{ y: [NaN, NaN] }] })).height).toBe(500);
    expect(() => lineChart({ series: [{ x: [1, 2], y: [1] }] })).toThrow(/x has 2 values but y has 1/);
    expect(() => lineChart({ series: [{ y: ['a'] as unknown as number[] }] })).toThrow(PlotError);
    expect(() => lineChart({ series: [{ y: [1], color: 'blue' }] })).toThrow(/color/);
    expect(() => lineChart({ series: [{ y: [1] }], width: 40, height: 40 })).toThrow(/no room/);
  });

  it('thickness 0 draws markers only, with no line between them (a metric-learning trial found 1-px lines)', () => {
    const series = (thickness?: number) => [{ x: [2, 8, 2], y: [2, 8, 8], color: '#ff0000', thickness }, { x: [0, 10], y: [0, 10], color: '#0000ff', thickness: 0 }];
    const dots = decodePng(lineChart({ series: series(0), width: 640, height: 480 }));
    const lines = decodePng(lineChart({ series: series(), width: 640, height: 480 }));
    const reds = (png: DecodedPng) => {
      const px: [number, number][] = [];
      for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) if (near(rgbAt(png, x, y), [255, 0, 0], 100)) px.push([x, y]);
      return px;
    };
    const onlyDots = reds(dots);
    // Three discs of radius font + 2 = 4 (font scale 2 at this size).
    expect(onlyDots.length).toBeGreaterThan(3 * Math.PI * 3 ** 2);
    expect(onlyDots.length).toBeLessThan(3 * Math.PI * 5 ** 2);
    expect(reds(lines).length).toBeGreaterThan(5 * onlyDots.length);
    // Halfway between (2, 2) and (8, 8) there is nothing red without the line.
    const [left, right] = [Math.min(...onlyDots.map((p) => p[0])), Math.max(...onlyDots.map((p) => p[0]))];
    const midX = Math.round((left + right) / 2);
    expect(onlyDots.filter(([x]) => Math.abs(x - midX) < 10).length).toBe(0);
    expect(lines.width).toBe(640);
  });

  it('refuses unknown options and series keys, and thickness or markers of the wrong kind', () => {
    expect(() => lineChart({ series: [{ y: [1, 2], lines: false }] } as never)).toThrow(
      /^lineChart: unknown key 'lines' in series\[0\] \(it takes 'name', 'x', 'y', 'color', 'thickness', 'markers'\); did you mean thickness: 0 \(markers only\)\?$/,
    );
    expect(() => lineChart({ series: [], xlabel: 'step' } as never)).toThrow(/^lineChart: unknown option 'xlabel' \(it takes 'series', .*\); did you mean xLabel\?$/);
    expect(() => lineChart({ series: [{ y: [1], thickness: -1 }] })).toThrow(/^lineChart: series\[0\]\.thickness must be a number of pixels >= 0 \(0: markers only\), got -1$/);
    expect(() => lineChart({ series: [{ y: [1], markers: 'yes' as never }] })).toThrow(/^lineChart: series\[0\]\.markers must be true or false, got "yes"$/);
    expect(() => lineChart({ series: [{ name: 'a', y: [1], thickness: 0, markers: false }] })).toThrow(/^lineChart: series\[0\] \('a'\): thickness 0 with markers: false would draw nothing$/);
    expect(() => lineChart({ series: [null as never] })).toThrow(/^lineChart: series\[0\] must be an object, got null$/);
    expect(() => barChart({ labels: ['a'], values: [1], ylabel: 'v' } as never)).toThrow(/^barChart: unknown option 'ylabel' .*; did you mean yLabel\?$/);
    expect(() => heatmap([[1]], { cmap: 'gray' } as never)).toThrow(/^heatmap: unknown option 'cmap' .*; did you mean colormap\?$/);
  });

  it('logX puts decades evenly across the plot', () => {
    const png = decodePng(lineChart({ logX: true, series: [{ x: [1, 10, 100, 0], y: [1, 1, 1, 1], color: '#ff0000', thickness: 0 }], width: 640, height: 480 }));
    const cols = new Set<number>();
    for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) if (near(rgbAt(png, x, y), [255, 0, 0], 10)) cols.add(x);
    // Three dots (x = 0 has no place on a log axis) in three clusters of columns, evenly spaced.
    const xs = [...cols].sort((a, b) => a - b);
    const clusters: number[][] = [];
    for (const x of xs) (clusters.length && x - clusters[clusters.length - 1].at(-1)! <= 1 ? clusters[clusters.length - 1] : (clusters[clusters.length] = [])).push(x);
    expect(clusters.length).toBe(3);
    const centres = clusters.map((c) => (c[0] + c[c.length - 1]) / 2);
    expect(Math.abs(centres[1] - (centres[0] + centres[2]) / 2)).toBeLessThanOrEqual(1);
  });

  it('handles a million points', () => {
    const y = Float32Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i / 1e5));
    expect(decodePng(lineChart({ series: [{ y }], width: 300, height: 200 })).width).toBe(300);
  });
});

describe('barChart', () => {
  it('draws one bar per value, heights ordered like the values', () => {
    const png = decodePng(barChart({ title: 'acc', labels: ['a', 'b', 'c'], values: [1, 3, 2], yLabel: 'v', color: '#00ff00' }));
    expect([png.width, png.height]).toEqual([800, 500]);
    const heights: number[] = [];
    for (let x = 0; x < png.width; x++) {
      const h = rowsOf(png, x, [0, 255, 0], 0).length;
      if (h > 0 && (heights.length === 0 || Math.abs(heights[heights.length - 1] - h) > 2)) heights.push(h);
    }
    expect(heights.length).toBe(3);
    expect(heights[1]).toBeGreaterThan(heights[2]);
    expect(heights[2]).toBeGreaterThan(heights[0]);
    expect(heights[1] / heights[0]).toBeCloseTo(3, 1);
  });
  it('refuses mismatched labels', () => {
    expect(() => barChart({ labels: ['a'], values: [1, 2] })).toThrow(/1 labels but 2 values/);
  });
});

describe('heatmap', () => {
  it('colours cells by value with readable numbers', () => {
    const file = heatmap([[9, 1], [0, 7]], { title: 'cm', rowLabels: ['a', 'b'], colLabels: ['a', 'b'], xLabel: 'predicted', yLabel: 'true', cellSize: 60 });
    const png = decodePng(file);
    expect(png.width).toBeGreaterThan(120);
    expect(png.height).toBeGreaterThan(120);
    // Find the two extreme colours of viridis: yellow (max) and dark purple (min).
    let yellow = 0, purple = 0, whiteOnPurple = false;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const c = rgbAt(png, x, y);
        if (near(c, [253, 231, 37], 8)) yellow++;
        if (near(c, [68, 1, 84], 8)) purple++;
        if (c[0] === 255 && c[1] === 255 && c[2] === 255 && purple > 0) whiteOnPurple = true;
      }
    }
    expect(yellow).toBeGreaterThan(50 * 50);
    expect(purple).toBeGreaterThan(50 * 50);
    expect(whiteOnPurple).toBe(true);
  });
  it('refuses ragged matrices and wrong label counts', () => {
    expect(() => heatmap([[1, 2], [3]])).toThrow(/row 1 has 1 values but row 0 has 2/);
    // A 2-D tensor (a confusion matrix from the tensor package) draws as its rows.
    const tensorLike = { isTensor: true as const, shape: [2, 2], dataSync: () => BigInt64Array.of(9n, 1n, 0n, 7n) };
    expect(heatmap(tensorLike).equals(heatmap([[9, 1], [0, 7]]))).toBe(true);
    expect(() => heatmap({ isTensor: true as const, shape: [4], dataSync: () => new Float32Array(4) })).toThrow(/^heatmap: a tensor matrix expected 2 dimensions, got \[4\]$/);
    expect(() => heatmap([[1]], { rowLabels: ['a', 'b'] })).toThrow(/rowLabels must have 1 entries/);
  });
  it('warns, naming the cell size needed, when numbers asked for do not fit the cells', async () => {
    const small = Array.from({ length: 11 }, (_, r) => Array.from({ length: 11 }, (_, c) => (r * 11 + c) * 1e-5));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      heatmap(small, { cellSize: 20, annotate: true });
      heatmap(small, { cellSize: 20 }); // numbers not asked for: dropped quietly where they do not fit
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      const needed = Number(/need cells of at least (\d+) px/.exec(warnings.join())?.[1] ?? 0);
      heatmap(small, { cellSize: needed, annotate: true });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([expect.stringMatching(/^heatmap: the cell numbers \(widest '0\.\d{4}'\) need cells of at least \d+ px; cells are 20 px, so none are drawn — pass \{ cellSize: \d+ \} or annotate: false$/)]);
    } finally {
      process.off('warning', onWarning);
    }
  });
  it('cell numbers tell close values apart (decimals from the spread), or take decimals as given (user trial AL)', async () => {
    const scores = [[0.2075, 0.2188], [0.2327, 0.2301]];
    const widest: string[] = [];
    const onWarning = (w: Error) => widest.push(/widest '([^']+)'/.exec(w.message)?.[1] ?? w.message);
    process.on('warning', onWarning);
    try {
      heatmap(scores, { cellSize: 4, annotate: true });
      heatmap(scores, { cellSize: 4, annotate: true, decimals: 4 });
      heatmap([[0.97, 0.02], [0.05, 0.93]], { cellSize: 4, annotate: true });
      await new Promise((resolve) => setImmediate(resolve));
      expect(widest).toEqual([expect.stringMatching(/^0\.2\d\d$/), '0.2075', '0.97']);
    } finally {
      process.off('warning', onWarning);
    }
    expect(() => heatmap(scores, { decimals: 1.5 })).toThrow(/^heatmap: decimals expected an integer in \[0, 10\], got 1\.5$/);
    expect(() => heatmap(scores, { fmt: '.3f' } as never)).toThrow(/^heatmap: unknown option 'fmt'.*decimals/);
  });
});

describe('imageGrid', () => {
  const filter = (k: number) => ({ width: 5, height: 5, channels: 1 as const, data: Float32Array.from({ length: 25 }, (_, i) => (i % 5) - k) });

  it('lays images out in columns at an integer scale', () => {
    const png = decodePng(imageGrid([filter(0), filter(1), filter(2)], { columns: 3, scale: 10, padding: 2, normalize: 'each' }));
    expect([png.width, png.height]).toEqual([3 * 50 + 4 * 2, 50 + 2 * 2]);
    // 'each' stretches every filter to black..white: column 0 of each image is black, 4 white.
    expect(rgbAt(png, 2 + 5, 2 + 5)).toEqual([0, 0, 0]);
    expect(rgbAt(png, 2 + 45, 2 + 5)).toEqual([255, 255, 255]);
    expect(rgbAt(png, 2 + 50 + 2 + 45, 2 + 5)).toEqual([255, 255, 255]);
  });

  it("'all' keeps relative strength; 'none' reads bytes as they are", () => {
    const all = decodePng(imageGrid([filter(0), filter(4)], { columns: 2, scale: 1, padding: 0, normalize: 'all' }));
    // Range -4..4: filter(0) column 0 is value 0 → mid grey.
    expect(rgbAt(all, 0, 0)[0]).toBeGreaterThan(120);
    expect(rgbAt(all, 0, 0)[0]).toBeLessThan(135);
    const rgb = { width: 2, height: 1, channels: 3 as const, data: Uint8Array.of(10, 20, 30, 200, 100, 50) };
    const none = decodePng(imageGrid([rgb], { scale: 1, padding: 0, normalize: 'none' }));
    expect(rgbAt(none, 0, 0)).toEqual([10, 20, 30]);
    expect(rgbAt(none, 1, 0)).toEqual([200, 100, 50]);
  });

  it("'classes' colours a mask's class indices: 0 black, k the k-th class colour (no grey among them), an ignore label grey (found by segmentation trials)", () => {
    const mask = { width: 4, height: 1, channels: 1 as const, data: Float32Array.of(0, 1, 2, 255) };
    const png = decodePng(imageGrid([mask], { scale: 1, padding: 0, normalize: 'classes' }));
    expect([rgbAt(png, 0, 0), rgbAt(png, 1, 0), rgbAt(png, 2, 0), rgbAt(png, 3, 0)]).toEqual([[0, 0, 0], [0x1f, 0x77, 0xb4], [0xff, 0x7f, 0x0e], [200, 200, 200]]);
    // Class 8 is not grey (tab10's eighth is), and class 19 reuses class 1's colour.
    const many = decodePng(imageGrid([{ width: 2, height: 1, channels: 1 as const, data: Float32Array.of(8, 19) }], { scale: 1, padding: 0, normalize: 'classes' }));
    expect(rgbAt(many, 0, 0)).toEqual([0xbc, 0xbd, 0x22]);
    expect(rgbAt(many, 1, 0)).toEqual([0x1f, 0x77, 0xb4]);
    expect(() => imageGrid([{ width: 1, height: 1, channels: 3 as const, data: Uint8Array.of(1, 2, 3) }], { normalize: 'classes' })).toThrow(/^imageGrid: normalize 'classes' takes one-channel images of class indices, but images\[0\] has 3 channels$/);
  });

  it('reads planar (chw) data and writes a title and captions', () => {
    const chw = { width: 2, height: 1, channels: 3 as const, layout: 'chw' as const, data: Uint8Array.of(10, 200, 20, 100, 30, 50) };
    const png = decodePng(imageGrid([chw, chw], { scale: 40, normalize: 'none', title: 'samples', labels: ['cat', 'dog'], columns: 2 }));
    expect(png.height).toBeGreaterThan(40 + 16);
    let found = false;
    for (let y = 0; y < png.height && !found; y++) for (let x = 0; x < png.width; x++) if (near(rgbAt(png, x, y), [200, 100, 50], 0)) found = true;
    expect(found).toBe(true);
  });

  it("takes a batch tensor [N, C, H, W] or a list of tensors, and a fixed range such as a tanh's [-1, 1] (found by a GAN trial)", () => {
    // What plot reads of a Tensor: a TensorLike (plot does not depend on the tensor package).
    const batch = { isTensor: true as const, shape: [2, 1, 1, 2], dataSync: () => Float32Array.of(-1, 1, 0, 0.5) };
    const png = decodePng(imageGrid(batch, { scale: 1, padding: 0, columns: 2, normalize: [-1, 1] }));
    expect([png.width, png.height]).toEqual([4, 1]);
    expect(rgbAt(png, 0, 0)).toEqual([0, 0, 0]);
    expect(rgbAt(png, 1, 0)).toEqual([255, 255, 255]);
    expect(rgbAt(png, 2, 0)[0]).toBe(128); // 0 → mid grey
    const one = { isTensor: true as const, shape: [1, 2], dataSync: () => Float32Array.of(0, 1) };
    expect(decodePng(imageGrid([one, one], { scale: 1, padding: 0, normalize: 'none' })).width).toBe(4);
    expect(() => imageGrid(batch, { nrow: 8 } as never)).toThrow(/^imageGrid: unknown option 'nrow' \(it takes 'columns', .*\); did you mean columns\?$/);
    expect(() => imageGrid(batch, { normalize: [1, -1] })).toThrow(/^imageGrid: normalize must be 'each', 'all', 'none', 'classes' or \[lo, hi\] with lo < hi, got \[1,-1\]$/);
    expect(() => imageGrid({ isTensor: true, shape: [2, 2, 2, 2], dataSync: () => new Float32Array(16) })).toThrow(/^imageGrid: a batch tensor expected \[N, C, H, W\] \(C = 1, 3 or 4\), got \[2,2,2,2\]$/);
    // A 3-d tensor is one image, as make_grid reads it (a review found [3, H, W] drawn as three grey tiles).
    const rgb = { isTensor: true as const, shape: [3, 1, 1], dataSync: () => Float32Array.of(1, 0, 0) };
    expect(rgbAt(decodePng(imageGrid(rgb, { scale: 1, padding: 0, normalize: 'none' })), 0, 0)).toEqual([255, 0, 0]);
    expect(() => imageGrid({ isTensor: true, shape: [5, 2, 2], dataSync: () => new Float32Array(20) })).toThrow(/^imageGrid: a 3-d tensor is one image \[C, H, W\] .*x\.unsqueeze\(1\)\)$/);
  });

  it('refuses images whose data does not match their size', () => {
    expect(() => imageGrid([{ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }])).toThrow(/images\[0\]: data must hold .* = 12 values, got 5/);
    expect(() => imageGrid([])).toThrow(/non-empty/);
  });
});
