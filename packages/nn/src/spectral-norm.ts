// Note [spectral norm]: torch.nn.utils.spectral_norm, as PyTorch lays it out: the parameter moves
// to `<name>_orig` (the same tensor, so an optimiser made before keeps stepping it), two buffers
// `<name>_u` and `<name>_v` hold the power iteration's vectors, and before every forward a hook
// sets `<name>` (a plain tensor, not a parameter) to W / σ(W), σ estimated as uᵀ·W·v. In training
// the hook first runs nPowerIterations steps of the iteration, writing u and v in place without
// recording them; σ's gradient flows through W only, as PyTorch's clones of u and v make it. The
// state dict therefore has PyTorch's keys (weight_orig, weight_u, weight_v) and loads there. The
// hook and removal are weightNorm's too (Note [weight reparametrisations] in weight-reparam.ts).
import { ValueError, checkOptions, clone, copyInto, div, keep, matmul, movedim, noGrad, normalize, randn, reshape, scope, sum, mul, transpose, type Tensor } from '@nutshell/tensor';
import type { Module } from './module.js';
import { attachReparametrisation, detachReparametrisation, parameterToReparametrise } from './weight-reparam.js';

export interface SpectralNormOptions {
  /** The parameter to normalise (default 'weight'). */
  name?: string;
  /** Power-iteration steps per training forward (default 1). */
  nPowerIterations?: number;
  eps?: number;
  /** The output dim of the weight (default 0; 1 for transposed convolutions, as PyTorch). */
  dim?: number;
}

/** The weight as the matrix whose largest singular value is σ: its `dim` first, the rest flattened. */
function matrixOf(w: Tensor, dim: number): Tensor {
  const first = dim === 0 ? w : movedim(w, dim, 0);
  return reshape(first, [first.shape[0], -1]);
}

interface Settings {
  name: string;
  dim: number;
  eps: number;
}

/** W / σ(W) from the module's `<name>_orig`, `<name>_u`, `<name>_v`; `iterations` steps of the iteration first. */
function normalised(module: Module, a: Settings, iterations: number): Tensor {
  const m = module as unknown as Record<string, Tensor>;
  const weight = m[`${a.name}_orig`];
  const u = m[`${a.name}_u`];
  const v = m[`${a.name}_v`];
  return scope(() => {
    const mat = matrixOf(weight, a.dim);
    if (iterations > 0) {
      noGrad(() => {
        const w = mat.detach();
        for (let k = 0; k < iterations; k++) {
          copyInto(v, normalize(matmul(transpose(w, 0, 1), u), { dim: 0, eps: a.eps }));
          copyInto(u, normalize(matmul(w, v), { dim: 0, eps: a.eps }));
        }
      });
    }
    // Copies of u and v, as PyTorch's clones: σ's gradient reaches W alone, and the next forward's
    // iteration, writing u and v in place, leaves this forward's graph as it was.
    const [uc, vc] = noGrad(() => [clone(u), clone(v)]);
    const sigma = sum(mul(uc, matmul(mat, vc)));
    return keep(div(weight, sigma));
  });
}

/**
 * Spectral normalisation of a module's weight (torch.nn.utils.spectral_norm, SN-GAN's
 * discriminators): `<name>_orig` holds the parameter, `<name>_u` / `<name>_v` the power
 * iteration's vectors, and each forward uses W / σ(W). Returns the module.
 */
export function spectralNorm<M extends Module>(module: M, options: SpectralNormOptions = {}): M {
  checkOptions('spectralNorm', options, ['name', 'nPowerIterations', 'eps', 'dim']);
  const name = options.name ?? 'weight';
  const weight = parameterToReparametrise('spectralNorm', module, name);
  const iterations = options.nPowerIterations ?? 1;
  if (!(Number.isInteger(iterations) && iterations > 0)) throw new ValueError(`spectralNorm: nPowerIterations expected a positive integer, got ${iterations}`);
  const eps = options.eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(`spectralNorm: eps expected a number >= 0, got ${eps}`);
  const transposed = /^ConvTranspose[123]d$/.test(module.constructor.name);
  const dim = options.dim ?? (transposed ? 1 : 0);
  if (!(Number.isInteger(dim) && dim >= -weight.ndim && dim < weight.ndim)) throw new ValueError(`spectralNorm: dim expected an integer in [${-weight.ndim}, ${weight.ndim - 1}], got ${dim}`);
  const a: Settings = { name, dim: dim < 0 ? dim + weight.ndim : dim, eps };
  const [h, w] = noGrad(() => scope(() => matrixOf(weight, a.dim).shape));
  const start = (n: number) => noGrad(() => scope(() => keep(normalize(randn([n], { device: weight.device }), { dim: 0, eps }))));
  const m = module as unknown as Record<string, unknown>;
  delete m[name];
  m[`${name}_orig`] = weight;
  module.registerBuffer(`${name}_u`, start(h));
  module.registerBuffer(`${name}_v`, start(w));
  attachReparametrisation(
    module,
    {
      kind: 'spectral norm',
      name,
      compute: (mod, training) => normalised(mod, a, training ? iterations : 0),
      dropPieces: (mod) => {
        const r = mod as unknown as Record<string, unknown>;
        for (const key of [`${name}_u`, `${name}_v`]) {
          (r[key] as Tensor).dispose();
          mod.registerBuffer(key, null);
          delete r[key];
        }
        // The original parameter is left as it is (an optimiser may still hold it), as PyTorch leaves it.
        delete r[`${name}_orig`];
      },
    },
    noGrad(() => weight.detach()), // until the first forward, as PyTorch's weight.data
  );
  return module;
}

/**
 * Undoes spectralNorm (torch.nn.utils.remove_spectral_norm): the parameter `<name>` again, holding
 * W / σ(W) as last estimated, and the buffers gone.
 */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  detachReparametrisation('removeSpectralNorm', module, name, 'spectral norm');
  return module;
}
