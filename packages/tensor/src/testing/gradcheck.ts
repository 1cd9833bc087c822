// Note [gradient check]: float32 only, so instead of PyTorch's per-element float64 Jacobians we
// compare directional derivatives: for random directions v and a random upstream u,
//   (L(x + εv) − L(x − εv)) / 2ε  ≈  ⟨∂L/∂x, v⟩,   L = Σ u ⊙ op(x).
// Summing over all elements averages float32 rounding away; samples avoid kinks.
import { apply } from '../ops/apply.js';
import { inputSpec, type OpDecl } from '../ops/declare.js';
import { tensor } from '../creation.js';
import { scope } from '../memory.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor.js';
import type { ConcreteSample } from './samples.js';
import { hashString, normal, seededRandom } from './rng.js';
import { ValueError } from '../errors.js';

// A sample's values for its dtype: int32 and uint8 ones wrapped as C's conversions wrap them
// (the fixtures were made that way; tensor() refuses values out of a dtype's range).
const wrapped = (values: readonly number[], dtype: string): readonly number[] | Int32Array | Uint8Array =>
  dtype === 'uint8' ? Uint8Array.from(values, Math.trunc) : dtype === 'int32' ? Int32Array.from(values, Math.trunc) : values;

export function inputTensors(sample: ConcreteSample, requiresGrad: boolean, device = 'cpu'): Tensor[] {
  return sample.inputs.map((inp) =>
    tensor(wrapped(inp.values, inp.dtype) as number[], {
      shape: inp.shape, dtype: inp.dtype, device, requiresGrad: requiresGrad && !inp.noGrad && inp.dtype === 'float32',
    }),
  );
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface GradcheckResult {
  ok: boolean;
  details: string[];
}

export interface GradcheckOptions {
  /**
   * The finite-difference step (default 1e-2; float32 needs a large one): how far along a unit
   * direction each input moves, so the check stays local on large inputs (a user trial's 8×8
   * eigvalsh moved 0.08 in norm with unscaled directions, past an eigenvalue gap of 0.05).
   */
  eps?: number;
  /** Allowed |numeric − analytic| relative to 1 + their sizes (default 1e-2). */
  tolerance?: number;
  /** Random directions per input (default 3). */
  directions?: number;
  /** Seeds the directions and the upstream gradient (default 0). */
  seed?: number;
}

/**
 * Checks gradients against central differences (Note [gradient check]), either of an op
 * declaration on one of its samples, or — as PyTorch's torch.autograd.gradcheck(fn, inputs) — of
 * any function of tensors: `gradcheck((a, b) => myFn(a, b), [a, b])` differentiates with respect
 * to the inputs that require grad (copies of them: their .grad is left alone) and returns
 * `{ ok, details }`. Keep the inputs away from kinks (relu at 0, max at ties).
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: readonly Tensor[], options?: GradcheckOptions): GradcheckResult;
export function gradcheck(decl: OpDecl<any>, sample: ConcreteSample, tolerance?: number, eps?: number): GradcheckResult;
export function gradcheck(
  what: OpDecl<any> | ((...inputs: Tensor[]) => Tensor | Tensor[]),
  where: ConcreteSample | readonly Tensor[],
  toleranceOrOptions: number | GradcheckOptions = {},
  eps = 1e-2,
): GradcheckResult {
  if (typeof what === 'function') {
    const o = typeof toleranceOrOptions === 'number' ? { tolerance: toleranceOrOptions } : toleranceOrOptions;
    if (!Array.isArray(where) || !where.every((x) => (x as Tensor)?.isTensor)) {
      throw new ValueError(`gradcheck: inputs expected an array of tensors (gradcheck(fn, [a, b])), got ${Array.isArray(where) ? 'an array with other values' : typeof where}`);
    }
    const fn = what;
    const given = where as readonly Tensor[];
    if (!given.some((x) => x.requiresGrad)) throw new ValueError('gradcheck: none of the inputs requires grad, so there is nothing to check (x.requiresGrad_())');
    return scope(() => {
      // Fresh leaves: the caller's tensors keep their .grad.
      const leaves = given.map((x) => tensor(x.dataSync() as never, { shape: x.shape, dtype: x.dtype, device: x.device, requiresGrad: x.requiresGrad }));
      const run = (xs: Tensor[]) => {
        const out = fn(...xs);
        const list = Array.isArray(out) ? out : [out];
        if (!list.every((t) => t?.isTensor)) throw new ValueError('gradcheck: fn expected to return a Tensor or an array of tensors');
        return list.filter((t) => t.dtype === 'float32');
      };
      return directionalCheck(run, leaves, (i) => `input ${i}`, seededRandom(o.seed ?? 0), o.tolerance ?? 1e-2, o.eps ?? 1e-2, o.directions ?? 3, true);
    });
  }
  const decl = what;
  const sample = where as ConcreteSample;
  const tolerance = typeof toleranceOrOptions === 'number' ? toleranceOrOptions : 1e-2;
  return scope(() => {
    const rand = seededRandom(hashString(`${decl.name}/${sample.name}/gradcheck`));
    const inputs = inputTensors(sample, true);
    const run = (xs: Tensor[]) => apply(decl, xs, sample.attrs as never).filter((o) => o.dtype === 'float32');
    return directionalCheck(run, inputs, (i) => `input ${i} ('${inputSpec(decl, i).name}')`, rand, tolerance, eps, 3);
  });
}

function directionalCheck(
  run: (xs: Tensor[]) => Tensor[],
  inputs: Tensor[],
  nameOf: (i: number) => string,
  rand: () => number,
  tolerance: number,
  eps: number,
  directions: number,
  unitDirections = false,
): GradcheckResult {
  const outs = run(inputs);
  const ups = outs.map((o) => Array.from({ length: o.numel }, () => normal(rand)));
  const loss = (xs: Tensor[]): number =>
    scope(() => run(xs).reduce((acc, y, k) => acc + dot(y.dataSync() as Float32Array, ups[k]), 0));
  // Analytic: backward with upstream u on each float output.
  for (let k = 0; k < outs.length; k++) {
    if (!outs[k].requiresGrad) continue;
    outs[k].backward(tensor(ups[k], { shape: outs[k].shape, device: outs[k].device }), { retainGraph: k < outs.length - 1 });
  }
  const details: string[] = [];
  let ok = true;
  noGrad(() => {
    inputs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      const g = x.grad ? (x.grad.dataSync() as Float32Array) : new Float32Array(x.numel);
      const base = x.dataSync() as Float32Array;
      for (let trial = 0; trial < directions; trial++) {
        const v = Array.from({ length: x.numel }, () => normal(rand));
        if (unitDirections) {
          const norm = Math.sqrt(dot(v, v)) || 1; // no spread: inputs may have millions of elements
          for (let j = 0; j < v.length; j++) v[j] /= norm;
        }
        const shifted = (sign: number) => {
          const vals = Float32Array.from(base, (b, j) => b + sign * eps * v[j]);
          return inputs.map((other, j) => (j === i ? tensor(vals, { shape: x.shape, device: x.device }) : other));
        };
        const numeric = (loss(shifted(+1)) - loss(shifted(-1))) / (2 * eps);
        const analytic = dot(g, v);
        const err = Math.abs(numeric - analytic);
        const allowed = tolerance * (1 + Math.abs(analytic) + Math.abs(numeric));
        if (!(err <= allowed)) {
          ok = false;
          details.push(`${nameOf(i)} direction ${trial}: numeric ${numeric.toFixed(6)} vs analytic ${analytic.toFixed(6)}`);
        }
      }
    });
  });
  return { ok, details };
}
