// The sample mean and (unbiased) variance of draws, which the distribution and sampler tests
// compare with the distribution's own within a few standard errors.
import type { Tensor } from '../src/index.js';

export function sampleStats(draws: Tensor | readonly number[]): { mean: number; variance: number } {
  const xs = Array.isArray(draws) ? (draws as readonly number[]) : Array.from((draws as Tensor).dataSync() as ArrayLike<number | bigint>, Number);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) };
}
