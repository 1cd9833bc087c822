// 3-d max and average pooling (F.max_pool3d, F.avg_pool3d) over [N, C, D, H, W] or unbatched
// [C, D, H, W], for video and volumes: ops of their own, declared like the 2-d ones (pool.ts), the
// max-pool workspace's window index (t·kh + u)·kw + v. cpu: our loops (native/src/cpu/
// pool_loops.cc, Note [pooling loops]: oneDNN 2.6's 5-d pooling was 2–7× slower than PyTorch);
// cuda: the 2-d ops' kernels one axis deeper and cuDNN's Nd average pooling (native/src/cuda/
// pool.cc). The adaptive 3-d pooling is composed (composed-pool3d.ts).
import { tensor } from '../../creation.js';
import { isCreatingGraph } from '../../autograd/grad-mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { apply, applyWithHidden } from '../apply.js';
import { scope } from '../../memory.js';
import { namedTuple } from '../../named-tuple.js';
import type { MaxPoolWithIndices } from './composed-unpool.js';
import { gather } from './index-ops.js';
import { tensorArg } from '../check-args.js';
import { defineOp, FLOAT, type Sample } from '../declare.js';
import { mul } from './binary.js';
import { checkInputShape, expectPooledShape, maxPoolScatter, workspacePositions, maxPoolWorkspaceDType, pooledSizes, poolSizes, distinctSample, workspaceFor, type AvgPool2dAttrs, type MaxPool2dAttrs } from './pool.js';
import { onBatch, reshape } from './shape.js';
import type { Size3d } from './conv3d.js';

/** maxPool3d's attributes: per axis [d, h, w]; stride empty means the kernel size. */
export type MaxPool3dAttrs = MaxPool2dAttrs;
/** avgPool3d's attributes: per axis [d, h, w]; stride empty means the kernel size. */
export type AvgPool3dAttrs = AvgPool2dAttrs;

/** The op's input: [N, C, D, H, W] with C, D, H, W above 0. */
function checkVolume(op: string, input: readonly number[]): void {
  if (input.length !== 5) throw new ShapeError(`${op}: input expected 5 dimensions [N,C,D,H,W], got ${fmtShape(input)}`);
  if (input.slice(1).some((d) => d === 0)) throw new ShapeError(`${op}: input expected non-zero channels, depth, height and width (only N may be 0), got ${fmtShape(input)}`);
}

/** [N, C, OD, OH, OW] of a 3-d pooling of `input`, every window option checked. */
function pooledShape(op: string, input: readonly number[], a: AvgPool3dAttrs | MaxPool3dAttrs, dilation: readonly number[]): number[] {
  checkVolume(op, input);
  return [input[0], input[1], ...pooledSizes(op, input, a, dilation, 3)];
}

const maxPoolAttrSpecs = {
  kernelSize: { kind: 'ints' },
  stride: { kind: 'ints', default: [] },
  padding: { kind: 'ints', default: [0, 0, 0] },
  dilation: { kind: 'ints', default: [1, 1, 1] },
  ceilMode: { kind: 'bool', default: false },
} as const;

const avgPoolAttrSpecs = {
  kernelSize: { kind: 'ints' },
  stride: { kind: 'ints', default: [] },
  padding: { kind: 'ints', default: [0, 0, 0] },
  ceilMode: { kind: 'bool', default: false },
  countIncludePad: { kind: 'bool', default: true },
} as const;

// Windows inside and across the borders, every option per axis, and one of 27·12 = 324 elements
// (an int32 workspace).
const windowCases: { name: string; x: number[]; attrs: { kernelSize: number[]; [option: string]: number[] | boolean } }[] = [
  { name: 'cube', x: [2, 3, 4, 4, 4], attrs: { kernelSize: [2, 2, 2] } },
  { name: 'overlap-padding', x: [1, 2, 5, 6, 5], attrs: { kernelSize: [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1] } },
  { name: 'rect-stride', x: [2, 1, 6, 5, 7], attrs: { kernelSize: [2, 3, 1], stride: [1, 2, 1] } },
  { name: 'ceil-mode', x: [1, 2, 5, 6, 7], attrs: { kernelSize: [2, 2, 2], ceilMode: true } },
  { name: 'ceil-padding', x: [1, 1, 6, 7, 5], attrs: { kernelSize: [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1], ceilMode: true } },
  { name: 'large-window', x: [1, 2, 3, 12, 9], attrs: { kernelSize: [3, 12, 9] } },
  { name: 'size-one', x: [1, 1, 1, 1, 1], attrs: { kernelSize: [1, 1, 1] } },
  { name: 'empty-batch', x: [0, 2, 4, 4, 4], attrs: { kernelSize: [2, 2, 2] } },
];

const maxCases = [
  ...windowCases,
  { name: 'dilation', x: [1, 2, 7, 7, 8], attrs: { kernelSize: [3, 2, 3], stride: [2, 1, 2], padding: [1, 1, 1], dilation: [2, 3, 1] } },
  { name: 'ceil-dilation', x: [1, 2, 8, 7, 9], attrs: { kernelSize: [2, 3, 2], stride: [3, 2, 2], padding: [1, 1, 0], dilation: [2, 1, 2], ceilMode: true } },
];

const avgCases = [
  ...windowCases,
  { name: 'padding-exclude', x: [1, 2, 5, 6, 5], attrs: { kernelSize: [3, 3, 3], stride: [2, 2, 2], padding: [1, 1, 1], countIncludePad: false } },
  { name: 'ceil-overhang', x: [1, 2, 7, 6, 8], attrs: { kernelSize: [4, 3, 3], stride: [3, 3, 3], padding: [2, 1, 1], ceilMode: true } },
  { name: 'ceil-overhang-exclude', x: [1, 2, 7, 6, 8], attrs: { kernelSize: [4, 3, 3], stride: [3, 3, 3], padding: [2, 1, 1], ceilMode: true, countIncludePad: false } },
];

const maxSamples: Sample[] = maxCases.map((c, k) => ({ name: c.name, inputs: [c.x[0] === 0 ? { shape: c.x } : distinctSample(c.x, k + 1)], attrs: c.attrs }));
const avgSamples: Sample[] = avgCases.map((c) => ({ name: c.name, inputs: [{ shape: c.x }], attrs: c.attrs }));

const poolBad = (op: string, extra: Record<string, unknown> = {}) => [
  { name: 'rank', inputs: [{ shape: [1, 3, 4, 4] }], attrs: { kernelSize: [2, 2, 2], ...extra }, error: 'ShapeError' as const, message: new RegExp(`^${op}: input expected 5 dimensions \\[N,C,D,H,W\\], got \\[1,3,4,4\\]`) },
  { name: 'zero depth', inputs: [{ shape: [1, 2, 0, 4, 4] }], attrs: { kernelSize: [2, 2, 2], ...extra }, error: 'ShapeError' as const, message: new RegExp(`^${op}: input expected non-zero channels, depth, height and width`) },
  { name: 'padding over half', inputs: [{ shape: [1, 1, 5, 5, 5] }], attrs: { kernelSize: [3, 3, 3], padding: [1, 2, 1], ...extra }, error: 'ValueError' as const, message: new RegExp(`^${op}: padding \\[1,2,1\\] should be at most half of kernelSize \\[3,3,3\\]`) },
  { name: 'kernel too big', inputs: [{ shape: [1, 2, 5, 5, 5] }], attrs: { kernelSize: [6, 2, 2], ...extra }, error: 'ShapeError' as const, message: new RegExp(`^${op}: output size 0x2x2 is too small for input \\[1,2,5,5,5\\]`) },
  { name: 'kernel pair', inputs: [{ shape: [1, 1, 5, 5, 5] }], attrs: { kernelSize: [2, 2], ...extra }, error: 'ValueError' as const, message: new RegExp(`^${op}: option 'kernelSize' expected 3 integers >= 1, got \\[2,2\\]`) },
  { name: 'zero stride', inputs: [{ shape: [1, 1, 5, 5, 5] }], attrs: { kernelSize: [2, 2, 2], stride: [1, 0, 1], ...extra }, error: 'ValueError' as const, message: new RegExp(`^${op}: option 'stride' expected 3 integers >= 1, got \\[1,0,1\\]`) },
];

export const maxPool3dOp = defineOp<MaxPool3dAttrs>({
  name: 'maxPool3d',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: maxPoolAttrSpecs,
  outputs: ([x], a) => {
    const out = pooledShape('maxPool3d', x.shape, a, a.dilation);
    return [
      { shape: out, dtype: x.dtype },
      { shape: [...out], dtype: maxPoolWorkspaceDType(a.kernelSize) },
    ];
  },
  visibleOutputs: 1,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [1] },
  // As maxPool2d's: a graph of the gradients scatters through the workspace's positions.
  grad: ({ grads: [g], outputs: [, ws], inputMeta: [x], attrs }) => [isCreatingGraph() ? maxPoolScatter(g!, ws!, x.shape, attrs) : maxPool3dBackward(g!, ws!, x.shape, attrs)],
  test: {
    samples: maxSamples,
    bad: [...poolBad('maxPool3d'), { name: 'zero dilation', inputs: [{ shape: [1, 1, 5, 5, 5] }], attrs: { kernelSize: [2, 2, 2], dilation: [1, 0, 1] }, error: 'ValueError', message: /^maxPool3d: option 'dilation' expected 3 integers >= 1/ }],
  },
});

export const maxPool3dBackwardOp = defineOp<MaxPool3dAttrs & { inputShape: readonly number[] }>({
  name: 'maxPool3dBackward',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'workspace', dtypes: ['uint8', 'int32'], differentiable: false },
  ],
  attrs: { inputShape: { kind: 'ints' }, ...maxPoolAttrSpecs },
  outputs: ([gy, ws], a) => {
    checkInputShape('maxPool3dBackward', a.inputShape, 3);
    const out = pooledShape('maxPool3dBackward', a.inputShape, a, a.dilation);
    expectPooledShape('maxPool3dBackward', 'gradOutput', gy.shape, out);
    expectPooledShape('maxPool3dBackward', 'workspace', ws.shape, out);
    const want = maxPoolWorkspaceDType(a.kernelSize);
    if (ws.dtype !== want) throw new DTypeError(`maxPool3dBackward: workspace expected dtype ${want} for a ${a.kernelSize.join('x')} window, got ${ws.dtype}`);
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: maxCases.map((c, k) => {
      const ws = workspaceFor(c.x, c.attrs, k + 1);
      return { name: c.name, inputs: [{ shape: ws.shape }, ws], attrs: { inputShape: c.x, ...c.attrs } };
    }),
    bad: [
      {
        name: 'index into padding',
        inputs: [{ shape: [1, 1, 2, 2, 2] }, { shape: [1, 1, 2, 2, 2], dtype: 'uint8', fill: [0, 7, 7, 7, 7, 7, 7, 7] }],
        attrs: { inputShape: [1, 1, 3, 3, 3], kernelSize: [2, 2, 2], stride: [2, 2, 2], padding: [1, 1, 1] },
        error: 'ValueError',
        message: /^maxPool3dBackward: workspace holds window index 0 at element 0, which is not an input position of that window/,
      },
      { name: 'index past window', inputs: [{ shape: [1, 1, 2, 2, 2] }, { shape: [1, 1, 2, 2, 2], dtype: 'uint8', fill: [0, 1, 2, 3, 4, 5, 6, 8] }], attrs: { inputShape: [1, 1, 4, 4, 4], kernelSize: [2, 2, 2] }, error: 'ValueError', message: /workspace holds window index 8 at element 7/ },
      { name: 'workspace dtype', inputs: [{ shape: [1, 1, 2, 2, 2] }, { shape: [1, 1, 2, 2, 2], dtype: 'int32', fill: 'int:0:8' }], attrs: { inputShape: [1, 1, 4, 4, 4], kernelSize: [2, 2, 2] }, error: 'DTypeError', message: /^maxPool3dBackward: workspace expected dtype uint8 for a 2x2x2 window, got int32/ },
      { name: 'gradOutput shape', inputs: [{ shape: [1, 1, 2, 2, 3] }, { shape: [1, 1, 2, 2, 2], dtype: 'uint8', fill: 'int:0:8' }], attrs: { inputShape: [1, 1, 4, 4, 4], kernelSize: [2, 2, 2] }, error: 'ShapeError', message: /^maxPool3dBackward: gradOutput expected shape \[1,1,2,2,2\] \(the pooling output\), got \[1,1,2,2,3\]/ },
      { name: 'inputShape rank', inputs: [{ shape: [1, 1, 2, 2] }, { shape: [1, 1, 2, 2], dtype: 'uint8', fill: 'int:0:4' }], attrs: { inputShape: [1, 1, 4, 4], kernelSize: [2, 2, 2] }, error: 'ValueError', message: /^maxPool3dBackward: option 'inputShape' expected \[N,C,D,H,W\], got \[1,1,4,4\]/ },
    ],
  },
});

export const avgPool3dOp = defineOp<AvgPool3dAttrs>({
  name: 'avgPool3d',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: avgPoolAttrSpecs,
  outputs: ([x], a) => [{ shape: pooledShape('avgPool3d', x.shape, a, [1, 1, 1]), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => [avgPool3dBackward(g!, x.shape, attrs)],
  test: { samples: avgSamples, bad: poolBad('avgPool3d') },
});

export const avgPool3dBackwardOp = defineOp<AvgPool3dAttrs & { inputShape: readonly number[] }>({
  name: 'avgPool3dBackward',
  inputs: [{ name: 'gradOutput', dtypes: FLOAT }],
  attrs: { inputShape: { kind: 'ints' }, ...avgPoolAttrSpecs },
  outputs: ([gy], a) => {
    checkInputShape('avgPool3dBackward', a.inputShape, 3);
    expectPooledShape('avgPool3dBackward', 'gradOutput', gy.shape, pooledShape('avgPool3dBackward', a.inputShape, a, [1, 1, 1]));
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  // Linear: its adjoint is the average pooling itself.
  grad: ({ grads: [u], attrs: { kernelSize, stride, padding, ceilMode, countIncludePad } }) => [apply(avgPool3dOp, [u!], { kernelSize, stride, padding, ceilMode, countIncludePad })[0]],
  test: {
    samples: avgCases.map((c) => {
      const a = { stride: [], padding: [0, 0, 0], ceilMode: false, countIncludePad: true, ...c.attrs } as AvgPool3dAttrs;
      return { name: c.name, inputs: [{ shape: pooledShape('sample', c.x, a, [1, 1, 1]) }], attrs: { inputShape: c.x, ...c.attrs } };
    }),
    bad: [{ name: 'gradOutput shape', inputs: [{ shape: [1, 1, 2, 2, 3] }], attrs: { inputShape: [1, 1, 4, 4, 4], kernelSize: [2, 2, 2] }, error: 'ShapeError', message: /^avgPool3dBackward: gradOutput expected shape \[1,1,2,2,2\] \(the pooling output\), got \[1,1,2,2,3\]/ }],
  },
});

/** The gradient of maxPool3d's input from its output gradient and its hidden workspace. */
export function maxPool3dBackward(gradOutput: Tensor, workspace: Tensor, inputShape: readonly number[], attrs: MaxPool3dAttrs): Tensor {
  const { kernelSize, stride, padding, dilation, ceilMode } = attrs;
  return apply(maxPool3dBackwardOp, [gradOutput, workspace], { inputShape: [...inputShape], kernelSize, stride, padding, dilation, ceilMode })[0];
}

export function avgPool3dBackward(gradOutput: Tensor, inputShape: readonly number[], attrs: AvgPool3dAttrs): Tensor {
  const { kernelSize, stride, padding, ceilMode, countIncludePad } = attrs;
  return apply(avgPool3dBackwardOp, [gradOutput], { inputShape: [...inputShape], kernelSize, stride, padding, ceilMode, countIncludePad })[0];
}

// ---- user functions ----

/** The input checked for `fn`: float32, [N, C, D, H, W] or unbatched [C, D, H, W], channels and sizes above 0 (N may be 0). */
function checkInput3d(fn: string, input: Tensor): void {
  tensorArg(fn, 'input', input);
  const s = input.shape;
  if (s.length !== 4 && s.length !== 5) throw new ShapeError(`${fn}: input expected [N, C, D, H, W] or unbatched [C, D, H, W], got ${fmtShape(s)}`);
  if (s.slice(-4).some((d) => d === 0)) throw new ShapeError(`${fn}: input expected non-zero channels, depth, height and width (only N may be 0), got ${fmtShape(s)}`);
  if (input.dtype !== 'float32') throw new DTypeError(`${fn}: input expected float32, got ${input.dtype}`);
}

/**
 * @internal The input checked for `fn` (checkInput3d); `pool` runs on it as [N, C, D, H, W] and
 * the batch of one an unbatched input got is dropped again.
 */
export function pooled3d(fn: string, input: Tensor, pool: (x5: Tensor) => Tensor): Tensor {
  checkInput3d(fn, input);
  return onBatch(input, 5, pool);
}

/** A window resolved per axis [d, h, w], its output sizes checked against the input's. */
interface Window3d {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  /** [OD, OH, OW]. */
  out: number[];
}

function window3d(fn: string, shape: readonly number[], kernelSize: unknown, o: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: unknown }): Window3d {
  if (kernelSize === undefined || kernelSize === null) throw new ValueError(`${fn}: kernelSize expected a number or [d, h, w], got ${String(kernelSize)}`);
  const kernel = poolSizes(fn, 'kernelSize', kernelSize, 3, []);
  const stride = poolSizes(fn, 'stride', o.stride, 3, kernel);
  const padding = poolSizes(fn, 'padding', o.padding, 3, [0, 0, 0]);
  const dilation = poolSizes(fn, 'dilation', o.dilation, 3, [1, 1, 1]);
  const ceilMode = o.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new ValueError(`${fn}: option 'ceilMode' expected a boolean, got ${JSON.stringify(ceilMode)}`);
  const out = pooledSizes(fn, shape, { kernelSize: kernel, stride, padding, ceilMode }, dilation);
  return { kernel, stride, padding, dilation, ceilMode, out };
}

export interface MaxPool3dOptions {
  /** The window step, a number or [d, h, w] (default kernelSize). */
  stride?: Size3d | null;
  /** Implicit −∞ padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: Size3d;
  /** Spacing between the window's elements (default 1). */
  dilation?: Size3d;
  /** Round each output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Also return PyTorch's indices (int64 (d·H + h)·W + w of each maximum in its volume): { output, indices }, or [output, indices]. */
  returnIndices?: boolean;
}

/**
 * 3-d max pooling over [N, C, D, H, W] (or [C, D, H, W]), like torch.nn.functional.max_pool3d,
 * with PyTorch's rules on both devices: ties send the gradient to the first maximum in (d, h, w)
 * order, and a window holding a NaN gives NaN (the last NaN is the pick). With
 * `returnIndices: true`, { output, indices } (also [output, indices]) for maxUnpool3d: the op's
 * workspace holds PyTorch's pick on both devices, so the indices are its positions, and the
 * output is the input gathered there (differentiable like the plain output).
 */
export function maxPool3d(input: Tensor, kernelSize: Size3d, options: MaxPool3dOptions & { returnIndices: true }): MaxPoolWithIndices;
export function maxPool3d(input: Tensor, kernelSize: Size3d, options?: MaxPool3dOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Size3d, options?: MaxPool3dOptions): Tensor | MaxPoolWithIndices;
export function maxPool3d(input: Tensor, kernelSize: Size3d, options: MaxPool3dOptions = {}): Tensor | MaxPoolWithIndices {
  const fn = 'maxPool3d';
  checkOptions(fn, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const returnIndices = options.returnIndices ?? false;
  if (typeof returnIndices !== 'boolean') throw new ValueError(`${fn}: option 'returnIndices' expected a boolean, got ${JSON.stringify(returnIndices)}`);
  const attrs = () => {
    const { kernel, stride, padding, dilation, ceilMode } = window3d(fn, input.shape, kernelSize, options);
    return { kernelSize: kernel, stride, padding, dilation, ceilMode };
  };
  if (!returnIndices) return pooled3d(fn, input, (x) => apply(maxPool3dOp, [x], attrs())[0]);
  checkInput3d(fn, input);
  const [output, indices] = scope(() => {
    const unbatched = input.shape.length === 4;
    const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
    const a = attrs();
    const [n, c, ...sizes] = x.shape;
    const [pooled, workspace] = applyWithHidden(maxPool3dOp, [x], a);
    pooled.dispose();
    const at = workspacePositions(workspace, x.shape, a);
    const out = workspace.shape;
    workspace.dispose();
    const prod = (d: readonly number[]) => d.reduce((p, v) => p * v, 1);
    const y = reshape(gather(reshape(x, [n, c, prod(sizes)]), 2, reshape(at, [n, c, prod(out.slice(2))])), out);
    return unbatched ? [reshape(y, out.slice(1)), reshape(at, out.slice(1))] : [y, at];
  });
  return namedTuple([output, indices] as [Tensor, Tensor], { output, indices });
}

export interface AvgPool3dOptions {
  /** The window step, a number or [d, h, w] (default kernelSize). */
  stride?: Size3d | null;
  /** Implicit zero padding on both sides of each axis, at most half the kernel (default 0). */
  padding?: Size3d;
  /** Round each output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Whether padded positions count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide each window's sum by this non-zero integer instead of its size (default null). */
  divisorOverride?: number | null;
}

/**
 * 3-d average pooling over [N, C, D, H, W] (or [C, D, H, W]), like
 * torch.nn.functional.avg_pool3d, with PyTorch's divisor: the window clipped to the padded input
 * (countIncludePad) or to the input.
 */
export function avgPool3d(input: Tensor, kernelSize: Size3d, options: AvgPool3dOptions = {}): Tensor {
  const fn = 'avgPool3d';
  checkOptions(fn, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const divisor = options.divisorOverride ?? null;
  if (divisor !== null && !(Number.isSafeInteger(divisor) && divisor !== 0)) {
    throw new ValueError(`${fn}: option 'divisorOverride' expected a non-zero integer (or null), got ${JSON.stringify(divisor)}`);
  }
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new ValueError(`${fn}: option 'countIncludePad' expected a boolean, got ${JSON.stringify(countIncludePad)}`);
  return pooled3d(fn, input, (x) => {
    const w = window3d(fn, input.shape, kernelSize, options);
    // With an override the divisor is rebuilt below from the countIncludePad one.
    const y = apply(avgPool3dOp, [x], { kernelSize: w.kernel, stride: w.stride, padding: w.padding, ceilMode: w.ceilMode, countIncludePad: divisor !== null || countIncludePad })[0];
    return divisor === null ? y : mul(y, overrideScale(w, x.shape.slice(2), divisor, x.device));
  });
}

/**
 * sum / divisorOverride from the countIncludePad average: its divisor per output position, the
 * product of each axis's min(start + k, in + p) − start, over the override, as [OD, OH, OW]
 * (rounded once more than PyTorch's sum / override: a relative 1e-7).
 */
function overrideScale(w: Window3d, spatial: readonly number[], divisor: number, device: Tensor['device']): Tensor {
  const counts = w.out.map((o, a) =>
    Array.from({ length: o }, (_, i) => {
      const start = i * w.stride[a] - w.padding[a];
      return Math.min(start + w.kernel[a], spatial[a] + w.padding[a]) - start;
    }),
  );
  const [od, oh, ow] = w.out;
  const scale = new Float32Array(od * oh * ow);
  for (let i = 0; i < od; i++) for (let j = 0; j < oh; j++) for (let l = 0; l < ow; l++) scale[(i * oh + j) * ow + l] = (counts[0][i] * counts[1][j] * counts[2][l]) / divisor;
  return tensor(scale, { shape: [od, oh, ow], device });
}
