// Order statistics of timing samples. Medians, not means: on a shared 2-core machine one
// preempted repetition can be 10x the others, and the median ignores it.

/** Linear-interpolated quantile (q in [0, 1]) of the samples, as numpy's default. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const s = [...samples].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export interface Summary {
  /** Median of the samples (the figure every table and ratio uses). */
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  /** Number of measured samples (warm-up runs excluded). */
  n: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  if (!samples.every(Number.isFinite)) throw new RangeError('summarize: samples must be finite numbers');
  return {
    median: median(samples),
    q1: quantile(samples, 0.25),
    q3: quantile(samples, 0.75),
    min: Math.min(...samples),
    max: Math.max(...samples),
    n: samples.length,
  };
}

/** Relative spread (IQR / median): a hint of how noisy a figure is. */
export const spread = (s: Summary): number => (s.median > 0 ? (s.q3 - s.q1) / s.median : 0);
