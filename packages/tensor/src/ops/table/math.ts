// More elementwise math of one tensor, PyTorch's: tan, asin, acos, atan, sinh, cosh, asinh,
// acosh, atanh, log1p, expm1, log2, log10, erf, erfc, erfinv — float32 out for any input (integers
// promote, as PyTorch's do), computed by libm on cpu and CUDA's libdevice on cuda (each within a
// few ulp of the exact value), with gradients from the derivatives below.
import type { DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, type SampleInput, type TensorMeta } from '../declare.js';
import { add, div, mul, sub } from './binary.js';
import { exp, sqrt, unarySamples } from './unary.js';

const toFloat = ([x]: readonly TensorMeta[]) => [{ shape: [...x.shape], dtype: 'float32' as DType }];

/** @internal */
export type Domain = 'any' | 'unit' | 'aboveOne' | 'positive' | 'aboveMinusOne';

// Inputs inside each function's domain, away from its edges (where the finite-difference check
// of the gradient would cross a pole).
function domainFill(domain: Domain): ((shape: number[]) => Partial<SampleInput>) | undefined {
  const n = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
  const spread = (lo: number, hi: number) => (shape: number[]) => ({ fill: Array.from({ length: n(shape) }, (_, i) => lo + ((hi - lo) * ((i * 7) % (n(shape) || 1) + 0.5)) / (n(shape) || 1)) });
  switch (domain) {
    case 'unit': return spread(-0.9, 0.9);
    case 'aboveOne': return spread(1.1, 3);
    case 'positive': return () => ({ fill: 'positive' });
    case 'aboveMinusOne': return spread(-0.8, 2);
    default: return undefined;
  }
}

/** @internal */
export type Derivative = (x: Tensor, y: Tensor) => Tensor;

/** @internal A float32 function of one tensor with its derivative and test samples. */
export function mathOp(name: string, domain: Domain, derivative: Derivative, extremes: number[]) {
  return defineOp({
    name,
    inputs: [{ name: 'input', dtypes: ALL }],
    attrs: {},
    outputs: toFloat,
    backends: ['cpu', 'cuda'],
    saves: { inputs: [0], outputs: [0] },
    grad: ({ grads: [g], inputs: [x], outputs: [y] }) => [mul(g!, derivative(x!, y!))],
    test: {
      samples: [
        ...unarySamples(domainFill(domain)),
        { name: 'extremes', inputs: [{ shape: [extremes.length], fill: extremes, noGrad: true }] },
        { name: 'int', inputs: [{ shape: [2, 2], dtype: 'int32', fill: domain === 'aboveOne' ? 'int:1:5' : domain === 'positive' ? 'int:1:9' : domain === 'unit' ? 'int:-1:2' : 'int:-3:4' }] },
      ],
    },
  });
}

const oneMinusSquare = (x: Tensor) => sub(1, mul(x, x));
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_PI_OVER_2 = Math.sqrt(Math.PI) / 2;

export const tanOp = mathOp('tan', 'unit', (_x, y) => add(mul(y, y), 1), [0, -0, 1.5, -1.5, 100, Infinity, NaN]);
export const asinOp = mathOp('asin', 'unit', (x) => div(1, sqrt(oneMinusSquare(x))), [0, 1, -1, 1.5, NaN]);
export const acosOp = mathOp('acos', 'unit', (x) => div(-1, sqrt(oneMinusSquare(x))), [0, 1, -1, 1.5, NaN]);
export const atanOp = mathOp('atan', 'any', (x) => div(1, add(mul(x, x), 1)), [0, 1e30, -Infinity, Infinity, NaN]);
export const sinhOp = mathOp('sinh', 'any', (x) => cosh(x), [0, 89, -89, 100, Infinity, NaN]);
export const coshOp = mathOp('cosh', 'any', (x) => sinh(x), [0, 89, -89, 100, -Infinity, NaN]);
export const asinhOp = mathOp('asinh', 'any', (x) => div(1, sqrt(add(mul(x, x), 1))), [0, 1e30, -1e30, Infinity, NaN]);
export const acoshOp = mathOp('acosh', 'aboveOne', (x) => div(1, sqrt(sub(mul(x, x), 1))), [1, 0.5, 1e30, Infinity, NaN]);
export const atanhOp = mathOp('atanh', 'unit', (x) => div(1, oneMinusSquare(x)), [0, 1, -1, 2, NaN]);
export const log1pOp = mathOp('log1p', 'aboveMinusOne', (x) => div(1, add(x, 1)), [0, 1e-10, -1e-10, -1, -2, 1e30, Infinity, NaN]);
export const expm1Op = mathOp('expm1', 'any', (_x, y) => add(y, 1), [0, 1e-10, -1e-10, 89, -100, Infinity, NaN]);
export const log2Op = mathOp('log2', 'positive', (x) => div(1 / Math.LN2, x), [1, 0, -1, 1024, 1e-30, Infinity, NaN]);
export const log10Op = mathOp('log10', 'positive', (x) => div(1 / Math.LN10, x), [1, 0, -1, 1000, 1e-30, Infinity, NaN]);
export const erfOp = mathOp('erf', 'any', (x) => mul(exp(mul(mul(x, x), -1)), TWO_OVER_SQRT_PI), [0, 0.5, -3, 5, Infinity, -Infinity, NaN]);
export const erfinvOp = mathOp('erfinv', 'unit', (_x, y) => mul(exp(mul(y, y)), SQRT_PI_OVER_2), [0, 0.5, -0.999, 1, -1, 1.5, -2, 1e-30, NaN]);
export const erfcOp = mathOp('erfc', 'any', (x) => mul(exp(mul(mul(x, x), -1)), -TWO_OVER_SQRT_PI), [0, 0.5, -3, 5, 10, Infinity, NaN]);

/** Tangent (float32; radians). */
export function tan(x: Tensor): Tensor {
  return apply(tanOp, [x])[0];
}
/** Hyperbolic sine (float32). */
export function sinh(x: Tensor): Tensor {
  return apply(sinhOp, [x])[0];
}
/** Hyperbolic cosine (float32). */
export function cosh(x: Tensor): Tensor {
  return apply(coshOp, [x])[0];
}
/** Arcsine (float32; NaN outside [−1, 1]). */
export function asin(x: Tensor): Tensor {
  return apply(asinOp, [x])[0];
}
/** Arccosine (float32; NaN outside [−1, 1]). */
export function acos(x: Tensor): Tensor {
  return apply(acosOp, [x])[0];
}
/** Arctangent (float32). */
export function atan(x: Tensor): Tensor {
  return apply(atanOp, [x])[0];
}
/** Inverse hyperbolic sine (float32). */
export function asinh(x: Tensor): Tensor {
  return apply(asinhOp, [x])[0];
}
/** Inverse hyperbolic cosine (float32; NaN below 1). */
export function acosh(x: Tensor): Tensor {
  return apply(acoshOp, [x])[0];
}
/** Inverse hyperbolic tangent (float32; ±inf at ±1, NaN beyond). */
export function atanh(x: Tensor): Tensor {
  return apply(atanhOp, [x])[0];
}
/** log(1 + x), accurate for small x (float32). */
export function log1p(x: Tensor): Tensor {
  return apply(log1pOp, [x])[0];
}
/** e^x − 1, accurate for small x (float32). */
export function expm1(x: Tensor): Tensor {
  return apply(expm1Op, [x])[0];
}
/** Base-2 logarithm (float32). */
export function log2(x: Tensor): Tensor {
  return apply(log2Op, [x])[0];
}
/** Base-10 logarithm (float32). */
export function log10(x: Tensor): Tensor {
  return apply(log10Op, [x])[0];
}
/** The error function (float32). */
export function erf(x: Tensor): Tensor {
  return apply(erfOp, [x])[0];
}
/** The inverse of erf on [−1, 1] (float32; ±∞ at ±1, NaN outside), torch.erfinv: computed in double on both devices. */
export function erfinv(x: Tensor): Tensor {
  return apply(erfinvOp, [x])[0];
}
/** 1 − erf(x), accurate where erf is near 1 (float32). */
export function erfc(x: Tensor): Tensor {
  return apply(erfcOp, [x])[0];
}
