// Pooling: max (with oneDNN's workspace as a hidden output that its backward op reads), average,
// and adaptive average; each backward is a declared op of its own. cpu: native/src/cpu/pool.cc.
import { checkOptions } from '../../options.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { apply, outputsOf } from '../apply.js';
import { perAxis } from '../check-args.js';
import { defineOp, FLOAT, type Sample, type SampleInput } from '../declare.js';
import type { Size2d } from './conv.js';
import { onBatch, reshape } from './shape.js';
import { add, mul, sub } from './binary.js';
import { floorDivide } from './binary-math.js';
import { cast } from './cast.js';
import { arange, zeros } from './creation.js';
import { scatterAdd } from './index-ops.js';
import { isCreatingGraph } from '../../autograd/grad-mode.js';
import { maxPool2dWithIndices, type MaxPoolWithIndices } from './composed-unpool.js';

export type MaxPool2dAttrs = {
  kernelSize: readonly number[];
  /** Empty: the kernel size (PyTorch's default). */
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  ceilMode: boolean;
};
export type AvgPool2dAttrs = {
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  ceilMode: boolean;
  countIncludePad: boolean;
};

interface PoolGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

/** `v` as `n` integers of at least `min` (a pooling's sizes per axis), or a ValueError naming op and option. */
function checkInts(op: string, name: string, v: readonly number[], min: number, n = 2): void {
  if (v.length !== n || !v.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ValueError(`${op}: option '${name}' expected ${n} integers >= ${min}, got [${v.join(',')}]`);
  }
}

function checkInput(op: string, input: readonly number[]): void {
  if (input.length !== 4) throw new ShapeError(`${op}: input expected 4 dimensions [N,C,H,W], got ${fmtShape(input)}`);
  if (input.slice(1).some((d) => d === 0)) throw new ShapeError(`${op}: input expected non-zero channels, height and width (only N may be 0), got ${fmtShape(input)}`);
}

// PyTorch's pooling_output_shape for one axis: floor (or ceil) of the window count, where ceil
// mode drops a last window that would start in the right padding.
function poolOutputSize(inSize: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((inSize + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= inSize + p) out--;
  return out;
}

/** A pooling window's settings, one entry per pooled axis (stride empty: the kernel size). */
type PoolWindow = Pick<AvgPool2dAttrs, 'kernelSize' | 'stride' | 'padding' | 'ceilMode'>;

/**
 * @internal The output sizes of a pooling over the last kernelSize.length dims of `input`: the
 * window's sizes checked (integers; padding at most half the kernel, as PyTorch requires) and
 * each axis's pooling_output_shape, refused where one is below 1. `axes`: how many the op pools
 * (default: as many as kernelSize has). Shared by the 2-d and 3-d ops (pool3d.ts), so both refuse
 * alike.
 */
export function pooledSizes(op: string, input: readonly number[], a: PoolWindow, dilation: readonly number[], axes = a.kernelSize.length): number[] {
  const n = axes;
  checkInts(op, 'kernelSize', a.kernelSize, 1, n);
  if (a.stride.length !== 0) checkInts(op, 'stride', a.stride, 1, n);
  checkInts(op, 'padding', a.padding, 0, n);
  checkInts(op, 'dilation', dilation, 1, n);
  const k = a.kernelSize;
  const s = a.stride.length ? a.stride : k;
  if (a.padding.some((p, i) => p > Math.floor(k[i] / 2))) {
    throw new ValueError(`${op}: padding [${a.padding.join(',')}] should be at most half of kernelSize [${k.join(',')}]`);
  }
  const spatial = input.slice(-n);
  const out = spatial.map((size, i) => poolOutputSize(size, k[i], s[i], a.padding[i], dilation[i], a.ceilMode));
  if (out.some((o) => o < 1)) {
    throw new ShapeError(`${op}: output size ${out.join('x')} is too small for input ${fmtShape(input)} (kernelSize [${k.join(',')}], padding [${a.padding.join(',')}], dilation [${dilation.join(',')}])`);
  }
  return out;
}

function poolGeometry(op: string, input: readonly number[], a: PoolWindow, dilation: readonly number[]): PoolGeometry {
  checkInput(op, input);
  const [oh, ow] = pooledSizes(op, input, a, dilation);
  const [n, c, h, w] = input;
  return { n, c, h, w, oh, ow };
}

/** @internal A pooling backward's gradOutput (or workspace) checked against the pooling output's shape. */
export function expectPooledShape(op: string, arg: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new ShapeError(`${op}: ${arg} expected shape ${fmtShape(want)} (the pooling output), got ${fmtShape(got)}`);
  }
}

/** @internal A backward op's inputShape option checked: [N,C,H,W] (or [N,C,D,H,W] for 3 axes). */
export function checkInputShape(op: string, shape: readonly number[], axes = 2): void {
  const want = axes === 3 ? '[N,C,D,H,W]' : '[N,C,H,W]';
  if (shape.length !== axes + 2) throw new ValueError(`${op}: option 'inputShape' expected ${want}, got [${shape.join(',')}]`);
}

/** @internal The workspace dtype oneDNN uses for a window of kh·kw (kd·kh·kw) elements (Note [max pool workspace] in pool.cc). */
export const maxPoolWorkspaceDType = (kernelSize: readonly number[]): 'uint8' | 'int32' => (kernelSize.reduce((a, b) => a * b, 1) <= 255 ? 'uint8' : 'int32');

// Distinct values spaced 0.1 apart in a seeded order: max pooling's gradient check moves inputs by
// ~0.03, which must never change which element of a window is largest.
function distinct(n: number, seed: number): number[] {
  const v = Array.from({ length: n }, (_, i) => Math.round((i - n / 2) * 0.1 * 1e4) / 1e4);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  return v;
}
/** @internal Sample input of distinct values spaced 0.1 apart, seeded (max pooling's gradient checks). */
export const distinctSample = (shape: number[], seed: number): SampleInput => ({ shape, fill: distinct(shape.reduce((a, b) => a * b, 1), seed) });

const maxPoolAttrSpecs = {
  kernelSize: { kind: 'ints' },
  stride: { kind: 'ints', default: [] },
  padding: { kind: 'ints', default: [0, 0] },
  dilation: { kind: 'ints', default: [1, 1] },
  ceilMode: { kind: 'bool', default: false },
} as const;

const maxPoolSamples: Sample[] = [
  { name: 'basic', inputs: [distinctSample([2, 3, 4, 4], 1)], attrs: { kernelSize: [2, 2] } },
  { name: 'overlap-padding', inputs: [distinctSample([1, 2, 5, 5], 2)], attrs: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1] } },
  { name: 'rect-dilation', inputs: [distinctSample([1, 2, 7, 6], 3)], attrs: { kernelSize: [2, 3], stride: [1, 2], dilation: [2, 1] } },
  { name: 'ceil-mode', inputs: [distinctSample([1, 1, 5, 6], 4)], attrs: { kernelSize: [2, 2], ceilMode: true } },
  { name: 'size-one', inputs: [distinctSample([1, 1, 1, 1], 5)], attrs: { kernelSize: [1, 1] } },
  { name: 'global-16', inputs: [distinctSample([1, 2, 16, 16], 6)], attrs: { kernelSize: [16, 16] } },
  { name: 'empty-batch', inputs: [{ shape: [0, 2, 4, 4] }], attrs: { kernelSize: [2, 2] } },
  // Note [2x2 max pooling] (native/src/cpu/max_pool_2x2.h): rows of 20 outputs (a full vector
  // and an overlapping one), rows of 6 (vectors running on into the next rows, and the last rows
  // one by one), explicit stride and ceil mode that change nothing on even sizes.
  { name: '2x2-wide', inputs: [distinctSample([1, 2, 4, 40], 7)], attrs: { kernelSize: [2, 2] } },
  { name: '2x2-rows', inputs: [distinctSample([3, 2, 8, 12], 8)], attrs: { kernelSize: [2, 2], stride: [2, 2], ceilMode: true } },
];

const poolBad = (op: string, extra: Record<string, unknown> = {}) => [
  { name: 'rank', inputs: [{ shape: [3, 4, 4] }], attrs: { kernelSize: [2, 2], ...extra }, error: 'ShapeError' as const, message: new RegExp(`^${op}: input expected 4 dimensions \\[N,C,H,W\\], got \\[3,4,4\\]`) },
  { name: 'zero channels', inputs: [{ shape: [1, 0, 4, 4] }], attrs: { kernelSize: [2, 2], ...extra }, error: 'ShapeError' as const, message: new RegExp(`^${op}: input expected non-zero channels, height and width`) },
  { name: 'padding over half', inputs: [{ shape: [1, 1, 5, 5] }], attrs: { kernelSize: [3, 3], padding: [2, 2], ...extra }, error: 'ValueError' as const, message: new RegExp(`^${op}: padding \\[2,2\\] should be at most half of kernelSize \\[3,3\\]`) },
  { name: 'kernel too big', inputs: [{ shape: [1, 2, 5, 5] }], attrs: { kernelSize: [7, 7], ...extra }, error: 'ShapeError' as const, message: new RegExp(`^${op}: output size 0x0 is too small for input \\[1,2,5,5\\]`) },
  { name: 'zero kernel', inputs: [{ shape: [1, 1, 5, 5] }], attrs: { kernelSize: [0, 2], ...extra }, error: 'ValueError' as const, message: new RegExp(`^${op}: option 'kernelSize' expected 2 integers >= 1, got \\[0,2\\]`) },
  { name: 'zero stride', inputs: [{ shape: [1, 1, 5, 5] }], attrs: { kernelSize: [2, 2], stride: [1, 0], ...extra }, error: 'ValueError' as const, message: new RegExp(`^${op}: option 'stride' expected 2 integers >= 1, got \\[1,0\\]`) },
];

export const maxPool2dOp = defineOp<MaxPool2dAttrs>({
  name: 'maxPool2d',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: maxPoolAttrSpecs,
  outputs: ([x], a) => {
    const g = poolGeometry('maxPool2d', x.shape, a, a.dilation);
    const out = [g.n, g.c, g.oh, g.ow];
    return [
      { shape: out, dtype: x.dtype },
      { shape: [...out], dtype: maxPoolWorkspaceDType(a.kernelSize) },
    ];
  },
  visibleOutputs: 1,
  backends: ['cpu', 'cuda'],
  saves: { outputs: [1] },
  // maxPool2dBackward has no gradient of its own: a graph of the gradients (Note [create graph])
  // scatters g through the workspace's positions with scatterAdd, whose gradient is a gather.
  grad: ({ grads: [g], outputs: [, ws], inputMeta: [x], attrs }) => [isCreatingGraph() ? maxPoolScatter(g!, ws!, x.shape, attrs) : maxPool2dBackward(g!, ws!, x.shape, attrs)],
  test: { samples: maxPoolSamples, bad: [...poolBad('maxPool2d'), { name: 'zero dilation', inputs: [{ shape: [1, 1, 5, 5] }], attrs: { kernelSize: [2, 2], dilation: [0, 1] }, error: 'ValueError', message: /^maxPool2d: option 'dilation' expected 2 integers >= 1/ }] },
});

/**
 * @internal The flat input position within its plane (volume) of each workspace entry of
 * maxPool2d (maxPool3d): the window index ((t·kh + u)·kw + v, Note [max pool workspace] in
 * cpu/pool.cc) split into its per-axis offsets, each the coordinate o·s − p + offset·d, then
 * Σ coordinate · (the sizes after it). int64, the workspace's shape [N, C, ...output sizes].
 */
export function workspacePositions(ws: Tensor, inputShape: readonly number[], a: Omit<MaxPool2dAttrs, 'ceilMode'>): Tensor {
  const sizes = inputShape.slice(2);
  const outSizes = ws.shape.slice(2);
  const axes = sizes.length;
  const stride = a.stride.length ? a.stride : a.kernelSize;
  const int64 = { device: ws.device, dtype: 'int64' as const };
  const offsets: Tensor[] = [];
  let rest = cast(ws, 'int64');
  for (let ax = axes - 1; ax > 0; ax--) {
    const quotient = floorDivide(rest, a.kernelSize[ax]);
    offsets[ax] = sub(rest, mul(quotient, a.kernelSize[ax]));
    rest = quotient;
  }
  offsets[0] = rest;
  let flat: Tensor | null = null;
  for (let ax = 0; ax < axes; ax++) {
    const along = Array.from({ length: axes }, (_, i) => (i === ax ? outSizes[ax] : 1));
    const start = reshape(sub(mul(arange(outSizes[ax], int64), stride[ax]), a.padding[ax]), along);
    const coordinate = add(start, mul(offsets[ax], a.dilation[ax]));
    flat = flat ? add(mul(flat, sizes[ax]), coordinate) : coordinate;
  }
  return flat!;
}

/**
 * @internal maxPool2dBackward (maxPool3dBackward) as differentiable ops: g added at the
 * workspace's input positions (scatterAdd, whose gradient gathers from the same positions).
 */
export function maxPoolScatter(g: Tensor, ws: Tensor, inputShape: readonly number[], a: Omit<MaxPool2dAttrs, 'ceilMode'>): Tensor {
  const [n, c, ...sizes] = inputShape;
  const outputs = ws.shape.slice(2).reduce((p, d) => p * d, 1);
  const positions = reshape(workspacePositions(ws, inputShape, a), [n, c, outputs]);
  const scattered = scatterAdd(zeros([n, c, sizes.reduce((p, d) => p * d, 1)], { device: g.device }), 2, positions, reshape(g, [n, c, outputs]));
  return reshape(scattered, inputShape);
}

/** Every index of a box of `sizes`, in row-major order. */
function* boxIndices(sizes: readonly number[]): Generator<number[]> {
  const at = sizes.map(() => 0);
  if (sizes.some((d) => d === 0)) return;
  for (;;) {
    yield [...at];
    let ax = sizes.length - 1;
    while (ax >= 0 && ++at[ax] === sizes[ax]) at[ax--] = 0;
    if (ax < 0) return;
  }
}

/**
 * @internal A workspace as maxPool2d (maxPool3d) would make it for `input` (its window indices
 * point inside the input), chosen by a seed instead of by values: the backward ops' samples.
 */
export function workspaceFor(input: number[], a: Partial<MaxPool2dAttrs> & { kernelSize: number[] }, seed: number): SampleInput {
  const axes = a.kernelSize.length;
  const full: MaxPool2dAttrs = { stride: [], padding: Array(axes).fill(0), dilation: Array(axes).fill(1), ceilMode: false, ...a };
  const out = pooledSizes('workspaceFor', input, full, full.dilation);
  const sizes = input.slice(2);
  const s = full.stride.length ? full.stride : full.kernelSize;
  const values: number[] = [];
  let r = seed;
  for (let p = 0; p < input[0] * input[1]; p++) {
    for (const o of boxIndices(out)) {
      const inside: number[] = [];
      let v = 0;
      for (const k of boxIndices(full.kernelSize)) {
        if (k.every((kk, ax) => {
          const at = o[ax] * s[ax] - full.padding[ax] + kk * full.dilation[ax];
          return at >= 0 && at < sizes[ax];
        })) inside.push(v);
        v++;
      }
      r = (r * 1103515245 + 12345) % 2147483648;
      values.push(inside[r % inside.length]);
    }
  }
  return { shape: [input[0], input[1], ...out], dtype: maxPoolWorkspaceDType(full.kernelSize), fill: values };
}

const maxPoolBackwardCases: { name: string; x: number[]; attrs: Partial<MaxPool2dAttrs> & { kernelSize: number[] } }[] = [
  { name: 'basic', x: [2, 3, 4, 4], attrs: { kernelSize: [2, 2] } },
  { name: 'overlap-padding', x: [1, 2, 5, 5], attrs: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1] } },
  { name: 'rect-dilation', x: [1, 2, 7, 6], attrs: { kernelSize: [2, 3], stride: [1, 2], dilation: [2, 1] } },
  { name: 'ceil-mode', x: [1, 1, 5, 6], attrs: { kernelSize: [2, 2], ceilMode: true } },
  { name: 'global-16', x: [1, 2, 16, 16], attrs: { kernelSize: [16, 16] } },
  { name: '2x2-wide', x: [1, 2, 4, 40], attrs: { kernelSize: [2, 2] } },
  { name: '2x2-rows', x: [3, 2, 8, 12], attrs: { kernelSize: [2, 2] } },
];

export const maxPool2dBackwardOp = defineOp<MaxPool2dAttrs & { inputShape: readonly number[] }>({
  name: 'maxPool2dBackward',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'workspace', dtypes: ['uint8', 'int32'], differentiable: false },
  ],
  attrs: { inputShape: { kind: 'ints' }, ...maxPoolAttrSpecs },
  outputs: ([gy, ws], a) => {
    checkInputShape('maxPool2dBackward', a.inputShape);
    const g = poolGeometry('maxPool2dBackward', a.inputShape, a, a.dilation);
    const out = [g.n, g.c, g.oh, g.ow];
    expectPooledShape('maxPool2dBackward', 'gradOutput', gy.shape, out);
    expectPooledShape('maxPool2dBackward', 'workspace', ws.shape, out);
    const want = maxPoolWorkspaceDType(a.kernelSize);
    if (ws.dtype !== want) throw new DTypeError(`maxPool2dBackward: workspace expected dtype ${want} for a ${a.kernelSize.join('x')} window, got ${ws.dtype}`);
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  // Not differentiable itself: its derivative would gather through the workspace (no op yet).
  test: {
    samples: maxPoolBackwardCases.map((c, k) => {
      const ws = workspaceFor(c.x, c.attrs, k + 1);
      return { name: c.name, inputs: [{ shape: ws.shape }, ws], attrs: { inputShape: c.x, ...c.attrs } };
    }),
    bad: [
      {
        name: 'index into padding',
        inputs: [{ shape: [1, 1, 2, 2] }, { shape: [1, 1, 2, 2], dtype: 'uint8', fill: [0, 1, 2, 3] }],
        attrs: { inputShape: [1, 1, 3, 3], kernelSize: [2, 2], stride: [2, 2], padding: [1, 1] },
        error: 'ValueError',
        message: /^maxPool2dBackward: workspace holds window index 0 at element 0, which is not an input position of that window/,
      },
      { name: 'index past window', inputs: [{ shape: [1, 1, 2, 2] }, { shape: [1, 1, 2, 2], dtype: 'uint8', fill: [0, 1, 2, 4] }], attrs: { inputShape: [1, 1, 4, 4], kernelSize: [2, 2] }, error: 'ValueError', message: /workspace holds window index 4 at element 3/ },
      { name: 'workspace dtype', inputs: [{ shape: [1, 1, 2, 2] }, { shape: [1, 1, 2, 2], dtype: 'int32', fill: 'int:0:4' }], attrs: { inputShape: [1, 1, 4, 4], kernelSize: [2, 2] }, error: 'DTypeError', message: /^maxPool2dBackward: workspace expected dtype uint8 for a 2x2 window, got int32/ },
      { name: 'gradOutput shape', inputs: [{ shape: [1, 1, 2, 3] }, { shape: [1, 1, 2, 2], dtype: 'uint8', fill: 'int:0:4' }], attrs: { inputShape: [1, 1, 4, 4], kernelSize: [2, 2] }, error: 'ShapeError', message: /^maxPool2dBackward: gradOutput expected shape \[1,1,2,2\] \(the pooling output\), got \[1,1,2,3\]/ },
    ],
  },
});

const avgPoolAttrSpecs = {
  kernelSize: { kind: 'ints' },
  stride: { kind: 'ints', default: [] },
  padding: { kind: 'ints', default: [0, 0] },
  ceilMode: { kind: 'bool', default: false },
  countIncludePad: { kind: 'bool', default: true },
} as const;

const avgPoolCases: Sample[] = [
  { name: 'basic', inputs: [{ shape: [2, 3, 4, 4] }], attrs: { kernelSize: [2, 2] } },
  { name: 'padding-include', inputs: [{ shape: [1, 2, 5, 5] }], attrs: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1] } },
  { name: 'padding-exclude', inputs: [{ shape: [1, 2, 5, 5] }], attrs: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], countIncludePad: false } },
  { name: 'ceil-include', inputs: [{ shape: [1, 1, 6, 6] }], attrs: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true } },
  { name: 'ceil-exclude', inputs: [{ shape: [1, 1, 6, 7] }], attrs: { kernelSize: [3, 2], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: false } },
  { name: 'rect', inputs: [{ shape: [2, 1, 5, 7] }], attrs: { kernelSize: [2, 3], stride: [1, 2] } },
  { name: 'size-one', inputs: [{ shape: [1, 1, 1, 1] }], attrs: { kernelSize: [1, 1] } },
  { name: 'empty-batch', inputs: [{ shape: [0, 2, 4, 4] }], attrs: { kernelSize: [2, 2] } },
  // Note [2x2 max pooling] (native/src/cpu/max_pool_2x2.h): rows of 20 outputs (a full vector
  // and an overlapping one), rows of 6 (vectors running on into the next rows, and the last rows
  // one by one), explicit stride and ceil mode that change nothing on even sizes.
  { name: '2x2-wide', inputs: [distinctSample([1, 2, 4, 40], 7)], attrs: { kernelSize: [2, 2] } },
  { name: '2x2-rows', inputs: [distinctSample([3, 2, 8, 12], 8)], attrs: { kernelSize: [2, 2], stride: [2, 2], ceilMode: true } },
];

export const avgPool2dOp = defineOp<AvgPool2dAttrs>({
  name: 'avgPool2d',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: avgPoolAttrSpecs,
  outputs: ([x], a) => {
    const g = poolGeometry('avgPool2d', x.shape, a, [1, 1]);
    return [{ shape: [g.n, g.c, g.oh, g.ow], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x], attrs }) => [avgPool2dBackward(g!, x.shape, attrs)],
  test: { samples: avgPoolCases, bad: poolBad('avgPool2d') },
});

export const avgPool2dBackwardOp = defineOp<AvgPool2dAttrs & { inputShape: readonly number[] }>({
  name: 'avgPool2dBackward',
  inputs: [{ name: 'gradOutput', dtypes: FLOAT }],
  attrs: { inputShape: { kind: 'ints' }, ...avgPoolAttrSpecs },
  outputs: ([gy], a) => {
    checkInputShape('avgPool2dBackward', a.inputShape);
    const g = poolGeometry('avgPool2dBackward', a.inputShape, a, [1, 1]);
    expectPooledShape('avgPool2dBackward', 'gradOutput', gy.shape, [g.n, g.c, g.oh, g.ow]);
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  // Linear: its adjoint is the average pooling itself.
  grad: ({ grads: [u], attrs: { kernelSize, stride, padding, ceilMode, countIncludePad } }) => [apply(avgPool2dOp, [u!], { kernelSize, stride, padding, ceilMode, countIncludePad })[0]],
  test: {
    samples: avgPoolCases.map((s) => {
      const x = s.inputs[0].shape;
      const a = { kernelSize: [], stride: [], padding: [0, 0], ceilMode: false, countIncludePad: true, ...s.attrs } as AvgPool2dAttrs;
      const g = poolGeometry('avgPool2dBackward', x, a, [1, 1]);
      return { name: s.name, inputs: [{ shape: [g.n, g.c, g.oh, g.ow] }], attrs: { inputShape: x, ...s.attrs } };
    }),
    bad: [{ name: 'gradOutput shape', inputs: [{ shape: [1, 1, 2, 3] }], attrs: { inputShape: [1, 1, 4, 4], kernelSize: [2, 2] }, error: 'ShapeError', message: /^avgPool2dBackward: gradOutput expected shape \[1,1,2,2\] \(the pooling output\), got \[1,1,2,3\]/ }],
  },
});

function adaptiveOutputs(op: string, input: readonly number[], outputSize: readonly number[]): number[] {
  checkInput(op, input);
  checkInts(op, 'outputSize', outputSize, 1);
  return [input[0], input[1], outputSize[0], outputSize[1]];
}

const adaptiveCases: Sample[] = [
  { name: 'even', inputs: [{ shape: [2, 3, 4, 6] }], attrs: { outputSize: [2, 3] } },
  { name: 'uneven', inputs: [{ shape: [1, 2, 5, 7] }], attrs: { outputSize: [3, 4] } },
  { name: 'global', inputs: [{ shape: [2, 3, 5, 5] }], attrs: { outputSize: [1, 1] } },
  { name: 'upsample', inputs: [{ shape: [1, 1, 2, 3] }], attrs: { outputSize: [4, 5] } },
  { name: 'identity', inputs: [{ shape: [1, 2, 3, 3] }], attrs: { outputSize: [3, 3] } },
  { name: 'empty-batch', inputs: [{ shape: [0, 2, 4, 4] }], attrs: { outputSize: [2, 2] } },
];

export const adaptiveAvgPool2dOp = defineOp<{ outputSize: readonly number[] }>({
  name: 'adaptiveAvgPool2d',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: { outputSize: { kind: 'ints' } },
  outputs: ([x], a) => [{ shape: adaptiveOutputs('adaptiveAvgPool2d', x.shape, a.outputSize), dtype: x.dtype }],
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [g], inputMeta: [x] }) => [adaptiveAvgPool2dBackward(g!, x.shape)],
  test: {
    samples: adaptiveCases,
    bad: [
      { name: 'rank', inputs: [{ shape: [3, 4, 4] }], attrs: { outputSize: [2, 2] }, error: 'ShapeError', message: /^adaptiveAvgPool2d: input expected 4 dimensions \[N,C,H,W\], got \[3,4,4\]/ },
      { name: 'empty height', inputs: [{ shape: [2, 3, 0, 5] }], attrs: { outputSize: [2, 2] }, error: 'ShapeError', message: /^adaptiveAvgPool2d: input expected non-zero channels, height and width/ },
      { name: 'zero output', inputs: [{ shape: [1, 1, 4, 4] }], attrs: { outputSize: [0, 2] }, error: 'ValueError', message: /^adaptiveAvgPool2d: option 'outputSize' expected 2 integers >= 1, got \[0,2\]/ },
    ],
  },
});

export const adaptiveAvgPool2dBackwardOp = defineOp<{ inputShape: readonly number[] }>({
  name: 'adaptiveAvgPool2dBackward',
  inputs: [{ name: 'gradOutput', dtypes: FLOAT }],
  attrs: { inputShape: { kind: 'ints' } },
  outputs: ([gy], a) => {
    checkInputShape('adaptiveAvgPool2dBackward', a.inputShape);
    checkInput('adaptiveAvgPool2dBackward', a.inputShape);
    if (gy.shape.length !== 4 || gy.shape[0] !== a.inputShape[0] || gy.shape[1] !== a.inputShape[1] || gy.shape[2] < 1 || gy.shape[3] < 1) {
      throw new ShapeError(`adaptiveAvgPool2dBackward: gradOutput expected shape [${a.inputShape[0]},${a.inputShape[1]},H',W'] (the pooling output), got ${fmtShape(gy.shape)}`);
    }
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  grad: ({ grads: [u], inputMeta: [gy] }) => [apply(adaptiveAvgPool2dOp, [u!], { outputSize: [gy.shape[2], gy.shape[3]] })[0]],
  test: {
    samples: adaptiveCases.map((s) => ({ name: s.name, inputs: [{ shape: adaptiveOutputs('sample', s.inputs[0].shape, s.attrs!.outputSize as number[]) }], attrs: { inputShape: s.inputs[0].shape } })),
    bad: [{ name: 'gradOutput channels', inputs: [{ shape: [1, 2, 2, 2] }], attrs: { inputShape: [1, 3, 4, 4] }, error: 'ShapeError', message: /^adaptiveAvgPool2dBackward: gradOutput expected shape \[1,3,H',W'\] \(the pooling output\), got \[1,2,2,2\]/ }],
  },
});

// ---- user functions ----

/** @internal A pooling size option as `n` numbers (perAxis); null is the default too, as PyTorch's stride=None. */
export const poolSizes = (op: string, name: string, v: unknown, n: number, fallback: readonly number[]): number[] => perAxis(op, name, v ?? undefined, n, fallback);

const pairOf = (op: string, name: string, v: unknown, fallback: readonly number[]): number[] => poolSizes(op, name, v, 2, fallback);

/** Runs a 4-d pooling op on [N,C,H,W] or unbatched [C,H,W] input. */
const pooled = (input: Tensor, run: (x: Tensor) => Tensor): Tensor => onBatch(input, 4, run);

export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Size2d;
  padding?: Size2d;
  dilation?: Size2d;
  ceilMode?: boolean;
  /** Also return PyTorch's indices (int64 h·W + w of each maximum in its plane): { output, indices }, or [output, indices]. */
  returnIndices?: boolean;
}

/**
 * 2-d max pooling over [N,C,H,W] (or [C,H,W]), like torch.nn.functional.max_pool2d; with
 * `returnIndices: true`, { output, indices } (also [output, indices]) with PyTorch's indices and
 * tie rule (Note [max pool indices] in composed-unpool.ts), for maxUnpool2d.
 */
export function maxPool2d(input: Tensor, kernelSize: Size2d, options: MaxPool2dOptions & { returnIndices: true }): MaxPoolWithIndices;
export function maxPool2d(input: Tensor, kernelSize: Size2d, options?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Size2d, options?: MaxPool2dOptions): Tensor | MaxPoolWithIndices;
export function maxPool2d(input: Tensor, kernelSize: Size2d, options: MaxPool2dOptions = {}): Tensor | MaxPoolWithIndices {
  checkOptions('maxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const returnIndices = options.returnIndices ?? false;
  if (typeof returnIndices !== 'boolean') throw new ValueError(`maxPool2d: option 'returnIndices' expected a boolean, got ${JSON.stringify(returnIndices)}`);
  const kernel = pairOf('maxPool2d', 'kernelSize', kernelSize, []);
  const attrs = {
    kernelSize: kernel,
    stride: pairOf('maxPool2d', 'stride', options.stride, kernel),
    padding: pairOf('maxPool2d', 'padding', options.padding, [0, 0]),
    dilation: pairOf('maxPool2d', 'dilation', options.dilation, [1, 1]),
    ceilMode: options.ceilMode ?? false,
  };
  // The indices come from the input's windows; the op is asked only for its checks and output shape.
  if (returnIndices) return maxPool2dWithIndices(input, (x) => outputsOf(maxPool2dOp, [x], attrs)[0].shape, attrs);
  return pooled(input, (x) => apply(maxPool2dOp, [x], attrs)[0]);
}

/** The gradient of maxPool2d's input from its output gradient and its hidden workspace. */
export function maxPool2dBackward(gradOutput: Tensor, workspace: Tensor, inputShape: readonly number[], attrs: MaxPool2dAttrs): Tensor {
  const { kernelSize, stride, padding, dilation, ceilMode } = attrs;
  return apply(maxPool2dBackwardOp, [gradOutput, workspace], { inputShape: [...inputShape], kernelSize, stride, padding, dilation, ceilMode })[0];
}

export interface AvgPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Size2d;
  padding?: Size2d;
  ceilMode?: boolean;
  /** Whether padded positions count in the divisor (default true, like PyTorch). */
  countIncludePad?: boolean;
}

/** 2-d average pooling over [N,C,H,W] (or [C,H,W]), like torch.nn.functional.avg_pool2d. */
export function avgPool2d(input: Tensor, kernelSize: Size2d, options: AvgPool2dOptions = {}): Tensor {
  checkOptions('avgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const kernel = pairOf('avgPool2d', 'kernelSize', kernelSize, []);
  return pooled(input, (x) =>
    apply(avgPool2dOp, [x], {
      kernelSize: kernel,
      stride: pairOf('avgPool2d', 'stride', options.stride, kernel),
      padding: pairOf('avgPool2d', 'padding', options.padding, [0, 0]),
      ceilMode: options.ceilMode ?? false,
      countIncludePad: options.countIncludePad ?? true,
    })[0],
  );
}

export function avgPool2dBackward(gradOutput: Tensor, inputShape: readonly number[], attrs: AvgPool2dAttrs): Tensor {
  const { kernelSize, stride, padding, ceilMode, countIncludePad } = attrs;
  return apply(avgPool2dBackwardOp, [gradOutput], { inputShape: [...inputShape], kernelSize, stride, padding, ceilMode, countIncludePad })[0];
}

/**
 * Adaptive average pooling to `outputSize` (a number, or [h, w] where null keeps that input
 * size), with PyTorch's windows [floor(i·H/H'), ceil((i+1)·H/H')).
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  return pooled(input, (x) => {
    const size = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : null;
    if (!size) throw new ValueError(`adaptiveAvgPool2d: outputSize expected a number or [h, w], got ${JSON.stringify(outputSize)}`);
    const resolved = size.map((d, i) => (d === null ? x.shape[2 + i] : d)) as number[];
    return apply(adaptiveAvgPool2dOp, [x], { outputSize: resolved })[0];
  });
}

export function adaptiveAvgPool2dBackward(gradOutput: Tensor, inputShape: readonly number[]): Tensor {
  return apply(adaptiveAvgPool2dBackwardOp, [gradOutput], { inputShape: [...inputShape] })[0];
}
