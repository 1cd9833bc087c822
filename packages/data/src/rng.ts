// A small seeded generator (xoshiro128**) plus a key hash, so that every random choice the data
// pipeline makes (a shuffle, a split, one sample's crop) comes from a stream named by integers
// (seed, epoch, index …). Naming streams instead of drawing from one shared generator is what
// makes results the same across runs, batch sizes, prefetch depths and worker counts: no draw
// depends on the order in which samples happen to be prepared.
import { ValueError } from '@nutshell/tensor/errors';

const TWO_32 = 4294967296;

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the state from a 64-bit value given as two 32-bit halves (via splitmix32). */
  constructor(lo: number, hi = 0) {
    let x = (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      return fmix32(x ^ hi);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // xoshiro's only bad state; unreachable from splitmix in practice, but cheap to rule out.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** The stream named by `keys` (non-negative safe integers): the same keys give the same stream. */
export function rngFor(...keys: number[]): Rng {
  let lo = 0x243f6a88;
  let hi = 0x85a308d3;
  for (const k of keys) {
    if (!Number.isSafeInteger(k) || k < 0) throw new ValueError(`rngFor: keys expected non-negative safe integers, got ${k}`);
    const kLo = k >>> 0;
    const kHi = Math.floor(k / TWO_32) >>> 0;
    lo = fmix32((lo ^ kLo) + Math.imul(hi ^ kHi, 0x9e3779b9));
    hi = fmix32((hi ^ kHi ^ 0x5bd1e995) + Math.imul(lo, 0x27d4eb2f));
  }
  return new Rng(lo, hi);
}

// Stream tags keep draws for different purposes apart even when their other keys coincide.
export const STREAM_SHUFFLE = 1;
export const STREAM_SAMPLE = 2;
export const STREAM_SPLIT = 3;
export const STREAM_SAMPLER = 4;
export const STREAM_FOLDS = 5;

/** The generator a loader hands to `dataset.get(index, rng)` for one sample of one epoch. */
export const sampleRng = (seed: number, epoch: number, index: number): Rng => rngFor(STREAM_SAMPLE, seed, epoch, index);

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
