import { checkOptions, embeddingBag, ValueError, type EmbeddingBagMode, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { Parameter } from '../parameter.js';
import { fromPretrainedTable, newTable, refuseSparse, renormLookedUpRows, tableOptions, takePretrained, type EmbeddingOptions } from './embedding.js';

export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** How a bag's rows combine: 'sum', 'mean' (default, as PyTorch's) or 'max'. */
  mode?: EmbeddingBagMode;
  /** offsets has one more entry than there are bags: the end of the last bag (PyTorch's CSR form). */
  includeLastOffset?: boolean;
}

export interface EmbeddingBagFromPretrainedOptions extends EmbeddingBagOptions {
  /** The table is not trained (requiresGrad false) — default true, as PyTorch's. */
  freeze?: boolean;
}

const OPTION_KEYS = ['paddingIdx', 'maxNorm', 'normType', 'mode', 'includeLastOffset'] as const;

/**
 * Sums, means (default) or maxima of bags of rows of a [numEmbeddings, embeddingDim] table, as
 * torch.nn.EmbeddingBag: forward(input [bags, length]) or forward(input 1-D, offsets) with
 * optional perSampleWeights (mode 'sum'); out [bags, embeddingDim]. N(0, 1) init; positions
 * holding paddingIdx are left out of their bag and its row is zero and gets no gradient.
 */
export class EmbeddingBag extends Module {
  weight: Tensor;
  readonly paddingIdx: number | undefined;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly mode: EmbeddingBagMode;
  readonly includeLastOffset: boolean;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingBagOptions = {}) {
    super();
    const given = takePretrained();
    positionalArgs('EmbeddingBag', ['numEmbeddings', 'embeddingDim'], [numEmbeddings, embeddingDim], true);
    checkOptions('EmbeddingBag', refuseSparse('EmbeddingBag', options), OPTION_KEYS);
    ({ paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType } = tableOptions('EmbeddingBag', numEmbeddings, options));
    this.mode = options.mode ?? 'mean';
    if (!['sum', 'mean', 'max'].includes(this.mode)) throw new ValueError(`EmbeddingBag: mode expected one of 'sum', 'mean', 'max', got ${String(this.mode)}`);
    this.includeLastOffset = options.includeLastOffset ?? false;
    if (typeof this.includeLastOffset !== 'boolean') throw new ValueError(`EmbeddingBag: includeLastOffset expected a boolean, got ${String(this.includeLastOffset)}`);
    this.weight = given ? Parameter(given.weight, !given.freeze) : newTable(numEmbeddings, embeddingDim, this.paddingIdx);
  }

  /**
   * An EmbeddingBag whose table is `embeddings` [numEmbeddings, embeddingDim] (sharing its
   * storage), frozen unless `freeze: false`; as torch.nn.EmbeddingBag.from_pretrained.
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingBagFromPretrainedOptions = {}): EmbeddingBag {
    return fromPretrainedTable('EmbeddingBag', embeddings, options, OPTION_KEYS, (rows, dim, rest) => new EmbeddingBag(rows, dim, rest));
  }

  /** The bags of `input` ([bags, length], or 1-D cut at `offsets`), each position's row scaled by perSampleWeights where given. */
  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    if (this.maxNorm !== null) renormLookedUpRows(this.weight, input, this.maxNorm, this.normType);
    return embeddingBag(input, this.weight, {
      offsets,
      perSampleWeights,
      mode: this.mode,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx ?? null,
    });
  }

  protected override extraRepr(): string {
    const extras = [
      this.maxNorm !== null ? `maxNorm=${this.maxNorm}` : '',
      this.normType !== 2 ? `normType=${this.normType}` : '',
      `mode='${this.mode}'`,
      this.includeLastOffset ? 'includeLastOffset=true' : '',
      this.paddingIdx !== undefined ? `paddingIdx=${this.paddingIdx}` : '',
    ].filter(Boolean);
    return `${this.numEmbeddings}, ${this.embeddingDim}, ${extras.join(', ')}`;
  }
}
