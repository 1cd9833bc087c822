// LSTMCell, GRUCell and RNNCell: one time step, for decoders and loops that choose each input
// from the last output. A cell is its recurrent layer run on a one-step sequence, so it shares
// the fused op (and its gradient, and cuDNN on cuda) instead of repeating the gate arithmetic.
// Parameters carry PyTorch's names (weight_ih, weight_hh, bias_ih, bias_hh) and layouts.
import { checkOptions, fmtShape, gru, lstm, reshape, rnn, sameShape, zeros, ShapeError, Tensor, ValueError } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { checkState } from './recurrent-state.js';
import { namedTuple, type NamedTuple } from '@nutshell/tensor';

/** LSTMCell.forward's result: PyTorch's (h, c), that also reads as { h, c }. */
export type LSTMCellResult = NamedTuple<readonly [h: Tensor, c: Tensor], { h: Tensor; c: Tensor }>;
import { positionalArgs } from './arg-checks.js';

type CellKind = 'LSTMCell' | 'GRUCell' | 'RNNCell';
const GATES: Record<CellKind, number> = { LSTMCell: 4, GRUCell: 3, RNNCell: 1 };

abstract class CellBase extends Module {
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null = null;
  bias_hh: Tensor | null = null;
  readonly bias: boolean;

  protected constructor(private readonly kind: CellKind, readonly inputSize: number, readonly hiddenSize: number, options: { bias?: boolean }, allowed: string[] = []) {
    super();
    positionalArgs(kind, ['inputSize', 'hiddenSize'], [inputSize, hiddenSize], true);
    checkOptions(kind, options, ['bias', ...allowed]);
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new ValueError(`${kind}: ${name} expected a positive integer, got ${String(v)}`);
    }
    this.bias = options.bias ?? true;
    const gates = GATES[kind] * hiddenSize;
    this.weight_ih = Parameter(zeros([gates, inputSize]));
    this.weight_hh = Parameter(zeros([gates, hiddenSize]));
    if (this.bias) {
      this.bias_ih = Parameter(zeros([gates]));
      this.bias_hh = Parameter(zeros([gates]));
    }
    this.resetParameters();
  }

  /** U(−1/√H, 1/√H) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const [, p] of this.namedParameters()) init.uniform(p, -k, k);
  }

  /** The layer's weight names for its one layer, one direction. */
  protected weights(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters()].map(([name, p]) => [`${name}_l0`, p]));
  }

  /**
   * The input as a one-step sequence, and a state as the layer's [1, batch, hidden] (or
   * [1, hidden] unbatched). Checked here so the messages name the cell and its arguments.
   */
  protected step(x: Tensor, states: Record<string, Tensor | null | undefined>): { sequence: Tensor; initial: Record<string, Tensor | undefined> } {
    const kind = this.kind;
    if (!(x instanceof Tensor)) throw new ValueError(`${kind}: input expected a Tensor, got ${x === null ? 'null' : typeof x}`);
    if (x.shape.length !== 1 && x.shape.length !== 2) throw new ShapeError(`${kind}: input expected [batch, ${this.inputSize}] or unbatched [${this.inputSize}], got ${fmtShape(x.shape)}`);
    if (x.shape[x.shape.length - 1] !== this.inputSize) throw new ShapeError(`${kind}: input expected ${this.inputSize} features (the cell's inputSize), got ${fmtShape(x.shape)}`);
    const stateShape = x.shape.length === 1 ? [this.hiddenSize] : [x.shape[0], this.hiddenSize];
    const initial: Record<string, Tensor | undefined> = {};
    for (const [name, t] of Object.entries(states)) {
      if (t === undefined || t === null) continue;
      if (!(t instanceof Tensor)) throw new ValueError(`${kind}: ${name} expected a Tensor, got ${typeof t}`);
      if (!sameShape(t.shape, stateShape)) throw new ShapeError(`${kind}: ${name} expected shape ${fmtShape(stateShape)} (the input's batch × hiddenSize), got ${fmtShape(t.shape)}`);
      initial[name] = reshape(t, [1, ...stateShape]);
    }
    return { sequence: reshape(x, [1, ...x.shape]), initial };
  }

  /** A layer's final state [1, …] as the cell's. */
  protected static last(t: Tensor): Tensor {
    return reshape(t, t.shape.slice(1));
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/** One LSTM step (torch.nn.LSTMCell): gates i, f, g, o; state {h, c}, zeros when omitted. */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super('LSTMCell', inputSize, hiddenSize, options);
  }
  /** → [h, c] (PyTorch's (h_1, c_1)), also { h, c }. */
  forward(x: Tensor, state: { h?: Tensor | null; c?: Tensor | null } = {}): LSTMCellResult {
    checkState('LSTMCell', state, ['h', 'c']);
    const { sequence, initial } = this.step(x, { h: state.h, c: state.c });
    const r = lstm(sequence, this.weights(), { h0: initial.h, c0: initial.c });
    const h = CellBase.last(r.h);
    const c = CellBase.last(r.c);
    return namedTuple([h, c] as const, { h, c });
  }
}

/** One GRU step (torch.nn.GRUCell): gates r, z, n; → the next hidden state. */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super('GRUCell', inputSize, hiddenSize, options);
  }
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const { sequence, initial } = this.step(x, { h });
    return CellBase.last(gru(sequence, this.weights(), { h0: initial.h }).h);
  }
}

/** One Elman RNN step (torch.nn.RNNCell): h' = tanh (or relu)(W_ih x + b_ih + W_hh h + b_hh). */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    super('RNNCell', inputSize, hiddenSize, options, ['nonlinearity']);
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`RNNCell: nonlinearity expected 'tanh' or 'relu', got ${JSON.stringify(nl)}`);
    this.nonlinearity = nl;
  }
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const { sequence, initial } = this.step(x, { h });
    return CellBase.last(rnn(sequence, this.weights(), { h0: initial.h, nonlinearity: this.nonlinearity }).h);
  }
  protected override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''}`;
  }
}
