import { describe, expect, it } from 'vitest';
import { formatNumber, formatTick, linearScale, logScale, logTicks, niceStep, niceTicks } from '../src/index.js';

describe('niceStep', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.2)).toBe(0.2);
    expect(niceStep(0.21)).toBe(0.25);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(1.2e-5)).toBe(2e-5);
    expect(niceStep(460)).toBe(500);
  });
});

describe('niceTicks', () => {
  it('0..1 gives 0, 0.2, …, 1', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
  it('covers the data with round values and no floating-point noise', () => {
    expect(niceTicks(0.05, 2.31)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(0, 3000, 8)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(niceTicks(-3.2, 7.9)).toEqual([-5, -2.5, 0, 2.5, 5, 7.5, 10]);
    expect(niceTicks(0.1, 0.3, 3)).toEqual([0.1, 0.2, 0.3]);
  });
  it('accepts reversed and equal ends', () => {
    expect(niceTicks(1, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const flat = niceTicks(5, 5);
    expect(flat[0]).toBeLessThan(5);
    expect(flat[flat.length - 1]).toBeGreaterThan(5);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
  it('refuses non-finite ends', () => {
    expect(() => niceTicks(0, Infinity)).toThrow(/finite/);
    expect(() => niceTicks(NaN, 1)).toThrow(/finite/);
  });
});

describe('logTicks', () => {
  it('puts ticks on powers of ten across decades', () => {
    expect(logTicks(1e-3, 10)).toEqual([0.001, 0.01, 0.1, 1, 10]);
  });
  it('adds 2 and 5 when fewer than three decades show', () => {
    expect(logTicks(0.3, 2.3)).toEqual([0.5, 1, 2]);
  });
  it('thins out many decades', () => {
    const ticks = logTicks(1e-12, 1e12);
    expect(ticks.length).toBeLessThanOrEqual(9);
    expect(ticks[0]).toBe(1e-12);
  });
  it('refuses non-positive ends', () => {
    expect(() => logTicks(0, 1)).toThrow(/positive/);
  });
});

describe('labels', () => {
  it('uses as many decimals as the step needs, the same on every tick', () => {
    expect(linearScale(0, 1).labels).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(linearScale(0, 1, 5).labels).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    expect(linearScale(0, 3000, 7).labels).toEqual(['0', '500', '1000', '1500', '2000', '2500', '3000']);
  });
  it('switches to e-notation for tiny steps and huge values', () => {
    expect(formatTick(2e-5, 1e-5)).toBe('2e-5');
    expect(formatTick(0, 1e-5)).toBe('0');
    expect(formatTick(3e7, 1e7)).toBe('3e7');
    expect(formatTick(-0, 0.5)).toBe('0.0');
  });
  it('keeps neighbouring labels apart over a narrow range, in fixed notation near 1 (found by a user trial)', () => {
    expect(linearScale(1, 1 + 5e-9).labels).toEqual(['0.999999999', '1.000000000', '1.000000001', '1.000000002', '1.000000003', '1.000000004', '1.000000005']);
    expect(linearScale(0.999, 0.9999).labels).toEqual(['0.9990', '0.9992', '0.9994', '0.9996', '0.9998', '1.0000']);
  });
  it('formats general numbers briefly', () => {
    expect(formatNumber(950)).toBe('950');
    expect(formatNumber(0.98765)).toBe('0.988');
    expect(formatNumber(1.5e-6)).toBe('1.5e-6');
    expect(formatNumber(NaN)).toBe('NaN');
  });
  it('labels log scales as plain numbers', () => {
    expect(logScale(0.08, 2.4).labels).toEqual(['0.1', '0.2', '0.5', '1', '2']);
  });
});
