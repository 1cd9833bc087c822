// Random numbers and dropout. Note [philox] (native/src/core/philox.h): one counter-based
// generator, Philox4x32-10. A Generator is just (seed, offset); every random op receives both as
// attributes, uses the 32-bit draws offset … offset+n−1, and the generator then moves its offset
// past them (rounded up to whole 4-draw blocks). A value depends only on the seed and its draw
// index, so the same seed gives the same numbers on every run, thread count and backend.
//
// The default generator starts from PyTorch's default seed, 67280421310721: programs are
// reproducible unless they ask otherwise (`seed()` reseeds from the OS's entropy). PyTorch's own
// generator differs (Mersenne Twister on cpu), so values never match PyTorch's for a seed; only
// the distributions do.
import { Device, getDefaultDevice } from '../../device.js';
import { checkDType, type DType } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkShape, numelOf, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply, applyOn } from '../apply.js';
import { defineOp, FLOAT } from '../declare.js';
import { createOptions, type CreateOptions } from './creation.js';

// ---------------------------------------------------------------------------------------------
// Generator state

/** PyTorch's default seed (`torch.initial_seed()` in a fresh process). */
export const DEFAULT_SEED = 67280421310721;
const MAX_SEED = 2 ** 53; // seeds and offsets travel as doubles

export interface RngState {
  seed: number;
  offset: number;
}

function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new ValueError(`${where}: seed expected an integer in [0, 2^53), got ${typeof seed === 'number' ? seed : typeof seed}`);
  }
  return seed;
}

/** Reserved for one op: the draws it may use start at `offset`. */
function checkOffset(offset: unknown, where: string): number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ValueError(`${where}: offset expected an integer in [0, 2^53), got ${typeof offset === 'number' ? offset : typeof offset}`);
  }
  return offset;
}

/** A Philox stream: (seed, offset). Ops take their draws from it and move the offset on. */
export class Generator {
  private _seed: number;
  private _offset = 0;

  constructor(seed: number = DEFAULT_SEED) {
    this._seed = checkSeed(seed, 'Generator');
  }

  /** Restarts the stream at `seed` (offset 0). */
  manualSeed(seed: number): this {
    this._seed = checkSeed(seed, 'manualSeed');
    this._offset = 0;
    return this;
  }

  /** Reseeds from the OS's entropy and returns the new seed. */
  seed(): number {
    const words = crypto.getRandomValues(new Uint32Array(2));
    const s = (words[0] & 0x1fffff) * 2 ** 32 + words[1];
    this.manualSeed(s);
    return s;
  }

  initialSeed(): number {
    return this._seed;
  }

  getState(): RngState {
    return { seed: this._seed, offset: this._offset };
  }

  setState(state: RngState): void {
    const seed = checkSeed(state?.seed, 'setState');
    this._offset = checkOffset(state?.offset, 'setState');
    this._seed = seed;
  }

  /**
   * Runs `fn` with the current (seed, offset) and, if it returns, moves past `draws` draws rounded
   * up to whole Philox blocks (so every op starts on a block, which suits GPU kernels).
   */
  use<T>(draws: number, fn: (seed: number, offset: number) => T): T {
    const out = fn(this._seed, this._offset);
    const next = this._offset + Math.ceil(draws / 4) * 4;
    if (!Number.isSafeInteger(next)) throw new ValueError(`Generator: offset ${next} passed 2^53 draws; reseed with manualSeed`);
    this._offset = next;
    return out;
  }
}

/** The generator random ops use unless given `{generator}`; shared by every device. */
export const defaultGenerator = new Generator();

/** Seeds the default generator (and restarts its stream); returns it, like torch.manual_seed. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
/** Reseeds the default generator non-deterministically; returns the seed. */
export function seed(): number {
  return defaultGenerator.seed();
}
/** The seed the default generator was last seeded with. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}
export function getRngState(): RngState {
  return defaultGenerator.getState();
}
export function setRngState(state: RngState): void {
  defaultGenerator.setState(state);
}

// ---------------------------------------------------------------------------------------------
// Declarations

/** @internal The attributes every random op has. */
export type Seeded = { seed: number; offset: number };

/** @internal */
export const seededAttrs = { seed: { kind: 'int' }, offset: { kind: 'int' } } as const;

/** @internal Checks the attributes every random op has. */
export function checkSeeded(op: string, a: Seeded): void {
  checkSeed(a.seed, op);
  checkOffset(a.offset, op);
}

/** @internal */
export const NO_GOLDEN = 'our Philox stream differs from PyTorch’s generator, so values cannot match; test/random.test.ts checks distributions, bits against a reference Philox, and determinism';

const creationShapes = [
  { name: 'matrix', shape: [3, 4] },
  { name: 'scalar', shape: [] },
  { name: 'size-one', shape: [1, 1] },
  { name: 'empty', shape: [0, 5] },
];

export const randOp = defineOp<{ shape: readonly number[]; low: number; high: number } & Seeded>({
  name: 'rand',
  inputs: [],
  attrs: { shape: { kind: 'ints' }, low: { kind: 'float', default: 0 }, high: { kind: 'float', default: 1 }, ...seededAttrs },
  outputs: (_, a) => {
    checkSeeded('rand', a);
    if (!Number.isFinite(a.low) || !Number.isFinite(a.high) || a.low > a.high) {
      throw new ValueError(`rand: expected finite low <= high, got low=${a.low}, high=${a.high}`);
    }
    return [{ shape: checkShape('rand', [...a.shape]), dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: NO_GOLDEN,
    samples: [
      ...creationShapes.map((s, i) => ({ name: s.name, inputs: [], attrs: { shape: s.shape, seed: 1 + i, offset: 0 } })),
      { name: 'range-unaligned', inputs: [], attrs: { shape: [7], low: -2, high: 3, seed: 5, offset: 3 } },
    ],
    bad: [
      { name: 'low above high', inputs: [], attrs: { shape: [2], low: 1, high: 0, seed: 0, offset: 0 }, error: 'ValueError', message: /rand: expected finite low <= high, got low=1, high=0/ },
      { name: 'negative seed', inputs: [], attrs: { shape: [2], seed: -1, offset: 0 }, error: 'ValueError', message: /rand: seed expected an integer in \[0, 2\^53\), got -1/ },
      { name: 'negative offset', inputs: [], attrs: { shape: [2], seed: 0, offset: -4 }, error: 'ValueError', message: /rand: offset expected an integer in \[0, 2\^53\), got -4/ },
      { name: 'negative size', inputs: [], attrs: { shape: [2, -1], seed: 0, offset: 0 }, error: 'ShapeError', message: /rand: shape expected an array of non-negative integers, got \[2,-1\]/ },
    ],
  },
});

export const randnOp = defineOp<{ shape: readonly number[]; mean: number; std: number } & Seeded>({
  name: 'randn',
  inputs: [],
  attrs: { shape: { kind: 'ints' }, mean: { kind: 'float', default: 0 }, std: { kind: 'float', default: 1 }, ...seededAttrs },
  outputs: (_, a) => {
    checkSeeded('randn', a);
    if (!(a.std >= 0) || !Number.isFinite(a.std)) throw new ValueError(`randn: std expected a finite number >= 0, got ${a.std}`);
    return [{ shape: checkShape('randn', [...a.shape]), dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: NO_GOLDEN,
    samples: [
      ...creationShapes.map((s, i) => ({ name: s.name, inputs: [], attrs: { shape: s.shape, seed: 11 + i, offset: 0 } })),
      { name: 'odd-unaligned', inputs: [], attrs: { shape: [5], mean: 3, std: 0.5, seed: 5, offset: 1 } },
    ],
    bad: [
      { name: 'negative std', inputs: [], attrs: { shape: [2], std: -1, seed: 0, offset: 0 }, error: 'ValueError', message: /randn: std expected a finite number >= 0, got -1/ },
      { name: 'negative seed', inputs: [], attrs: { shape: [2], seed: -3, offset: 0 }, error: 'ValueError', message: /randn: seed expected an integer in \[0, 2\^53\), got -3/ },
    ],
  },
});

const INT_RANGES: Record<DType, [number, number]> = {
  float32: [-(2 ** 24), 2 ** 24],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 53), 2 ** 53],
  uint8: [0, 255],
  bool: [0, 1],
};

/** 32-bit draws randint uses per element: one, or two when high − low exceeds 2^32. */
export const randintDrawsPerElement = (low: number, high: number): number => (high - low > 2 ** 32 ? 2 : 1);

export const randintOp = defineOp<{ shape: readonly number[]; low: number; high: number; dtype: string } & Seeded>({
  name: 'randint',
  inputs: [],
  attrs: {
    shape: { kind: 'ints' },
    low: { kind: 'int', default: 0 },
    high: { kind: 'int' },
    dtype: { kind: ['float32', 'int32', 'int64', 'uint8', 'bool'], default: 'int64' },
    ...seededAttrs,
  },
  outputs: (_, a) => {
    checkSeeded('randint', a);
    if (!(a.low < a.high)) throw new ValueError(`randint: expected low < high, got low=${a.low}, high=${a.high}`);
    const [min, max] = INT_RANGES[a.dtype as DType];
    if (a.low < min || a.high - 1 > max) {
      throw new ValueError(`randint: range [${a.low}, ${a.high}) expected to lie within ${a.dtype}'s [${min}, ${max}]`);
    }
    return [{ shape: checkShape('randint', [...a.shape]), dtype: a.dtype as DType }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: NO_GOLDEN,
    samples: [
      ...creationShapes.map((s, i) => ({ name: s.name, inputs: [], attrs: { shape: s.shape, low: -3, high: 10, seed: 21 + i, offset: 0 } })),
      { name: 'uint8', inputs: [], attrs: { shape: [6], low: 0, high: 256, dtype: 'uint8', seed: 2, offset: 0 } },
      { name: 'wide-int64', inputs: [], attrs: { shape: [6], low: -(2 ** 40), high: 2 ** 40, seed: 3, offset: 2 } },
      { name: 'bool', inputs: [], attrs: { shape: [3], high: 2, dtype: 'bool', seed: 4, offset: 0 } },
      { name: 'float32', inputs: [], attrs: { shape: [3], low: -5, high: 5, dtype: 'float32', seed: 4, offset: 0 } },
    ],
    bad: [
      { name: 'empty range', inputs: [], attrs: { shape: [2], low: 3, high: 3, seed: 0, offset: 0 }, error: 'ValueError', message: /randint: expected low < high, got low=3, high=3/ },
      { name: 'range outside dtype', inputs: [], attrs: { shape: [2], low: 0, high: 300, dtype: 'uint8', seed: 0, offset: 0 }, error: 'ValueError', message: /randint: range \[0, 300\) expected to lie within uint8's \[0, 255\]/ },
      { name: 'negative uint8', inputs: [], attrs: { shape: [2], low: -1, high: 3, dtype: 'uint8', seed: 0, offset: 0 }, error: 'ValueError', message: /randint: range \[-1, 3\) expected to lie within uint8/ },
      { name: 'fractional high', inputs: [], attrs: { shape: [2], high: 2.5, seed: 0, offset: 0 }, error: 'ValueError', message: /randint: option 'high' expected an integer, got number 2.5/ },
    ],
  },
});

export const bernoulliOp = defineOp<Seeded>({
  name: 'bernoulli',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: { ...seededAttrs },
  outputs: ([p], a) => {
    checkSeeded('bernoulli', a);
    return [{ shape: [...p.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: NO_GOLDEN,
    samples: [
      { name: 'matrix', inputs: [{ shape: [2, 4], fill: [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 0.5] }], attrs: { seed: 1, offset: 0 } },
      { name: 'scalar', inputs: [{ shape: [], fill: [0.5] }], attrs: { seed: 2, offset: 1 } },
      { name: 'empty', inputs: [{ shape: [0, 3], fill: [] }], attrs: { seed: 3, offset: 0 } },
    ],
    bad: [
      { name: 'negative seed', inputs: [{ shape: [2], fill: [0.5, 0.5] }], attrs: { seed: -1, offset: 0 }, error: 'ValueError', message: /bernoulli: seed expected an integer/ },
    ],
  },
});

function checkP(op: string, p: number): number {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`${op}: p expected a probability in [0, 1], got ${p}`);
  return p;
}

/** The factor dropout's survivors are scaled by (0 when everything is dropped). */
export const dropoutScale = (p: number): number => (p === 1 ? 0 : 1 / (1 - p));

export const dropoutBackwardOp = defineOp<{ scale: number }>({
  name: 'dropoutBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'mask', dtypes: ['bool'], differentiable: false }],
  attrs: { scale: { kind: 'float' } },
  outputs: ([g, mask]) => {
    if (!sameShape(g.shape, mask.shape)) {
      throw new ShapeError(`dropoutBackward: mask shape ${fmtShape(mask.shape)} does not match grad shape ${fmtShape(g.shape)}`);
    }
    return [{ shape: [...g.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  // Linear in grad: its gradient is the same masking again.
  grad: ({ grads: [gg], inputs: [, mask], attrs }) => [dropoutBackward(gg!, mask!, attrs.scale), null],
  test: {
    torch: 'dropoutBackward',
    samples: [
      { name: 'matrix', inputs: [{ shape: [3, 4] }, { shape: [3, 4], dtype: 'bool', fill: 'int:0:2' }], attrs: { scale: 2 } },
      { name: 'vector', inputs: [{ shape: [5] }, { shape: [5], dtype: 'bool', fill: 'int:0:2' }], attrs: { scale: 1.25 } },
      { name: 'all-dropped', inputs: [{ shape: [2, 2] }, { shape: [2, 2], dtype: 'bool', fill: [0, 0, 0, 0] }], attrs: { scale: 0 } },
      { name: 'size-one', inputs: [{ shape: [1, 1] }, { shape: [1, 1], dtype: 'bool', fill: [1] }], attrs: { scale: 1 } },
      { name: 'empty', inputs: [{ shape: [0, 2] }, { shape: [0, 2], dtype: 'bool', fill: [] }], attrs: { scale: 2 } },
    ],
    bad: [
      { name: 'mask shape', inputs: [{ shape: [2, 3] }, { shape: [3, 2], dtype: 'bool', fill: 'int:0:2' }], attrs: { scale: 2 }, error: 'ShapeError', message: /dropoutBackward: mask shape \[3,2\] does not match grad shape \[2,3\]/ },
      { name: 'mask dtype', inputs: [{ shape: [2] }, { shape: [2] }], attrs: { scale: 2 }, error: 'DTypeError', message: /dropoutBackward: argument 'mask' expected dtype bool, got float32/ },
    ],
  },
});

/** grad · mask · scale: dropout's backward (PyTorch's native_dropout_backward). */
export function dropoutBackward(grad: Tensor, mask: Tensor, scale: number): Tensor {
  return apply(dropoutBackwardOp, [grad, mask], { scale })[0];
}

export const dropoutOp = defineOp<{ p: number } & Seeded>({
  name: 'dropout',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: { p: { kind: 'float' }, ...seededAttrs },
  outputs: ([x], a) => {
    checkSeeded('dropout', a);
    checkP('dropout', a.p);
    // The mask is a hidden output: saved for backward, never shown.
    return [{ shape: [...x.shape], dtype: 'float32' }, { shape: [...x.shape], dtype: 'bool' }];
  },
  visibleOutputs: 1,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [1] },
  grad: ({ grads: [g], outputs: [, mask], attrs }) => [dropoutBackward(g!, mask!, dropoutScale(attrs.p))],
  test: {
    noGolden: NO_GOLDEN,
    samples: [
      { name: 'matrix', inputs: [{ shape: [4, 5] }], attrs: { p: 0.5, seed: 1, offset: 0 } },
      { name: 'rank3-p0.2', inputs: [{ shape: [2, 3, 4] }], attrs: { p: 0.2, seed: 2, offset: 6 } },
      { name: 'p0', inputs: [{ shape: [3, 2] }], attrs: { p: 0, seed: 3, offset: 0 } },
      { name: 'p1', inputs: [{ shape: [3, 2] }], attrs: { p: 1, seed: 3, offset: 0 } },
      { name: 'size-one', inputs: [{ shape: [1] }], attrs: { p: 0.5, seed: 4, offset: 0 } },
      { name: 'empty', inputs: [{ shape: [0, 3] }], attrs: { p: 0.5, seed: 5, offset: 0 } },
    ],
    bad: [
      { name: 'p above 1', inputs: [{ shape: [2] }], attrs: { p: 1.5, seed: 0, offset: 0 }, error: 'ValueError', message: /dropout: p expected a probability in \[0, 1\], got 1.5/ },
      { name: 'negative p', inputs: [{ shape: [2] }], attrs: { p: -0.1, seed: 0, offset: 0 }, error: 'ValueError', message: /dropout: p expected a probability in \[0, 1\], got -0.1/ },
      { name: 'negative offset', inputs: [{ shape: [2] }], attrs: { p: 0.5, seed: 0, offset: -1 }, error: 'ValueError', message: /dropout: offset expected an integer/ },
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// User functions

export interface RandomOptions extends CreateOptions {
  /** The stream to draw from (default: the shared default generator). */
  generator?: Generator;
}

const RANDOM_KEYS = ['dtype', 'device', 'requiresGrad', 'generator'] as const;

/** @internal The generator an op's options name (the default one otherwise), checked. */
export function generatorOf(op: string, options: { generator?: Generator }): Generator {
  const g = options.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new ValueError(`${op}: option 'generator' expected a Generator, got ${typeof g}`);
  return g;
}

function checkLike(op: string, like: unknown): Tensor {
  if (!(like as Tensor | undefined)?.isTensor) throw new ValueError(`${op}: argument 'input' expected a Tensor, got ${like === null ? 'null' : typeof like}`);
  return like as Tensor;
}

const finish = (t: Tensor, options: CreateOptions): Tensor => (options.requiresGrad ? t.requiresGrad_() : t);

/** A float32 random tensor of `shape` from randOp or randnOp; `draws` of the stream per call. */
function randomFloat(
  op: string,
  decl: typeof randOp | typeof randnOp,
  shape: readonly number[],
  attrs: Record<string, number>,
  draws: (n: number) => number,
  options: RandomOptions,
  deviceDefault: Device = getDefaultDevice(),
): Tensor {
  createOptions(op, options, RANDOM_KEYS);
  const dtype = checkDType(options.dtype ?? 'float32', op);
  if (dtype !== 'float32') throw new DTypeError(`${op}: dtype expected float32 (a floating dtype), got ${dtype}`);
  const device = options.device === undefined ? deviceDefault : Device.of(options.device, op);
  const n = numelOf(checkShape(op, shape));
  const t = generatorOf(op, options).use(draws(n), (seed, offset) => applyOn(device, decl as typeof randOp, [], { shape, ...attrs, seed, offset })[0]);
  return finish(t, options);
}

const oneDrawEach = (n: number): number => n;
const pairsOfDraws = (n: number): number => 2 * Math.ceil(n / 2);

/** Uniform on [low, high): the functional form of PyTorch's Tensor.uniform_. */
export function uniform(shape: readonly number[], low: number, high: number, options: RandomOptions = {}): Tensor {
  return randomFloat('uniform', randOp, shape, { low, high }, oneDrawEach, options);
}

/** Uniform on [0, 1) (24 random bits per value). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomFloat('rand', randOp, shape, {}, oneDrawEach, options);
}

/** Normal with mean `mean` and standard deviation `std` (torch.normal(mean, std, size)). */
export function normal(mean: number, std: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomFloat('normal', randnOp, shape, { mean, std }, pairsOfDraws, options);
}

/** Standard normal (Box–Muller: each pair of draws gives two values). */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomFloat('randn', randnOp, shape, {}, pairsOfDraws, options);
}

export type RandintOptions = Omit<RandomOptions, 'requiresGrad'>;

function randintOn(op: string, low: number, high: number, shape: readonly number[], options: RandintOptions, dtypeDefault: DType, deviceDefault: Device): Tensor {
  createOptions(op, options, ['dtype', 'device', 'generator']);
  const dtype = checkDType(options.dtype ?? dtypeDefault, op);
  const device = options.device === undefined ? deviceDefault : Device.of(options.device, op);
  const n = numelOf(checkShape(op, shape));
  const draws = n * (typeof low === 'number' && typeof high === 'number' ? randintDrawsPerElement(low, high) : 1);
  return generatorOf(op, options).use(draws, (seed, offset) => applyOn(device, randintOp, [], { shape, low, high, dtype, seed, offset })[0]);
}

/** Integers uniform on [low, high) (low defaults to 0), int64 unless `dtype` says otherwise. */
export function randint(high: number, shape: readonly number[], options?: RandintOptions): Tensor;
export function randint(low: number, high: number, shape: readonly number[], options?: RandintOptions): Tensor;
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | RandintOptions, d?: RandintOptions): Tensor {
  if (Array.isArray(b)) return randintOn('randint', 0, a, b, (c as RandintOptions) ?? {}, 'int64', getDefaultDevice());
  if (!Array.isArray(c)) throw new ShapeError(`randint: shape expected an array of non-negative integers, got ${JSON.stringify(c)}`);
  return randintOn('randint', a, b as number, c, d ?? {}, 'int64', getDefaultDevice());
}

/** rand with `like`'s shape and device (float32). */
export function randLike(like: Tensor, options: RandomOptions = {}): Tensor {
  checkLike('randLike', like);
  return randomFloat('randLike', randOp, like.shape, {}, oneDrawEach, { dtype: like.dtype, ...options }, like.device);
}

/** randn with `like`'s shape and device (float32). */
export function randnLike(like: Tensor, options: RandomOptions = {}): Tensor {
  checkLike('randnLike', like);
  return randomFloat('randnLike', randnOp, like.shape, {}, pairsOfDraws, { dtype: like.dtype, ...options }, like.device);
}

/** randint with `like`'s shape, dtype and device; low defaults to 0. */
export function randintLike(like: Tensor, high: number, options?: RandintOptions): Tensor;
export function randintLike(like: Tensor, low: number, high: number, options?: RandintOptions): Tensor;
export function randintLike(like: Tensor, a: number, b?: number | RandintOptions, c?: RandintOptions): Tensor {
  checkLike('randintLike', like);
  const [low, high, options] = typeof b === 'number' ? [a, b, c ?? {}] : [0, a, b ?? {}];
  return randintOn('randintLike', low, high, like.shape, options, like.dtype, like.device);
}

/** 1 with probability input[i], else 0 (float32). input must hold probabilities in [0, 1]. */
export function bernoulli(input: Tensor, options: { generator?: Generator } = {}): Tensor {
  createOptions('bernoulli', options, ['generator']);
  const n = (input as Tensor | undefined)?.isTensor ? input.numel : 0;
  return generatorOf('bernoulli', options).use(n, (seed, offset) => apply(bernoulliOp, [input], { seed, offset })[0]);
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p) while training; the
 * identity otherwise (and for p = 0, as in PyTorch, which then returns the input itself).
 * p = 1 gives zeros. The mask comes from the generator's stream and is kept for backward.
 */
export function dropout(
  input: Tensor,
  p = 0.5,
  training: boolean | { training?: boolean; generator?: Generator } = true,
  options: { generator?: Generator } = {},
): Tensor {
  checkP('dropout', p);
  // F.dropout(x, p, training=False) reads naturally as dropout(x, p, { training: false }): an
  // options object in training's place is taken as the options, never as a truthy flag.
  if (typeof training === 'object' && training !== null) {
    createOptions('dropout', training, ['training', 'generator']);
    options = training;
    training = training.training ?? true;
  } else createOptions('dropout', options, ['generator']);
  if (typeof training !== 'boolean') throw new ValueError(`dropout: training expected a boolean (or an options object), got ${training === null ? 'null' : typeof training}`);
  if (!training || p === 0) {
    return checkLike('dropout', input); // nothing drawn, like PyTorch
  }
  return generatorOf('dropout', options).use(input?.isTensor ? input.numel : 0, (seed, offset) => apply(dropoutOp, [input], { p, seed, offset })[0]);
}
