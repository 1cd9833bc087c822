// The distance modules of torch.nn: CosineSimilarity and PairwiseDistance, the tensor package's
// cosineSimilarity and pairwiseDistance with their settings held (checked when the layer is made).
import { ValueError, checkOptions, cosineSimilarity, pairwiseDistance, type CosineSimilarityOptions, type PairwiseDistanceOptions, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';

/** The options object a distance layer takes, or {} when none is given; a number (PyTorch's positional dim / p) is refused with the call that works. */
function optionsOf(layer: string, first: string, keys: readonly string[], options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || (options as Tensor).isTensor) {
    const hint = typeof options === 'number' ? ` (new ${layer}({ ${first}: ${options} }))` : '';
    throw new ValueError(`${layer}: expected an options object { ${keys.join(', ')} }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : (options as Tensor).isTensor ? 'a tensor' : typeof options === 'string' ? `'${options}'` : String(options)}${hint}`);
  }
  checkOptions(layer, options as object, keys);
  return options as Record<string, unknown>;
}

const got = (v: unknown) => (typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

/** Σ (x1/‖x1‖)·(x2/‖x2‖) along `dim` (default 1), each norm floored at `eps` (default 1e-8): torch.nn.CosineSimilarity. forward(x1, x2), broadcast together. */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  constructor(options?: CosineSimilarityOptions) {
    super();
    const o = optionsOf('CosineSimilarity', 'dim', ['dim', 'eps'], options);
    this.dim = (o.dim as number | undefined) ?? 1;
    this.eps = (o.eps as number | undefined) ?? 1e-8;
    if (!Number.isInteger(this.dim)) throw new ValueError(`CosineSimilarity: option 'dim' expected an integer, got ${got(this.dim)}`);
    if (typeof this.eps !== 'number' || !(this.eps >= 0) || !Number.isFinite(this.eps)) throw new ValueError(`CosineSimilarity: option 'eps' expected a finite number >= 0, got ${got(this.eps)}`);
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/** ‖x1 − x2 + eps‖_p over the last dim (p default 2, eps 1e-6, keepdim false): torch.nn.PairwiseDistance. forward(x1, x2), broadcast together. */
export class PairwiseDistance extends Module {
  readonly p: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(options?: PairwiseDistanceOptions) {
    super();
    const o = optionsOf('PairwiseDistance', 'p', ['p', 'eps', 'keepdim'], options);
    this.p = (o.p as number | undefined) ?? 2;
    this.eps = (o.eps as number | undefined) ?? 1e-6;
    this.keepdim = (o.keepdim as boolean | undefined) ?? false;
    if (typeof this.p !== 'number' || !(this.p > 0)) throw new ValueError(`PairwiseDistance: option 'p' expected a number > 0 or Infinity, got ${got(this.p)}`);
    if (typeof this.eps !== 'number' || !Number.isFinite(this.eps)) throw new ValueError(`PairwiseDistance: option 'eps' expected a finite number, got ${got(this.eps)}`);
    if (typeof this.keepdim !== 'boolean') throw new ValueError(`PairwiseDistance: option 'keepdim' expected true or false, got ${got(this.keepdim)}`);
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, { p: this.p, eps: this.eps, keepdim: this.keepdim });
  }
}
