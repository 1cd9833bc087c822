import type { HistogramData } from './messages.js';
import { TensorBoardError } from './errors.js';

/** 'tensorflow': TensorFlow's fixed exponential buckets; a number: that many equal-width bins. */
export type Bins = 'tensorflow' | number;

let defaultLimits: Float64Array | undefined;

/**
 * TensorFlow's default bucket edges (core/lib/histogram/histogram.cc): ±1e-12 growing by 10%
 * per bucket up to ±1e20, then ±DBL_MAX, and 0 in the middle — 1551 edges (torch drops the
 * ±DBL_MAX pair and has 1549; values that large are no less countable). The same edges for
 * every step make histograms of one tag comparable over time, and the 10% growth keeps relative
 * resolution equal from tiny gradients to large activations.
 */
export function tensorflowBucketLimits(): Float64Array {
  if (defaultLimits) return defaultLimits;
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  pos.push(Number.MAX_VALUE);
  defaultLimits = Float64Array.from([...pos.map((v) => -v).reverse(), 0, ...pos]);
  return defaultLimits;
}

/**
 * Summarises finite values into a HistogramProto's fields. Bucket i counts values in
 * [limit[i-1], limit[i]); runs of empty buckets are merged into their last one, as
 * TensorFlow's EncodeToProto(preserve_zero_buckets=false) does, so a file holds dozens of
 * buckets rather than 1549.
 */
export function histogram(values: Float64Array, bins: Bins = 'tensorflow', where = 'histogram'): HistogramData {
  if (values.length === 0) throw new TensorBoardError(`${where}: values is empty`);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  let nonFinite = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  // TensorFlow refuses these too ("Nan in summary histogram"); a silent drop would hide the
  // moment a run diverged.
  if (nonFinite > 0) throw new TensorBoardError(`${where}: ${nonFinite} of ${values.length} values are NaN or infinite`);
  const stats = { min, max, num: values.length, sum, sumSquares };
  if (bins === 'tensorflow') return { ...stats, ...tensorflowBuckets(values) };
  if (!Number.isInteger(bins) || bins < 1) throw new TensorBoardError(`${where}: bins must be 'tensorflow' or a positive integer, got ${bins}`);
  return { ...stats, ...fixedBuckets(values, min, max, bins) };
}

function tensorflowBuckets(values: Float64Array): { bucketLimit: number[]; bucket: number[] } {
  const limits = tensorflowBucketLimits();
  const counts = new Float64Array(limits.length);
  for (const v of values) counts[Math.min(limits.length - 1, upperBound(limits, v))]++;
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i];
    const count = counts[i];
    i++;
    if (count <= 0) {
      while (i < counts.length && counts[i] <= 0) end = limits[i++];
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { bucketLimit, bucket };
}

/** Equal-width bins over [min, max] (over [v-0.5, v+0.5] when all values are v, as numpy does). */
function fixedBuckets(values: Float64Array, min: number, max: number, bins: number): { bucketLimit: number[]; bucket: number[] } {
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  const width = (hi - lo) / bins;
  const bucket = new Array<number>(bins).fill(0);
  for (const v of values) bucket[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  const bucketLimit = Array.from({ length: bins }, (_, i) => (i === bins - 1 ? hi : lo + (i + 1) * width));
  return { bucketLimit, bucket };
}

/** Index of the first limit greater than v (C++ std::upper_bound). */
function upperBound(limits: Float64Array, v: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
