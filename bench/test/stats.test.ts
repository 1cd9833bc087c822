import { describe, expect, it } from 'vitest';
import { median, quantile, spread, summarize } from '../src/stats.js';

describe('stats', () => {
  it('median of odd and even counts, unsorted input left untouched', () => {
    const s = [5, 1, 3];
    expect(median(s)).toBe(3);
    expect(s).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('quantiles interpolate linearly, like numpy', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75);
    expect(quantile([10, 0], 0)).toBe(0);
    expect(quantile([10, 0], 1)).toBe(10);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('the median ignores one preempted repetition', () => {
    const s = summarize([10, 11, 10.5, 250, 10.2]);
    expect(s.median).toBe(10.5);
    expect(s.max).toBe(250);
    expect(s.min).toBe(10);
    expect(s.n).toBe(5);
    expect(spread(s)).toBeLessThan(0.1);
  });

  it('refuses empty or non-finite samples', () => {
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => summarize([1, NaN])).toThrow(/finite/);
  });
});
