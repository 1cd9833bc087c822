// Fused recurrent networks: LSTM, GRU and the Elman RNN (tanh or relu), with PyTorch's formulas,
// weight layouts and parameter names; on cpu on oneDNN's sgemm with our cells (native/src/cpu/rnn.cc,
// Note [rnn on sgemm]), on cuda through cuDNN's RNN API.
//
// Note [rnn layer ops]: a declared op runs ONE layer, both directions at once when bidirectional
// (outputs concatenated per step, as PyTorch's). The op's inputs are fixed (apply() has no variadic inputs): the
// input, the states, then 8 weight slots in PyTorch's layout — weightIh [G·H, C], weightHh [G·H, H],
// biasIh [G·H], biasHh [G·H], and the same for the reverse direction. Slots that do not apply (no
// biases, one direction) hold empty [0] tensors. Stacked layers are composed by the functional
// lstm()/gru()/rnn() below, one op per layer: layer 0 reads I features and the others D·H, so one
// cuDNN call could not run them all anyway.
//
// Note [rnn state threading]: the states hx (and cx) are the whole [L·D, N, H] tensors of the stack;
// the op with option `layer` reads rows layer·D … layer·D+D-1 as its initial states and returns the
// same tensor with those rows replaced by its final states. Threading the states through the layers
// this way yields PyTorch's h_n/c_n with no slicing or concatenation op, and backward passes the
// other rows' gradients straight through.
//
// Note [rnn workspace]: the training forward writes a workspace (gates and states of every step)
// that its backward reads. Only the backend knows its size (ours on cpu, cuDNN's reserve on cuda), and apply() sizes outputs before
// any kernel runs, so the functional API asks once per shape (rnnWorkspaceSize, read synchronously,
// cached) and passes it as `workspaceBytes`, which sizes the hidden workspace output. With
// workspaceBytes 0 (inference, or a direct call of the op) the forward keeps nothing and backward
// recomputes the forward first: always correct, about a third slower for training.
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { sameShape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { apply, applyOn } from '../apply.js';
import { defineOp, FLOAT, type BadSample, type InputSpec, type OpDecl, type OutputMeta, type Sample, type SampleInput, type TensorMeta } from '../declare.js';
import { zeros, zerosLike } from './creation.js';
import { dropout } from './random.js';
import { reshape, transpose } from './shape.js';
import { runProjectedLstm } from './lstm-projected.js';
import { absent } from '../../creation.js';

// ---- cells and their shapes ----

interface Cell {
  name: 'lstm' | 'gru' | 'rnn';
  /** Gate blocks stacked in the weights' rows (PyTorch order: LSTM i,f,g,o; GRU r,z,n). */
  gates: number;
  /** Whether the cell has a second state (the LSTM's c). */
  hasC: boolean;
}
const LSTM: Cell = { name: 'lstm', gates: 4, hasC: true };
const GRU: Cell = { name: 'gru', gates: 3, hasC: false };
const RNN: Cell = { name: 'rnn', gates: 1, hasC: false };

const SLOTS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'weightIhReverse', 'weightHhReverse', 'biasIhReverse', 'biasHhReverse'] as const;
const float = (name: string): InputSpec => ({ name, dtypes: FLOAT });
const forwardInputs = (cell: Cell): InputSpec[] => [float('input'), float('hx'), ...(cell.hasC ? [float('cx')] : []), ...SLOTS.map(float)];
const backwardInputs = (cell: Cell): InputSpec[] => [
  ...forwardInputs(cell),
  float('output'),
  float('hy'),
  ...(cell.hasC ? [float('cy')] : []),
  { name: 'workspace', dtypes: ['uint8'] },
  float('gradOutput'),
  float('gradHy'),
  ...(cell.hasC ? [float('gradCy')] : []),
];

type LayerAttrs = { layer: number; bidirectional: boolean; batchFirst: boolean; hasBiases: boolean };
const layerAttrSpecs = {
  layer: { kind: 'int', default: 0 },
  bidirectional: { kind: 'bool', default: false },
  batchFirst: { kind: 'bool', default: false },
  hasBiases: { kind: 'bool', default: true },
} as const;
const NONLINEARITIES = ['tanh', 'relu'] as const;

interface LayerDims {
  T: number;
  N: number;
  /** Input features of this layer. */
  C: number;
  H: number;
  D: number;
}


/** Checks one layer's inputs (input, states, 8 weight slots) against each other; returns its sizes. */
function checkLayer(op: string, cell: Cell, ins: readonly TensorMeta[], a: LayerAttrs): LayerDims {
  const names = forwardInputs(cell).map((s) => s.name);
  const x = ins[0];
  if (x.shape.length !== 3) {
    throw new ShapeError(`${op}: input expected 3 dimensions ([seq, batch, features], or [batch, seq, features] with batchFirst), got ${fmtShape(x.shape)}`);
  }
  const [T, N] = a.batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
  const C = x.shape[2];
  if (T === 0) throw new ShapeError(`${op}: input expected a sequence length larger than 0, got ${fmtShape(x.shape)}`);
  if (C === 0) throw new ShapeError(`${op}: input expected at least one feature, got ${fmtShape(x.shape)}`);
  const base = cell.hasC ? 3 : 2;
  const whh = ins[base + 1].shape;
  if (whh.length !== 2 || whh[1] === 0 || whh[0] !== cell.gates * whh[1]) {
    throw new ShapeError(`${op}: weightHh expected shape [${cell.gates}·hidden, hidden] with hidden > 0, got ${fmtShape(whh)}`);
  }
  const H = whh[1];
  const D = a.bidirectional ? 2 : 1;
  const GH = cell.gates * H;
  const expect = (i: number, want: number[], why: string) => {
    if (!sameShape(ins[i].shape, want)) throw new ShapeError(`${op}: ${names[i]} expected shape ${fmtShape(want)}${why}, got ${fmtShape(ins[i].shape)}`);
  };
  for (let d = 0; d < 2; d++) {
    const on = d < D;
    const off = on ? '' : ' (empty: bidirectional is false)';
    expect(base + 4 * d, on ? [GH, C] : [0], off);
    expect(base + 4 * d + 1, on ? [GH, H] : [0], off);
    const biasWhy = !on ? off : a.hasBiases ? '' : ' (empty: hasBiases is false)';
    expect(base + 4 * d + 2, on && a.hasBiases ? [GH] : [0], biasWhy);
    expect(base + 4 * d + 3, on && a.hasBiases ? [GH] : [0], biasWhy);
  }
  if (a.layer < 0) throw new ValueError(`${op}: option 'layer' expected a non-negative integer, got ${a.layer}`);
  const rows = (a.layer + 1) * D;
  const hx = ins[1].shape;
  if (hx.length !== 3 || hx[0] < rows || hx[1] !== N || hx[2] !== H) {
    throw new ShapeError(`${op}: hx expected shape [S,${N},${H}] with S ≥ ${rows} (layer ${a.layer}, ${D} direction${D > 1 ? 's' : ''}), got ${fmtShape(hx)}`);
  }
  if (cell.hasC && !sameShape(ins[2].shape, hx)) throw new ShapeError(`${op}: cx expected the shape of hx ${fmtShape(hx)}, got ${fmtShape(ins[2].shape)}`);
  return { T, N, C, H, D };
}

function forwardOutputs(op: string, cell: Cell, ins: readonly TensorMeta[], a: LayerAttrs & { workspaceBytes: number }): OutputMeta[] {
  const { T, N, H, D } = checkLayer(op, cell, ins, a);
  if (a.workspaceBytes < 0) throw new ValueError(`${op}: option 'workspaceBytes' expected a non-negative integer, got ${a.workspaceBytes}`);
  const states = ins.slice(1, cell.hasC ? 3 : 2).map((s) => ({ shape: [...s.shape], dtype: 'float32' as const }));
  return [
    { shape: a.batchFirst ? [N, T, D * H] : [T, N, D * H], dtype: 'float32' },
    ...states,
    { shape: [a.workspaceBytes], dtype: 'uint8' },
  ];
}

function backwardOutputs(op: string, cell: Cell, ins: readonly TensorMeta[], a: LayerAttrs): OutputMeta[] {
  const nIn = forwardInputs(cell).length;
  const forward = forwardOutputs(op, cell, ins.slice(0, nIn), { ...a, workspaceBytes: 0 });
  const names = backwardInputs(cell).map((s) => s.name);
  const nState = cell.hasC ? 2 : 1;
  const wsAt = nIn + 1 + nState;
  const check = (i: number, want: readonly number[]) => {
    if (!sameShape(ins[i].shape, want)) throw new ShapeError(`${op}: ${names[i]} expected shape ${fmtShape(want)}, got ${fmtShape(ins[i].shape)}`);
  };
  for (let k = 0; k <= nState; k++) {
    check(nIn + k, forward[k].shape); // output, hy, cy
    check(wsAt + 1 + k, forward[k].shape); // their gradients
  }
  if (ins[wsAt].shape.length !== 1) throw new ShapeError(`${op}: workspace expected 1 dimension, got ${fmtShape(ins[wsAt].shape)}`);
  return ins.slice(0, nIn).map((t) => ({ shape: [...t.shape], dtype: 'float32' as const }));
}

// ---- test samples ----

interface Case {
  T: number;
  N: number;
  C: number;
  H: number;
  D?: 1 | 2;
  /** Layers of the stack the states cover (rows = layers·D); the op runs `layer`. */
  layers?: number;
  layer?: number;
  bias?: boolean;
  batchFirst?: boolean;
}

function forwardSampleInputs(cell: Cell, c: Case): SampleInput[] {
  const D = c.D ?? 1;
  const GH = cell.gates * c.H;
  const bias = c.bias ?? true;
  const state: SampleInput = { shape: [(c.layers ?? 1) * D, c.N, c.H] };
  const w = (on: boolean, shape: number[]): SampleInput => (on ? { shape, fill: 'uniform' } : { shape: [0] });
  const dir = (on: boolean) => [w(on, [GH, c.C]), w(on, [GH, c.H]), w(on && bias, [GH]), w(on && bias, [GH])];
  return [{ shape: c.batchFirst ? [c.N, c.T, c.C] : [c.T, c.N, c.C] }, state, ...(cell.hasC ? [state] : []), ...dir(true), ...dir(D === 2)];
}

function backwardSampleInputs(cell: Cell, c: Case): SampleInput[] {
  const D = c.D ?? 1;
  const y: SampleInput = { shape: c.batchFirst ? [c.N, c.T, D * c.H] : [c.T, c.N, D * c.H] };
  const state: SampleInput = { shape: [(c.layers ?? 1) * D, c.N, c.H] };
  const outs = [y, state, ...(cell.hasC ? [state] : [])];
  return [...forwardSampleInputs(cell, c), ...outs, { shape: [0], dtype: 'uint8' }, ...outs];
}

const caseAttrs = (c: Case) => ({ layer: c.layer ?? 0, bidirectional: (c.D ?? 1) === 2, batchFirst: c.batchFirst ?? false, hasBiases: c.bias ?? true });

const CASES: [string, Case][] = [
  ['single', { T: 3, N: 2, C: 4, H: 5 }],
  ['bidirectional', { T: 4, N: 3, C: 2, H: 3, D: 2 }],
  ['batch-first', { T: 3, N: 2, C: 3, H: 4, batchFirst: true }],
  ['no-biases', { T: 2, N: 3, C: 3, H: 2, bias: false }],
  ['second-layer-of-two', { T: 3, N: 2, C: 6, H: 3, D: 2, layers: 2, layer: 1, batchFirst: true }],
  ['size-one', { T: 1, N: 1, C: 1, H: 1 }],
  ['empty-batch', { T: 2, N: 0, C: 3, H: 2 }],
];

function forwardSamples(cell: Cell, extra: Record<string, string> = {}): Sample[] {
  return CASES.map(([name, c]) => ({ name, inputs: forwardSampleInputs(cell, c), attrs: { ...caseAttrs(c), ...extra } }));
}

/**
 * Relu samples kept away from the kink (DESIGN: gradient checks avoid kinks): small weights and
 * biases of ±3, alternating over hidden units, so every pre-activation keeps its sign under the
 * check's perturbations, and both relu branches are exercised (units with negative bias stay off).
 */
function reluSamples(): Sample[] {
  const cases: [string, Case][] = [
    ['relu-single', { T: 3, N: 2, C: 4, H: 4 }],
    ['relu-bidirectional-batch-first', { T: 3, N: 2, C: 3, H: 4, D: 2, batchFirst: true }],
    ['relu-second-layer-of-two', { T: 2, N: 2, C: 4, H: 2, D: 2, layers: 2, layer: 1 }],
  ];
  const small = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.round(100 * Math.sin(1.7 * i + seed)) / 1000);
  const signs = (n: number, scale: number) => Array.from({ length: n }, (_, i) => (i % 2 ? -scale : scale));
  return cases.map(([name, c]) => {
    const inputs = forwardSampleInputs(RNN, c).map((inp, i): SampleInput => {
      const n = inp.shape.reduce((a, b) => a * b, 1);
      if (i < 2 || n === 0) return inp; // input, hx: normal values
      const slot = (i - 2) % 4; // weightIh, weightHh, biasIh, biasHh
      return { shape: inp.shape, fill: slot < 2 ? small(n, i) : signs(n, slot === 2 ? 2 : 1) };
    });
    return { name, inputs, attrs: { ...caseAttrs(c), nonlinearity: 'relu' } };
  });
}

function backwardSamples(cell: Cell, extra: Record<string, string> = {}): Sample[] {
  return CASES.map(([name, c]) => ({ name, inputs: backwardSampleInputs(cell, c), attrs: { ...caseAttrs(c), ...extra } }));
}

/** One refusal per documented precondition: a valid case with one input or option changed. */
function forwardBad(cell: Cell): BadSample[] {
  const op = cell.name;
  const base = cell.hasC ? 3 : 2;
  const GH = cell.gates * 5;
  const c: Case = { T: 3, N: 2, C: 4, H: 5 };
  const bad = (name: string, change: (ins: SampleInput[]) => void, message: RegExp, error: BadSample['error'] = 'ShapeError', attrs = {}, cc = c): BadSample => {
    const inputs = forwardSampleInputs(cell, cc);
    change(inputs);
    return { name, inputs, attrs: { ...caseAttrs(cc), ...attrs }, error, message };
  };
  return [
    bad('input-not-3d', (i) => (i[0] = { shape: [3, 4] }), new RegExp(`^${op}: input expected 3 dimensions .*got \\[3,4\\]`)),
    bad('empty-sequence', (i) => (i[0] = { shape: [0, 2, 4] }), new RegExp(`^${op}: input expected a sequence length larger than 0, got \\[0,2,4\\]`)),
    bad('no-features', (i) => (i[0] = { shape: [3, 2, 0] }), new RegExp(`^${op}: input expected at least one feature, got \\[3,2,0\\]`)),
    bad('weightIh-columns', (i) => (i[base] = { shape: [GH, 3] }), new RegExp(`^${op}: weightIh expected shape \\[${GH},4\\], got \\[${GH},3\\]`)),
    bad('weightHh-rows', (i) => (i[base + 1] = { shape: [GH + 5, 5] }), new RegExp(`^${op}: weightHh expected shape \\[${cell.gates}·hidden, hidden\\].*got \\[${GH + 5},5\\]`)),
    bad('bias-size', (i) => (i[base + 3] = { shape: [GH - 1] }), new RegExp(`^${op}: biasHh expected shape \\[${GH}\\], got \\[${GH - 1}\\]`)),
    bad('bias-without-hasBiases', () => {}, new RegExp(`^${op}: biasIh expected shape \\[0\\] \\(empty: hasBiases is false\\), got \\[${GH}\\]`), 'ShapeError', { hasBiases: false }),
    bad('reverse-weights-missing', () => {}, new RegExp(`^${op}: weightIhReverse expected shape \\[${GH},4\\], got \\[0\\]`), 'ShapeError', { bidirectional: true }, { ...c, layers: 2 }),
    bad('reverse-weights-unwanted', (i) => (i[base + 4] = { shape: [GH, 4] }), new RegExp(`^${op}: weightIhReverse expected shape \\[0\\] \\(empty: bidirectional is false\\), got \\[${GH},4\\]`)),
    bad('hx-batch', (i) => (i[1] = { shape: [1, 3, 5] }), new RegExp(`^${op}: hx expected shape \\[S,2,5\\] with S ≥ 1 .*got \\[1,3,5\\]`)),
    bad('hx-rows-for-layer', () => {}, new RegExp(`^${op}: hx expected shape \\[S,2,5\\] with S ≥ 2 \\(layer 1, 1 direction\\), got \\[1,2,5\\]`), 'ShapeError', { layer: 1 }),
    bad('negative-layer', () => {}, new RegExp(`^${op}: option 'layer' expected a non-negative integer, got -1`), 'ValueError', { layer: -1 }),
    bad('negative-workspace', () => {}, new RegExp(`^${op}: option 'workspaceBytes' expected a non-negative integer, got -8`), 'ValueError', { workspaceBytes: -8 }),
    ...(cell.hasC ? [bad('cx-shape', (i) => (i[2] = { shape: [1, 2, 4] }), new RegExp(`^${op}: cx expected the shape of hx \\[1,2,5\\], got \\[1,2,4\\]`))] : []),
  ];
}

function backwardBad(cell: Cell): BadSample[] {
  const op = `${cell.name}Backward`;
  const c: Case = { T: 3, N: 2, C: 4, H: 5 };
  const nIn = forwardInputs(cell).length;
  const nState = cell.hasC ? 2 : 1;
  const bad = (name: string, change: (ins: SampleInput[]) => void, message: RegExp): BadSample => {
    const inputs = backwardSampleInputs(cell, c);
    change(inputs);
    return { name, inputs, attrs: caseAttrs(c), error: 'ShapeError', message };
  };
  return [
    bad('weightIh-columns', (i) => (i[cell.hasC ? 3 : 2] = { shape: [cell.gates * 5, 2] }), new RegExp(`^${op}: weightIh expected shape`)),
    bad('output-shape', (i) => (i[nIn] = { shape: [3, 2, 4] }), new RegExp(`^${op}: output expected shape \\[3,2,5\\], got \\[3,2,4\\]`)),
    bad('gradOutput-shape', (i) => (i[nIn + nState + 2] = { shape: [2, 2, 5] }), new RegExp(`^${op}: gradOutput expected shape \\[3,2,5\\], got \\[2,2,5\\]`)),
    bad('gradHy-shape', (i) => (i[nIn + nState + 3] = { shape: [1, 2, 6] }), new RegExp(`^${op}: gradHy expected shape \\[1,2,5\\], got \\[1,2,6\\]`)),
    bad('workspace-rank', (i) => (i[nIn + nState + 1] = { shape: [2, 2], dtype: 'uint8' }), new RegExp(`^${op}: workspace expected 1 dimension, got \\[2,2\\]`)),
  ];
}

// ---- the ops ----

type ForwardAttrs = LayerAttrs & { workspaceBytes: number };
const forwardAttrSpecs = { ...layerAttrSpecs, workspaceBytes: { kind: 'int', default: 0 } } as const;

/** Gradient of a layer op: its backward op, fed zeros for outputs nothing flowed back to. */
function layerGrad(backwardOp: () => OpDecl<any>, extra: (attrs: any) => Record<string, string> = () => ({})) {
  return ({ inputs, outputs, attrs, grads }: { inputs: (Tensor | null)[]; outputs: (Tensor | null)[]; attrs: any; grads: (Tensor | null)[] }) => {
    const ups = grads.map((g, i) => g ?? zerosLike(outputs[i]!));
    const { layer, bidirectional, batchFirst, hasBiases } = attrs as ForwardAttrs;
    return apply(backwardOp(), [...(inputs as Tensor[]), ...(outputs as Tensor[]), ...ups], { layer, bidirectional, batchFirst, hasBiases, ...extra(attrs) });
  };
}
const all = (n: number) => [...Array(n).keys()];

export const lstmOp = defineOp<ForwardAttrs>({
  name: 'lstm',
  inputs: forwardInputs(LSTM),
  attrs: forwardAttrSpecs,
  outputs: (ins, a) => forwardOutputs('lstm', LSTM, ins, a),
  visibleOutputs: 3,
  backends: ['cpu', 'cuda'],
  saves: { inputs: all(11), outputs: all(4) },
  grad: layerGrad(() => lstmBackwardOp),
  test: { samples: forwardSamples(LSTM), bad: forwardBad(LSTM) },
});

export const gruOp = defineOp<ForwardAttrs>({
  name: 'gru',
  inputs: forwardInputs(GRU),
  attrs: forwardAttrSpecs,
  outputs: (ins, a) => forwardOutputs('gru', GRU, ins, a),
  visibleOutputs: 2,
  backends: ['cpu', 'cuda'],
  saves: { inputs: all(10), outputs: all(3) },
  grad: layerGrad(() => gruBackwardOp),
  test: { samples: forwardSamples(GRU), bad: forwardBad(GRU) },
});

export const rnnOp = defineOp<ForwardAttrs & { nonlinearity: string }>({
  name: 'rnn',
  inputs: forwardInputs(RNN),
  attrs: { ...forwardAttrSpecs, nonlinearity: { kind: NONLINEARITIES, default: 'tanh' } },
  outputs: (ins, a) => forwardOutputs('rnn', RNN, ins, a),
  visibleOutputs: 2,
  backends: ['cpu', 'cuda'],
  saves: { inputs: all(10), outputs: all(3) },
  grad: layerGrad(() => rnnBackwardOp, (a) => ({ nonlinearity: a.nonlinearity })),
  test: {
    samples: [...forwardSamples(RNN), ...reluSamples()],
    bad: [
      ...forwardBad(RNN),
      {
        name: 'unknown-nonlinearity',
        inputs: forwardSampleInputs(RNN, { T: 2, N: 1, C: 2, H: 2 }),
        attrs: { nonlinearity: 'sigmoid' },
        error: 'ValueError',
        message: /^rnn: option 'nonlinearity' expected one of 'tanh', 'relu', got string sigmoid/,
      },
    ],
  },
});

export const lstmBackwardOp = defineOp<LayerAttrs>({
  name: 'lstmBackward',
  inputs: backwardInputs(LSTM),
  attrs: layerAttrSpecs,
  outputs: (ins, a) => backwardOutputs('lstmBackward', LSTM, ins, a),
  backends: ['cpu', 'cuda'],
  test: { samples: backwardSamples(LSTM), bad: backwardBad(LSTM) },
});

export const gruBackwardOp = defineOp<LayerAttrs>({
  name: 'gruBackward',
  inputs: backwardInputs(GRU),
  attrs: layerAttrSpecs,
  outputs: (ins, a) => backwardOutputs('gruBackward', GRU, ins, a),
  backends: ['cpu', 'cuda'],
  test: { samples: backwardSamples(GRU), bad: backwardBad(GRU) },
});

export const rnnBackwardOp = defineOp<LayerAttrs & { nonlinearity: string }>({
  name: 'rnnBackward',
  inputs: backwardInputs(RNN),
  attrs: { ...layerAttrSpecs, nonlinearity: { kind: NONLINEARITIES, default: 'tanh' } },
  outputs: (ins, a) => backwardOutputs('rnnBackward', RNN, ins, a),
  backends: ['cpu', 'cuda'],
  test: {
    samples: [...backwardSamples(RNN), ...backwardSamples(RNN, { nonlinearity: 'relu' }).map((s) => ({ ...s, name: `relu-${s.name}` }))],
    bad: backwardBad(RNN),
  },
});

const MODES = ['lstm', 'gru', 'rnnTanh', 'rnnRelu'] as const;
type WorkspaceAttrs = { mode: string; seqLength: number; batch: number; inputSize: number; hiddenSize: number; bidirectional: boolean; batchFirst: boolean };

/** The bytes of workspace a training forward of one layer keeps for its backward (Note [rnn workspace]). */
export const rnnWorkspaceSizeOp = defineOp<WorkspaceAttrs>({
  name: 'rnnWorkspaceSize',
  inputs: [],
  attrs: {
    mode: { kind: MODES },
    seqLength: { kind: 'int' },
    batch: { kind: 'int' },
    inputSize: { kind: 'int' },
    hiddenSize: { kind: 'int' },
    bidirectional: { kind: 'bool', default: false },
    batchFirst: { kind: 'bool', default: false },
  },
  outputs: (_, a) => {
    for (const key of ['seqLength', 'inputSize', 'hiddenSize'] as const) {
      if (a[key] < 1) throw new ValueError(`rnnWorkspaceSize: option '${key}' expected a positive integer, got ${a[key]}`);
    }
    if (a.batch < 0) throw new ValueError(`rnnWorkspaceSize: option 'batch' expected a non-negative integer, got ${a.batch}`);
    return [{ shape: [], dtype: 'int64' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: 'the size of a backend buffer; PyTorch has no counterpart (test/rnn.test.ts checks that the forward accepts it)',
    noParity: "each backend reports its own workspace size (the cpu cells' planes vs cuDNN's reserve)",
    samples: MODES.map((mode) => ({ name: mode, inputs: [], attrs: { mode, seqLength: 5, batch: 3, inputSize: 4, hiddenSize: 6, bidirectional: true } })),
    bad: [
      { name: 'zero-length', inputs: [], attrs: { mode: 'lstm', seqLength: 0, batch: 1, inputSize: 1, hiddenSize: 1 }, error: 'ValueError', message: /^rnnWorkspaceSize: option 'seqLength' expected a positive integer, got 0/ },
      { name: 'negative-batch', inputs: [], attrs: { mode: 'gru', seqLength: 2, batch: -1, inputSize: 1, hiddenSize: 1 }, error: 'ValueError', message: /^rnnWorkspaceSize: option 'batch' expected a non-negative integer, got -1/ },
      { name: 'zero-hidden', inputs: [], attrs: { mode: 'rnnTanh', seqLength: 2, batch: 1, inputSize: 1, hiddenSize: 0 }, error: 'ValueError', message: /^rnnWorkspaceSize: option 'hiddenSize' expected a positive integer, got 0/ },
    ],
  },
});

// ---- the functional API ----

/** PyTorch's parameters of a recurrent module: by name (`weight_ih_l0`, `bias_hh_l1_reverse` …) or as
 * its flat list (per layer, per direction: weight_ih, weight_hh, then bias_ih, bias_hh when present,
 * then an LSTM's weight_hr with projSize). */
export type RnnWeights = Readonly<Record<string, Tensor>> | readonly Tensor[];

export interface RnnOptions {
  /** Checked against the weights when given (weight_hh_l0 is [G·hiddenSize, hiddenSize]). */
  hiddenSize?: number;
  /** Stacked layers; from the weights' names when omitted (1 for a list). */
  numLayers?: number;
  bidirectional?: boolean;
  /** Input and output are [batch, seq, features] (states stay [layers·directions, batch, hidden]). */
  batchFirst?: boolean;
  /** Whether the weights include biases; inferred from the weights when omitted. */
  hasBiases?: boolean;
  /** Initial hidden state [numLayers·directions, batch, hidden]; zeros when omitted. */
  h0?: Tensor | null;
  /** Dropout on the outputs of every layer but the last, while training (torch's `dropout`). */
  dropout?: number;
  /** Whether dropout applies (a module's `training`); default true. */
  training?: boolean;
}
export interface LstmOptions extends RnnOptions {
  /** Initial cell state [numLayers·directions, batch, hidden]; zeros when omitted. */
  c0?: Tensor | null;
  /**
   * Project each step's hidden state to this many features with weight_hr (torch.nn.LSTM's
   * proj_size; h0, the output and h are then projSize wide). From the weights when omitted: a
   * record holding weight_hr_l0 is projected (Note [projected lstm]).
   */
  projSize?: number;
}
export interface ElmanOptions extends RnnOptions {
  nonlinearity?: 'tanh' | 'relu';
}

const PARAM = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'] as const;
const paramName = (k: number, l: number, d: number) => `${PARAM[k]}_l${l}${d ? '_reverse' : ''}`;

interface Stack {
  L: number;
  D: number;
  H: number;
  hasBiases: boolean;
  /** An LSTM's projection width (weight_hr_l* is [P, H]); 0 without one. */
  P: number;
  /** Per layer, the op's 8 weight slots (null where the slot is empty). */
  slots: (Tensor | null)[][];
  /** Per layer, per direction, weight_hr (projected LSTMs only). */
  projections: Tensor[][];
}

function resolveWeights(op: string, cell: Cell, weights: RnnWeights, inputSize: number, o: LstmOptions): Stack {
  const D = o.bidirectional ? 2 : 1;
  if (o.numLayers !== undefined && !(Number.isInteger(o.numLayers) && o.numLayers >= 1)) {
    throw new ValueError(`${op}: numLayers expected a positive integer, got ${String(o.numLayers)}`);
  }
  const projSize = o.projSize ?? 0;
  if (!(Number.isInteger(projSize) && projSize >= 0)) throw new ValueError(`${op}: projSize expected a non-negative integer, got ${String(o.projSize)}`);
  if (projSize > 0 && cell !== LSTM) throw new ValueError(`${op}: projSize is for LSTMs only (torch.nn.LSTM's proj_size), got ${projSize}`);
  const byName = new Map<string, Tensor>();
  let L: number;
  let hasBiases: boolean;
  let projected = projSize > 0;
  if (Array.isArray(weights)) {
    L = o.numLayers ?? 1;
    const list = weights as readonly Tensor[];
    const per = list.length / (L * D);
    const [full, bare] = projected ? [5, 3] : [4, 2];
    if (per !== full && per !== bare) {
      throw new ValueError(`${op}: weights expected ${L * D * full} tensors (or ${L * D * bare} without biases) for ${L} layer(s) × ${D} direction(s)${projected ? ' with projections' : ''}, got ${list.length}`);
    }
    hasBiases = per === full;
    const kinds = [0, 1, ...(hasBiases ? [2, 3] : []), ...(projected ? [4] : [])];
    let i = 0;
    for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) for (const k of kinds) byName.set(paramName(k, l, d), list[i++]);
  } else if (weights !== null && typeof weights === 'object') {
    const record = weights as Readonly<Record<string, Tensor>>;
    L = o.numLayers ?? Math.max(1, Object.keys(record).filter((k) => /^weight_ih_l\d+$/.test(k)).length);
    hasBiases = 'bias_ih_l0' in record;
    if ('weight_hr_l0' in record && cell === LSTM && o.projSize === undefined) projected = true;
    for (const [k, v] of Object.entries(record)) byName.set(k, v);
  } else {
    throw new ValueError(`${op}: weights expected a record of PyTorch parameter names or a list of tensors, got ${weights === null ? 'null' : typeof weights}`);
  }
  if (o.hasBiases !== undefined && o.hasBiases !== hasBiases) {
    throw new ValueError(`${op}: hasBiases is ${o.hasBiases} but the weights ${hasBiases ? 'include' : 'have no'} biases`);
  }
  const kinds = [0, 1, ...(hasBiases ? [2, 3] : []), ...(projected ? [4] : [])];
  const expected = new Set<string>();
  for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) for (const k of kinds) expected.add(paramName(k, l, d));
  for (const name of expected) {
    const t = byName.get(name);
    if (t === undefined) throw new ValueError(`${op}: weights is missing '${name}' (${L} layer(s), ${D} direction(s), ${hasBiases ? 'with' : 'no'} biases)`);
    if (!(t instanceof Tensor)) throw new ValueError(`${op}: weights '${name}' expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
  for (const name of byName.keys()) {
    if (!expected.has(name)) throw new ValueError(`${op}: weights has an unexpected entry '${name}' (expected ${[...expected].join(', ')})`);
  }
  const hh = byName.get('weight_hh_l0')!.shape;
  // A projected LSTM's hidden width is weight_hr's second dimension; weight_hh then reads the
  // projection, P wide (PyTorch's shapes).
  const hr = projected ? byName.get('weight_hr_l0')!.shape : null;
  const H = hr ? (hr.length === 2 ? hr[1] : -1) : hh.length === 2 ? hh[1] : -1;
  const P = hr ? (hr.length === 2 ? hr[0] : -1) : 0;
  if (hr && (H < 1 || P < 1 || P >= H)) throw new ShapeError(`${op}: weight_hr_l0 expected shape [projSize, hidden] with 0 < projSize < hidden, got ${fmtShape(hr)}`);
  if (projSize > 0 && P !== projSize) throw new ShapeError(`${op}: projSize is ${projSize} but weight_hr_l0 has shape ${fmtShape(hr!)}`);
  const R = hr ? P : H; // what a step emits and the next step reads
  if (H < 1 || hh.length !== 2 || hh[0] !== cell.gates * H || hh[1] !== R) {
    throw new ShapeError(`${op}: weight_hh_l0 expected shape [${cell.gates}·hidden, ${hr ? 'projSize' : 'hidden'}] with hidden > 0, got ${fmtShape(hh)}`);
  }
  if (o.hiddenSize !== undefined && o.hiddenSize !== H) throw new ShapeError(`${op}: hiddenSize is ${o.hiddenSize} but ${hr ? 'weight_hr_l0' : 'weight_hh_l0'} has shape ${fmtShape(hr ?? hh)}`);
  const GH = cell.gates * H;
  const slots: (Tensor | null)[][] = [];
  const projections: Tensor[][] = [];
  for (let l = 0; l < L; l++) {
    const row: (Tensor | null)[] = new Array(8).fill(null);
    const layerProjections: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      for (const k of kinds) {
        const name = paramName(k, l, d);
        const t = byName.get(name)!;
        const want = k === 0 ? [GH, l === 0 ? inputSize : D * R] : k === 1 ? [GH, R] : k === 4 ? [P, H] : [GH];
        if (l === 0 && k === 0 && t.shape.length === 2 && t.shape[0] === GH && t.shape[1] !== inputSize) {
          // The weights fit each other: it is the input that has the wrong width.
          throw new ShapeError(`${op}: input has ${inputSize} features (its last dimension) but ${name} ${fmtShape(t.shape)} expects ${t.shape[1]} (the layer's inputSize)`);
        }
        if (!sameShape(t.shape, want)) throw new ShapeError(`${op}: ${name} expected shape ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
        if (k === 4) layerProjections.push(t);
        else row[4 * d + k] = t;
      }
    }
    slots.push(row);
    projections.push(layerProjections);
  }
  return { L, D, H, hasBiases, P, slots, projections };
}

const workspaceSizes = new Map<string, number>();

/** Workspace bytes of one training layer, asked of the backend once per shape (Note [rnn workspace]). */
function workspaceBytesFor(x: Tensor, attrs: WorkspaceAttrs): number {
  const key = `${x.device}|${Object.values(attrs).join('|')}`;
  let bytes = workspaceSizes.get(key);
  if (bytes === undefined) {
    bytes = scope(() => applyOn(x.device, rnnWorkspaceSizeOp, [], attrs)[0].itemSync());
    workspaceSizes.set(key, bytes);
  }
  return bytes;
}

interface StackResult {
  output: Tensor;
  h: Tensor;
  c: Tensor | null;
}

function runStack(
  cell: Cell,
  x: Tensor,
  weights: RnnWeights,
  o: LstmOptions & ElmanOptions,
  op: (typeof lstmOp | typeof gruOp | typeof rnnOp),
  mode: (typeof MODES)[number],
): StackResult {
  const name = cell.name;
  if (!(x instanceof Tensor)) throw new ValueError(`${name}: input expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.shape.length !== 2 && x.shape.length !== 3) {
    throw new ShapeError(`${name}: input expected 2 (unbatched) or 3 dimensions ([seq, batch, features], or [batch, seq, features] with batchFirst), got ${fmtShape(x.shape)}`);
  }
  const unbatched = x.shape.length === 2;
  const batchFirst = !unbatched && (o.batchFirst ?? false);
  const stack = resolveWeights(name, cell, weights, x.shape[x.shape.length - 1], o);
  const { L, D, H, P, hasBiases } = stack;
  const N = unbatched ? 1 : batchFirst ? x.shape[0] : x.shape[1];
  const T = unbatched ? x.shape[0] : batchFirst ? x.shape[1] : x.shape[0];
  if (T === 0) throw new ShapeError(`${name}: input expected a sequence length larger than 0, got ${fmtShape(x.shape)}`);
  const R = P > 0 ? P : H; // the hidden state's width: the projection's when projected
  const stateShape = (width: number) => (unbatched ? [L * D, width] : [L * D, N, width]);
  const initial = (given: Tensor | null | undefined, arg: string, width: number): Tensor | null => {
    if (given === undefined || given === null) return null;
    if (!(given instanceof Tensor)) throw new ValueError(`${name}: ${arg} expected a Tensor, got ${typeof given}`);
    if (!sameShape(given.shape, stateShape(width))) throw new ShapeError(`${name}: ${arg} expected shape ${fmtShape(stateShape(width))}, got ${fmtShape(given.shape)}`);
    return given;
  };
  const h0 = initial(o.h0, 'h0', R);
  const c0 = cell.hasC ? initial(o.c0, 'c0', H) : null;
  const p = o.dropout ?? 0;
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${name}: dropout expected a probability in [0, 1], got ${p}`);
  // Both paths: the initial states as [L·D, N, width] (zeros when not given), and dropout between layers.
  const state = (t: Tensor | null, width: number) => (t ? reshape(t, [L * D, N, width]) : zeros([L * D, N, width], { device: x.device }));
  const betweenLayers = (out: Tensor) => (p > 0 && (o.training ?? true) ? dropout(out, p, true) : out);
  if (P > 0) {
    return scope(() => {
      const timeMajor = unbatched ? reshape(x, [T, 1, x.shape[1]]) : batchFirst ? transpose(x, 0, 1) : x;
      const layers = stack.slots.map((row, l) =>
        Array.from({ length: D }, (_, d) => ({ ih: row[4 * d]!, hh: row[4 * d + 1]!, biasIh: row[4 * d + 2], biasHh: row[4 * d + 3], hr: stack.projections[l][d] })),
      );
      const r = runProjectedLstm(timeMajor, state(h0, P), state(c0, H), layers, betweenLayers);
      if (unbatched) return { output: reshape(r.output, [T, D * P]), h: reshape(r.h, stateShape(P)), c: reshape(r.c, stateShape(H)) };
      return { output: batchFirst ? transpose(r.output, 0, 1) : r.output, h: r.h, c: r.c };
    });
  }
  return scope(() => {
    const empty = absent(x.device);
    let y = unbatched ? reshape(x, [T, 1, x.shape[1]]) : x;
    let h = state(h0, H);
    let c = cell.hasC ? state(c0, H) : null;
    for (let l = 0; l < L; l++) {
      const inputs = [y, h, ...(c ? [c] : []), ...stack.slots[l].map((t) => t ?? empty)];
      const training = isGradEnabled() && inputs.some((t) => t.requiresGrad);
      const workspaceBytes =
        training && N > 0
          ? workspaceBytesFor(x, { mode, seqLength: T, batch: N, inputSize: y.shape[2], hiddenSize: H, bidirectional: D === 2, batchFirst })
          : 0;
      const attrs = { layer: l, bidirectional: D === 2, batchFirst, hasBiases, workspaceBytes, ...(cell === RNN ? { nonlinearity: o.nonlinearity ?? 'tanh' } : {}) };
      const outs = apply(op as typeof rnnOp, inputs, attrs as never);
      [y, h] = outs;
      if (c) c = outs[2];
      if (l < L - 1) y = betweenLayers(y);
    }
    if (unbatched) return { output: reshape(y, [T, D * H]), h: reshape(h, stateShape(H)), c: c ? reshape(c, stateShape(H)) : null };
    return { output: y, h, c };
  });
}

/**
 * A stacked LSTM with PyTorch's semantics (torch.nn.LSTM): returns the last layer's output for
 * every step, and the final hidden and cell states of every layer and direction. With projSize (or
 * weight_hr_l* among the weights) each step's hidden state is projected, as torch's proj_size.
 */
export function lstm(x: Tensor, weights: RnnWeights, options: LstmOptions = {}): { output: Tensor; h: Tensor; c: Tensor } {
  const r = runStack(LSTM, x, weights, options, lstmOp, 'lstm');
  return { output: r.output, h: r.h, c: r.c! };
}

/** A stacked GRU with PyTorch's semantics (torch.nn.GRU: gates r, z, n; n's hidden bias inside r·(…)). */
export function gru(x: Tensor, weights: RnnWeights, options: RnnOptions = {}): { output: Tensor; h: Tensor } {
  const r = runStack(GRU, x, weights, options, gruOp, 'gru');
  return { output: r.output, h: r.h };
}

/** A stacked Elman RNN with PyTorch's semantics (torch.nn.RNN, nonlinearity 'tanh' or 'relu'). */
export function rnn(x: Tensor, weights: RnnWeights, options: ElmanOptions = {}): { output: Tensor; h: Tensor } {
  const nl = options.nonlinearity ?? 'tanh';
  if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`rnn: nonlinearity expected 'tanh' or 'relu', got ${JSON.stringify(nl)}`);
  const r = runStack(RNN, x, weights, options, rnnOp, nl === 'relu' ? 'rnnRelu' : 'rnnTanh');
  return { output: r.output, h: r.h };
}
