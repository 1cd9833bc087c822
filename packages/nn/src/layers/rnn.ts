// RNN, LSTM and GRU modules over the tensor package's fused ops (oneDNN's sgemm and our cells on cpu, cuDNN on cuda).
// Parameters carry PyTorch's names and layouts (weight_ih_l0, weight_hh_l0_reverse …, gates
// i,f,g,o / r,z,n), so stateDicts move between the two frameworks unchanged.
import { checkOptions, gru, lstm, rnn, zeros, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { checkState } from './recurrent-state.js';
import { PackedSequence, runPacked } from '../packed-sequence.js';
import { namedTuple, type NamedTuple } from '@nutshell/tensor';
import { positionalArgs } from './arg-checks.js';
import { warnDropoutWithOneLayer } from './rnn-dropout-warning.js';

/** LSTM.forward's result, PyTorch's (output, (h_n, c_n)) that also reads as { output, h, c }. */
export type LSTMResult<O extends Tensor | PackedSequence = Tensor> = NamedTuple<readonly [output: O, state: readonly [h: Tensor, c: Tensor]], { output: O; h: Tensor; c: Tensor }>;
/** GRU.forward's and RNN.forward's result, PyTorch's (output, h_n) that also reads as { output, h }. */
export type RecurrentOutput<O extends Tensor | PackedSequence = Tensor> = NamedTuple<readonly [output: O, h: Tensor], { output: O; h: Tensor }>;

const lstmResult = <O extends Tensor | PackedSequence>(output: O, h: Tensor, c: Tensor): LSTMResult<O> => namedTuple([output, [h, c]] as const, { output, h, c });
const recurrentOutput = <O extends Tensor | PackedSequence>(output: O, h: Tensor): RecurrentOutput<O> => namedTuple([output, h] as const, { output, h });

export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
}

type Kind = 'lstm' | 'gru' | 'rnnTanh' | 'rnnRelu';
const GATES: Record<Kind, number> = { lstm: 4, gru: 3, rnnTanh: 1, rnnRelu: 1 };

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bias: boolean;
  /** An LSTM's projection width (PyTorch's proj_size); 0 without one. */
  readonly projSize: number;

  protected constructor(protected readonly kind: Kind, readonly inputSize: number, readonly hiddenSize: number, options: RNNOptions & { projSize?: number }) {
    super();
    positionalArgs(this.constructor.name, ['inputSize', 'hiddenSize'], [inputSize, hiddenSize], true);
    const kindOptions = kind.startsWith('rnn') ? ['nonlinearity'] : kind === 'lstm' ? ['projSize'] : [];
    checkOptions(this.constructor.name, options, ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', ...kindOptions]);
    this.numLayers = options.numLayers ?? 1;
    this.bidirectional = options.bidirectional ?? false;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bias = options.bias ?? true;
    this.projSize = options.projSize ?? 0;
    if (!(Number.isInteger(this.numLayers) && this.numLayers >= 1)) throw new ValueError(`${this.constructor.name}: numLayers expected a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError(`${this.constructor.name}: dropout expected a probability, got ${this.dropout}`);
    if (!(Number.isInteger(this.projSize) && this.projSize >= 0)) throw new ValueError(`${this.constructor.name}: projSize expected a non-negative integer, got ${this.projSize}`);
    if (this.projSize >= hiddenSize) throw new ValueError(`${this.constructor.name}: projSize expected less than hiddenSize (${hiddenSize}), got ${this.projSize}`);
    if (this.dropout > 0 && this.numLayers === 1) warnDropoutWithOneLayer(this.dropout);
    const gates = GATES[kind] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const emitted = this.projSize > 0 ? this.projSize : hiddenSize; // what a step feeds back and passes up
    const self = this as unknown as Record<string, Tensor>;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < dirs; d++) {
        // PyTorch's order, which its flat weights and state_dict keep: ih, hh, biases, then hr.
        const suffix = `l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? inputSize : emitted * dirs;
        self[`weight_ih_${suffix}`] = Parameter(zeros([gates, inSize]));
        self[`weight_hh_${suffix}`] = Parameter(zeros([gates, emitted]));
        if (this.bias) {
          self[`bias_ih_${suffix}`] = Parameter(zeros([gates]));
          self[`bias_hh_${suffix}`] = Parameter(zeros([gates]));
        }
        if (this.projSize > 0) self[`weight_hr_${suffix}`] = Parameter(zeros([this.projSize, hiddenSize]));
      }
    }
    this.resetParameters();
  }

  /** U(−1/√H, 1/√H) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const [, p] of this.namedParameters()) init.uniform(p, -k, k);
  }

  /**
   * PyTorch's flatten_parameters(), for code ported as it is: a no-op here, since the weights are
   * handed to the native layer as they are on cpu and packed per call on cuda.
   */
  flattenParameters(): void {}

  /** The flat weights by PyTorch name, in PyTorch's order. */
  protected weights(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  protected options() {
    return {
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bidirectional: this.bidirectional,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      training: this.training,
      ...(this.projSize > 0 ? { projSize: this.projSize } : {}),
    };
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.numLayers > 1 ? `, numLayers=${this.numLayers}` : ''}${this.bias ? '' : ', bias=false'}${this.batchFirst ? ', batchFirst=true' : ''}${this.dropout > 0 ? `, dropout=${this.dropout}` : ''}${this.bidirectional ? ', bidirectional=true' : ''}${this.projSize > 0 ? `, projSize=${this.projSize}` : ''}`;
  }
}

export interface LSTMOptions extends RNNOptions {
  /** Project each step's hidden state to this many features (PyTorch's proj_size, < hiddenSize; Note [projected lstm]). */
  projSize?: number;
}

export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('lstm', inputSize, hiddenSize, options);
  }
  /**
   * → [output, [h, c]] (PyTorch's (output, (h_n, c_n))), also { output, h, c }; state = { h0, c0 }
   * optional; a PackedSequence in, a PackedSequence out.
   */
  forward(x: Tensor, state?: { h0?: Tensor; c0?: Tensor }): LSTMResult;
  forward(x: PackedSequence, state?: { h0?: Tensor; c0?: Tensor }): LSTMResult<PackedSequence>;
  forward(x: Tensor | PackedSequence, state: { h0?: Tensor; c0?: Tensor } = {}): LSTMResult<Tensor | PackedSequence> {
    checkState('LSTM', state, ['h0', 'c0']);
    if (x instanceof PackedSequence) {
      const r = runPacked('LSTM', x, state, (seq, s) => lstm(seq, this.weights(), { ...this.options(), batchFirst: false, h0: s.h0, c0: s.c0 }));
      return lstmResult(r.output, r.h, r.c!);
    }
    const r = lstm(x, this.weights(), { ...this.options(), h0: state.h0, c0: state.c0 });
    return lstmResult(r.output, r.h, r.c);
  }
}

export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('gru', inputSize, hiddenSize, options);
  }
  /** → [output, h] (PyTorch's (output, h_n)), also { output, h }; state = { h0 } optional; a PackedSequence in, a PackedSequence out. */
  forward(x: Tensor, state?: { h0?: Tensor }): RecurrentOutput;
  forward(x: PackedSequence, state?: { h0?: Tensor }): RecurrentOutput<PackedSequence>;
  forward(x: Tensor | PackedSequence, state: { h0?: Tensor } = {}): RecurrentOutput<Tensor | PackedSequence> {
    checkState('GRU', state, ['h0']);
    if (x instanceof PackedSequence) {
      const r = runPacked('GRU', x, state, (seq, s) => gru(seq, this.weights(), { ...this.options(), batchFirst: false, h0: s.h0 }));
      return recurrentOutput(r.output, r.h);
    }
    const r = gru(x, this.weights(), { ...this.options(), h0: state.h0 });
    return recurrentOutput(r.output, r.h);
  }
}

export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(options.nonlinearity === 'relu' ? 'rnnRelu' : 'rnnTanh', inputSize, hiddenSize, options);
  }
  /** → [output, h] (PyTorch's (output, h_n)), also { output, h }; state = { h0 } optional; a PackedSequence in, a PackedSequence out. */
  forward(x: Tensor, state?: { h0?: Tensor }): RecurrentOutput;
  forward(x: PackedSequence, state?: { h0?: Tensor }): RecurrentOutput<PackedSequence>;
  forward(x: Tensor | PackedSequence, state: { h0?: Tensor } = {}): RecurrentOutput<Tensor | PackedSequence> {
    checkState('RNN', state, ['h0']);
    const nonlinearity = this.kind === 'rnnRelu' ? 'relu' : 'tanh';
    if (x instanceof PackedSequence) {
      const r = runPacked('RNN', x, state, (seq, s) => rnn(seq, this.weights(), { ...this.options(), batchFirst: false, h0: s.h0, nonlinearity }));
      return recurrentOutput(r.output, r.h);
    }
    const r = rnn(x, this.weights(), { ...this.options(), h0: state.h0, nonlinearity });
    return recurrentOutput(r.output, r.h);
  }
}
