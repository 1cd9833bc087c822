// Cross-validation folds, like scikit-learn's KFold and StratifiedKFold: index arrays of
// (train, validation) per fold, for Subset or indexSelect. With shuffle the order comes from a
// seeded permutation (the same seed, the same folds); stratified folds deal each class's indices
// round the folds in turn, so every fold has each class in about its share.
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import { STREAM_FOLDS, permutation, rngFor } from '../rng.js';

export interface KFoldOptions {
  /** Shuffle before splitting (default false: consecutive blocks, as scikit-learn's). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

export interface Fold {
  /** Indices of the samples to train on, ascending. */
  train: Int32Array;
  /** Indices of the fold held out, ascending. */
  validation: Int32Array;
}

function checkArgs(fn: string, n: number, k: number, options: KFoldOptions): { shuffle: boolean; seed: number } {
  checkOptions(fn, options, ['shuffle', 'seed'], { n_splits: 'k', random_state: 'seed' });
  if (!Number.isInteger(k) || k < 2) throw new ValueError(`${fn}: k expected an integer >= 2, got ${String(k)}`);
  if (k > n) throw new ValueError(`${fn}: k = ${k} folds need at least ${k} samples, got ${n}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ValueError(`${fn}: seed expected a non-negative integer, got ${String(seed)}`);
  if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') throw new ValueError(`${fn}: option 'shuffle' expected a boolean, got ${typeof options.shuffle}`);
  return { shuffle: options.shuffle ?? false, seed };
}

/** The folds from each sample's fold number. */
function foldsOf(foldOf: Int32Array, k: number): Fold[] {
  return Array.from({ length: k }, (_, f) => {
    const validation: number[] = [];
    const train: number[] = [];
    foldOf.forEach((g, i) => (g === f ? validation : train).push(i));
    return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
  });
}

/** k folds of n samples: fold f holds out the f-th of k nearly equal blocks (the first n mod k one larger). */
export function kFold(n: number, k: number, options: KFoldOptions = {}): Fold[] {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`kFold: n expected the number of samples (an integer >= 0), got ${String(n)}`);
  const { shuffle, seed } = checkArgs('kFold', n, k, options);
  const order = shuffle ? permutation(n, rngFor(STREAM_FOLDS, seed)) : Int32Array.from({ length: n }, (_, i) => i);
  const foldOf = new Int32Array(n);
  let at = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = 0; j < size; j++) foldOf[order[at++]] = f;
  }
  return foldsOf(foldOf, k);
}

/**
 * k folds that keep each class's share: the samples of each label (in order, or shuffled) are
 * dealt to the folds in turn, continuing where the previous class stopped so fold sizes stay
 * within one of each other. `labels` are class ids (numbers or bigints, from `await y.data()`).
 */
export function stratifiedKFold(labels: ArrayLike<number | bigint>, k: number, options: KFoldOptions = {}): Fold[] {
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<unknown>).length !== 'number' || (labels as { isTensor?: boolean }).isTensor) {
    const got = (labels as { isTensor?: boolean } | null)?.isTensor ? 'a tensor (await labels.data() gives its values)' : labels === null ? 'null' : typeof labels;
    throw new ValueError(`stratifiedKFold: labels expected an array of class ids, got ${got}`);
  }
  const n = labels.length;
  const { shuffle, seed } = checkArgs('stratifiedKFold', n, k, options);
  const order = shuffle ? permutation(n, rngFor(STREAM_FOLDS, seed)) : Int32Array.from({ length: n }, (_, i) => i);
  const byClass = new Map<string, number[]>();
  for (const i of order) {
    const key = String(labels[i]);
    let list = byClass.get(key);
    if (!list) byClass.set(key, (list = []));
    list.push(i);
  }
  const smallest = Math.min(...[...byClass.values()].map((l) => l.length));
  if (smallest < k) {
    process.emitWarning(`stratifiedKFold: the smallest class has ${smallest} samples, fewer than k = ${k}: some folds have none of it (scikit-learn warns too)`, { code: 'NUTSHELL_FEW_SAMPLES_PER_CLASS' });
  }
  const foldOf = new Int32Array(n);
  let next = 0;
  const classes = [...byClass.keys()].sort((a, b) => (Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : a < b ? -1 : 1));
  for (const c of classes) for (const i of byClass.get(c)!) foldOf[i] = next++ % k;
  return foldsOf(foldOf, k);
}
