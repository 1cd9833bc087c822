// Random ops cannot have PyTorch goldens (PyTorch's generator is another stream), so they are
// tested here: bits against an independent Philox4x32-10 written in TS (itself checked against
// Random123's known answers), distributions over 1e5 draws, determinism (seeds, offsets, thread
// counts), dropout's edge cases and gradient, and the creation functions' argument handling.
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyOn,
  arange,
  bernoulli,
  Device,
  dropout,
  eye,
  Generator,
  getRngState,
  initialSeed,
  linspace,
  manualSeed,
  memory,
  normal,
  ones,
  rand,
  randint,
  randintLike,
  randLike,
  randn,
  randnLike,
  scope,
  seed,
  setNumThreads,
  setRngState,
  sum,
  tensor,
  uniform,
  zeros,
  DEFAULT_SEED,
  type Tensor,
} from '../src/index.js';
// Op declarations are internal (Note [public op table]): from the op table itself.
import { bernoulliOp, dropoutOp, randintOp, randnOp, randOp } from '../src/ops/table/index.js';

// ---- an independent Philox4x32-10 (Random123's definition) ----

const M0 = 0xd2511f53n;
const M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function philoxRef(ctr: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = ctr;
  let [k0, k1] = key;
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const p0 = M0 * BigInt(c0);
    const p1 = M1 * BigInt(c2);
    const hi0 = Number(p0 >> 32n);
    const lo0 = Number(p0 & 0xffffffffn);
    const hi1 = Number(p1 >> 32n);
    const lo1 = Number(p1 & 0xffffffffn);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

/** Draws offset … offset+n−1 of seed's stream, per Note [philox]. */
function drawsRef(seedValue: number, offset: number, n: number): number[] {
  const key = [seedValue % 2 ** 32, Math.floor(seedValue / 2 ** 32)];
  const out: number[] = [];
  let cached = -1;
  let block: number[] = [];
  for (let d = offset; d < offset + n; d++) {
    const index = Math.floor(d / 4);
    if (index !== cached) {
      block = philoxRef([index % 2 ** 32, Math.floor(index / 2 ** 32), 0, 0], key);
      cached = index;
    }
    out.push(block[d % 4]);
  }
  return out;
}

const cpu = Device.of('cpu');
const values = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

function stats(xs: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i];
    min = Math.min(min, xs[i]);
    max = Math.max(max, xs[i]);
  }
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1), min, max };
}

const N = 100_000;

afterEach(() => {
  setNumThreads(1);
  manualSeed(DEFAULT_SEED);
});

describe('philox (random ops)', () => {
  it('the TS reference reproduces Random123 known answers', () => {
    const hex = (xs: number[]) => xs.map((x) => x.toString(16).padStart(8, '0')).join(' ');
    expect(hex(philoxRef([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(philoxRef([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(philoxRef([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });
});

describe('randint', () => {
  const raw = (seedValue: number, offset: number, n: number) =>
    values(applyOn(cpu, randintOp, [], { shape: [n], low: 0, high: 2 ** 32, dtype: 'int64', seed: seedValue, offset })[0]);

  it('returns the raw Philox draws for [0, 2^32): any seed, offset (aligned or not) and length', () => {
    expect(raw(0, 0, 4).map((x) => x.toString(16))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    for (const [s, offset, n] of [[0, 0, 1], [1, 3, 5], [12345, 6, 37], [2 ** 40 + 5, 1, 5000], [7, 4 * 2 ** 33 + 2, 9000]]) {
      expect(raw(s, offset, n)).toEqual(drawsRef(s, offset, n));
    }
  });

  it('stays in [low, high), covers it uniformly, and honours dtype', () => {
    const x = values(randint(-3, 7, [N]));
    const counts = new Array(10).fill(0);
    for (const v of x) counts[v + 3]++;
    // Each count ~ Binomial(1e5, 0.1): sd ≈ 95; allow 5 sd.
    for (const c of counts) expect(Math.abs(c - N / 10)).toBeLessThan(475);
    const u8 = randint(0, 256, [N], { dtype: 'uint8' });
    expect(u8.dtype).toBe('uint8');
    expect(new Set(values(u8)).size).toBe(256);
    expect(randint(5, [3]).dtype).toBe('int64');
    expect(values(randint(5, [1000])).every((v) => v >= 0 && v < 5)).toBe(true);
    const b = randint(0, 2, [1000], { dtype: 'bool' });
    expect(b.dtype).toBe('bool');
    expect(stats(values(b)).mean).toBeGreaterThan(0.4);
    const f = values(randint(-5, 5, [1000], { dtype: 'float32' }));
    expect(f.every((v) => Number.isInteger(v) && v >= -5 && v < 5)).toBe(true);
  });

  it('uses two draws per value beyond 2^32 and still covers the range', () => {
    const before = getRngState().offset;
    const x = values(randint(-(2 ** 40), 2 ** 40, [N]));
    expect(getRngState().offset - before).toBe(2 * N);
    const s = stats(x);
    expect(s.min).toBeGreaterThanOrEqual(-(2 ** 40));
    expect(s.max).toBeLessThan(2 ** 40);
    // Uniform on [-2^40, 2^40): sd of the mean = 2^40/sqrt(3)/sqrt(1e5) ≈ 2.0e9.
    expect(Math.abs(s.mean)).toBeLessThan(1e10);
    expect(s.variance / (2 ** 80 / 3)).toBeCloseTo(1, 1);
  });

  it('randintLike takes shape, dtype and device from its argument', () => {
    const like = zeros([2, 3], { dtype: 'int32' });
    const r = randintLike(like, 10);
    expect(r.shape).toEqual([2, 3]);
    expect(r.dtype).toBe('int32');
    expect(values(randintLike(like, 5, 6))).toEqual([5, 5, 5, 5, 5, 5]);
    expect(() => randintLike(3 as never, 4)).toThrowError(/randintLike: argument 'input' expected a Tensor/);
  });

  it('refuses bad ranges at the call site', () => {
    expect(() => randint(3, 3, [2])).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/randint: expected low < high, got low=3, high=3/) }));
    expect(() => randint(0, 1000, [2], { dtype: 'uint8' })).toThrowError(/randint: range \[0, 1000\) expected to lie within uint8/);
    expect(() => randint(0, 10, 5 as never)).toThrowError(/randint: shape expected/);
  });
});

describe('rand', () => {
  it('is (draw >> 8) · 2^-24, bit for bit, and low + (high − low)·u for a range', () => {
    for (const [s, offset, n] of [[3, 0, 10], [99, 5, 4099], [2 ** 52, 2 ** 40 + 1, 33]]) {
      const got = values(applyOn(cpu, randOp, [], { shape: [n], seed: s, offset })[0]);
      expect(got).toEqual(drawsRef(s, offset, n).map((x) => (x >>> 8) * 2 ** -24));
    }
    const scaled = values(applyOn(cpu, randOp, [], { shape: [50], low: -2, high: 3, seed: 1, offset: 0 })[0]);
    const want = drawsRef(1, 0, 50).map((x) => Math.fround(Math.fround((x >>> 8) * 2 ** -24 * 5) - 2)); // float ops, in order
    expect(scaled).toEqual(want);
  });

  it('is uniform on [0, 1): mean, variance and range of 1e5 draws', () => {
    const s = stats(rand([N]).dataSync() as Float32Array);
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThan(1);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(s.variance - 1 / 12)).toBeLessThan(0.002);
    const u = stats(uniform([N], -2, 6).dataSync() as Float32Array);
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(6);
    expect(Math.abs(u.mean - 2)).toBeLessThan(5 * Math.sqrt(64 / 12 / N));
    expect(Math.abs(u.variance - 64 / 12)).toBeLessThan(0.1);
  });

  it('same seed → same bits; another seed or the next call → other values', () => {
    manualSeed(42);
    const a = values(rand([1000]));
    const a2 = values(rand([1000]));
    manualSeed(42);
    expect(values(rand([1000]))).toEqual(a);
    expect(values(rand([1000]))).toEqual(a2);
    expect(a2).not.toEqual(a);
    manualSeed(43);
    expect(values(rand([1000]))).not.toEqual(a);
    expect(initialSeed()).toBe(43);
  });

  it('moves the offset by whole 4-draw blocks, and a Generator is a stream of its own', () => {
    manualSeed(7);
    rand([5]);
    expect(getRngState()).toEqual({ seed: 7, offset: 8 });
    randn([5]); // 3 pairs = 6 draws → 8
    expect(getRngState()).toEqual({ seed: 7, offset: 16 });
    rand([0]);
    expect(getRngState().offset).toBe(16);
    const state = getRngState();
    const x = values(rand([10]));
    setRngState(state);
    expect(values(rand([10]))).toEqual(x);

    const g = new Generator(7);
    const fromGen = values(rand([5], { generator: g }));
    expect(g.getState()).toEqual({ seed: 7, offset: 8 });
    expect(getRngState().offset).toBe(state.offset + 12);
    manualSeed(7);
    expect(values(rand([5]))).toEqual(fromGen);
    expect(() => rand([2], { generator: {} as never })).toThrowError(/rand: option 'generator' expected a Generator/);
  });

  it('gives the same values for any thread count', () => {
    const n = 100_003; // above the parallel grain, not a multiple of anything
    const run = (threads: number) => {
      setNumThreads(threads);
      const r = scope(() => {
        const outs = [
          applyOn(cpu, randOp, [], { shape: [n], seed: 5, offset: 1 })[0],
          applyOn(cpu, randnOp, [], { shape: [n], seed: 5, offset: 3 })[0],
          applyOn(cpu, randintOp, [], { shape: [n], low: -7, high: 100, seed: 5, offset: 2 })[0],
          applyOn(cpu, randintOp, [], { shape: [n], low: 0, high: 2 ** 45, seed: 5, offset: 2 })[0],
          applyOn(cpu, bernoulliOp, [uniform([n], 0, 1, { generator: new Generator(1) })], { seed: 5, offset: 0 })[0],
          applyOn(cpu, dropoutOp, [ones([n])], { p: 0.3, seed: 5, offset: 6 })[0],
        ];
        return outs.map((t) => values(t));
      });
      setNumThreads(1);
      return r;
    };
    const one = run(1);
    const two = run(2);
    for (let k = 0; k < one.length; k++) expect(two[k], `output ${k}`).toEqual(one[k]);
  });

  it('seeds are checked, seed() reseeds randomly, options are checked', () => {
    expect(() => manualSeed(-1)).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/manualSeed: seed expected an integer in \[0, 2\^53\), got -1/) }));
    expect(() => manualSeed(1.5)).toThrowError(/manualSeed: seed expected an integer/);
    expect(() => setRngState({ seed: 1, offset: -4 })).toThrowError(/setState: offset expected an integer/);
    const s = seed();
    expect(Number.isSafeInteger(s)).toBe(true);
    expect(initialSeed()).toBe(s);
    expect(() => rand([2], { dtype: 'int32' })).toThrowError(expect.objectContaining({ name: 'DTypeError', message: expect.stringMatching(/rand: dtype expected float32/) }));
    expect(() => rand([-1])).toThrowError(expect.objectContaining({ name: 'ShapeError', message: expect.stringMatching(/rand: shape expected/) }));
    expect(() => uniform([2], 1, 0)).toThrowError(/rand: expected finite low <= high, got low=1, high=0/);
    const t = rand([2, 2], { requiresGrad: true });
    expect(t.requiresGrad).toBe(true);
  });

  it('randLike keeps shape and device; refuses an integer template', () => {
    const r = randLike(zeros([3, 2]));
    expect(r.shape).toEqual([3, 2]);
    expect(r.dtype).toBe('float32');
    expect(() => randLike(zeros([2], { dtype: 'int64' }))).toThrowError(expect.objectContaining({ name: 'DTypeError', message: expect.stringMatching(/randLike: dtype expected float32/) }));
    expect(randLike(zeros([2], { dtype: 'int64' }), { dtype: 'float32' }).dtype).toBe('float32');
  });
});

describe('randn', () => {
  it('is Box–Muller on consecutive pairs of draws', () => {
    const offset = 3;
    const n = 9;
    const got = values(applyOn(cpu, randnOp, [], { shape: [n], mean: 1, std: 2, seed: 11, offset })[0]);
    const d = drawsRef(11, offset, 10);
    const want: number[] = [];
    for (let p = 0; p < 5; p++) {
      const r = Math.sqrt(-2 * Math.log((Math.fround(d[2 * p]) + 1) * 2 ** -32));
      const theta = 2 * Math.PI * (d[2 * p + 1] >>> 8) * 2 ** -24;
      want.push(1 + 2 * r * Math.cos(theta), 1 + 2 * r * Math.sin(theta));
    }
    for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i], 4);
  });

  it('is standard normal: moments and the one-sigma mass of 1e5 draws', () => {
    const x = randn([N]).dataSync() as Float32Array;
    const s = stats(x);
    expect(Math.abs(s.mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    let inside = 0;
    for (const v of x) if (Math.abs(v) < 1) inside++;
    expect(Math.abs(inside / N - 0.682689)).toBeLessThan(5 * Math.sqrt(0.2166 / N));
    expect(s.max).toBeLessThan(7);
    expect(s.min).toBeGreaterThan(-7);
    const m = stats(normal(3, 0.5, [N]).dataSync() as Float32Array);
    expect(Math.abs(m.mean - 3)).toBeLessThan(5 * 0.5 / Math.sqrt(N));
    expect(Math.abs(m.variance - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / N));
  });

  it('odd lengths and unaligned offsets agree with the same draws taken whole', () => {
    const whole = values(applyOn(cpu, randnOp, [], { shape: [12], seed: 4, offset: 2 })[0]);
    const part = values(applyOn(cpu, randnOp, [], { shape: [7], seed: 4, offset: 2 })[0]);
    expect(part).toEqual(whole.slice(0, 7));
    const later = values(applyOn(cpu, randnOp, [], { shape: [4], seed: 4, offset: 6 })[0]);
    expect(later).toEqual(whole.slice(4, 8));
  });

  it('randnLike and its refusals', () => {
    expect(randnLike(zeros([4, 1])).shape).toEqual([4, 1]);
    expect(() => randnLike(zeros([2], { dtype: 'uint8' }))).toThrowError(/randnLike: dtype expected float32/);
    expect(() => normal(0, -1, [2])).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/randn: std expected a finite number >= 0, got -1/) }));
  });
});

describe('bernoulli', () => {
  it('draws 1 with probability p, elementwise', () => {
    const p = tensor(new Float32Array(N).fill(0.3));
    const s = stats(bernoulli(p).dataSync() as Float32Array);
    expect(Math.abs(s.mean - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / N));
    expect(values(bernoulli(tensor([0, 1, 0, 1, 1])))).toEqual([0, 1, 0, 1, 1]);
    const got = values(applyOn(cpu, bernoulliOp, [tensor([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])], { seed: 9, offset: 1 })[0]);
    expect(got).toEqual(drawsRef(9, 1, 6).map((x) => ((x >>> 8) < 2 ** 23 ? 1 : 0)));
    expect(p.bernoulli().shape).toEqual([N]);
  });

  it('refuses probabilities outside [0, 1] (checked by the kernel: reported at the read at the latest)', () => {
    for (const bad of [[0.5, 1.5], [-0.1], [Number.NaN]]) {
      expect(() => bernoulli(tensor(bad)).dataSync()).toThrowError(/bernoulli: p expected probabilities in \[0, 1\], got/);
    }
  });
});

describe('dropout', () => {
  it('keeps about 1 − p of the elements and scales them by 1/(1 − p)', () => {
    const y = values(dropout(ones([N]), 0.3));
    const kept = y.filter((v) => v !== 0);
    expect(Math.abs(kept.length / N - 0.7)).toBeLessThan(5 * Math.sqrt(0.21 / N));
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / Math.fround(0.7))]));
    expect(Math.abs(stats(y).mean - 1)).toBeLessThan(0.02);
  });

  it('uses the Philox stream: mask = (draw >> 8) < ceil((1 − p)·2^24)', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const got = values(applyOn(cpu, dropoutOp, [x], { p: 0.25, seed: 31, offset: 5 })[0]);
    const want = drawsRef(31, 5, 10).map((d, i) => ((d >>> 8) < Math.ceil(0.75 * 2 ** 24) ? Math.fround((i + 1) * Math.fround(1 / 0.75)) : 0));
    expect(got).toEqual(want);
  });

  it('backward multiplies by the saved mask and scale', () => {
    manualSeed(3);
    const x = tensor(Array.from({ length: 1000 }, (_, i) => 1 + (i % 7)), { requiresGrad: true });
    const y = dropout(x, 0.4);
    const g = tensor(Array.from({ length: 1000 }, (_, i) => (i % 5) - 2));
    sum(y.mul(g)).backward();
    const ys = values(y);
    const xs = values(x);
    const gs = values(g);
    const grad = values(x.grad!);
    const scale = Math.fround(1 / Math.fround(0.6));
    for (let i = 0; i < 1000; i++) {
      const kept = ys[i] !== 0;
      expect(grad[i] + 0).toBe(kept ? Math.fround(gs[i] * scale) + 0 : 0); // + 0: −0 and 0 alike
      if (kept) expect(ys[i]).toBe(Math.fround(xs[i] * scale));
    }
  });

  it('p = 0 and eval mode return the input and draw nothing; p = 1 gives x · 0', () => {
    const x = tensor([1, Number.NaN, -2], { requiresGrad: true });
    const before = getRngState();
    expect(dropout(x, 0)).toBe(x);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(getRngState()).toEqual(before);
    const y = dropout(x, 1);
    expect(values(y)).toEqual([0, Number.NaN, -0]); // x · 0, signs and NaN included
    y.sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 0]);
    expect(values(dropout(zeros([0, 3]), 0.5))).toEqual([]);
  });

  it('refuses p outside [0, 1], in training and in eval', () => {
    for (const [p, training] of [[1.5, true], [-0.1, true], [2, false], [Number.NaN, true]] as const) {
      expect(() => dropout(ones([2]), p, training)).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/dropout: p expected a probability in \[0, 1\], got/) }));
    }
    expect(() => dropout(tensor([1, 2], { dtype: 'int32' }), 0.5)).toThrowError(expect.objectContaining({ name: 'DTypeError', message: expect.stringMatching(/dropout: argument 'input' expected dtype float32, got int32/) }));
    expect(() => dropout(5 as never, 0.5, false)).toThrowError(/dropout: argument 'input' expected a Tensor/);
  });

  it('leaks nothing over forward and backward', () => {
    const w = tensor([0.5, -1, 2, 3], { requiresGrad: true });
    const step = () =>
      scope(() => {
        sum(dropout(w, 0.5)).backward();
        w.grad!.dispose();
        w.grad = null;
      });
    step();
    const base = memory();
    for (let i = 0; i < 50; i++) step();
    expect(memory().liveTensors).toBe(base.liveTensors);
    expect(memory().liveBytes).toBe(base.liveBytes);
  });
});

describe('arange', () => {
  it('infers int64 from integer arguments, float32 otherwise, like PyTorch', () => {
    const a = arange(5);
    expect(a.dtype).toBe('int64');
    expect(values(a)).toEqual([0, 1, 2, 3, 4]);
    expect(values(arange(2, 11, 3))).toEqual([2, 5, 8]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expect(values(f)).toEqual([0, 0.25, 0.5, 0.75]);
    const g = arange(1, 4, { dtype: 'float32' });
    expect(g.dtype).toBe('float32');
    expect(values(g)).toEqual([1, 2, 3]);
    expect(values(arange(3, { dtype: 'int32' }))).toEqual([0, 1, 2]);
    expect(values(arange(10, 0, -3))).toEqual([10, 7, 4, 1]);
    expect(arange(3, { requiresGrad: true, dtype: 'float32' }).requiresGrad).toBe(true);
  });

  it('refuses zero steps, wrong directions and non-numbers', () => {
    expect(() => arange(0, 3, 0)).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/arange: step expected a nonzero number, got 0/) }));
    expect(() => arange(3, 0)).toThrowError(/arange: end expected to lie on the side of start that step 1 points to/);
    expect(() => arange(Number.NaN)).toThrowError(/arange: end expected a number, got NaN/);
    expect(() => arange(3, { dtype: 'bool' })).toThrowError(/arange: option 'dtype' expected one of/);
  });
});

describe('linspace', () => {
  it('includes both ends; steps 0 and 1', () => {
    expect(values(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(values(linspace(-3, 3, 1))).toEqual([-3]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    const i = linspace(0, 10, 4, { dtype: 'int64' });
    expect(i.dtype).toBe('int64');
    expect(values(i)).toEqual([0, 3, 6, 10]);
    expect(() => linspace(0, 1, -2)).toThrowError(/linspace: steps expected a non-negative integer, got -2/);
  });
});

describe('eye', () => {
  it('square by default, rectangular on request, any dtype', () => {
    expect(eye(2).arraySync()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const b = eye(3, { dtype: 'bool' });
    expect(b.dtype).toBe('bool');
    expect(b.shape).toEqual([3, 3]);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(() => eye(-1)).toThrowError(expect.objectContaining({ name: 'ValueError', message: expect.stringMatching(/eye: n expected a non-negative integer, got -1/) }));
  });
});
