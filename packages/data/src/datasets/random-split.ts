// Splits a dataset into non-overlapping Subsets by a seeded permutation, like PyTorch's
// random_split: lengths are counts summing to the dataset's length, or fractions summing to 1
// (floored, the remainder handed out one by one from the first split on).
import { ValueError } from '@nutshell/tensor/errors';
import { checkDataset, type Dataset } from '../dataset.js';
import { STREAM_SPLIT, permutation, rngFor } from '../rng.js';
import { Subset } from './subset.js';
import { checkOptions } from '@nutshell/tensor/options';

export interface RandomSplitOptions {
  /** Seed of the permutation (default 0): the same seed gives the same split. */
  seed?: number;
}

function countsOf(lengths: readonly number[], n: number): number[] {
  const where = 'randomSplit';
  if (!Array.isArray(lengths) || lengths.length === 0) throw new ValueError(`${where}: lengths expected a non-empty array`);
  for (const [i, l] of lengths.entries()) {
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0) throw new ValueError(`${where}: lengths[${i}] expected a non-negative number, got ${l}`);
  }
  const sum = lengths.reduce((a, b) => a + b, 0);
  const fractional = lengths.some((l) => !Number.isInteger(l)) || (sum === 1 && n !== 1);
  if (!fractional) {
    if (sum !== n) throw new ValueError(`${where}: lengths [${lengths.join(', ')}] sum to ${sum} but the dataset has ${n} samples`);
    return [...lengths];
  }
  if (Math.abs(sum - 1) > 1e-6) throw new ValueError(`${where}: fractional lengths [${lengths.join(', ')}] sum to ${sum}, expected 1`);
  const counts = lengths.map((f) => Math.floor(f * n));
  let left = n - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i]++;
  return counts;
}

export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomSplitOptions = {}): Subset<T>[] {
  checkDataset('randomSplit', dataset);
  checkOptions('randomSplit', options, ['seed']);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ValueError(`randomSplit: seed expected a non-negative integer, got ${seed}`);
  const counts = countsOf(lengths, dataset.length);
  const order = permutation(dataset.length, rngFor(STREAM_SPLIT, seed));
  const out: Subset<T>[] = [];
  let start = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, order.subarray(start, start + c)));
    start += c;
  }
  return out;
}
