// Activations (float32). Each one's backward is an op of its own (`reluBackward(grad, input)` …)
// so that autograd runs oneDNN's eltwise backward primitive instead of a chain of small ops;
// sigmoid and tanh differentiate through their output (oneDNN's *_use_dst_for_bwd), the others
// through their input. The backward ops are differentiable too (double backward, PyTorch's
// formulas). See Note [helpers are function declarations] in binary.ts.
import { sameShape as equalShapes } from '../../shape.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkOptions } from '../../options.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type BadSample, type Sample, type SampleInput, type TensorMeta } from '../declare.js';
import { add, mul, spaced, sub, where } from './binary.js';
import { gt } from './compare.js';
import { zerosLike } from './creation.js';
import { exp, unarySamples } from './unary.js';

type Fill = (shape: number[]) => Partial<SampleInput>;
const kinkFree: Fill = (s) => ({ fill: spaced(s) });

/** Samples of an activation: the unary shapes plus, optionally, saturating values (forward only). */
function activationSamples(fill?: Fill, attrs?: Sample['attrs'], extremes = false): Sample[] {
  const samples = unarySamples(fill, attrs);
  if (extremes) samples.push({ name: 'extremes', inputs: [{ shape: [6], fill: [-100, -20, -5, 5, 20, 100], noGrad: true }], ...(attrs ? { attrs } : {}) });
  return samples;
}

/** Samples of a backward op (grad, data): equal shapes, the data filled by `fill`. */
function backwardSamples(fill?: Fill, attrs?: Sample['attrs']): Sample[] {
  const shapes: [string, number[]][] = [
    ['matrix', [3, 4]],
    ['rank3', [2, 1, 3]],
    ['scalar', []],
    ['empty', [0, 2]],
  ];
  return shapes.map(([name, shape]) => ({ name, inputs: [{ shape }, { shape, ...fill?.(shape) }], ...(attrs ? { attrs } : {}) }));
}

function backwardBad(op: string, data: string): BadSample[] {
  return [
    {
      name: 'grad and data of different shapes',
      inputs: [{ shape: [2, 3] }, { shape: [3, 2] }],
      error: 'ShapeError',
      message: new RegExp(`^${op}: grad \\[2,3\\] and ${data} \\[3,2\\] must have the same shape`),
    },
  ];
}

const sameShape = ([x]: readonly TensorMeta[]) => [{ shape: [...x.shape], dtype: x.dtype }];

function backwardOutputs(op: string, data: string) {
  return ([g, x]: readonly TensorMeta[]) => {
    if (!equalShapes(g.shape, x.shape)) {
      throw new ShapeError(`${op}: grad ${fmtShape(g.shape)} and ${data} ${fmtShape(x.shape)} must have the same shape`);
    }
    return [{ shape: [...x.shape], dtype: x.dtype }];
  };
}

const ONE = [{ name: 'input', dtypes: FLOAT }] as const;
const GRAD_INPUT = [{ name: 'grad', dtypes: FLOAT }, { name: 'input', dtypes: FLOAT }] as const;
const GRAD_OUTPUT = [{ name: 'grad', dtypes: FLOAT }, { name: 'output', dtypes: FLOAT }] as const;

// ---- relu ----

export const reluOp = defineOp({
  name: 'relu',
  inputs: ONE,
  attrs: {},
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x] }) => [reluBackward(g!, x!)],
  test: {
    samples: [...activationSamples(kinkFree), { name: 'zero', inputs: [{ shape: [3], fill: [0, -1, 1], noGrad: true }] }],
  },
});

export const reluBackwardOp = defineOp({
  name: 'reluBackward',
  inputs: GRAD_INPUT,
  attrs: {},
  outputs: backwardOutputs('reluBackward', 'input'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  grad: ({ grads: [gg], inputs: [, x] }) => [reluBackward(gg!, x!), zerosLike(x!)],
  test: { samples: backwardSamples(kinkFree), bad: backwardBad('reluBackward', 'input') },
});

// ---- leaky relu ----

export const leakyReluOp = defineOp<{ negativeSlope: number }>({
  name: 'leakyRelu',
  inputs: ONE,
  attrs: { negativeSlope: { kind: 'float', default: 0.01 } },
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x], attrs }) => [leakyReluBackward(g!, x!, attrs.negativeSlope)],
  test: {
    samples: [
      ...activationSamples(kinkFree),
      { name: 'slope', inputs: [{ shape: [3, 4], fill: spaced([3, 4]) }], attrs: { negativeSlope: 0.2 } },
      { name: 'negative-slope', inputs: [{ shape: [2, 3], fill: spaced([2, 3]) }], attrs: { negativeSlope: -1.5 } },
    ],
  },
});

export const leakyReluBackwardOp = defineOp<{ negativeSlope: number }>({
  name: 'leakyReluBackward',
  inputs: GRAD_INPUT,
  attrs: { negativeSlope: { kind: 'float', default: 0.01 } },
  outputs: backwardOutputs('leakyReluBackward', 'input'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1] },
  grad: ({ grads: [gg], inputs: [, x], attrs }) => [leakyReluBackward(gg!, x!, attrs.negativeSlope), zerosLike(x!)],
  test: {
    samples: [...backwardSamples(kinkFree), ...backwardSamples(kinkFree, { negativeSlope: 0.3 }).slice(0, 1).map((s) => ({ ...s, name: 'slope' }))],
    bad: backwardBad('leakyReluBackward', 'input'),
  },
});

// ---- elu ----

export const eluOp = defineOp<{ alpha: number }>({
  name: 'elu',
  inputs: ONE,
  attrs: { alpha: { kind: 'float', default: 1 } },
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x], attrs }) => [eluBackward(g!, x!, attrs.alpha)],
  test: {
    samples: [
      ...activationSamples(kinkFree, undefined, true),
      { name: 'alpha', inputs: [{ shape: [3, 4], fill: spaced([3, 4]) }], attrs: { alpha: 0.5 } },
    ],
  },
});

export const eluBackwardOp = defineOp<{ alpha: number }>({
  name: 'eluBackward',
  inputs: GRAD_INPUT,
  attrs: { alpha: { kind: 'float', default: 1 } },
  outputs: backwardOutputs('eluBackward', 'input'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // d/dx of grad·(x > 0 ? 1 : α·e^x) is grad·α·e^x on the negative side.
  grad: ({ grads: [gg], inputs: [g, x], attrs: { alpha } }) => [
    eluBackward(gg!, x!, alpha),
    where(gt(x!, 0), 0, mul(mul(gg!, g!), mul(exp(x!), alpha))),
  ],
  test: {
    samples: [...backwardSamples(kinkFree), ...backwardSamples(kinkFree, { alpha: 0.5 }).slice(0, 1).map((s) => ({ ...s, name: 'alpha' }))],
    bad: backwardBad('eluBackward', 'input'),
  },
});

// ---- sigmoid ----

export const sigmoidOp = defineOp({
  name: 'sigmoid',
  inputs: ONE,
  attrs: {},
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [y] }) => [sigmoidBackward(g!, y!)],
  test: { samples: activationSamples(undefined, undefined, true) },
});

export const sigmoidBackwardOp = defineOp({
  name: 'sigmoidBackward',
  inputs: GRAD_OUTPUT,
  attrs: {},
  outputs: backwardOutputs('sigmoidBackward', 'output'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // grad·y·(1 − y): d/dy = grad·(1 − 2y).
  grad: ({ grads: [gg], inputs: [g, y] }) => [sigmoidBackward(gg!, y!), mul(mul(gg!, g!), add(mul(y!, -2), 1))],
  test: { samples: backwardSamples(() => ({ fill: 'uniform' })), bad: backwardBad('sigmoidBackward', 'output') },
});

// ---- tanh ----

export const tanhOp = defineOp({
  name: 'tanh',
  inputs: ONE,
  attrs: {},
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [y] }) => [tanhBackward(g!, y!)],
  test: { samples: activationSamples(undefined, undefined, true) },
});

export const tanhBackwardOp = defineOp({
  name: 'tanhBackward',
  inputs: GRAD_OUTPUT,
  attrs: {},
  outputs: backwardOutputs('tanhBackward', 'output'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // grad·(1 − y²): d/dy = −2·grad·y.
  grad: ({ grads: [gg], inputs: [g, y] }) => [tanhBackward(gg!, y!), mul(mul(gg!, g!), mul(y!, -2))],
  test: { samples: backwardSamples(() => ({ fill: 'uniform' })), bad: backwardBad('tanhBackward', 'output') },
});

// ---- gelu ----

const APPROXIMATE = ['none', 'tanh'] as const;
export type GeluApproximate = (typeof APPROXIMATE)[number];

const approximateBad = (op: string, inputs: SampleInput[]): BadSample => ({
  name: 'an unknown approximation',
  inputs,
  attrs: { approximate: 'erf' },
  error: 'ValueError',
  message: new RegExp(`^${op}: option 'approximate' expected one of 'none', 'tanh', got string erf`),
});

export const geluOp = defineOp<{ approximate: string }>({
  name: 'gelu',
  inputs: ONE,
  attrs: { approximate: { kind: APPROXIMATE, default: 'none' } },
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x], attrs }) => [geluBackward(g!, x!, attrs.approximate as GeluApproximate)],
  test: {
    samples: [
      ...activationSamples(undefined, undefined, true),
      ...activationSamples(undefined, { approximate: 'tanh' }, true).map((s) => ({ ...s, name: `tanh-${s.name}` })),
    ],
    bad: [approximateBad('gelu', [{ shape: [2] }])],
  },
});

/** gelu''(x), for the double backward (PyTorch's gelu_double_backward, composed). */
function geluSecondDerivative(x: Tensor, approximate: GeluApproximate): Tensor {
  if (approximate === 'none') {
    // φ(x)·(2 − x²), φ the standard normal density.
    const x2 = mul(x, x);
    const phi = mul(exp(mul(x2, -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return mul(phi, sub(2, x2));
  }
  // u = k(x + c·x³), t = tanh u: gelu'' = (1 − t²)·(u' + ½·x·(u'' − 2·t·u'²)).
  const k = Math.sqrt(2 / Math.PI);
  const c = 0.044715;
  const x2 = mul(x, x);
  const t = tanh(mul(add(x, mul(mul(x2, x), c)), k));
  const du = mul(add(mul(x2, 3 * c), 1), k);
  const d2u = mul(x, 6 * k * c);
  const inner = add(du, mul(mul(x, 0.5), sub(d2u, mul(mul(t, 2), mul(du, du)))));
  return mul(sub(1, mul(t, t)), inner);
}

export const geluBackwardOp = defineOp<{ approximate: string }>({
  name: 'geluBackward',
  inputs: GRAD_INPUT,
  attrs: { approximate: { kind: APPROXIMATE, default: 'none' } },
  outputs: backwardOutputs('geluBackward', 'input'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [gg], inputs: [g, x], attrs }) => [
    geluBackward(gg!, x!, attrs.approximate as GeluApproximate),
    mul(mul(gg!, g!), geluSecondDerivative(x!, attrs.approximate as GeluApproximate)),
  ],
  test: {
    samples: [...backwardSamples(), ...backwardSamples(undefined, { approximate: 'tanh' }).map((s) => ({ ...s, name: `tanh-${s.name}` }))],
    bad: [...backwardBad('geluBackward', 'input'), approximateBad('geluBackward', [{ shape: [2] }, { shape: [2] }])],
  },
});

// ---- softplus ----

export const softplusOp = defineOp<{ beta: number; threshold: number }>({
  name: 'softplus',
  inputs: ONE,
  attrs: { beta: { kind: 'float', default: 1 }, threshold: { kind: 'float', default: 20 } },
  outputs: sameShape,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x], attrs }) => [softplusBackward(g!, x!, attrs.beta, attrs.threshold)],
  test: {
    samples: [
      ...activationSamples(undefined, undefined, true),
      // beta ≠ 1 and a threshold inside the sampled range: the kink at beta·x = threshold
      // (x = 0.5) stays ≥ 0.1 from the spaced values.
      ...activationSamples(kinkFree, { beta: 2, threshold: 1 }, true).map((s) => ({ ...s, name: `beta-${s.name}` })),
    ],
  },
});

export const softplusBackwardOp = defineOp<{ beta: number; threshold: number }>({
  name: 'softplusBackward',
  inputs: GRAD_INPUT,
  attrs: { beta: { kind: 'float', default: 1 }, threshold: { kind: 'float', default: 20 } },
  outputs: backwardOutputs('softplusBackward', 'input'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // grad·σ(βx) below the threshold: d/dx = grad·β·σ(βx)·(1 − σ(βx)), 0 above it.
  grad: ({ grads: [gg], inputs: [g, x], attrs: { beta, threshold } }) => {
    const bx = mul(x!, beta);
    const s = sigmoid(bx);
    const curvature = mul(mul(s, sub(1, s)), beta);
    return [softplusBackward(gg!, x!, beta, threshold), where(gt(bx, threshold), 0, mul(mul(gg!, g!), curvature))];
  },
  test: {
    samples: [
      ...backwardSamples(),
      ...backwardSamples(kinkFree, { beta: 2, threshold: 1 }).map((s) => ({ ...s, name: `beta-${s.name}` })),
    ],
    bad: backwardBad('softplusBackward', 'input'),
  },
});

// ---- functions ----

/** max(x, 0). */
export function relu(x: Tensor): Tensor {
  return apply(reluOp, [x])[0];
}
/** The gradient of relu at `input` applied to `grad` (grad where input > 0, else 0). */
export function reluBackward(grad: Tensor, input: Tensor): Tensor {
  return apply(reluBackwardOp, [grad, input])[0];
}
/** x where x > 0, negativeSlope·x elsewhere. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return apply(leakyReluOp, [x], { negativeSlope })[0];
}
export function leakyReluBackward(grad: Tensor, input: Tensor, negativeSlope = 0.01): Tensor {
  return apply(leakyReluBackwardOp, [grad, input], { negativeSlope })[0];
}
/** x where x > 0, alpha·(e^x − 1) elsewhere. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return apply(eluOp, [x], { alpha })[0];
}
export function eluBackward(grad: Tensor, input: Tensor, alpha = 1): Tensor {
  return apply(eluBackwardOp, [grad, input], { alpha })[0];
}
/** 1 / (1 + e^−x). */
export function sigmoid(x: Tensor): Tensor {
  return apply(sigmoidOp, [x])[0];
}
/** grad·output·(1 − output), output = sigmoid(x). */
export function sigmoidBackward(grad: Tensor, output: Tensor): Tensor {
  return apply(sigmoidBackwardOp, [grad, output])[0];
}
/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return apply(tanhOp, [x])[0];
}
/** grad·(1 − output²), output = tanh(x). */
export function tanhBackward(grad: Tensor, output: Tensor): Tensor {
  return apply(tanhBackwardOp, [grad, output])[0];
}
/**
 * x·Φ(x) ('none', exact erf form) or its tanh approximation ('tanh'): gelu(x, 'tanh') or, as
 * PyTorch's keyword, gelu(x, { approximate: 'tanh' }).
 */
export function gelu(x: Tensor, approximate: GeluApproximate | { approximate?: GeluApproximate } = 'none'): Tensor {
  if (typeof approximate === 'object' && approximate !== null) {
    checkOptions('gelu', approximate, ['approximate']);
    return apply(geluOp, [x], { approximate: approximate.approximate ?? 'none' })[0];
  }
  return apply(geluOp, [x], { approximate })[0];
}
export function geluBackward(grad: Tensor, input: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  return apply(geluBackwardOp, [grad, input], { approximate })[0];
}

/** softplus's settings as one options object, PyTorch's keywords (F.softplus(x, beta=2, threshold=5)). */
export interface SoftplusOptions {
  /** Default 1. */
  beta?: number;
  /** Above beta·x = threshold the result is x itself (default 20). */
  threshold?: number;
}

/**
 * log(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's softplus):
 * softplus(x, beta, threshold) or softplus(x, { beta, threshold }), as gelu takes both.
 */
export function softplus(x: Tensor, beta: number | SoftplusOptions = 1, threshold?: number): Tensor {
  // Only an object literal is the options form: an array or a tensor where beta goes keeps
  // apply's own refusal ("option 'beta' expected a number").
  if (beta !== null && typeof beta === 'object' && Object.getPrototypeOf(beta) === Object.prototype) {
    checkOptions('softplus', beta, ['beta', 'threshold']);
    if (threshold !== undefined) {
      throw new ValueError(`softplus: threshold goes inside the options object when one is given (softplus(x, { beta, threshold })), got ${typeof threshold === 'number' ? threshold : typeof threshold} after it`);
    }
    return apply(softplusOp, [x], { beta: beta.beta, threshold: beta.threshold })[0];
  }
  return apply(softplusOp, [x], { beta: beta as number, threshold })[0];
}
export function softplusBackward(grad: Tensor, input: Tensor, beta = 1, threshold = 20): Tensor {
  return apply(softplusBackwardOp, [grad, input], { beta, threshold })[0];
}
