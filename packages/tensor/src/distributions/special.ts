// Special functions the distributions need that the op table lacks, composed of tensor ops here
// (gradients from the parts) rather than added to the native core: log I₀ and log I₁ (the modified
// Bessel functions, VonMises) by PyTorch's own polynomial approximations, and the multivariate
// log-gamma and digamma (Wishart, LKJCholesky), by their definitions.
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { lt } from '../ops/table/compare.js';
import { arange } from '../ops/table/creation.js';
import { digamma, lgamma } from '../ops/table/gamma-functions.js';
import { sum } from '../ops/table/reduce.js';
import { unsqueeze } from '../ops/table/shape.js';
import { abs, log } from '../ops/table/unary.js';

// Abramowitz & Stegun 9.8.1–9.8.4, the coefficients of torch/distributions/von_mises.py.
const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

/** c₀ + y·(c₁ + y·(c₂ + …)) (Horner, PyTorch's _eval_poly). */
function evalPoly(y: Tensor, coef: readonly number[]): Tensor {
  let result: Tensor | number = coef[coef.length - 1];
  for (let i = coef.length - 2; i >= 0; i--) result = add(mul(y, result), coef[i]);
  return result as Tensor;
}

/**
 * log I_order(x) for x > 0 and order 0 or 1 (PyTorch's _log_modified_bessel_fn): a polynomial in
 * (x/3.75)² below 3.75, x − ½·log x + log of a polynomial in 3.75/x above. Both branches are
 * computed, as PyTorch's; where selects.
 */
export function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  const y = div(x, 3.75);
  let small = evalPoly(mul(y, y), order === 0 ? I0_SMALL : I1_SMALL);
  if (order === 1) small = mul(abs(x), small);
  const large = add(sub(x, mul(log(x), 0.5)), log(evalPoly(div(3.75, x), order === 0 ? I0_LARGE : I1_LARGE)));
  return where(lt(x, 3.75), log(small), large);
}

/** Σ_{j<p} f(a − j/2) over a new last dim. */
function overHalfSteps(a: Tensor, p: number, f: (x: Tensor) => Tensor): Tensor {
  return sum(f(sub(unsqueeze(a, -1), div(arange(p, { device: a.device }), 2))), -1);
}

/** The multivariate log-gamma log Γ_p(a) = p(p − 1)/4·log π + Σ_{j<p} log Γ(a − j/2) (torch.mvlgamma; a > (p − 1)/2). */
export function mvlgamma(a: Tensor, p: number): Tensor {
  return add(overHalfSteps(a, p, lgamma), (p * (p - 1) * Math.log(Math.PI)) / 4);
}

/** The multivariate digamma Σ_{j<p} ψ(a − j/2) (PyTorch's _mvdigamma in wishart.py). */
export function mvdigamma(a: Tensor, p: number): Tensor {
  return overHalfSteps(a, p, digamma);
}
