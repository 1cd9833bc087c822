import { Embedding, LSTM, Linear, Module } from '@nutshell/nn';
import { dropout, reshape, type Tensor } from '@nutshell/tensor';

export interface CharLSTMOptions {
  embedding?: number;
  hidden?: number;
  numLayers?: number;
  /** Dropout on the embeddings and on the LSTM's output while training. */
  dropout?: number;
}

/** The LSTM's state between windows: h and c, each [numLayers, batch, hidden]. */
export interface LSTMState {
  h: Tensor;
  c: Tensor;
}

/**
 * A character-level language model: Embedding → LSTM (numLayers stacked) → Linear to the
 * vocabulary. Parameter names are PyTorch's for the same model (embed.weight,
 * lstm.weight_ih_l0 …, head.bias).
 */
export class CharLSTM extends Module {
  embed: Embedding;
  lstm: LSTM;
  head: Linear;
  readonly p: number;

  constructor(readonly vocabSize: number, o: CharLSTMOptions = {}) {
    super();
    const hidden = o.hidden ?? 256;
    this.embed = new Embedding(vocabSize, o.embedding ?? 64);
    this.lstm = new LSTM(o.embedding ?? 64, hidden, { numLayers: o.numLayers ?? 2, batchFirst: true });
    this.head = new Linear(hidden, vocabSize);
    this.p = o.dropout ?? 0;
  }

  /** tokens int64 [batch, time] → logits [batch·time, vocab] and the state after the last step. */
  forward(tokens: Tensor, state?: LSTMState): { logits: Tensor; state: LSTMState } {
    const [b, t] = tokens.shape;
    const x = dropout(this.embed.forward(tokens), this.p, this.training);
    const { output, h, c } = this.lstm.forward(x, state ? { h0: state.h, c0: state.c } : {});
    const y = dropout(output, this.p, this.training);
    return { logits: this.head.forward(reshape(y, [b * t, this.lstm.hiddenSize])), state: { h, c } };
  }
}
