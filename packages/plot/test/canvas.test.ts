import { describe, expect, it } from 'vitest';
import { Canvas, GLYPH_ADVANCE, glyph, type Rgb } from '../src/index.js';
import { decodePng, rgbAt } from './decode-png.js';

const RED: Rgb = [255, 0, 0];
const isWhite = ([r, g, b]: readonly number[]) => r === 255 && g === 255 && b === 255;

function inked(c: Canvas): { count: number; x0: number; y0: number; x1: number; y1: number } {
  let count = 0, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      if (isWhite(c.getPixel(x, y))) continue;
      count++;
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
  }
  return { count, x0, y0, x1, y1 };
}

describe('font', () => {
  it('has ink for every printable ASCII character except space', () => {
    for (let code = 33; code <= 126; code++) {
      expect(glyph(String.fromCharCode(code)).some((col) => col !== 0), String.fromCharCode(code)).toBe(true);
    }
    expect(glyph(' ').every((col) => col === 0)).toBe(true);
  });
  it('draws characters it lacks as ?', () => {
    expect(glyph('é')).toEqual(glyph('?'));
    expect(glyph('\t')).toEqual(glyph('?'));
  });
  it('has distinct glyphs for distinct characters', () => {
    const seen = new Set<string>();
    for (let code = 32; code <= 126; code++) seen.add(Array.from(glyph(String.fromCharCode(code))).join(','));
    expect(seen.size).toBe(95);
  });
});

describe('Canvas.text', () => {
  it('renders pixels inside the measured box', () => {
    const c = new Canvas(120, 40);
    const box = c.text('Loss 0.25', 10, 5, { scale: 2, color: RED });
    const ink = inked(c);
    expect(ink.count).toBeGreaterThan(50);
    expect(box).toEqual({ x: 10, y: 5, width: (9 * GLYPH_ADVANCE - 1) * 2, height: 16 });
    expect(ink.x0).toBeGreaterThanOrEqual(box.x);
    expect(ink.x1).toBeLessThan(box.x + box.width);
    expect(ink.y0).toBeGreaterThanOrEqual(box.y);
    expect(ink.y1).toBeLessThan(box.y + box.height);
    expect(c.getPixel(ink.x0, ink.y0 + 0)).toBeDefined();
  });
  it('aligns right and centre', () => {
    const c = new Canvas(100, 20);
    const right = c.text('abc', 90, 2, { align: 'right' });
    expect(right.x + right.width).toBe(90);
    const centre = c.text('abcd', 50, 10, { align: 'center' });
    expect(Math.abs(centre.x + centre.width / 2 - 50)).toBeLessThanOrEqual(1);
  });
  it('rotated text runs bottom to top', () => {
    const c = new Canvas(40, 100);
    const box = c.text('Hi', 10, 80, { rotate: true, scale: 2 });
    expect(box.width).toBe(16);
    expect(box.height).toBe((2 * GLYPH_ADVANCE - 1) * 2);
    const ink = inked(c);
    expect(ink.y1).toBeLessThan(80);
    expect(ink.y0).toBeGreaterThanOrEqual(80 - box.height);
    // 'H' is drawn first, so it sits at the bottom: its two full-height strokes are rows of ink.
    const bottomRow = Array.from({ length: 40 }, (_, x) => !isWhite(c.getPixel(x, 79)));
    expect(bottomRow.filter(Boolean).length).toBeGreaterThanOrEqual(12);
  });
  it('respects the clip rectangle', () => {
    const c = new Canvas(60, 20);
    c.clip = { x: 0, y: 0, width: 10, height: 20 };
    c.text('WWWWWW', 0, 0, { scale: 2 });
    expect(inked(c).x1).toBeLessThan(10);
  });
});

describe('Canvas shapes', () => {
  it('draws an anti-aliased line through its end points and nowhere far from it', () => {
    const c = new Canvas(100, 100);
    c.line(10, 90, 90, 10, RED, 3);
    for (let t = 0; t <= 1; t += 0.1) {
      const x = Math.floor(10 + 80 * t);
      const y = Math.floor(90 - 80 * t);
      expect(c.getPixel(x, y)).toEqual([255, 0, 0]);
    }
    expect(isWhite(c.getPixel(10, 10))).toBe(true);
    expect(isWhite(c.getPixel(90, 90))).toBe(true);
    // Edge pixels are partly covered: some lie strictly between red and white.
    let partial = 0;
    for (let i = 0; i < c.data.length; i += 3) if (c.data[i] === 255 && c.data[i + 1] > 0 && c.data[i + 1] < 255) partial++;
    expect(partial).toBeGreaterThan(20);
  });
  it('joins polyline segments without darker beads', () => {
    const c = new Canvas(60, 30);
    c.polyline([[5, 15], [30, 15], [55, 15]], [0, 0, 255], 4);
    // Along the middle row the stroke is uniformly solid blue, joint included.
    for (let x = 6; x < 55; x++) expect(c.getPixel(x, 15)).toEqual([0, 0, 255]);
  });
  it('fills a disc of the right size', () => {
    const c = new Canvas(50, 50);
    c.fillCircle(25, 25, 10, RED);
    const ink = inked(c);
    expect(ink.x1 - ink.x0 + 1).toBeGreaterThanOrEqual(20);
    expect(ink.x1 - ink.x0 + 1).toBeLessThanOrEqual(22);
    expect(ink.count).toBeGreaterThan(Math.PI * 9.5 * 9.5);
    expect(ink.count).toBeLessThan(Math.PI * 11 * 11);
  });
  it('encodes itself as a PNG of its size', () => {
    const c = new Canvas(31, 17, [10, 20, 30]);
    c.fillRect(1, 2, 3, 4, RED);
    const png = decodePng(c.toPng());
    expect([png.width, png.height, png.colorType]).toEqual([31, 17, 2]);
    expect(rgbAt(png, 0, 0)).toEqual([10, 20, 30]);
    expect(rgbAt(png, 2, 3)).toEqual([255, 0, 0]);
  });
});
