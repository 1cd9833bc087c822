import { checkOptions, embedding, tensor, zeros, ValueError, copyInto, noGrad, scope, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';

/** A lookup table [numEmbeddings, embeddingDim]; N(0, 1) init; the paddingIdx row is zero and gets no gradient. */
export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | undefined;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { paddingIdx?: number } = {}) {
    super();
    checkOptions('Embedding', options, ['paddingIdx']);
    let pad = options.paddingIdx;
    if (pad !== undefined) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new ValueError(`Embedding: paddingIdx expected an integer in [${-numEmbeddings}, ${numEmbeddings}), got ${pad}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = Parameter(zeros([numEmbeddings, embeddingDim]));
    init.normal(this.weight);
    if (pad !== undefined) {
      const values = this.weight.dataSync() as Float32Array;
      values.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
      noGrad(() => scope(() => void copyInto(this.weight, tensor(values, { shape: this.weight.shape, device: this.weight.device }))));
    }
  }
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }
  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
