import { describe, expect, it } from 'vitest';
import { histogram, tensorflowBucketLimits } from '../src/index.js';

describe('tensorflowBucketLimits', () => {
  it('matches TensorFlow: ±1e-12 · 1.1^k up to 1e20, ±DBL_MAX and 0', () => {
    const limits = tensorflowBucketLimits();
    expect(limits.length).toBe(1551);
    expect(limits[775]).toBe(0);
    expect(limits[776]).toBe(1e-12);
    expect(limits[limits.length - 1]).toBe(Number.MAX_VALUE);
    expect(limits[0]).toBe(-Number.MAX_VALUE);
    for (let i = 1; i < limits.length; i++) expect(limits[i]).toBeGreaterThan(limits[i - 1]);
  });
});

describe('histogram', () => {
  it('counts each value in the bucket whose limit is the first above it, merging empty runs', () => {
    const h = histogram(Float64Array.of(0, 0, 1, 1, 1, -2));
    expect(h).toMatchObject({ min: -2, max: 1, num: 6, sum: 1, sumSquares: 7 });
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(6);
    // Non-empty buckets hold -2, the zeros, and the ones, each bounded by its upper limit.
    const full = h.bucket.map((c, i) => [c, h.bucketLimit[i]]).filter(([c]) => c > 0);
    expect(full.map(([c]) => c)).toEqual([1, 2, 3]);
    expect(full[0][1]).toBeGreaterThan(-2);
    expect(full[0][1]).toBeLessThan(-2 / 1.1 + 1e-9);
    expect(full[1][1]).toBe(1e-12);
    expect(full[2][1]).toBeGreaterThan(1);
    expect(full[2][1]).toBeLessThan(1.1);
    // Empty stretches collapse: no two empty buckets in a row.
    for (let i = 1; i < h.bucket.length; i++) expect(h.bucket[i] === 0 && h.bucket[i - 1] === 0).toBe(false);
  });

  it('fixed bins are equal-width over [min, max]', () => {
    const h = histogram(Float64Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 10), 5);
    expect(h.bucketLimit).toEqual([2, 4, 6, 8, 10]);
    expect(h.bucket).toEqual([2, 2, 2, 2, 2]);
  });

  it('fixed bins around a constant', () => {
    const h = histogram(Float64Array.of(3, 3, 3), 2);
    expect(h.bucketLimit).toEqual([3, 3.5]);
    expect(h.bucket).toEqual([0, 3]);
  });
});
