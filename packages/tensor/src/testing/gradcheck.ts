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

export function gradcheck(decl: OpDecl<any>, sample: ConcreteSample, tolerance = 1e-2, eps = 1e-2): GradcheckResult {
  return scope(() => {
    const rand = seededRandom(hashString(`${decl.name}/${sample.name}/gradcheck`));
    const inputs = inputTensors(sample, true);
    const outs = apply(decl, inputs, sample.attrs as never).filter((o) => o.dtype === 'float32');
    const ups = outs.map((o) => Array.from({ length: o.numel }, () => normal(rand)));
    const loss = (xs: Tensor[]): number =>
      scope(() => {
        const ys = apply(decl, xs, sample.attrs as never).filter((o) => o.dtype === 'float32');
        return ys.reduce((acc, y, k) => acc + dot(y.dataSync() as Float32Array, ups[k]), 0);
      });
    // Analytic: backward with upstream u on each float output.
    for (let k = 0; k < outs.length; k++) {
      if (!outs[k].requiresGrad) continue;
      outs[k].backward(tensor(ups[k], { shape: outs[k].shape }), { retainGraph: k < outs.length - 1 });
    }
    const details: string[] = [];
    let ok = true;
    noGrad(() => {
      inputs.forEach((x, i) => {
        if (!x.requiresGrad) return;
        const g = x.grad ? (x.grad.dataSync() as Float32Array) : new Float32Array(x.numel);
        const base = x.dataSync() as Float32Array;
        for (let trial = 0; trial < 3; trial++) {
          const v = Array.from({ length: x.numel }, () => normal(rand));
          const shifted = (sign: number) => {
            const vals = Float32Array.from(base, (b, j) => b + sign * eps * v[j]);
            return inputs.map((other, j) => (j === i ? tensor(vals, { shape: x.shape }) : other));
          };
          const numeric = (loss(shifted(+1)) - loss(shifted(-1))) / (2 * eps);
          const analytic = dot(g, v);
          const err = Math.abs(numeric - analytic);
          const allowed = tolerance * (1 + Math.abs(analytic) + Math.abs(numeric));
          if (!(err <= allowed)) {
            ok = false;
            details.push(`input ${i} ('${inputSpec(decl, i).name}') direction ${trial}: numeric ${numeric.toFixed(6)} vs analytic ${analytic.toFixed(6)}`);
          }
        }
      });
    });
    return { ok, details };
  });
}
