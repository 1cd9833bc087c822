import {
  checkOptions,
  copyInto,
  DTypeError,
  embedding,
  fmtShape,
  indexSelect,
  mul,
  noGrad,
  norm,
  scope,
  ShapeError,
  tensor,
  ValueError,
  zeros,
  type Tensor,
} from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';

export interface EmbeddingOptions {
  /** A row that gets no gradient (zero at initialisation); negative counts from the end. */
  paddingIdx?: number;
  /**
   * Before each lookup, every looked-up row whose normType-norm exceeds maxNorm is rescaled in
   * place to norm maxNorm (PyTorch's max_norm: scale maxNorm / (norm + 1e-7), under no grad).
   */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2; Infinity for the largest |x|). */
  normType?: number;
}

export interface EmbeddingFromPretrainedOptions extends EmbeddingOptions {
  /** The table is not trained (requiresGrad false) — default true, as PyTorch's. */
  freeze?: boolean;
}

const OPTION_KEYS = ['paddingIdx', 'maxNorm', 'normType'] as const;

/** `options`, after refusing PyTorch's sparse and scale_grad_by_freq with the reason (rather than only "unknown option"). */
export function refuseSparse<O extends object>(layer: string, options: O): O {
  const key = options && typeof options === 'object' ? ['sparse', 'scale_grad_by_freq', 'scaleGradByFreq'].find((k) => k in options) : undefined;
  if (key) {
    throw new ValueError(`${layer}: option '${key}' is not supported: the weight's gradient is dense here (every row, updated by any optimiser; PyTorch's sparse=True with SparseAdam has no counterpart), and scale_grad_by_freq is not implemented`);
  }
  return options;
}

/** The checked paddingIdx (made non-negative), maxNorm and normType of Embedding's and EmbeddingBag's options. */
export function tableOptions(layer: string, numEmbeddings: number, options: EmbeddingOptions): { paddingIdx: number | undefined; maxNorm: number | null; normType: number } {
  let pad = options.paddingIdx ?? undefined;
  if (pad !== undefined) {
    if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
      throw new ValueError(`${layer}: paddingIdx expected an integer in [${-numEmbeddings}, ${numEmbeddings}), got ${pad}`);
    }
    if (pad < 0) pad += numEmbeddings;
  }
  const maxNorm = options.maxNorm ?? null;
  if (maxNorm !== null && !(typeof maxNorm === 'number' && maxNorm > 0)) {
    throw new ValueError(`${layer}: maxNorm expected a number > 0 (or null for none), got ${String(maxNorm)}`);
  }
  const normType = options.normType ?? 2;
  if (!(typeof normType === 'number' && normType > 0)) throw new ValueError(`${layer}: normType expected a number > 0 or Infinity, got ${String(normType)}`);
  return { paddingIdx: pad, maxNorm, normType };
}

// fromPretrained hands the constructor its weight here (PyTorch's private _weight argument), so
// no random table is made and thrown away; Embedding's and EmbeddingBag's share it.
let pretrained: { weight: Tensor; freeze: boolean } | null = null;

/** @internal What fromPretrained left for the constructor running now (then cleared). */
export function takePretrained(): { weight: Tensor; freeze: boolean } | null {
  const given = pretrained;
  pretrained = null;
  return given;
}

/**
 * @internal Embedding's and EmbeddingBag's fromPretrained: `embeddings` checked and handed to the
 * constructor `make` runs (with the options less freeze), frozen unless `freeze: false`.
 */
export function fromPretrainedTable<L>(layer: string, embeddings: Tensor, options: { freeze?: boolean }, keys: readonly string[], make: (rows: number, dim: number, rest: object) => L): L {
  const where = `${layer}.fromPretrained`;
  checkOptions(where, refuseSparse(where, options), ['freeze', ...keys]);
  if (!embeddings?.isTensor) throw new ValueError(`${where}: embeddings expected a Tensor, got ${embeddings === null ? 'null' : typeof embeddings}`);
  if (embeddings.shape.length !== 2) throw new ShapeError(`${where}: embeddings expected a 2-D tensor [numEmbeddings, embeddingDim], got ${fmtShape(embeddings.shape)}`);
  if (embeddings.dtype !== 'float32') throw new DTypeError(`${where}: embeddings expected float32, got ${embeddings.dtype}`);
  const { freeze = true, ...rest } = options;
  if (typeof freeze !== 'boolean') throw new ValueError(`${where}: freeze expected a boolean, got ${String(freeze)}`);
  pretrained = { weight: embeddings.detach(), freeze };
  try {
    return make(embeddings.shape[0], embeddings.shape[1], rest);
  } finally {
    pretrained = null;
  }
}

/** A lookup table [numEmbeddings, embeddingDim]; N(0, 1) init; the paddingIdx row is zero and gets no gradient. */
export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | undefined;
  readonly maxNorm: number | null;
  readonly normType: number;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    const given = takePretrained();
    positionalArgs('Embedding', ['numEmbeddings', 'embeddingDim'], [numEmbeddings, embeddingDim], true);
    checkOptions('Embedding', refuseSparse('Embedding', options), OPTION_KEYS);
    ({ paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType } = tableOptions('Embedding', numEmbeddings, options));
    if (given) {
      // As PyTorch's from_pretrained: the given table as is (its padding row is not zeroed).
      this.weight = Parameter(given.weight, !given.freeze);
      return;
    }
    this.weight = newTable(numEmbeddings, embeddingDim, this.paddingIdx);
  }

  /**
   * An Embedding whose table is `embeddings` [numEmbeddings, embeddingDim] (sharing its storage,
   * as PyTorch's), frozen unless `freeze: false`; as torch.nn.Embedding.from_pretrained.
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingFromPretrainedOptions = {}): Embedding {
    return fromPretrainedTable('Embedding', embeddings, options, OPTION_KEYS, (rows, dim, rest) => new Embedding(rows, dim, rest));
  }

  forward(indices: Tensor): Tensor {
    if (this.maxNorm !== null) renormLookedUpRows(this.weight, indices, this.maxNorm, this.normType);
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, paddingIdx=${this.paddingIdx}` : ''}${this.maxNorm !== null ? `, maxNorm=${this.maxNorm}` : ''}${this.normType !== 2 ? `, normType=${this.normType}` : ''}`;
  }
}

/** A trainable [numEmbeddings, dim] table drawn from N(0, 1), its paddingIdx row zero. */
export function newTable(numEmbeddings: number, dim: number, paddingIdx: number | undefined): Tensor {
  const weight = Parameter(zeros([numEmbeddings, dim]));
  init.normal(weight);
  if (paddingIdx !== undefined) {
    const values = weight.dataSync() as Float32Array;
    values.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
    noGrad(() => scope(() => void copyInto(weight, tensor(values, { shape: weight.shape, device: weight.device }))));
  }
  return weight;
}

/**
 * PyTorch's embedding_renorm_ (max_norm of Embedding and EmbeddingBag): each distinct row of
 * `weight` that `indices` looks up and whose normType-norm exceeds maxNorm is scaled by
 * maxNorm / (norm + 1e-7), in place and unrecorded. Indices that the lookup will refuse (wrong
 * dtype, out of range) leave the table alone, so the lookup's own error is the one seen.
 */
export function renormLookedUpRows(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  if (!indices?.isTensor || (indices.dtype !== 'int32' && indices.dtype !== 'int64')) return;
  const n = weight.shape[0];
  const rows = [...new Set(Array.from(indices.dataSync() as ArrayLike<number | bigint>, Number))].sort((a, b) => a - b);
  if (rows.length === 0 || rows[0] < 0 || rows[rows.length - 1] >= n) return;
  noGrad(() =>
    scope(() => {
      const device = weight.device;
      const picked = indexSelect(weight, 0, tensor(Int32Array.from(rows), { device }));
      const norms = norm(picked, { p: normType, dim: 1 }).dataSync() as Float32Array;
      const scale = new Float32Array(n).fill(1);
      let any = false;
      rows.forEach((r, k) => {
        if (norms[k] > maxNorm) {
          scale[r] = maxNorm / (norms[k] + 1e-7);
          any = true;
        }
      });
      // Rows left alone are multiplied by exactly 1: unchanged.
      if (any) copyInto(weight, mul(weight, tensor(scale, { shape: [n, 1], device })));
    }),
  );
}
