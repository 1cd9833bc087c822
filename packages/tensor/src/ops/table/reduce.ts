// Reductions: sum, mean, var, std, max/min, argmax/argmin, logsumexp, and the backward ops that
// send a selected value's gradient back (valueSelectingReductionBackward for max/min over a dim,
// evenlyDistributeBackward for max/min over everything), PyTorch's semantics throughout.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import { normDim, normDims, numelOf, reducedShape, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp, FLOAT, NUMERIC, type BadSample, type Sample } from '../declare.js';
import { add, div, mul, sub, where } from './binary.js';
import { exp } from './unary.js';
import { eq, logicalAnd, logicalOr, ne } from './compare.js';
import { gather } from './index-ops.js';
import { isCreatingGraph } from '../../autograd/grad-mode.js';
import { expand, reshape, unsqueeze } from './shape.js';
import { cast } from './cast.js';

export interface ReduceOptions {
  /** Dimensions to reduce; all when omitted. */
  dim?: number | readonly number[];
  keepdim?: boolean;
}

const dimsOf = (o: ReduceOptions): readonly number[] => (o.dim === undefined ? [] : typeof o.dim === 'number' ? [o.dim] : o.dim);

/** A reduction's dims as its options, or alone (PyTorch's x.sum(1), x.sum([0, 2])). */
export type ReduceArg<O extends ReduceOptions = ReduceOptions> = O | number | readonly number[];

/** The options object of a reduction's argument, its keys checked against `known`. */
function reduceOptions<O extends object>(fn: string, arg: O | number | readonly number[] | undefined | null, known: readonly string[]): O {
  if (arg === undefined || arg === null) return {} as O;
  if (typeof arg === 'number' || Array.isArray(arg)) return { dim: arg } as O;
  if (typeof arg !== 'object') throw new ValueError(`${fn}: expected a dim, a list of dims or an options object, got ${typeof arg}`);
  checkOptions(fn, arg, known);
  return arg as O;
}
const REDUCE_KEYS = ['dim', 'keepdim'] as const;
const VARIANCE_KEYS = ['dim', 'keepdim', 'correction'] as const;

/** @internal */
export const reduceSamples: Sample[] = [
  { name: 'all', inputs: [{ shape: [3, 4] }], attrs: { dims: [], keepdim: false } },
  { name: 'dim0', inputs: [{ shape: [3, 4] }], attrs: { dims: [0], keepdim: false } },
  { name: 'last-keepdim', inputs: [{ shape: [2, 3, 4] }], attrs: { dims: [-1], keepdim: true } },
  { name: 'two-dims', inputs: [{ shape: [2, 3, 4] }], attrs: { dims: [0, 2], keepdim: false } },
  { name: 'size-one', inputs: [{ shape: [1, 5, 1] }], attrs: { dims: [1], keepdim: true } },
];

// More layouts for the float reductions: a middle dim with a wide inner block (the column path
// runs blocks of 64 outputs), reduced dims split by a kept one (short runs are copied together
// first on cuda; longer ones, like a conv bias gradient's sum over N, H and W, are read in place
// with runs of 30 and of 3 elements), and empty tensors.
const moreReduceSamples: Sample[] = [
  { name: 'middle-wide', inputs: [{ shape: [2, 3, 70] }], attrs: { dims: [1], keepdim: false } },
  { name: 'outer-and-inner', inputs: [{ shape: [3, 2, 2, 3] }], attrs: { dims: [0, 3], keepdim: true } },
  { name: 'bias-gradient', inputs: [{ shape: [4, 3, 5, 6] }], attrs: { dims: [0, 2, 3], keepdim: false } },
  { name: 'straddled-short-runs', inputs: [{ shape: [40, 2, 3] }], attrs: { dims: [0, 2], keepdim: true } },
  { name: 'scalar', inputs: [{ shape: [] }], attrs: { dims: [], keepdim: false } },
  { name: 'empty-kept', inputs: [{ shape: [0, 3] }], attrs: { dims: [1], keepdim: false } },
];
/** A reduction over an empty dim: NaN for mean/var/std (0/0), −inf for logsumexp. */
const emptyReducedSample: Sample = { name: 'empty-reduced', inputs: [{ shape: [2, 0], noGrad: true }], attrs: { dims: [1], keepdim: false } };

/** Refusals shared by the reductions over a set of dims. */
const reduceBad = (op: string): BadSample[] => [
  {
    name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dims: [2] },
    error: 'ShapeError', message: new RegExp(`${op}: dim 2 is out of range for a tensor of rank 2 \\(expected -2 to 1\\)`),
  },
  {
    name: 'repeated dim', inputs: [{ shape: [2, 3] }], attrs: { dims: [1, -1] },
    error: 'ValueError', message: new RegExp(`${op}: dims \\[1,-1\\] name a dimension twice`),
  },
];

/** Shape of a reduction's result, and the dims it reduces (normalised). */
export function reduction(op: string, shape: readonly number[], dims: readonly number[], keepdim: boolean) {
  const d = normDims(op, dims, shape.length);
  return { dims: d, shape: reducedShape(shape, d, keepdim) };
}


/** How many elements each output of a reduction over `dims` combines. */
const reducedCount = (shape: readonly number[], dims: readonly number[]): number => numelOf(dims.map((d) => shape[d]));

/** Broadcasts a reduced gradient back over the reduced dims. */
export function unreduce(g: Tensor, inputShape: readonly number[], dims: readonly number[]): Tensor {
  const kept = inputShape.map((d, i) => (dims.length === 0 || dims.includes(i) || dims.includes(i - inputShape.length) ? 1 : d));
  return expand(reshape(g, kept), inputShape);
}

type ReduceAttrs = { dims: readonly number[]; keepdim: boolean };
const reduceAttrs = { dims: { kind: 'ints', default: [] }, keepdim: { kind: 'bool', default: false } } as const;

export const sumOp = defineOp<ReduceAttrs>({
  name: 'sum',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: reduceAttrs,
  outputs: ([x], a) => [{ shape: reduction('sum', x.shape, a.dims, a.keepdim).shape, dtype: x.dtype === 'float32' ? 'float32' : 'int64' }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => [unreduce(g!, x.shape, reduction('sum', x.shape, attrs.dims, attrs.keepdim).dims)],
  test: {
    samples: [
      ...reduceSamples,
      ...moreReduceSamples.filter((s) => s.name === 'bias-gradient' || s.name === 'straddled-short-runs'),
      { name: 'bool-count', inputs: [{ shape: [2, 3], dtype: 'bool', fill: [1, 0, 1, 1, 1, 0] }], attrs: { dims: [1], keepdim: false } },
      { name: 'int32-to-int64', inputs: [{ shape: [4], dtype: 'int32', fill: 'int:-50:50' }], attrs: { dims: [], keepdim: false } },
    ],
    bad: reduceBad('sum'),
  },
});

/** Sum over `dim` (all dims when omitted); integer and bool inputs sum to int64 as in PyTorch. */
export function sum(x: Tensor, dims?: ReduceArg): Tensor {
  const options = reduceOptions<ReduceOptions>('sum', dims, REDUCE_KEYS);
  return apply(sumOp, [x], { dims: dimsOf(options), keepdim: options.keepdim ?? false })[0];
}

export const meanOp = defineOp<ReduceAttrs>({
  name: 'mean',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: reduceAttrs,
  outputs: ([x], a) => [{ shape: reduction('mean', x.shape, a.dims, a.keepdim).shape, dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => {
    const { dims } = reduction('mean', x.shape, attrs.dims, attrs.keepdim);
    return [unreduce(mul(g!, 1 / reducedCount(x.shape, dims)), x.shape, dims)];
  },
  test: { samples: [...reduceSamples, ...moreReduceSamples, emptyReducedSample], bad: reduceBad('mean') },
});

/** Mean over `dim` (all dims when omitted); float32 only, as in PyTorch. An empty reduction is NaN. */
export function mean(x: Tensor, dims?: ReduceArg): Tensor {
  const options = reduceOptions<ReduceOptions>('mean', dims, REDUCE_KEYS);
  return apply(meanOp, [x], { dims: dimsOf(options), keepdim: options.keepdim ?? false })[0];
}

// ---- var, std ----

type VarAttrs = { dims: readonly number[]; correction: number; keepdim: boolean };
const varAttrs = { dims: { kind: 'ints', default: [] }, correction: { kind: 'float', default: 1 }, keepdim: { kind: 'bool', default: false } } as const;

const varSamples: Sample[] = [
  ...reduceSamples,
  ...moreReduceSamples.filter((s) => s.name !== 'scalar'),
  { name: 'population', inputs: [{ shape: [4, 5] }], attrs: { dims: [1], correction: 0 } },
  { name: 'correction-2', inputs: [{ shape: [3, 6] }], attrs: { dims: [], correction: 2, keepdim: true } },
  { name: 'one-element-nan', inputs: [{ shape: [3, 1], noGrad: true }], attrs: { dims: [1] } },
  emptyReducedSample,
];

/**
 * d var / dx = g · 2 (x − mean) / (n − correction) (PyTorch's var_backward; unlike the forward,
 * which divides by max(0, n − correction), the gradient uses n − correction as it is).
 */
function varGrad(g: Tensor, x: Tensor, dims: readonly number[], correction: number): Tensor {
  const n = reducedCount(x.shape, dims);
  const centred = add(x, mul(mean(x, { dim: dims, keepdim: true }), -1));
  return mul(centred, unreduce(mul(g, 2 / (n - correction)), x.shape, dims));
}

export const varOp = defineOp<VarAttrs>({
  name: 'var',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: varAttrs,
  outputs: ([x], a) => [{ shape: reduction('var', x.shape, a.dims, a.keepdim).shape, dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0] },
  grad: ({ grads: [g], inputs: [x], attrs }) => [varGrad(g!, x!, reduction('var', x!.shape, attrs.dims, attrs.keepdim).dims, attrs.correction)],
  test: { samples: varSamples, bad: reduceBad('var') },
});

export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the element count in the divisor: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
}

/** The code of var's and std's warning about no degrees of freedom, for `process.on('warning')` filters. */
export const DEGREES_OF_FREEDOM_WARNING = 'NUTSHELL_DEGREES_OF_FREEDOM';
let warnedDegreesOfFreedom = false;

// PyTorch warns when n − correction ≤ 0 (the result is NaN or infinite): a one-step RL episode
// made its normalised advantages NaN with no word until a later op refused them (a user trial).
function varianceAttrs(fn: 'var' | 'std', x: Tensor, o: VarianceOptions) {
  const attrs = { dims: dimsOf(o), correction: o.correction ?? 1, keepdim: o.keepdim ?? false };
  if (!warnedDegreesOfFreedom && x?.isTensor) {
    const { dims } = reduction(fn, x.shape, attrs.dims, attrs.keepdim);
    const n = reducedCount(x.shape, dims);
    if (n > 0 && n - attrs.correction <= 0) {
      warnedDegreesOfFreedom = true;
      process.emitWarning(`${fn}: degrees of freedom is <= 0 (${n} values per result, correction ${attrs.correction}), so the result is NaN or infinite; pass { correction: 0 } for the population ${fn === 'var' ? 'variance' : 'deviation'}`, { code: DEGREES_OF_FREEDOM_WARNING });
    }
  }
  return attrs;
}

/** Variance over `dim` (all dims when omitted), divided by max(0, n − correction) like PyTorch. */
export function variance(x: Tensor, dims?: ReduceArg<VarianceOptions>): Tensor {
  return apply(varOp, [x], varianceAttrs('var', x, reduceOptions<VarianceOptions>('var', dims, VARIANCE_KEYS)))[0];
}
export { variance as var };

export const stdOp = defineOp<VarAttrs>({
  name: 'std',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: varAttrs,
  outputs: ([x], a) => {
    const { shape } = reduction('std', x.shape, a.dims, a.keepdim);
    return [{ shape, dtype: 'float32' }, { shape: [...shape], dtype: 'float32' }];
  },
  // Hidden: 1 / ((n − correction)·std), 0 where std is 0, written by the kernel for backward.
  visibleOutputs: 1,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0], outputs: [0, 1] },
  // PyTorch's std_backward: var_backward(g / 2std) with 0 where std is 0, i.e.
  // g · (x − mean) / ((n − correction)·std). The kernel's hidden factor has no graph of its own,
  // so a graph of the gradient (Note [create graph]) computes it from the output instead.
  grad: ({ grads: [g], inputs: [x], outputs: [y, hidden], attrs }) => {
    const { dims } = reduction('std', x!.shape, attrs.dims, attrs.keepdim);
    const centred = add(x!, mul(mean(x!, { dim: dims, keepdim: true }), -1));
    const divisor = Math.max(0, reducedCount(x!.shape, dims) - attrs.correction);
    // (1 over a safe y where y is 0: an infinity in the branch where() leaves out would still
    // turn its gradient into NaN.)
    const zero = isCreatingGraph() ? eq(y!, 0) : null;
    const factor = zero ? where(zero, 0, div(1, mul(where(zero, 1, y!), divisor))) : hidden!;
    return [mul(centred, unreduce(mul(g!, factor), x!.shape, dims))];
  },
  test: { samples: varSamples, bad: reduceBad('std') },
});

/** Standard deviation over `dim` (all dims when omitted): sqrt(var), same options. */
export function std(x: Tensor, dims?: ReduceArg<VarianceOptions>): Tensor {
  return apply(stdOp, [x], varianceAttrs('std', x, reduceOptions<VarianceOptions>('std', dims, VARIANCE_KEYS)))[0];
}

// ---- logsumexp ----

export const logsumexpOp = defineOp<ReduceAttrs>({
  name: 'logsumexp',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: reduceAttrs,
  outputs: ([x], a) => [{ shape: reduction('logsumexp', x.shape, a.dims, a.keepdim).shape, dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0], outputs: [0] },
  // logsumexpBackward has no gradient of its own: a graph of the gradients (Note [create graph])
  // writes it as g·exp(x − y), y the saved output standing for its place in the graph.
  grad: ({ grads: [g], inputs: [x], outputs: [y], attrs }) => {
    if (!isCreatingGraph()) return [logsumexpBackward(g!, x!, y!, attrs)];
    const { dims } = reduction('logsumexp', x!.shape, attrs.dims, attrs.keepdim);
    return [mul(unreduce(g!, x!.shape, dims), exp(sub(x!, unreduce(y!, x!.shape, dims))))];
  },
  test: {
    samples: [
      ...reduceSamples,
      ...moreReduceSamples,
      emptyReducedSample,
      { name: 'large-values', inputs: [{ shape: [2, 3], fill: [1000, 1001, 999, -1000, -1002, -1001] }], attrs: { dims: [1], keepdim: false } },
    ],
    bad: reduceBad('logsumexp'),
  },
});

export const logsumexpBackwardOp = defineOp<ReduceAttrs>({
  name: 'logsumexpBackward',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
    { name: 'result', dtypes: FLOAT },
  ],
  attrs: reduceAttrs,
  outputs: ([g, x, y], a) => {
    const op = 'logsumexpBackward';
    const { shape } = reduction(op, x.shape, a.dims, a.keepdim);
    if (!sameShape(g.shape, shape)) throw new ShapeError(`${op}: grad has shape ${fmtShape(g.shape)} but reducing ${fmtShape(x.shape)} gives ${fmtShape(shape)}`);
    if (!sameShape(y.shape, shape)) throw new ShapeError(`${op}: result has shape ${fmtShape(y.shape)} but reducing ${fmtShape(x.shape)} gives ${fmtShape(shape)}`);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'all', inputs: [{ shape: [] }, { shape: [3, 4] }, { shape: [] }] },
      { name: 'last-keepdim', inputs: [{ shape: [2, 3, 1] }, { shape: [2, 3, 4] }, { shape: [2, 3, 1] }], attrs: { dims: [-1], keepdim: true } },
      { name: 'middle-wide', inputs: [{ shape: [2, 70] }, { shape: [2, 3, 70] }, { shape: [2, 70] }], attrs: { dims: [1] } },
      { name: 'two-dims', inputs: [{ shape: [3] }, { shape: [2, 3, 4] }, { shape: [3] }], attrs: { dims: [0, 2] } },
    ],
    bad: [
      {
        name: 'grad shape', inputs: [{ shape: [4] }, { shape: [3, 4] }, { shape: [3] }], attrs: { dims: [1] },
        error: 'ShapeError', message: /logsumexpBackward: grad has shape \[4\] but reducing \[3,4\] gives \[3\]/,
      },
    ],
  },
});

/** Gradient of logsumexp's input: grad · exp(input − result), broadcast over the reduced dims. */
export function logsumexpBackward(grad: Tensor, input: Tensor, result: Tensor, options: { dims: readonly number[]; keepdim: boolean }): Tensor {
  return apply(logsumexpBackwardOp, [grad, input, result], { dims: options.dims, keepdim: options.keepdim })[0];
}

/** log Σ exp(x) over `dim` (all dims when omitted), stably (shifted by the max); −inf when empty. */
export function logsumexp(x: Tensor, dims?: ReduceArg): Tensor {
  const options = reduceOptions<ReduceOptions>('logsumexp', dims, REDUCE_KEYS);
  return apply(logsumexpOp, [x], { dims: dimsOf(options), keepdim: options.keepdim ?? false })[0];
}

// ---- max, min (values), argmax, argmin ----

const extremeSamples: Sample[] = [
  { name: 'matrix', inputs: [{ shape: [3, 4] }] },
  { name: 'vector', inputs: [{ shape: [7] }] },
  { name: 'scalar', inputs: [{ shape: [] }] },
  { name: 'int64', inputs: [{ shape: [2, 3], dtype: 'int64', fill: 'int:-50:50' }] },
];

/** PyTorch's max()/min() without a dim: the gradient is shared by every element equal to the result. */
function extremeAllOp(name: 'max' | 'min') {
  return defineOp({
    name,
    inputs: [{ name: 'input', dtypes: NUMERIC }],
    attrs: {},
    outputs: ([x]) => {
      if (numelOf(x.shape) === 0) throw new ValueError(`${name}: cannot reduce an empty tensor ${fmtShape(x.shape)} (${name} has no identity); pass a dim`);
      return [{ shape: [], dtype: x.dtype }];
    },
    backends: ['cpu', 'cuda'],
    saves: { inputs: [0], outputs: [0] },
    grad: ({ grads: [g], inputs: [x], outputs: [v] }) => [evenlyDistributeBackward(g!, x!, v!)],
    test: {
      samples: extremeSamples,
      bad: [{ name: 'empty', inputs: [{ shape: [0, 3] }], error: 'ValueError', message: new RegExp(`${name}: cannot reduce an empty tensor \\[0,3\\]`) }],
    },
  });
}
export const maxOp = extremeAllOp('max');
export const minOp = extremeAllOp('min');

type DimAttrs = { dim: number; keepdim: boolean };

function dimReduction(op: string, shape: readonly number[], dim: number, keepdim: boolean): number[] {
  const d = normDim(op, dim, shape.length);
  if (shape.length > 0 && shape[d] === 0) {
    throw new ValueError(`${op}: cannot reduce dim ${dim} of size 0 (input ${fmtShape(shape)}); it has no identity`);
  }
  return reducedShape(shape, shape.length ? [d] : [], keepdim);
}

const dimSamples: Sample[] = [
  { name: 'rows', inputs: [{ shape: [3, 4] }], attrs: { dim: 1 } },
  { name: 'cols-keepdim', inputs: [{ shape: [3, 4] }], attrs: { dim: 0, keepdim: true } },
  { name: 'middle', inputs: [{ shape: [2, 3, 4] }], attrs: { dim: -2 } },
  { name: 'size-one', inputs: [{ shape: [2, 1, 3] }], attrs: { dim: 1 } },
  { name: 'empty-batch', inputs: [{ shape: [0, 4] }], attrs: { dim: 1 } },
  { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: 0 } },
  { name: 'ties', inputs: [{ shape: [2, 4], fill: [1, 3, 3, -1, 2, 2, 0, 2], noGrad: true }], attrs: { dim: 1 } },
  { name: 'int32', inputs: [{ shape: [3, 3], dtype: 'int32', fill: 'int:-5:5' }], attrs: { dim: 0 } },
];

/** max/min over one dim: values and the index of the first extreme element (NaN counts as extreme). */
function extremeDimOp(name: 'maxDim' | 'minDim') {
  return defineOp<DimAttrs>({
    name,
    inputs: [{ name: 'input', dtypes: NUMERIC }],
    attrs: { dim: { kind: 'int' }, keepdim: { kind: 'bool', default: false } },
    outputs: ([x], a) => {
      const shape = dimReduction(name, x.shape, a.dim, a.keepdim);
      return [{ shape, dtype: x.dtype }, { shape: [...shape], dtype: 'int64' }];
    },
    backends: ['cpu', 'cuda'],
    saves: { outputs: [1] },
    grad: ({ grads: [g], outputs: [, indices], inputMeta: [x], attrs }) => [
      valueSelectingReductionBackward(g!, indices!, { dim: attrs.dim, sizes: x.shape, keepdim: attrs.keepdim }),
    ],
    test: {
      samples: dimSamples,
      bad: [
        { name: 'dim out of range', inputs: [{ shape: [2, 3] }], attrs: { dim: 2 }, error: 'ShapeError', message: new RegExp(`${name}: dim 2 is out of range for a tensor of rank 2`) },
        { name: 'empty dim', inputs: [{ shape: [2, 0] }], attrs: { dim: 1 }, error: 'ValueError', message: new RegExp(`${name}: cannot reduce dim 1 of size 0`) },
      ],
    },
  });
}
export const maxDimOp = extremeDimOp('maxDim');
export const minDimOp = extremeDimOp('minDim');

export interface DimOptions {
  /** The dimension to reduce; all elements when omitted. */
  dim?: number;
  keepdim?: boolean;
}

/** A one-dim reduction's options, or its dim alone (PyTorch's x.max(1)). */
export type DimArg = DimOptions | number;

function dimOptions(fn: string, arg: DimArg | undefined | null): DimOptions {
  if (arg === undefined || arg === null) return {};
  if (typeof arg === 'number') return { dim: arg };
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new ValueError(`${fn}: expected a dim or an options object, got ${Array.isArray(arg) ? 'an array' : typeof arg}`);
  checkOptions(fn, arg, REDUCE_KEYS);
  return arg;
}

/**
 * A value-selecting function's result along a dim: the values and their int64 indices in it, by
 * name or by position as PyTorch's (values, indices) tuple: `x.max(1)[0]`, `const [v, i] = …`.
 */
export type ValuesAndIndices = NamedTuple<readonly [values: Tensor, indices: Tensor], { values: Tensor; indices: Tensor }>;

export const valuesAndIndices = (values: Tensor, indices: Tensor): ValuesAndIndices => namedTuple([values, indices], { values, indices });

function extreme(fn: string, all: typeof maxOp, byDim: typeof maxDimOp, x: Tensor, arg: DimArg | undefined): Tensor | ValuesAndIndices {
  const options = dimOptions(fn, arg);
  if (options.dim === undefined) {
    const v = apply(all, [x])[0];
    return options.keepdim ? reshape(v, x.shape.map(() => 1)) : v;
  }
  const [values, indices] = apply(byDim, [x], { dim: options.dim, keepdim: options.keepdim ?? false });
  return valuesAndIndices(values, indices);
}

/** Options of max/min along one dim (PyTorch's torch.max(x, dim, keepdim)). */
export type DimSelect = number | (DimOptions & { dim: number });

/**
 * The largest element (NaN wins), a 0-d tensor; along a dim, as PyTorch's torch.max(x, dim),
 * the largest values and the index (int64) of the first of each: { values, indices }.
 * Gradients: along a dim, to that first maximal element; over everything, shared evenly by all
 * maximal elements (as PyTorch).
 */
export function max(x: Tensor, options?: { keepdim?: boolean }): Tensor;
export function max(x: Tensor, dim: DimSelect): ValuesAndIndices;
export function max(x: Tensor, dim?: DimArg): Tensor | ValuesAndIndices {
  return extreme('max', maxOp, maxDimOp, x, dim);
}
/** The smallest element (NaN wins), or along a dim { values, indices }; gradients as for max. */
export function min(x: Tensor, options?: { keepdim?: boolean }): Tensor;
export function min(x: Tensor, dim: DimSelect): ValuesAndIndices;
export function min(x: Tensor, dim?: DimArg): Tensor | ValuesAndIndices {
  return extreme('min', minOp, minDimOp, x, dim);
}

function argOp(name: 'argmax' | 'argmin') {
  return defineOp<ReduceAttrs>({
    name,
    inputs: [{ name: 'input', dtypes: NUMERIC }],
    attrs: reduceAttrs,
    outputs: ([x], a) => {
      if (a.dims.length > 1) throw new ValueError(`${name}: expected at most one dim, got [${a.dims.join(',')}]`);
      if (a.dims.length === 0) {
        if (numelOf(x.shape) === 0) throw new ValueError(`${name}: cannot reduce an empty tensor ${fmtShape(x.shape)}; pass a dim`);
        return [{ shape: a.keepdim ? x.shape.map(() => 1) : [], dtype: 'int64' }];
      }
      return [{ shape: dimReduction(name, x.shape, a.dims[0], a.keepdim), dtype: 'int64' }];
    },
    backends: ['cpu', 'cuda'],
    test: {
      samples: [
        { name: 'all', inputs: [{ shape: [3, 4] }] },
        { name: 'all-keepdim', inputs: [{ shape: [2, 3] }], attrs: { keepdim: true } },
        { name: 'rows', inputs: [{ shape: [3, 4] }], attrs: { dims: [1] } },
        { name: 'middle-keepdim', inputs: [{ shape: [2, 3, 4] }], attrs: { dims: [1], keepdim: true } },
        { name: 'wide-columns', inputs: [{ shape: [3, 70] }], attrs: { dims: [0] } },
        { name: 'ties-first', inputs: [{ shape: [2, 4], fill: [1, 3, 3, -1, 2, 2, 0, 2] }], attrs: { dims: [1] } },
        { name: 'ties-all', inputs: [{ shape: [2, 3], fill: [0, 5, 1, 5, -2, 5] }] },
        { name: 'empty-batch', inputs: [{ shape: [0, 3] }], attrs: { dims: [1] } },
        { name: 'uint8', inputs: [{ shape: [4, 3], dtype: 'uint8', fill: 'int:0:4' }], attrs: { dims: [0] } },
      ],
      bad: [
        { name: 'two dims', inputs: [{ shape: [2, 3] }], attrs: { dims: [0, 1] }, error: 'ValueError', message: new RegExp(`${name}: expected at most one dim, got \\[0,1\\]`) },
        { name: 'empty', inputs: [{ shape: [0] }], error: 'ValueError', message: new RegExp(`${name}: cannot reduce an empty tensor \\[0\\]`) },
        { name: 'empty dim', inputs: [{ shape: [3, 0] }], attrs: { dims: [1] }, error: 'ValueError', message: new RegExp(`${name}: cannot reduce dim 1 of size 0`) },
      ],
    },
  });
}
export const argmaxOp = argOp('argmax');
export const argminOp = argOp('argmin');

const argAttrs = (fn: string, arg: DimArg | undefined) => {
  const o = dimOptions(fn, arg);
  return { dims: o.dim === undefined ? [] : [o.dim], keepdim: o.keepdim ?? false };
};
/** Index (int64) of the first largest element, flat when no dim is given; NaN counts as largest. */
export const argmax = (x: Tensor, dim?: DimArg): Tensor => apply(argmaxOp, [x], argAttrs('argmax', dim))[0];
/** Index (int64) of the first smallest element, flat when no dim is given; NaN counts as smallest. */
export const argmin = (x: Tensor, dim?: DimArg): Tensor => apply(argminOp, [x], argAttrs('argmin', dim))[0];

// ---- backward ops of max/min ----

export const valueSelectingReductionBackwardOp = defineOp<{ dim: number; sizes: readonly number[]; keepdim: boolean }>({
  name: 'valueSelectingReductionBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'indices', dtypes: ['int64'], differentiable: false }],
  attrs: { dim: { kind: 'int' }, sizes: { kind: 'ints' }, keepdim: { kind: 'bool', default: false } },
  outputs: ([g, idx], a) => {
    const op = 'valueSelectingReductionBackward';
    const d = normDim(op, a.dim, a.sizes.length);
    const want = reducedShape(a.sizes, a.sizes.length ? [d] : [], a.keepdim);
    const same = (s: readonly number[]) => s.length === want.length && s.every((v, i) => v === want[i]);
    if (!same(g.shape)) throw new ShapeError(`${op}: grad has shape ${fmtShape(g.shape)} but an input of ${fmtShape(a.sizes)} reduced over dim ${a.dim} gives ${fmtShape(want)}`);
    if (!same(idx.shape)) throw new ShapeError(`${op}: indices have shape ${fmtShape(idx.shape)} but grad has ${fmtShape(g.shape)}`);
    return [{ shape: [...a.sizes], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  // Linear in grad: its own gradient reads gg back at the selected positions (second derivatives
  // through max/min over a dim).
  saves: { inputs: [1] },
  grad: ({ grads: [gg], inputs: [, indices], attrs }) => {
    if (attrs.sizes.length === 0) return [gg!];
    const d = normDim('valueSelectingReductionBackward', attrs.dim, attrs.sizes.length);
    const picked = gather(gg!, d, attrs.keepdim ? indices! : unsqueeze(indices!, d));
    return [attrs.keepdim ? picked : reshape(picked, indices!.shape), null];
  },
  test: {
    samples: [
      { name: 'middle', inputs: [{ shape: [2, 4] }, { shape: [2, 4], dtype: 'int64', fill: 'int:0:3' }], attrs: { dim: 1, sizes: [2, 3, 4] } },
      { name: 'keepdim', inputs: [{ shape: [1, 3] }, { shape: [1, 3], dtype: 'int64', fill: 'int:0:4' }], attrs: { dim: 0, sizes: [4, 3], keepdim: true } },
      { name: 'last', inputs: [{ shape: [3] }, { shape: [3], dtype: 'int64', fill: 'int:0:5' }], attrs: { dim: -1, sizes: [3, 5] } },
      { name: 'scalar', inputs: [{ shape: [] }, { shape: [], dtype: 'int64', fill: [0] }], attrs: { dim: 0, sizes: [] } },
    ],
    bad: [
      {
        name: 'index out of range', inputs: [{ shape: [2] }, { shape: [2], dtype: 'int64', fill: [0, 3] }], attrs: { dim: 1, sizes: [2, 3] },
        error: 'ValueError', message: /valueSelectingReductionBackward: indices\[1\] = 3 is out of range for dimension 1 of size 3/,
      },
      {
        name: 'grad shape', inputs: [{ shape: [3] }, { shape: [3], dtype: 'int64', fill: [0, 0, 0] }], attrs: { dim: 1, sizes: [2, 3] },
        error: 'ShapeError', message: /valueSelectingReductionBackward: grad has shape \[3\] but an input of \[2,3\] reduced over dim 1 gives \[2\]/,
      },
    ],
  },
});

/** Gradient of max/min over `dim`: grad goes to the position each index names, zeros elsewhere. */
export function valueSelectingReductionBackward(grad: Tensor, indices: Tensor, options: { dim: number; sizes: readonly number[]; keepdim?: boolean }): Tensor {
  return apply(valueSelectingReductionBackwardOp, [grad, indices], { dim: options.dim, sizes: options.sizes, keepdim: options.keepdim ?? false })[0];
}

export const evenlyDistributeBackwardOp = defineOp({
  name: 'evenlyDistributeBackward',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT, differentiable: false },
    { name: 'value', dtypes: FLOAT, differentiable: false },
  ],
  attrs: {},
  outputs: ([g, x, v]) => {
    const op = 'evenlyDistributeBackward';
    if (numelOf(g.shape) !== 1) throw new ShapeError(`${op}: grad must have one element, got shape ${fmtShape(g.shape)}`);
    if (numelOf(v.shape) !== 1) throw new ShapeError(`${op}: value must have one element, got shape ${fmtShape(v.shape)}`);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  // Linear in grad: its gradient is the mean of gg over the elements that shared it.
  saves: { inputs: [1, 2] },
  grad: ({ grads: [gg], inputs: [, x, v], inputMeta: [g] }) => {
    const hit = cast(logicalOr(eq(x!, v!), logicalAnd(ne(x!, x!), ne(v!, v!))), 'float32');
    return [reshape(div(sum(mul(gg!, hit)), sum(hit)), g.shape), null, null];
  },
  test: {
    samples: [
      // input and value choose where the gradient goes: no gradient of their own.
      { name: 'ties', inputs: [{ shape: [] }, { shape: [2, 3], fill: [1, 3, 3, 0, 2, 3], noGrad: true }, { shape: [], fill: [3], noGrad: true }] },
      { name: 'single', inputs: [{ shape: [] }, { shape: [4], fill: [1, -2, 0.5, 0], noGrad: true }, { shape: [], fill: [-2], noGrad: true }] },
    ],
    bad: [{ name: 'grad not scalar', inputs: [{ shape: [2] }, { shape: [2] }, { shape: [] }], error: 'ShapeError', message: /evenlyDistributeBackward: grad must have one element, got shape \[2\]/ }],
  },
});

/** Gradient of a full max/min: grad / k to each of the k elements equal to value (NaN matches NaN). */
export function evenlyDistributeBackward(grad: Tensor, input: Tensor, value: Tensor): Tensor {
  return apply(evenlyDistributeBackwardOp, [grad, input, value])[0];
}
