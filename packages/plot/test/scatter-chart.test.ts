import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASS_PALETTE, PALETTE, PlotError, scatterChart, writePng } from '../src/index.js';
import { decodePng, type DecodedPng, rgbAt } from './decode-png.js';

const dir = mkdtempSync(join(tmpdir(), 'nutshell-scatter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GRID = [228, 228, 228];
const TEXT = [34, 34, 34];
const near = (a: readonly number[], b: readonly number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

/** Pixels within `tol` of `color`, optionally only inside a box. */
function pixelsOf(png: DecodedPng, color: readonly number[], tol = 6, box?: { x0: number; y0: number; x1: number; y1: number }): [number, number][] {
  const found: [number, number][] = [];
  const { x0 = 0, y0 = 0, x1 = png.width, y1 = png.height } = box ?? {};
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (near(rgbAt(png, x, y), color, tol)) found.push([x, y]);
  return found;
}

/**
 * Where the grid line through a marker centred at pixel index `mean` (the mean index of its
 * pixels) is: pixel i covers [i, i + 1), so the centre is at mean + 0.5, and lines snap to the
 * nearest whole pixel. One pixel of slack for the rounding.
 */
const gridPixels = (mean: number) => [-1, 0, 1].map((d) => Math.round(mean + 0.5) + d);

/** Mean position of the pixels of `color` (the centre of one opaque marker of its own colour). */
function centreOf(png: DecodedPng, color: readonly number[]): [number, number] {
  const px = pixelsOf(png, color);
  expect(px.length, `pixels of ${color}`).toBeGreaterThan(0);
  return [px.reduce((a, p) => a + p[0], 0) / px.length, px.reduce((a, p) => a + p[1], 0) / px.length];
}

const RED = [255, 0, 0];
const GREEN = [0, 160, 0];
const BLUE = [0, 0, 255];

describe('scatterChart', () => {
  it('puts each point where the axes say: on the grid lines of its tick values, evenly spaced', () => {
    // 0, 10 and 20 are ticks whatever nice step (1, 2, 2.5, 5 or 10 × 10^k) the axes choose.
    const file = scatterChart({
      series: [
        { x: [0], y: [0], color: '#0000ff' },
        { x: [10], y: [10], color: '#ff0000' },
        { points: [[20, 20]], color: [0, 160, 0] },
      ],
      size: 9, opacity: 1, width: 640, height: 480,
    });
    const png = decodePng(file);
    expect([png.width, png.height, png.colorType]).toEqual([640, 480, 2]);
    const [bx, by] = centreOf(png, BLUE);
    const [rx, ry] = centreOf(png, RED);
    const [gx, gy] = centreOf(png, GREEN);
    // Linear axes: the middle point halfway between the others; x grows right, y grows up.
    expect(Math.abs(rx - (bx + gx) / 2)).toBeLessThan(1);
    expect(Math.abs(ry - (by + gy) / 2)).toBeLessThan(1);
    expect(gx - bx).toBeGreaterThan(300);
    expect(by - gy).toBeGreaterThan(200);
    // A vertical grid line runs through each point's x, a horizontal one through its y (looked
    // for away from the markers, where nothing covers the grid).
    for (const [cx, cy] of [[bx, by], [rx, ry], [gx, gy]]) {
      const column = gridPixels(cx).some((x) => near(rgbAt(png, x, Math.round(cy === ry ? by : ry)), GRID, 2));
      const row = gridPixels(cy).some((y) => near(rgbAt(png, Math.round(cx === rx ? bx : rx), y), GRID, 2));
      expect([column, row], `grid lines through (${cx}, ${cy})`).toEqual([true, true]);
    }
    // Markers at the extremes stay inside the frame: the axes are padded around the data.
    expect(pixelsOf(png, BLUE).length).toBeGreaterThan(0.9 * pixelsOf(png, RED).length);
  });

  it('log axes: decades evenly spaced, points on the grid lines at powers of ten, values <= 0 left out', () => {
    const png = decodePng(scatterChart({
      series: [
        { x: [1], y: [1], color: '#0000ff' },
        { x: [10, 0], y: [10, 5], color: '#ff0000' }, // (0, 5) cannot be drawn on a log x axis
        { x: [100], y: [100], color: [0, 160, 0] },
      ],
      logX: true, logY: true, size: 9, opacity: 1, width: 640, height: 480,
    }));
    const [bx, by] = centreOf(png, BLUE);
    const [rx, ry] = centreOf(png, RED);
    const [gx, gy] = centreOf(png, GREEN);
    expect(Math.abs(rx - (bx + gx) / 2)).toBeLessThan(1);
    expect(Math.abs(ry - (by + gy) / 2)).toBeLessThan(1);
    expect(gridPixels(rx).some((x) => near(rgbAt(png, x, Math.round(by)), GRID, 2))).toBe(true);
    expect(gridPixels(gy).some((y) => near(rgbAt(png, Math.round(rx), y), GRID, 2))).toBe(true);
    // Only one red marker: its pixels all lie near (rx, ry).
    expect(pixelsOf(png, RED).every(([x, y]) => Math.hypot(x - rx, y - ry) < 6)).toBe(true);
  });

  it('colours points by integer class label from the class palette, with a legend of class names', () => {
    // Three classes in the lower left of the plot (the legend goes to an empty corner).
    const x = [0, 1, 2, 0, 10];
    const y = [0, 1, 0, 2, 10];
    const labels = [0, 1, 2, 18, 1]; // class 18 reuses class 0's colour
    const common = { x, y, size: 11, opacity: 1, width: 640, height: 480 } as const;
    const labelled = decodePng(scatterChart({ ...common, labels, classNames: Array.from({ length: 19 }, (_, k) => `class ${k}`) }));
    // The same points as unnamed series of the same colours: identical except for the legend.
    const series = [0, 1, 2].map((k) => ({
      x: x.filter((_, i) => labels[i] % 18 === k), y: y.filter((_, i) => labels[i] % 18 === k), color: CLASS_PALETTE[k],
    }));
    const plain = decodePng(scatterChart({ ...common, x: undefined, y: undefined, series }));
    const diff: [number, number][] = [];
    for (let py = 0; py < plain.height; py++) for (let px = 0; px < plain.width; px++) if (!near(rgbAt(plain, px, py), rgbAt(labelled, px, py), 0)) diff.push([px, py]);
    expect(diff.length).toBeGreaterThan(100);
    const box = {
      x0: Math.min(...diff.map((p) => p[0])), x1: Math.max(...diff.map((p) => p[0])) + 1,
      y0: Math.min(...diff.map((p) => p[1])), y1: Math.max(...diff.map((p) => p[1])) + 1,
    };
    // The legend box: away from the data (upper half, since the data sit low except one point),
    // with the names in the text colour and a dot of each present class's colour (0, 1, 2, 18).
    expect(pixelsOf(labelled, TEXT, 0, box).length).toBeGreaterThan(100);
    for (const k of [0, 1, 2]) expect(pixelsOf(labelled, CLASS_PALETTE[k], 0, box).length, `legend dot of class ${k}`).toBeGreaterThan(4);
    // Outside the legend, the markers in their class colours: a disc of 11 pixels has a core of
    // about 80 pixels of exactly its colour; classes 0 (with 18) and 1 have two markers each.
    const outside = (k: number) => pixelsOf(labelled, CLASS_PALETTE[k], 0).filter(([px, py]) => px < box.x0 || px >= box.x1 || py < box.y0 || py >= box.y1).length;
    expect(outside(2)).toBeGreaterThan(60);
    expect(outside(2)).toBeLessThan(100);
    expect(outside(0)).toBeGreaterThan(120);
    expect(outside(1)).toBeGreaterThan(120);
    expect(outside(3)).toBe(0);
    // Four entries (classes 0, 1, 2 and 18), a row of 24 pixels each at this size, and a margin.
    expect(Math.abs(box.y1 - box.y0 - (4 * 24 + 8))).toBeLessThanOrEqual(3);
  });

  it('takes tensors: points [N, 2] and labels [N] (int64), as a projection of embeddings comes', () => {
    const points = { isTensor: true as const, shape: [3, 2], dataSync: () => Float32Array.of(0, 0, 1, 1, 2, 0) };
    const labels = { isTensor: true as const, shape: [3], dataSync: () => BigInt64Array.of(0n, 1n, 1n) };
    const fromTensors = scatterChart({ points, labels, classNames: ['a', 'b'] });
    const fromArrays = scatterChart({ x: [0, 1, 2], y: [0, 1, 0], labels: [0, 1, 1], classNames: ['a', 'b'] });
    expect(fromTensors.equals(fromArrays)).toBe(true);
    expect(() => scatterChart({ points: { isTensor: true as const, shape: [3, 3], dataSync: () => new Float32Array(9) } })).toThrow(/^scatterChart: points expected a tensor \[N, 2\], got shape \[3,3\]$/);
    expect(() => scatterChart({ x: { isTensor: true as const, shape: [1, 2], dataSync: () => new Float32Array(2) }, y: [1, 2] })).toThrow(/^scatterChart: x expected a 1-D tensor, got shape \[1,2\]$/);
  });

  it('blends translucent markers, so a dense cluster shows darker than a lone point', () => {
    // Off the grid lines (0.37 and 0.63 are not ticks), one point alone and twenty on one spot.
    const x = [0, 1, 0.37, ...Array(20).fill(0.63)];
    const y = [0, 1, 0.37, ...Array(20).fill(0.63)];
    const png = decodePng(scatterChart({ x, y, color: '#0000ff', opacity: 0.2, size: 15, width: 640, height: 480 }));
    // Find the two marker centres by their blueness along the diagonal's pixels.
    const blueness = ([r, g, b]: readonly number[]) => b - (r + g) / 2;
    let lone = 0, dense = 0;
    for (let py = 0; py < png.height; py++) {
      for (let px = 0; px < png.width; px++) {
        const v = blueness(rgbAt(png, px, py));
        if (px < png.width / 2 && py > png.height / 2) lone = Math.max(lone, v);
        if (px > png.width / 2 && py < png.height / 2) dense = Math.max(dense, v);
      }
    }
    // One marker at opacity 0.2 over white: 255 * 0.2 = 51 of blueness; twenty: 1 - 0.8^20 ≈ 99%.
    expect(Math.abs(lone - 51)).toBeLessThan(4);
    expect(dense).toBeGreaterThan(240);
  });

  it('draws nothing but the frame and "no data" when no point is finite', () => {
    const png = decodePng(scatterChart({ x: [NaN, 1], y: [1, Infinity], width: 300, height: 200 }));
    expect(pixelsOf(png, PALETTE[0], 30).length).toBe(0);
    expect(pixelsOf(png, TEXT, 0).length).toBeGreaterThan(0);
  });

  it('writes a PNG file (atomically, like every chart) of embeddings coloured by class', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    const centres = [[0, 0], [4, 1], [1, 5], [5, 5]];
    const labels = Array.from({ length: 2000 }, (_, i) => i % 4);
    const x = labels.map((k) => centres[k][0] + gauss());
    const y = labels.map((k) => centres[k][1] + gauss());
    const path = join(dir, 'out', 'embeddings.png');
    await writePng(path, scatterChart({ title: 'embeddings (PCA)', xLabel: 'PC 1', yLabel: 'PC 2', x, y, labels, classNames: ['cat', 'dog', 'bird', 'fish'] }));
    expect(readdirSync(join(dir, 'out'))).toEqual(['embeddings.png']);
    const png = decodePng(readFileSync(path));
    expect([png.width, png.height]).toEqual([800, 500]);
    // Translucent markers over white, darkest where they overlap: near each class colour.
    for (const k of [0, 1, 2, 3]) expect(pixelsOf(png, CLASS_PALETTE[k], 40).length, `class ${k}`).toBeGreaterThan(2000);
  });

  it('refuses bad options, naming the option, what it takes and what it got', () => {
    const ok = { x: [1, 2], y: [3, 4] };
    expect(() => scatterChart({ ...ok, c: [0, 1] } as never)).toThrow(/^scatterChart: unknown option 'c' \(it takes 'series', 'x', .*\); did you mean labels \(class indices\) or color\?$/);
    expect(() => scatterChart({ ...ok, alpha: 0.5 } as never)).toThrow(/unknown option 'alpha' .*; did you mean opacity\?$/);
    expect(() => scatterChart({ series: [{ ...ok, s: 4 }] } as never)).toThrow(/^scatterChart: unknown key 's' in series\[0\] \(it takes 'name', 'x', 'y', 'points', 'color', 'size', 'opacity'\); did you mean size \(a diameter in pixels\)\?$/);
    expect(() => scatterChart(null as never)).toThrow(/^scatterChart: options must be an object, got null$/);
    expect(() => scatterChart({})).toThrow(/^scatterChart: give series, or one set of points as x and y or as points/);
    expect(() => scatterChart({ x: [1, 2], y: [1] })).toThrow(/^scatterChart: x has 2 values but y has 1$/);
    expect(() => scatterChart({ x: [1, 'a'] as never, y: [1, 2] })).toThrow(/^scatterChart: x must hold numbers, but \[1\] is "a"$/);
    expect(() => scatterChart({ ...ok, points: [[1, 2]] })).toThrow(/^scatterChart: give x and y, or points, not both$/);
    expect(() => scatterChart({ points: [[1, 2], [3]] })).toThrow(/^scatterChart: points\[1\] must be an \[x, y\] pair of numbers, got \[3\]$/);
    expect(() => scatterChart({ ...ok, opacity: 2 })).toThrow(/^scatterChart: opacity must be a number in \(0, 1\], got 2$/);
    expect(() => scatterChart({ ...ok, size: 0 })).toThrow(/^scatterChart: size must be a marker diameter in pixels \(a number > 0\), got 0$/);
    expect(() => scatterChart({ series: [{ name: 'a', ...ok, opacity: 0 }] })).toThrow(/^scatterChart: series\[0\] \('a'\)\.opacity must be a number in \(0, 1\], got 0$/);
    expect(() => scatterChart({ ...ok, labels: [0, 1.5] })).toThrow(/^scatterChart: labels must be class indices \(integers >= 0\), but labels\[1\] is 1.5$/);
    expect(() => scatterChart({ ...ok, labels: [0] })).toThrow(/^scatterChart: labels has 1 values but there are 2 points$/);
    expect(() => scatterChart({ ...ok, labels: [0, 2], classNames: ['a', 'b'] })).toThrow(/^scatterChart: labels\[1\] is 2, but classNames has 2 names \(classes 0 to 1\)$/);
    expect(() => scatterChart({ ...ok, classNames: ['a'] })).toThrow(/^scatterChart: classNames name the classes of labels, but no labels were given$/);
    expect(() => scatterChart({ ...ok, labels: [0, 1], color: 'red' })).toThrow(/^scatterChart: give labels .* or color .*, not both$/);
    expect(() => scatterChart({ ...ok, color: 'red' })).toThrow(/^scatterChart: color: expected '#rrggbb' or \[r, g, b\], got "red"$/);
    expect(() => scatterChart({ ...ok, series: [] })).toThrow(/^scatterChart: give series, or one set of points .*, not both; got series and x$/);
    expect(() => scatterChart({ ...ok, logY: 'yes' } as never)).toThrow(/^scatterChart: logY must be true or false, got "yes"$/);
    expect(() => scatterChart({ ...ok, width: 40, height: 40 })).toThrow(PlotError);
  });
});
