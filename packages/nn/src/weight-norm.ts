// Note [weight norm]: torch.nn.utils.weight_norm (Salimans & Kingma 2016), the classic hook form,
// on the mechanism spectral norm uses (Note [weight reparametrisations] in weight-reparam.ts): the
// parameter `<name>` becomes `<name>_g` (its norm, a new parameter) and `<name>_v` (the original
// tensor, so an optimiser made before keeps stepping it), and before every forward a hook sets
// `<name>` to v · g / ‖v‖. The norm is over every dim except `dim` (kept as size-1 dims, so g is
// [out, 1] for a Linear at dim 0, as PyTorch's), or over the whole tensor, g a 0-d tensor, when dim
// is null — or -1: PyTorch reads dim=-1 as None (its WeightNorm stores None as -1), not as the last
// dim, and so does this, so that PyTorch's code and its checkpoints carry over unchanged. Other
// negative dims count from the end. The state dict has PyTorch's keys (weight_g, weight_v).
import { ValueError, abs, checkOptions, div, keep, mul, noGrad, norm, scope, type Tensor } from '@nutshell/tensor';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';
import { attachReparametrisation, detachReparametrisation, parameterToReparametrise } from './weight-reparam.js';

export interface WeightNormOptions {
  /** The parameter to reparametrise (default 'weight'). */
  name?: string;
  /**
   * The dim the norm is kept along (default 0, each output's row on its own); null — or -1, as
   * PyTorch reads it — for one norm of the whole tensor.
   */
  dim?: number | null;
}

/** ‖v‖ over every dim except `dim` (kept as size-1 dims), or over the whole tensor when dim is null (PyTorch's norm_except_dim). */
function normExceptDim(v: Tensor, dim: number | null): Tensor {
  if (dim === null) return norm(v);
  const others = [...v.shape.keys()].filter((d) => d !== dim);
  // A 1-d parameter has no other dim: each element is its own vector, as PyTorch's view(n, -1).norm(dim=1).
  return others.length === 0 ? abs(v) : norm(v, { dim: others, keepdim: true });
}

/**
 * Weight normalisation of a module's parameter (torch.nn.utils.weight_norm): `<name>_g` holds
 * the norm and `<name>_v` the direction, and each forward uses v · g / ‖v‖ (Note [weight norm]).
 * Returns the module.
 */
export function weightNorm<M extends Module>(module: M, options: WeightNormOptions = {}): M {
  checkOptions('weightNorm', options, ['name', 'dim']);
  const name = options.name ?? 'weight';
  const weight = parameterToReparametrise('weightNorm', module, name);
  const given = options.dim === undefined ? 0 : options.dim;
  if (given !== null && !(typeof given === 'number' && Number.isInteger(given) && given >= -weight.ndim && given < weight.ndim)) {
    const got = typeof given === 'number' ? String(given) : typeof given === 'string' ? `'${given}'` : typeof given;
    throw new ValueError(`weightNorm: dim expected an integer in [${-weight.ndim}, ${weight.ndim - 1}] or null (the whole tensor), got ${got} (the weight is ${weight.ndim}-d)`);
  }
  // As PyTorch: -1 is None, the whole tensor (Note [weight norm]).
  const dim = given === null || given === -1 ? null : given < 0 ? given + weight.ndim : given;
  const g = noGrad(() => scope(() => keep(normExceptDim(weight, dim))));
  const m = module as unknown as Record<string, unknown>;
  delete m[name];
  m[`${name}_g`] = Parameter(g);
  m[`${name}_v`] = weight;
  const compute = (mod: Module): Tensor => {
    const r = mod as unknown as Record<string, Tensor>;
    const v = r[`${name}_v`];
    return mul(v, div(r[`${name}_g`], normExceptDim(v, dim)));
  };
  attachReparametrisation(
    module,
    {
      kind: 'weight norm',
      name,
      compute,
      dropPieces: (mod) => {
        // The parameters are left as they are (an optimiser may still hold them), as PyTorch leaves them.
        const r = mod as unknown as Record<string, unknown>;
        delete r[`${name}_g`];
        delete r[`${name}_v`];
      },
    },
    // Until the first forward: the same values, without a graph (PyTorch's has one, to g and v).
    noGrad(() => scope(() => keep(compute(module)))),
  );
  return module;
}

/** Undoes weightNorm (torch.nn.utils.remove_weight_norm): the parameter `<name>` again, holding v · g / ‖v‖ as it is now. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  detachReparametrisation('removeWeightNorm', module, name, 'weight norm');
  return module;
}
