// The gamma family of special functions, PyTorch's: lgamma (log|Γ|), digamma (ψ = Γ′/Γ),
// polygamma (ψ⁽ⁿ⁾), float32 out for any input, and the regularised incomplete gamma functions
// gammainc / gammaincc (P and Q, torch.special's). cuda computes them in double from one shared
// definition (native/src/core/gamma_functions.h, Note [gamma functions]) and rounds once, and so
// does the cpu, but for lgamma and digamma of positive arguments: vectorised float polynomials
// there (native/src/cpu/vmath.h, Note [vectorised special functions]), within 1.03 ulp. Each is the next one's derivative:
// lgamma′ = ψ, ψ⁽ⁿ⁾′ = ψ⁽ⁿ⁺¹⁾, so gradients of any order exist.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { broadcastShapes, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { tensorArg } from '../check-args.js';
import { ALL, FLOAT, defineOp } from '../declare.js';
import { mul, sub } from './binary.js';
import { xlogy } from './composed-log-math.js';
import { standardGammaGradOp } from './random-rejection.js';
import { expandAsFloat } from './shape.js';
import { exp, neg } from './unary.js';
import { mathOp } from './math.js';
import { unarySamples } from './unary.js';

export const lgammaOp = mathOp('lgamma', 'positive', (x) => digamma(x), [1, 2, 0.5, 0, -0, -1, -2.5, 1e-30, 1e30, Infinity, -Infinity, NaN]);
export const digammaOp = mathOp('digamma', 'positive', (x) => polygamma(1, x), [1, 0, -0, -1, -2.5, 1e-30, 1e30, Infinity, -Infinity, NaN]);

function checkOrder(fn: string, n: unknown, least: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < least) {
    throw new ValueError(`${fn}: n expected an integer >= ${least}${least === 1 ? ' (n = 0 is digamma)' : ''}, got ${typeof n === 'number' ? n : typeof n}`);
  }
  return n;
}

export const polygammaOp = defineOp<{ n: number }>({
  name: 'polygamma',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { n: { kind: 'int' } },
  outputs: ([x], a) => {
    checkOrder('polygamma', a.n, 1);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x], attrs }) => [mul(g!, polygamma(attrs.n + 1, x!))],
  test: {
    samples: [
      ...unarySamples(() => ({ fill: 'positive' }), { n: 1 }),
      { name: 'second order', inputs: [{ shape: [2, 3], fill: 'positive' }], attrs: { n: 2 } },
      { name: 'fifth order', inputs: [{ shape: [4], fill: [0.75, 1.5, 3, 12] }], attrs: { n: 5 } },
      { name: 'negative non-integers', inputs: [{ shape: [3], fill: [-0.5, -2.5, -10.25] }], attrs: { n: 1 } },
      // Not −1 or the other poles below 0: PyTorch's trigamma gives large finite values there (its
      // reflection meets sin(πx) ≈ 1e-16), ours +∞; test/gamma-functions.test.ts checks the poles.
      { name: 'extremes', inputs: [{ shape: [6], fill: [0, 1e-3, 1e30, Infinity, -Infinity, NaN], noGrad: true }], attrs: { n: 1 } },
      { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int32', fill: 'int:1:9' }], attrs: { n: 3 } },
    ],
    bad: [
      { name: 'order zero', inputs: [{ shape: [2] }], attrs: { n: 0 }, error: 'ValueError', message: /polygamma: n expected an integer >= 1 \(n = 0 is digamma\), got 0/ },
    ],
  },
});

/** log|Γ(x)| (float32; +∞ at 0 and the negative integers), torch.lgamma / special.gammaln. */
export function lgamma(x: Tensor): Tensor {
  return apply(lgammaOp, [x])[0];
}

/** ψ(x) = d/dx log Γ(x) (float32; ∓∞ at ±0, NaN at the negative integers), torch.digamma. */
export function digamma(x: Tensor): Tensor {
  return apply(digammaOp, [x])[0];
}

/** ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n = 0 is digamma itself), torch.polygamma(n, x). */
export function polygamma(n: number, x: Tensor): Tensor {
  return checkOrder('polygamma', n, 0) === 0 ? digamma(x) : apply(polygammaOp, [x], { n })[0];
}

export const gammaincOp = defineOp<{ upper: boolean }>({
  name: 'gammainc',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'other', dtypes: FLOAT },
  ],
  attrs: { upper: { kind: 'bool', default: false } },
  outputs: ([a, x]) => {
    // The user functions broadcast first; the kernel reads both elementwise.
    if (!sameShape(a.shape, x.shape)) throw new ShapeError(`gammainc: input ${fmtShape(a.shape)} and other ${fmtShape(x.shape)} expected the same shape`);
    return [{ shape: [...a.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // ∂P/∂x is the Gamma(α, 1) density; ∂P/∂α = −(dx/dα)·density, dx/dα being the implicit gradient
  // of a gamma draw (Note [gamma reparameterisation]) — a gradient PyTorch does not implement.
  // Q = 1 − P takes the opposite signs.
  grad: ({ grads: [g], inputs: [a, x], attrs, needsGrad }) => {
    const density = exp(sub(sub(xlogy(sub(a!, 1), x!), x!), lgamma(a!)));
    const gd = mul(g!, attrs.upper ? neg(density) : density);
    return [needsGrad[0] ? neg(apply(standardGammaGradOp, [gd, a!, x!])[0]) : null, needsGrad[1] ? gd : null];
  },
  test: {
    samples: [
      { name: 'lower', inputs: [{ shape: [2, 3], fill: 'positive' }, { shape: [2, 3], fill: [0.1, 0.8, 1.5, 2.5, 4, 0.6] }], attrs: { upper: false } },
      { name: 'upper', inputs: [{ shape: [2, 3], fill: [0.5, 1, 2, 5, 10, 30] }, { shape: [2, 3], fill: [0.2, 1.5, 2.5, 4, 12, 25] }], attrs: { upper: true } },
      { name: 'both branches', inputs: [{ shape: [4], fill: [3, 3, 0.7, 50] }, { shape: [4], fill: [1, 6, 2, 45] }], attrs: { upper: false } },
      { name: 'edges', inputs: [{ shape: [7], fill: [0, 0, 1, 1, -1, 2, 2], noGrad: true }, { shape: [7], fill: [0, 1, 0, Infinity, 1, -1, 1e-30], noGrad: true }], attrs: { upper: false } },
      { name: 'empty', inputs: [{ shape: [0, 2] }, { shape: [0, 2] }], attrs: { upper: true } },
    ],
    bad: [
      { name: 'shapes', inputs: [{ shape: [2] }, { shape: [3] }], attrs: { upper: false }, error: 'ShapeError', message: /^gammainc: input \[2\] and other \[3\] expected the same shape$/ },
    ],
  },
});

function incompleteGamma(fn: string, a: Tensor, x: Tensor, upper: boolean): Tensor {
  tensorArg(fn, 'input', a);
  tensorArg(fn, 'other', x);
  return scope(() => {
    const shape = broadcastShapes(fn, a.shape, x.shape);
    return apply(gammaincOp, [expandAsFloat(a, shape), expandAsFloat(x, shape)], { upper })[0];
  });
}

/**
 * P(a, x) = γ(a, x)/Γ(a), the regularised lower incomplete gamma function (torch.special.gammainc;
 * Gamma's cdf), broadcast; differentiable in x and, unlike PyTorch's, in a.
 */
export function gammainc(a: Tensor, x: Tensor): Tensor {
  return incompleteGamma('gammainc', a, x, false);
}

/** Q(a, x) = 1 − P(a, x), computed directly where it is small (torch.special.gammaincc). */
export function gammaincc(a: Tensor, x: Tensor): Tensor {
  return incompleteGamma('gammaincc', a, x, true);
}
