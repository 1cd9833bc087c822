import { describe, expect, it } from 'vitest';
import { linearScale, lineChart, scatterChart, snugScale } from '../src/index.js';
import { axisScale } from '../src/axis-range.js';
import { AXIS_GREY as AXIS, decodePng, type DecodedPng, near, plotRect, rgbAt } from './decode-png.js';

const RED = [255, 0, 0];


/** Pixels close to `color`, as [x, y]. */
function pixelsOf(png: DecodedPng, color: readonly number[], tol = 60): [number, number][] {
  const found: [number, number][] = [];
  for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) if (near(rgbAt(png, x, y), color, tol)) found.push([x, y]);
  return found;
}

describe('snugScale: nice ticks, ends just around the data', () => {
  it('1920..2111 runs 1920..2120, not 1900..2150 (a user trial found a fifth of the plot empty)', () => {
    expect(linearScale(1920, 2111, 6)).toMatchObject({ lo: 1900, hi: 2150 });
    const s = snugScale(1920, 2111, 6);
    expect(s).toMatchObject({ lo: 1920, hi: 2120, ticks: [1950, 2000, 2050, 2100], labels: ['1950', '2000', '2050', '2100'] });
  });

  it('rounds the ends out to a fifth of a step of 1 or 5, to 10^k for a step of 2 or 2.5', () => {
    expect(snugScale(0.05, 2.31)).toMatchObject({ lo: 0, hi: 2.4, ticks: [0, 0.5, 1, 1.5, 2] }); // step 0.5: ends on 0.1
    expect(snugScale(0.13, 3.87, 5)).toMatchObject({ lo: 0, hi: 4 }); // step 1: ends on 0.2
    expect(snugScale(-3.2, 7.9)).toMatchObject({ lo: -4, hi: 8 }); // step 2.5: ends on 1
    expect(snugScale(-3.2, 7.9).ticks).toEqual([-2.5, 0, 2.5, 5, 7.5]);
  });

  it('keeps the ends on ticks where the data end there, for flat data, and with under two ticks inside', () => {
    expect(snugScale(0, 3000, 8)).toEqual(linearScale(0, 3000, 8));
    expect(snugScale(0, 1)).toEqual(linearScale(0, 1));
    expect(snugScale(5, 5)).toEqual(linearScale(5, 5));
    expect(snugScale(1.1, 1.3, 2)).toEqual(linearScale(1.1, 1.3, 2));
  });

  it('labels a narrow range as linearScale does', () => {
    const s = snugScale(1, 1 + 5e-9);
    expect(s.lo).toBe(1);
    expect(s.hi).toBeCloseTo(1 + 5e-9, 15);
    expect(s.labels).toEqual(['1.000000000', '1.000000001', '1.000000002', '1.000000003', '1.000000004', '1.000000005']);
  });
});

describe('axisScale with fixed ends', () => {
  it('keeps a fixed end exactly and lets the other follow the data', () => {
    expect(axisScale([0.05, 2.31], { min: 0 }, false, 0, 6)).toMatchObject({ lo: 0, hi: 2.4 });
    expect(axisScale([0.2, 0.93], { max: 1 }, false, 0, 6)).toMatchObject({ lo: 0.2, hi: 1 });
    expect(axisScale([1920, 2111], { min: 1950, max: 2000 }, false, 0, 6)).toMatchObject({ lo: 1950, hi: 2000, ticks: [1950, 1960, 1970, 1980, 1990, 2000] });
  });

  it('gives the free end the data span when the data lie beyond the fixed one, or there are none', () => {
    const below = axisScale([1, 3], { min: 5 }, false, 0, 6);
    expect(below.lo).toBe(5);
    expect(below.hi).toBeGreaterThanOrEqual(7);
    expect(axisScale(null, { max: 10 }, false, 0, 6)).toMatchObject({ hi: 10 });
  });

  it('on a log axis: exact ends, ticks at powers of ten between them', () => {
    expect(axisScale([0.5, 300], { min: 1, max: 1000 }, true, 0, 0)).toMatchObject({ lo: 1, hi: 1000, ticks: [1, 10, 100, 1000] });
    expect(axisScale([0.5, 300], { min: 1 }, true, 0, 0).lo).toBe(1);
  });
});

describe('xMin, xMax, yMin, yMax on the xy charts', () => {
  it('the automatic x axis of 1920..2111 is filled by the data (a fifth of it was empty)', () => {
    const years = Array.from({ length: 192 }, (_, i) => 1920 + i);
    const png = decodePng(lineChart({ series: [{ x: years, y: years.map((y) => Math.sin(y / 9)), color: '#ff0000' }] }));
    const plot = plotRect(png);
    const xs = pixelsOf(png, RED).map(([x]) => x);
    expect((Math.max(...xs) - Math.min(...xs)) / (plot.x1 - plot.x0)).toBeGreaterThan(0.9);
  });

  it('fix the axes of a line chart: the line is cut at the plot border, y still follows all the data', () => {
    const x = Array.from({ length: 101 }, (_, i) => i);
    const png = decodePng(lineChart({ series: [{ x, y: x, color: '#ff0000' }], xMin: 20, xMax: 40, width: 640, height: 480 }));
    const plot = plotRect(png);
    const red = pixelsOf(png, RED);
    expect(red.length).toBeGreaterThan(0);
    // Nothing red outside the plot; the line runs from the left border to the right border.
    expect(red.every(([px, py]) => px >= plot.x0 && px < plot.x1 && py >= plot.y0 && py < plot.y1)).toBe(true);
    expect(Math.min(...red.map(([px]) => px))).toBe(plot.x0);
    expect(Math.max(...red.map(([px]) => px))).toBe(plot.x1 - 1);
    // y runs 0..100 over all the data, so y = 20..40 sits in the lower half.
    expect(Math.min(...red.map(([, py]) => py))).toBeGreaterThan((plot.y0 + plot.y1) / 2);
  });

  it('a flat line at 5 with yMin 0 and yMax 10 sits halfway up', () => {
    const png = decodePng(lineChart({ series: [{ y: [5, 5, 5], color: '#ff0000', thickness: 1, markers: false }], yMin: 0, yMax: 10, width: 640, height: 480 }));
    const plot = plotRect(png);
    const rows = [...new Set(pixelsOf(png, RED, 100).map(([, y]) => y))];
    const mid = (rows[0] + rows.at(-1)! + 1) / 2;
    expect(Math.abs(mid - (plot.y0 + plot.y1) / 2)).toBeLessThanOrEqual(1);
  });

  it('zooming in on a few points of a long series shows their markers', () => {
    const x = Array.from({ length: 1000 }, (_, i) => i);
    const chart = (xMax: number, markers?: boolean) => lineChart({ series: [{ x, y: x.map((v) => v % 2), markers }], xMin: 0, xMax });
    // Eleven points across the plot are far enough apart for dots; a thousand are not.
    expect(chart(10).equals(chart(10, true))).toBe(true);
    expect(chart(999).equals(chart(999, false))).toBe(true);
    expect(chart(10).equals(chart(10, false))).toBe(false);
  });

  it('scatter points outside fixed limits are not drawn', () => {
    const png = decodePng(scatterChart({
      series: [{ x: [5], y: [5], color: '#ff0000' }, { x: [15], y: [5], color: '#0000ff' }],
      xMin: 0, xMax: 10, yMin: 0, yMax: 10, opacity: 1, width: 640, height: 480,
    }));
    expect(pixelsOf(png, RED, 0).length).toBeGreaterThan(20);
    expect(pixelsOf(png, [0, 0, 255], 0).length).toBe(0);
  });

  it('refuses limits that are not finite numbers, not positive on a log axis, or in the wrong order', () => {
    const series = [{ y: [1, 2] }];
    expect(() => lineChart({ series, xMin: '0' as never })).toThrow(/^lineChart: xMin must be a finite number, got "0"$/);
    expect(() => lineChart({ series, yMax: NaN })).toThrow(/^lineChart: yMax must be a finite number, got NaN$/);
    expect(() => lineChart({ series, xMin: 5, xMax: 2 })).toThrow(/^lineChart: xMin must be less than xMax, got xMin 5 and xMax 2$/);
    expect(() => lineChart({ series, yMin: 1, yMax: 1 })).toThrow(/^lineChart: yMin must be less than yMax, got yMin 1 and yMax 1$/);
    expect(() => lineChart({ series, logY: true, yMin: 0 })).toThrow(/^lineChart: yMin must be > 0 on a log axis \(logY: true\), got 0$/);
    expect(() => scatterChart({ x: [1], y: [1], xMax: Infinity })).toThrow(/^scatterChart: xMax must be a finite number, got Infinity$/);
    expect(() => lineChart({ series, xlim: [0, 1] } as never)).toThrow(/^lineChart: unknown option 'xlim' \(it takes .*'xMin', 'xMax', 'yMin', 'yMax'.*\); did you mean xMin and xMax\?$/);
    expect(() => scatterChart({ x: [1], y: [1], ymin: 0 } as never)).toThrow(/; did you mean yMin\?$/);
  });
});
