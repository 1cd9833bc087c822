// Samplers choose which sample indices an epoch visits, and in what order (PyTorch's
// torch.utils.data samplers): DataLoader({ sampler }) batches them in the order given. Each draws
// from the rng the loader hands it — the stream named by (seed, epoch) — so a seed gives the same
// epochs on every run, with or without workers.
import { ValueError } from '@nutshell/tensor/errors';
import { type Rng, permutation } from './rng.js';

export interface Sampler {
  /** Indices per epoch (the loader's length is this over the batch size). */
  readonly length: number;
  /** One epoch's indices, drawn from `rng`. */
  indices(rng: Rng, epoch: number): ArrayLike<number>;
}

function count(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValueError(`${where}: ${name} expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function indexList(where: string, indices: ArrayLike<number>): Int32Array {
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
    throw new ValueError(`${where}: indices expected an array of sample indices, got ${indices === null ? 'null' : typeof indices}`);
  }
  const out = Int32Array.from(indices);
  for (let i = 0; i < indices.length; i++) {
    if (!Number.isInteger(indices[i]) || indices[i] < 0) throw new ValueError(`${where}: indices[${i}] expected a non-negative integer, got ${indices[i]}`);
  }
  return out;
}

/** 0, 1, …, length − 1, every epoch. */
export class SequentialSampler implements Sampler {
  readonly length: number;
  constructor(length: number) {
    this.length = count('SequentialSampler', 'length', length, 0);
  }
  indices(): Int32Array {
    return Int32Array.from({ length: this.length }, (_, i) => i);
  }
}

/**
 * A random order of 0 … size − 1 each epoch; with `replacement`, `numSamples` independent uniform
 * draws (torch's RandomSampler).
 */
export class RandomSampler implements Sampler {
  readonly length: number;
  readonly replacement: boolean;
  constructor(readonly size: number, options: { replacement?: boolean; numSamples?: number } = {}) {
    count('RandomSampler', 'size', size, 0);
    for (const key of Object.keys(options)) if (key !== 'replacement' && key !== 'numSamples') throw new ValueError(`RandomSampler: unknown option '${key}' (it takes 'replacement', 'numSamples')`);
    this.replacement = Boolean(options.replacement);
    this.length = count('RandomSampler', 'numSamples', options.numSamples ?? size, 0);
    if (!this.replacement && this.length > size) throw new ValueError(`RandomSampler: numSamples ${this.length} exceeds the ${size} samples there are to draw without replacement`);
  }
  indices(rng: Rng): Int32Array {
    if (this.replacement) return Int32Array.from({ length: this.length }, () => rng.int(this.size));
    return permutation(this.size, rng).subarray(0, this.length);
  }
}

/** The given indices in a new random order each epoch (torch's SubsetRandomSampler). */
export class SubsetRandomSampler implements Sampler {
  private readonly subset: Int32Array;
  constructor(indices: ArrayLike<number>) {
    this.subset = indexList('SubsetRandomSampler', indices);
  }
  get length(): number {
    return this.subset.length;
  }
  indices(rng: Rng): Int32Array {
    const order = permutation(this.subset.length, rng);
    return order.map((i) => this.subset[i]);
  }
}

/**
 * `numSamples` indices drawn with probability proportional to `weights` (torch's
 * WeightedRandomSampler): rebalancing classes, say, by giving each sample 1 / its class count.
 * With replacement (the default) each draw is independent; without, an index is drawn at most
 * once (Efraimidis–Spirakis: the largest u^(1/w)).
 */
export class WeightedRandomSampler implements Sampler {
  readonly length: number;
  readonly replacement: boolean;
  private readonly weights: Float64Array;
  private readonly cumulative: Float64Array;

  constructor(weights: ArrayLike<number>, numSamples: number, options: { replacement?: boolean } = {}) {
    const where = 'WeightedRandomSampler';
    for (const key of Object.keys(options)) if (key !== 'replacement') throw new ValueError(`${where}: unknown option '${key}' (it takes 'replacement')`);
    if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number') throw new ValueError(`${where}: weights expected an array of numbers, got ${weights === null ? 'null' : typeof weights}`);
    this.weights = Float64Array.from(weights);
    this.weights.forEach((w, i) => {
      if (!(w >= 0 && Number.isFinite(w))) throw new ValueError(`${where}: weights[${i}] expected a finite number >= 0, got ${w}`);
    });
    this.cumulative = new Float64Array(this.weights.length);
    let total = 0;
    this.weights.forEach((w, i) => (this.cumulative[i] = total += w));
    if (!(total > 0)) throw new ValueError(`${where}: weights expected at least one positive weight`);
    this.length = count(where, 'numSamples', numSamples, 0);
    this.replacement = options.replacement ?? true;
    const positive = this.weights.filter((w) => w > 0).length;
    if (!this.replacement && this.length > positive) throw new ValueError(`${where}: numSamples ${this.length} exceeds the ${positive} samples of positive weight to draw without replacement`);
  }

  indices(rng: Rng): Int32Array {
    const out = new Int32Array(this.length);
    const n = this.weights.length;
    if (this.replacement) {
      const total = this.cumulative[n - 1];
      for (let k = 0; k < out.length; k++) {
        const u = rng.float() * total;
        let lo = 0, hi = n - 1; // the first index whose cumulative weight exceeds u
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.cumulative[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        out[k] = lo;
      }
      return out;
    }
    const keys = Array.from(this.weights, (w, i) => ({ i, key: w > 0 ? Math.log(rng.float() || Number.MIN_VALUE) / w : -Infinity }));
    keys.sort((a, b) => b.key - a.key);
    for (let k = 0; k < out.length; k++) out[k] = keys[k].i;
    return out;
  }
}

/** Checks a sampler given to a loader: the interface, and its indices against the dataset (when drawn). */
export function checkSampler(where: string, sampler: unknown): Sampler {
  const s = sampler as Sampler | null;
  if (s === null || typeof s !== 'object' || typeof s.indices !== 'function' || typeof s.length !== 'number') {
    throw new ValueError(`${where}: sampler expected an object with length and indices(rng, epoch) (a RandomSampler, WeightedRandomSampler …), got ${sampler === null ? 'null' : typeof sampler}`);
  }
  return s;
}
