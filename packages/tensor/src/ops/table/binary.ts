// Elementwise ops of two tensors with NumPy broadcasting (and `where`, of three). Inputs are
// promoted to one dtype before the kernel runs (kernels see equal dtypes); broadcast gradients are
// reduced centrally.
//
// Note [helpers are function declarations]: binary.ts, compare.ts, unary.ts and activation.ts
// use each other's ops in their gradients, so they import each other in a cycle. Whatever one
// module needs from another while it is being evaluated (samples, shape rules, `binary`) is a
// hoisted `function` declaration, usable before its module has run; ops are only called later.
import { promoteTypes, type DType } from '../../dtype.js';
import { DTypeError, ValueError } from '../../errors.js';
import { broadcastShapes, numelOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, NUMERIC, type BadSample, type OpDecl, type Sample, type SampleInput, type TensorMeta } from '../declare.js';
import { cast } from './cast.js';
import { eq, ge, gt, logicalAnd, logicalOr, lt } from './compare.js';
import { full } from './creation.js';
import { scalarLike } from './scalar.js';
import { log, neg, powScalar, trunc } from './unary.js';
import { floorDivide, fmod } from './binary-math.js';
import { checkOptions } from '../../options.js';
import { scope } from '../../memory.js';

/**
 * @internal Test-sample helper. Deterministic values for `shape`, spaced 0.25 apart around `offset` (−1.5…1.5 + offset): kept
 * away from the kinks of relu, abs, max … (offset 0.1 keeps them ≥ 0.1 from 0, and two inputs
 * with offsets 0 and 0.1 never come closer than 0.1), so finite differences stay exact.
 */
export function spaced(shape: number[], offset = 0.1): number[] {
  return Array.from({ length: numelOf(shape) }, (_, i) => (((i * 7) % 13) - 6) * 0.25 + offset);
}

type FillOf = (shape: number[]) => Partial<SampleInput>;

/** @internal Two-input samples over the broadcasting cases; `fa`/`fb` choose how each input is filled. */
export function binarySamples(fa?: FillOf, fb?: FillOf): Sample[] {
  const cases: [string, number[], number[]][] = [
    ['same-shape', [2, 3], [2, 3]],
    ['broadcast-row', [4, 3], [3]],
    ['broadcast-both', [2, 1, 3], [4, 1]],
    ['scalar', [3, 2], []],
    ['scalar-first', [], [2, 2]],
    ['size-one', [1], [1, 1]],
    ['empty', [0, 3], [3]],
  ];
  return cases.map(([name, a, b]) => ({ name, inputs: [{ shape: a, ...fa?.(a) }, { shape: b, ...fb?.(b) }] }));
}

/** @internal Refusals every broadcasting op shares: unbroadcastable shapes, unequal dtypes. */
export function binaryBad(op: string): BadSample[] {
  return [
    {
      name: 'shapes that do not broadcast',
      inputs: [{ shape: [2, 3] }, { shape: [4] }],
      error: 'ShapeError',
      message: new RegExp(`^${op}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast \\(dimension 1: 3 vs 4\\)`),
    },
    {
      name: 'unequal dtypes',
      inputs: [{ shape: [2] }, { shape: [2], dtype: 'int32', fill: 'int:0:3' }],
      error: 'DTypeError',
      message: new RegExp(`^${op}: argument 'other' has dtype int32 but 'input' has float32`),
    },
  ];
}

/** @internal The dtype check every broadcasting op makes (the functions promote first). */
export function sameDTypes(op: string, metas: readonly TensorMeta[], names: readonly string[]): void {
  for (let i = 1; i < metas.length; i++) {
    if (metas[i].dtype !== metas[0].dtype) {
      throw new DTypeError(`${op}: argument '${names[i]}' has dtype ${metas[i].dtype} but '${names[0]}' has ${metas[0].dtype} (promote them first, as ${op}() does)`);
    }
  }
}

/** @internal Output rule of a broadcasting op: broadcast shape; dtype = the inputs' unless `dtype` maps it. */
export function binaryOutputs(op: string, dtype?: (input: DType) => DType) {
  return ([a, b]: readonly TensorMeta[]) => {
    sameDTypes(op, [a, b], ['input', 'other']);
    return [{ shape: broadcastShapes(op, a.shape, b.shape), dtype: dtype ? dtype(a.dtype) : a.dtype }];
  };
}

const INPUTS = [{ name: 'input', dtypes: NUMERIC }, { name: 'other', dtypes: NUMERIC }] as const;

export const addOp = defineOp({
  name: 'add',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('add'),
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g] }) => [g, g],
  test: { samples: binarySamples(), bad: binaryBad('add') },
});

export const subOp = defineOp({
  name: 'sub',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('sub'),
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g] }) => [g, neg(g!)],
  test: {
    samples: [
      ...binarySamples(),
      { name: 'uint8-wraps', inputs: [{ shape: [4], dtype: 'uint8', fill: [0, 1, 200, 5] }, { shape: [4], dtype: 'uint8', fill: [1, 1, 100, 250] }] },
    ],
    bad: binaryBad('sub'),
  },
});

export const mulOp = defineOp({
  name: 'mul',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('mul'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [a, b] }) => [mul(g!, b!), mul(g!, a!)],
  test: { samples: binarySamples(), bad: binaryBad('mul') },
});

export const divOp = defineOp({
  name: 'div',
  inputs: INPUTS,
  attrs: {},
  // True division: integer inputs give float32, as in PyTorch.
  outputs: binaryOutputs('div', () => 'float32'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [a, b] }) => [div(g!, b!), neg(div(mul(g!, a!), mul(b!, b!)))],
  test: {
    samples: [
      ...binarySamples(undefined, () => ({ fill: 'positive' })),
      { name: 'int-inputs', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-9:10' }, { shape: [3], dtype: 'int32', fill: 'int:1:4' }] },
      { name: 'by-zero', inputs: [{ shape: [3], fill: [1, -1, 0], noGrad: true }, { shape: [1], fill: [0], noGrad: true }] },
    ],
    bad: binaryBad('div'),
  },
});

export const powOp = defineOp({
  name: 'pow',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('pow'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1], outputs: [0] },
  // PyTorch's rules: no gradient through a zero exponent, and none to the exponent at base 0
  // (where result·log(base) would be 0·−∞).
  grad: ({ grads: [g], inputs: [a, b], outputs: [y] }) => [
    where(eq(b!, 0), 0, mul(g!, mul(b!, pow(a!, sub(b!, 1))))),
    where(logicalAnd(eq(a!, 0), ge(b!, 0)), 0, mul(g!, mul(y!, log(a!)))),
  ],
  test: {
    samples: [
      ...binarySamples(() => ({ fill: 'positive' }), () => ({ fill: 'uniform' })),
      { name: 'zero-base', inputs: [{ shape: [4], fill: [0, 0, 2, 0.5] }, { shape: [4], fill: [2, 3, 1.5, -1] }] },
      { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-3:4' }, { shape: [3], dtype: 'int32', fill: 'int:0:4' }] },
      {
        name: 'int-negative-exponent',
        inputs: [{ shape: [5], dtype: 'int64', fill: [1, -1, -1, 2, 0] }, { shape: [5], dtype: 'int64', fill: [-3, -3, -2, -1, 2] }],
      },
    ],
    bad: binaryBad('pow'),
  },
});

// PyTorch's tie rule: equal inputs share the gradient half and half (which is also what central
// differences measure there).
function minMaxGrads(g: Tensor, a: Tensor, b: Tensor, max: boolean): Tensor[] {
  const shared = where(eq(a, b), mul(g, 0.5), g);
  const aLoses = max ? lt(a, b) : gt(a, b);
  const bLoses = max ? gt(a, b) : lt(a, b);
  return [where(aLoses, 0, shared), where(bLoses, 0, shared)];
}

const minMaxSamples = (): Sample[] => [
  ...binarySamples((s) => ({ fill: spaced(s, 0.1) }), (s) => ({ fill: spaced(s, 0) })),
  { name: 'ties', inputs: [{ shape: [4], fill: [0.5, -1, 2, 3] }, { shape: [4], fill: [0.5, -1, 1, 4] }] },
  { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-3:4' }, { shape: [3], dtype: 'int32', fill: 'int:-3:4' }] },
];

export const maximumOp = defineOp({
  name: 'maximum',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('maximum'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [a, b] }) => minMaxGrads(g!, a!, b!, true),
  test: { samples: minMaxSamples(), bad: binaryBad('maximum') },
});

export const minimumOp = defineOp({
  name: 'minimum',
  inputs: INPUTS,
  attrs: {},
  outputs: binaryOutputs('minimum'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [a, b] }) => minMaxGrads(g!, a!, b!, false),
  test: { samples: minMaxSamples(), bad: binaryBad('minimum') },
});

export const whereOp = defineOp({
  name: 'where',
  inputs: [
    { name: 'condition', dtypes: ['bool'], differentiable: false },
    { name: 'input', dtypes: ALL },
    { name: 'other', dtypes: ALL },
  ],
  attrs: {},
  outputs: ([c, a, b]) => {
    sameDTypes('where', [a, b], ['input', 'other']);
    return [{ shape: broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape), dtype: a.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [c] }) => [null, where(c!, g!, 0), where(c!, 0, g!)],
  test: {
    samples: [
      { name: 'same-shape', inputs: [{ shape: [2, 3], dtype: 'bool', fill: 'int:0:2' }, { shape: [2, 3] }, { shape: [2, 3] }] },
      { name: 'broadcast-all', inputs: [{ shape: [2, 1, 3], dtype: 'bool', fill: 'int:0:2' }, { shape: [4, 1] }, { shape: [3] }] },
      { name: 'scalar-other', inputs: [{ shape: [3, 2], dtype: 'bool', fill: 'int:0:2' }, { shape: [3, 2] }, { shape: [] }] },
      { name: 'scalar-input', inputs: [{ shape: [2, 2], dtype: 'bool', fill: 'int:0:2' }, { shape: [] }, { shape: [2, 2] }] },
      { name: 'scalar-condition', inputs: [{ shape: [], dtype: 'bool', fill: [1] }, { shape: [2, 2] }, { shape: [2, 1] }] },
      { name: 'size-one', inputs: [{ shape: [1, 1], dtype: 'bool', fill: [0] }, { shape: [1] }, { shape: [1] }] },
      { name: 'empty', inputs: [{ shape: [0, 2], dtype: 'bool' }, { shape: [2] }, { shape: [1] }] },
      {
        name: 'int',
        inputs: [{ shape: [4], dtype: 'bool', fill: [1, 0, 0, 1] }, { shape: [4], dtype: 'int64', fill: 'int:-5:5' }, { shape: [4], dtype: 'int64', fill: 'int:-5:5' }],
      },
    ],
    bad: [
      {
        name: 'shapes that do not broadcast',
        inputs: [{ shape: [2, 3], dtype: 'bool', fill: 'int:0:2' }, { shape: [2, 3] }, { shape: [2] }],
        error: 'ShapeError',
        message: /^where: shapes \[2,3\] and \[2\] cannot be broadcast/,
      },
      {
        name: 'unequal dtypes',
        inputs: [{ shape: [2], dtype: 'bool', fill: 'int:0:2' }, { shape: [2] }, { shape: [2], dtype: 'int32', fill: 'int:0:3' }],
        error: 'DTypeError',
        message: /^where: argument 'other' has dtype int32 but 'input' has float32/,
      },
      {
        name: 'a condition that is not bool',
        inputs: [{ shape: [2], dtype: 'uint8', fill: 'int:0:2' }, { shape: [2] }, { shape: [2] }],
        error: 'DTypeError',
        message: /^where: argument 'condition' expected dtype bool, got uint8/,
      },
    ],
  },
});

/** A tensor, or a number or bigint that acts as a 0-d tensor beside it (int64 reads give bigints). */
export type Operand = Tensor | number | bigint;

// int64 values read back as bigints, so `t.eq(actions[0])` is natural (a user trial); a bigint
// scalar is carried as a number, exact up to 2^53.
function fromBigint(op: string, v: Operand): Tensor | number {
  if (typeof v !== 'bigint') return v;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new ValueError(`${op}: the bigint ${v}n is beyond 2^53 and would not be exact as a scalar; put it in an int64 tensor instead`);
  return n;
}

/** @internal
 * Turns numbers into scalar tensors beside the tensor operand and promotes both to one dtype.
 * Whatever it returns that is not one of `a`, `b` is new and the caller's to dispose.
 */
export function promoted(op: string, givenA: Operand, givenB: Operand): [Tensor, Tensor] {
  const a = fromBigint(op, givenA);
  const b = fromBigint(op, givenB);
  if (typeof a === 'number' && typeof b === 'number') {
    throw new ValueError(`${op}: expected at least one Tensor argument, got numbers ${a} and ${b}`);
  }
  const ta = typeof a === 'number' ? scalarLike(a, b as Tensor) : a;
  const tb = typeof b === 'number' ? scalarLike(b, ta) : b;
  if (ta?.isTensor && tb?.isTensor && ta.dtype !== tb.dtype) {
    const dtype = promoteTypes(ta.dtype, tb.dtype);
    const ca = cast(ta, dtype);
    const cb = cast(tb, dtype);
    if (ca !== ta && ta !== a) ta.dispose();
    if (cb !== tb && tb !== b) tb.dispose();
    return [ca, cb];
  }
  return [ta, tb];
}

/** Disposes the tensors that promoted() made (scalars, casts), keeping the caller's own. */
function disposeMade(made: readonly Tensor[], given: readonly Operand[]): void {
  for (let i = 0; i < made.length; i++) if (made[i] !== given[i]) made[i].dispose();
}

/**
 * Runs a binary op after turning a number into a scalar tensor and promoting dtypes. The scalars
 * and casts it makes are disposed at once (a recorded graph keeps its own references).
 */
export function binary(decl: OpDecl<{}>, a: Operand, b: Operand): Tensor {
  const made = promoted(decl.name, a, b);
  try {
    return apply(decl, made)[0];
  } finally {
    disposeMade(made, [a, b]);
  }
}

// PyTorch's bool + bool is a logical or and bool * bool a logical and (a user trial combined
// masks so); bool − bool it refuses.
const isBoolTensor = (v: Operand): v is Tensor => typeof v === 'object' && v?.dtype === 'bool';
const bothBool = (a: Operand, b: Operand): boolean => isBoolTensor(a) && isBoolTensor(b);

export const add = (a: Operand, b: Operand): Tensor => (bothBool(a, b) ? logicalOr(a, b) : binary(addOp, a, b));
export function sub(a: Operand, b: Operand): Tensor {
  if (bothBool(a, b)) throw new DTypeError('sub: two bool tensors are not subtracted (PyTorch refuses it too): ne(a, b) is their exclusive or, logicalAnd(a, logicalNot(b)) a minus b');
  return binary(subOp, a, b);
}
export const mul = (a: Operand, b: Operand): Tensor => (bothBool(a, b) ? logicalAnd(a, b) : binary(mulOp, a, b));
export interface DivOptions {
  /**
   * PyTorch's rounding_mode: 'trunc' rounds the quotient toward zero, 'floor' down (floorDivide,
   * Python's //); either keeps an integer dtype, and has no gradient. Default: true division.
   */
  roundingMode?: 'trunc' | 'floor' | null;
}

/**
 * True division (integer tensors divide in float32, as in PyTorch), or the quotient rounded
 * toward zero or down with `roundingMode` (beam search's div(flatIndex, vocab, { roundingMode: 'floor' })).
 */
export function div(a: Operand, b: Operand, options: DivOptions = {}): Tensor {
  if (options === null || typeof options !== 'object' || (options as Tensor).isTensor) {
    throw new ValueError(`div: options expected an object ({ roundingMode }), got ${options === null ? 'null' : typeof options === 'object' ? 'a tensor' : typeof options}`);
  }
  checkOptions('div', options, ['roundingMode'], { rounding_mode: 'roundingMode' });
  const mode = options.roundingMode ?? null;
  if (mode === null) return binary(divOp, a, b);
  if (mode === 'floor') return floorDivide(a, b);
  if (mode !== 'trunc') throw new ValueError(`div: option 'roundingMode' expected 'trunc', 'floor' or null, got ${typeof mode === 'string' ? `'${mode}'` : String(mode)}`);
  // A whole number divides an integer tensor as an integer, as PyTorch's Python int does.
  const isFloat = (v: Operand) => (typeof v === 'number' ? !Number.isInteger(v) : typeof v === 'bigint' ? false : v.dtype === 'float32');
  if (isFloat(a) || isFloat(b)) return trunc(binary(divOp, a, b));
  // Integers: a − fmod(a, b) is a multiple of b, whose floor quotient is the truncated one.
  return scope(() => floorDivide(sub(a, fmod(a, b)), b));
}
/** Elementwise maximum; NaN in either input gives NaN; ties share the gradient. */
export const maximum = (a: Operand, b: Operand): Tensor => binary(maximumOp, a, b);
/** Elementwise minimum; NaN in either input gives NaN; ties share the gradient. */
export const minimum = (a: Operand, b: Operand): Tensor => binary(minimumOp, a, b);

/**
 * `input ** exponent`. A number exponent runs powScalar (one input, PyTorch's fast special
 * cases, no gradient work for the exponent); a tensor exponent (or a number base) broadcasts.
 */
export function pow(input: Operand, exponent: Operand): Tensor {
  if (typeof exponent === 'number' && typeof input === 'object') return powScalar(input, exponent);
  return binary(powOp, input, exponent);
}

/** condition ? input : other, elementwise, broadcasting all three (numbers allowed for the values). */
export function where(condition: Tensor, givenInput: Operand, givenOther: Operand): Tensor {
  if (givenInput === undefined && givenOther === undefined && condition?.isTensor) {
    throw new ValueError("where: expected (condition, input, other); PyTorch's one-argument where(condition) is await nonzero(condition) here (the count depends on the values)");
  }
  const input = fromBigint('where', givenInput);
  const other = fromBigint('where', givenOther);
  let made: [Tensor, Tensor];
  if (typeof input === 'number' && typeof other === 'number') {
    const dtype: DType = Number.isInteger(input) && Number.isInteger(other) ? 'int64' : 'float32';
    const device = condition?.isTensor ? condition.device : undefined;
    made = [full([], input, { dtype, device }), full([], other, { dtype, device })];
  } else {
    made = promoted('where', input, other);
  }
  try {
    return apply(whereOp, [condition, ...made])[0];
  } finally {
    disposeMade(made, [input, other]);
  }
}
