// The gamma family of special functions, PyTorch's: lgamma (log|Γ|), digamma (ψ = Γ′/Γ) and
// polygamma (ψ⁽ⁿ⁾), float32 out for any input. Both backends compute them in double from one
// shared definition (native/src/core/gamma_functions.h, Note [gamma functions]) and round once,
// so they agree with each other and are at least as accurate as PyTorch's float kernels. Each is
// the next one's derivative: lgamma′ = ψ, ψ⁽ⁿ⁾′ = ψ⁽ⁿ⁺¹⁾, so gradients of any order exist.
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp } from '../declare.js';
import { mul } from './binary.js';
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
