// Elementwise math of one tensor: neg, abs, sign, exp, log, sin, cos, floor, ceil, round, sqrt,
// rsqrt, clamp, powScalar. exp/log/sin/cos/sqrt/rsqrt give float32 for any input dtype (as PyTorch does for integer tensors).
// See Note [helpers are function declarations] in binary.ts.
import { isFloating, type DType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, NUMERIC, type Sample, type SampleInput, type TensorMeta } from '../declare.js';
import { div, mul, spaced, where } from './binary.js';
import { ge, le, logicalAnd } from './compare.js';
import { zerosLike } from './creation.js';
import { clampAs } from '../clamp-bounds.js';

/** @internal One-input samples: several ranks, a 0-dim scalar, size-1 and empty dims. */
export function unarySamples(fill?: (shape: number[]) => Partial<SampleInput>, attrs?: Sample['attrs']): Sample[] {
  const cases: [string, number[]][] = [
    ['matrix', [3, 4]],
    ['rank3', [2, 1, 3]],
    ['scalar', []],
    ['size-one', [1, 1]],
    ['empty', [0, 2]],
  ];
  return cases.map(([name, shape]) => ({ name, inputs: [{ shape, ...fill?.(shape) }], ...(attrs ? { attrs } : {}) }));
}

const same = ([x]: readonly TensorMeta[]) => [{ shape: [...x.shape], dtype: x.dtype }];
const toFloat = ([x]: readonly TensorMeta[]) => [{ shape: [...x.shape], dtype: 'float32' as DType }];
const positive = () => ({ fill: 'positive' as const });

export const negOp = defineOp({
  name: 'neg',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: {},
  outputs: same,
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g] }) => [neg(g!)],
  test: {
    samples: [
      ...unarySamples(),
      { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int64', fill: 'int:-5:5' }] },
      { name: 'uint8-wraps', inputs: [{ shape: [3], dtype: 'uint8', fill: [0, 1, 255] }] },
    ],
  },
});

export const absOp = defineOp({
  name: 'abs',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: {},
  outputs: same,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x] }) => [mul(g!, sign(x!))],
  test: {
    samples: [
      ...unarySamples((s) => ({ fill: spaced(s) })),
      { name: 'zero', inputs: [{ shape: [3], fill: [0, -0, 1] }] },
      { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-5:5' }] },
    ],
  },
});

export const signOp = defineOp({
  name: 'sign',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: {},
  outputs: same,
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g] }) => [zerosLike(g!)],
  test: {
    samples: [
      ...unarySamples((s) => ({ fill: spaced(s) })),
      { name: 'zero', inputs: [{ shape: [3], fill: [0, -3, 2], noGrad: true }] },
      { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-5:5' }] },
      { name: 'bool', inputs: [{ shape: [2], dtype: 'bool', fill: [0, 1] }] },
    ],
  },
});

export const expOp = defineOp({
  name: 'exp',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: {},
  outputs: toFloat,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [y] }) => [mul(g!, y!)],
  test: {
    samples: [
      ...unarySamples(),
      { name: 'extremes', inputs: [{ shape: [6], fill: [-100, -10, 0, 10, 88, 100], noGrad: true }] },
      { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int32', fill: 'int:-3:4' }] },
      { name: 'bool', inputs: [{ shape: [2], dtype: 'bool', fill: [0, 1] }] },
    ],
  },
});

export const logOp = defineOp({
  name: 'log',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: {},
  outputs: toFloat,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x] }) => [div(g!, x!)],
  test: {
    samples: [
      ...unarySamples(positive),
      { name: 'extremes', inputs: [{ shape: [5], fill: [0, -1, 1e-30, 1, 1e30], noGrad: true }] },
      { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int64', fill: 'int:1:9' }] },
    ],
  },
});

/** sin and cos: float32 out for any input; d/dx of each is the other (negated for cos). */
function periodicOp(name: 'sin' | 'cos', derivative: (x: Tensor) => Tensor) {
  return defineOp({
    name,
    inputs: [{ name: 'input', dtypes: ALL }],
    attrs: {},
    outputs: toFloat,
    backends: ['cpu', 'cuda'],
    saves: { inputs: [0] },
    grad: ({ grads: [g], inputs: [x] }) => [mul(g!, derivative(x!))],
    test: {
      samples: [
        ...unarySamples(),
        { name: 'large', inputs: [{ shape: [5], fill: [-1000, -3.14159265, 0, 100, 12345.678], noGrad: true }] },
        { name: 'int', inputs: [{ shape: [2, 2], dtype: name === 'sin' ? 'int32' : 'int64', fill: 'int:-3:4' }] },
      ],
    },
  });
}
export const sinOp = periodicOp('sin', (x) => cos(x));
export const cosOp = periodicOp('cos', (x) => neg(sin(x)));

/** floor, ceil, round: the same dtype out; integers pass unchanged; the gradient is 0, as PyTorch's. */
function roundingOp(name: 'floor' | 'ceil' | 'round' | 'trunc') {
  return defineOp({
    name,
    inputs: [{ name: 'input', dtypes: NUMERIC }],
    attrs: {},
    outputs: same,
    backends: ['cpu', 'cuda'],
    grad: ({ grads: [g] }) => [zerosLike(g!)],
    test: {
      samples: [
        ...unarySamples((s) => ({ fill: spaced(s) })),
        // Halves: round goes to the even neighbour (2.5 → 2, −0.5 → −0).
        { name: 'halves', inputs: [{ shape: [8], fill: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.7, -3.7], noGrad: true }] },
        { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-5:5' }] },
      ],
    },
  });
}
export const floorOp = roundingOp('floor');
export const ceilOp = roundingOp('ceil');
export const roundOp = roundingOp('round');
export const truncOp = roundingOp('trunc');

export const sqrtOp = defineOp({
  name: 'sqrt',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: {},
  outputs: toFloat,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [y] }) => [div(g!, mul(y!, 2))],
  test: {
    samples: [
      ...unarySamples(positive),
      { name: 'extremes', inputs: [{ shape: [4], fill: [0, -1, 4, 1e30], noGrad: true }] },
      { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int32', fill: 'int:0:9' }] },
    ],
  },
});

export const rsqrtOp = defineOp({
  name: 'rsqrt',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: {},
  outputs: toFloat,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  // PyTorch: -0.5 · grad · result³.
  grad: ({ grads: [g], outputs: [y] }) => [mul(mul(g!, powScalar(y!, 3)), -0.5)],
  test: {
    samples: [
      ...unarySamples(positive),
      { name: 'extremes', inputs: [{ shape: [4], fill: [0, -1, 4, 1e-30], noGrad: true }] },
      { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int32', fill: 'int:1:9' }] },
    ],
  },
});

// An integer input stays integral only when both bounds are integers (absent bounds are ±∞; NaN
// is a float bound, as PyTorch's type promotion sees it).
const clampKeepsInt = (a: { min: number; max: number }) => [a.min, a.max].every((b) => Math.abs(b) === Infinity || Number.isInteger(b));

export const clampOp = defineOp<{ min: number; max: number }>({
  name: 'clamp',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: { min: { kind: 'float', default: -Infinity, nan: true }, max: { kind: 'float', default: Infinity, nan: true } },
  outputs: ([x], a) => [{ shape: [...x.shape], dtype: isFloating(x.dtype) || clampKeepsInt(a) ? x.dtype : 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  // PyTorch: the gradient passes where min ≤ x ≤ max (bounds included), 0 elsewhere.
  grad: ({ grads: [g], inputs: [x], attrs: { min, max } }) => {
    const inside =
      min === -Infinity ? le(x!, max) : max === Infinity ? ge(x!, min) : logicalAnd(ge(x!, min), le(x!, max));
    return [where(inside, g!, 0)];
  },
  test: {
    samples: [
      ...unarySamples((s) => ({ fill: spaced(s) }), { min: -0.5, max: 0.5 }),
      { name: 'min-only', inputs: [{ shape: [3, 4], fill: spaced([3, 4]) }], attrs: { min: 0 } },
      { name: 'max-only', inputs: [{ shape: [3, 4], fill: spaced([3, 4]) }], attrs: { max: -0.2 } },
      { name: 'min-above-max', inputs: [{ shape: [2, 3], fill: spaced([2, 3]) }], attrs: { min: 0.5, max: -0.5 } },
      { name: 'on-bounds', inputs: [{ shape: [4], fill: [-1, 1, 0, 2], noGrad: true }], attrs: { min: -1, max: 1 } },
      { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-5:5' }], attrs: { min: -2, max: 3 } },
      { name: 'int-fractional-bound', inputs: [{ shape: [2, 3], dtype: 'int64', fill: 'int:-5:5' }], attrs: { min: -1.5 } },
    ],
  },
});

export const powScalarOp = defineOp<{ exponent: number }>({
  name: 'powScalar',
  inputs: [{ name: 'input', dtypes: NUMERIC }],
  attrs: { exponent: { kind: 'float', nan: true } },
  outputs: ([x], { exponent }) => {
    if (!isFloating(x.dtype) && Number.isInteger(exponent) && exponent < 0) {
      throw new ValueError(`powScalar: integers to negative integer powers are not allowed (input ${x.dtype}, exponent ${exponent})`);
    }
    return [{ shape: [...x.shape], dtype: isFloating(x.dtype) || Number.isInteger(exponent) ? x.dtype : 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  // PyTorch: exponent · x^(exponent − 1), and exactly 0 for exponent 0.
  grad: ({ grads: [g], inputs: [x], attrs: { exponent } }) => [
    exponent === 0 ? zerosLike(g!) : mul(g!, mul(powScalar(x!, exponent - 1), exponent)),
  ],
  test: {
    samples: [
      ...unarySamples(undefined, { exponent: 2 }),
      { name: 'cube', inputs: [{ shape: [3, 4] }], attrs: { exponent: 3 } },
      { name: 'sqrt', inputs: [{ shape: [3, 4], fill: 'positive' }], attrs: { exponent: 0.5 } },
      { name: 'rsqrt', inputs: [{ shape: [3, 4], fill: 'positive' }], attrs: { exponent: -0.5 } },
      { name: 'reciprocal', inputs: [{ shape: [3, 4], fill: 'positive' }], attrs: { exponent: -1 } },
      { name: 'inverse-square', inputs: [{ shape: [3, 4], fill: 'positive' }], attrs: { exponent: -2 } },
      { name: 'general', inputs: [{ shape: [3, 4], fill: 'positive' }], attrs: { exponent: 1.7 } },
      { name: 'zero', inputs: [{ shape: [2, 3] }], attrs: { exponent: 0 } },
      { name: 'one', inputs: [{ shape: [2, 3] }], attrs: { exponent: 1 } },
      { name: 'int', inputs: [{ shape: [2, 3], dtype: 'int32', fill: 'int:-4:5' }], attrs: { exponent: 3 } },
      { name: 'int-fractional', inputs: [{ shape: [2, 3], dtype: 'int64', fill: 'int:0:9' }], attrs: { exponent: 0.5 } },
    ],
    bad: [
      {
        name: 'an integer input with a negative integer exponent',
        inputs: [{ shape: [2], dtype: 'int32', fill: 'int:1:3' }],
        attrs: { exponent: -1 },
        error: 'ValueError',
        message: /^powScalar: integers to negative integer powers are not allowed \(input int32, exponent -1\)/,
      },
    ],
  },
});

/** -x. */
export function neg(x: Tensor): Tensor {
  return apply(negOp, [x])[0];
}
/** |x|. */
export function abs(x: Tensor): Tensor {
  return apply(absOp, [x])[0];
}
/** -1, 0 or 1 by the sign of x (0 for NaN, as in PyTorch). */
export function sign(x: Tensor): Tensor {
  return apply(signOp, [x])[0];
}
/** e^x (float32). */
export function exp(x: Tensor): Tensor {
  return apply(expOp, [x])[0];
}
/** Natural logarithm (float32; -Infinity at 0, NaN below). */
export function log(x: Tensor): Tensor {
  return apply(logOp, [x])[0];
}
/** Sine (float32; radians). */
export function sin(x: Tensor): Tensor {
  return apply(sinOp, [x])[0];
}
/** Cosine (float32; radians). */
export function cos(x: Tensor): Tensor {
  return apply(cosOp, [x])[0];
}
/** The largest integer ≤ x (same dtype). */
export function floor(x: Tensor): Tensor {
  return apply(floorOp, [x])[0];
}
/** The smallest integer ≥ x (same dtype). */
export function ceil(x: Tensor): Tensor {
  return apply(ceilOp, [x])[0];
}
/** The nearest integer, halves to the even one (same dtype), as torch.round. */
export function round(x: Tensor): Tensor {
  return apply(roundOp, [x])[0];
}
/** x rounded towards zero (same dtype; PyTorch's trunc / fix). */
export function trunc(x: Tensor): Tensor {
  return apply(truncOp, [x])[0];
}
/** Square root (float32). */
export function sqrt(x: Tensor): Tensor {
  return apply(sqrtOp, [x])[0];
}
/** 1/sqrt(x) (float32). */
export function rsqrt(x: Tensor): Tensor {
  return apply(rsqrtOp, [x])[0];
}

export interface ClampOptions {
  /** A number, a tensor broadcast with the input (PyTorch's clamp.Tensor), or null/absent for none. */
  min?: number | Tensor | null;
  max?: number | Tensor | null;
}

/**
 * Limits x to [min, max] (either may be omitted, not both): clamp(x, { min, max }) or, as in
 * PyTorch, clamp(x, min, max) with null for an absent bound. min > max gives max everywhere; a
 * NaN bound gives NaN. Number bounds run the clamp op; tensor bounds broadcast with x and get
 * gradients too (Note [clamp with tensor bounds] in ops/clamp-bounds.ts).
 */
export function clamp(x: Tensor, minOrOptions: ClampOptions | number | Tensor | null = {}, max?: number | Tensor | null): Tensor {
  return clampAs('clamp', x, minOrOptions, max);
}

/** x ** exponent for a number exponent (see pow() in binary.ts for tensor exponents). */
export function powScalar(x: Tensor, exponent: number): Tensor {
  return apply(powScalarOp, [x], { exponent })[0];
}
