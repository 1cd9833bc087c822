// Convolution: conv2d and its two fused backward ops (cuDNN's words: backward data, backward
// weights), each a declared op with its own kernel; conv1d is a view onto conv2d (H = 1), and the
// transposed convolutions are backward data (plus a bias) under PyTorch's names and options.
// cpu runs them through oneDNN (native/src/cpu/conv.cc).
//
// Note [absent optional inputs]: op inputs are always tensors, so an optional one (conv's bias,
// batch norm's running stats and affine parameters, layer norm's weight and bias) is passed as
// an empty tensor of shape [0]. The user functions do that; kernels and gradients treat
// numel 0 as "not given" (a [0] bias of a conv with 0 output channels means the same thing).

import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { perAxis } from '../check-args.js';
import { defineOp, FLOAT, type BadSample, type Sample, type TensorMeta } from '../declare.js';
import { reluBackward } from './activation.js';
import { add } from './binary.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { pad, reshape } from './shape.js';
import { absent } from '../../creation.js';

/** cuDNN's forward algorithm names; cpu (oneDNN) runs auto/heuristic, direct and winograd. */
export const convAlgos = ['auto', 'heuristic', 'implicitGemm', 'implicitPrecompGemm', 'gemm', 'direct', 'fft', 'fftTiling', 'winograd', 'winogradNonfused'] as const;
export type ConvAlgo = (typeof convAlgos)[number];
const cpuConvAlgos: readonly ConvAlgo[] = ['auto', 'heuristic', 'direct', 'winograd'];

/**
 * Note [fused conv activation]: conv2d's `activation` applies relu to its output in the same
 * kernel (a oneDNN post-op or our kernels' store on cpu, in place after bias on cuda), the way
 * tfjs/Keras layers take `activation: 'relu'` and ONNX Runtime fuses Conv+Relu: a first layer's
 * output is read and written once instead of three times. Backward masks the gradient by the
 * saved output (relu(z) > 0 exactly where z > 0), then runs the plain convolution's backward ops.
 */
export const convActivations = ['none', 'relu'] as const;
export type ConvActivation = (typeof convActivations)[number];

/** Attributes shared by the three convolution ops. padding: [h, w] or [top, left, bottom, right]. */
export type Conv2dAttrs = {
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  groups: number;
  algo: string;
};

/** conv2d's own attributes: the shared ones and the fused activation. */
export type Conv2dOpAttrs = Conv2dAttrs & { activation: string };

const convAttrSpecs = {
  stride: { kind: 'ints', default: [1, 1] },
  padding: { kind: 'ints', default: [0, 0] },
  dilation: { kind: 'ints', default: [1, 1] },
  groups: { kind: 'int', default: 1 },
  algo: { kind: convAlgos, default: 'auto' },
} as const;

/** @internal Everything a convolution's shapes say, checked once for the op and its backward ops. */
export interface ConvGeometry {
  n: number;
  c: number;
  o: number;
  /** Per spatial axis (D, H, W or H, W). */
  kernel: number[];
  out: number[];
}

/** The dims each spatial rank's convolution names in its messages. */
const convLayouts = {
  2: { input: '[N,C,H,W]', weight: '[O,C/groups,kH,kW]', padding: '[h, w] or [top, left, bottom, right]' },
  3: { input: '[N,C,D,H,W]', weight: '[O,C/groups,kD,kH,kW]', padding: '[d, h, w]' },
} as const;

function checkInts(op: string, name: string, v: readonly number[], count: number, min: number): void {
  if (v.length !== count || !v.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ValueError(`${op}: option '${name}' expected ${count} integers >= ${min}, got [${v.join(',')}]`);
  }
}

/**
 * @internal Validates a convolution of `input` [N,C,...spatial] by `weight` [O,C/groups,...kernel] over
 * `spatial` (2 or 3) axes; padding is one value per axis, or (2-d only) before and after each.
 */
export function convGeometry(op: string, input: readonly number[], weight: readonly number[], a: Conv2dAttrs, spatial: 2 | 3 = 2): ConvGeometry {
  const layout = convLayouts[spatial];
  const rank = spatial + 2;
  if (input.length !== rank) throw new ShapeError(`${op}: input expected ${rank} dimensions ${layout.input}, got ${fmtShape(input)}`);
  if (weight.length !== rank) throw new ShapeError(`${op}: weight expected ${rank} dimensions ${layout.weight}, got ${fmtShape(weight)}`);
  checkInts(op, 'stride', a.stride, spatial, 1);
  checkInts(op, 'dilation', a.dilation, spatial, 1);
  const paddingLengths = spatial === 2 ? [2, 4] : [3];
  if (!paddingLengths.includes(a.padding.length) || !a.padding.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ValueError(`${op}: option 'padding' expected ${layout.padding} of integers >= 0, got [${a.padding.join(',')}]`);
  }
  if (!(a.groups >= 1)) throw new ValueError(`${op}: option 'groups' expected an integer >= 1, got ${a.groups}`);
  const [n, c] = input;
  const [o, cg] = weight;
  const kernel = weight.slice(2);
  const shapes = () => `(input ${fmtShape(input)}, weight ${fmtShape(weight)})`;
  if (kernel.some((k) => k < 1)) throw new ShapeError(`${op}: weight expected a kernel of at least ${kernel.map(() => 1).join('x')}, got ${kernel.join('x')} ${shapes()}`);
  if (o % a.groups !== 0) throw new ShapeError(`${op}: weight has ${o} output channels, not divisible by groups ${a.groups} ${shapes()}`);
  if (cg * a.groups !== c) {
    throw new ShapeError(
      a.groups === 1
        ? `${op}: weight has ${cg} input channels but input has ${c} ${shapes()}`
        : `${op}: weight has ${cg} input channels per group (${a.groups} groups: ${cg * a.groups}) but input has ${c} ${shapes()}`,
    );
  }
  const before = a.padding.slice(0, spatial);
  const after = a.padding.length === spatial ? before : a.padding.slice(spatial);
  const dilated = kernel.map((k, i) => a.dilation[i] * (k - 1) + 1);
  const padded = input.slice(2).map((d, i) => d + before[i] + after[i]);
  if (dilated.some((k, i) => k > padded[i])) {
    throw new ShapeError(`${op}: kernel ${dilated.join('x')} (dilated) is larger than the padded input ${padded.join('x')} ${shapes()}`);
  }
  return { n, c, o, kernel, out: padded.map((p, i) => Math.floor((p - dilated[i]) / a.stride[i]) + 1) };
}

/** @internal A shape an op's argument must have, refused naming what it is. */
export function expectShape(op: string, arg: string, got: readonly number[], want: readonly number[], why: string): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new ShapeError(`${op}: ${arg} expected shape ${fmtShape(want)} (${why}), got ${fmtShape(got)}`);
  }
}

/** @internal Whether a conv op's bias input was given (Note [absent optional inputs]). */
export const hasBias = (m: TensorMeta | Tensor | null | undefined) => m !== null && m !== undefined && m.shape[0] !== 0;

const convSamples: Sample[] = [
  { name: 'basic', inputs: [{ shape: [2, 3, 5, 5] }, { shape: [4, 3, 3, 3] }, { shape: [4] }] },
  { name: 'no-bias', inputs: [{ shape: [1, 2, 4, 5] }, { shape: [3, 2, 2, 3] }, { shape: [0], noGrad: true }] },
  { name: 'stride-padding', inputs: [{ shape: [2, 2, 7, 6] }, { shape: [3, 2, 3, 3] }, { shape: [3] }], attrs: { stride: [2, 2], padding: [1, 1] } },
  { name: 'asymmetric', inputs: [{ shape: [1, 2, 6, 5] }, { shape: [2, 2, 2, 3] }, { shape: [2] }], attrs: { stride: [2, 1], padding: [0, 1, 1, 2] } },
  { name: 'dilation', inputs: [{ shape: [1, 2, 7, 7] }, { shape: [2, 2, 3, 3] }, { shape: [2] }], attrs: { dilation: [2, 2], padding: [2, 2] } },
  { name: 'groups', inputs: [{ shape: [2, 4, 5, 5] }, { shape: [6, 2, 3, 3] }, { shape: [6] }], attrs: { groups: 2, padding: [1, 1] } },
  { name: 'depthwise', inputs: [{ shape: [1, 3, 4, 4] }, { shape: [3, 1, 3, 3] }, { shape: [3] }], attrs: { groups: 3, padding: [1, 1] } },
  { name: 'one-by-one', inputs: [{ shape: [2, 3, 3, 4] }, { shape: [5, 3, 1, 1] }, { shape: [5] }] },
  { name: 'size-one', inputs: [{ shape: [1, 1, 1, 1] }, { shape: [1, 1, 1, 1] }, { shape: [1] }] },
  { name: 'direct', inputs: [{ shape: [2, 3, 6, 6] }, { shape: [4, 3, 3, 3] }, { shape: [4] }], attrs: { algo: 'direct', padding: [1, 1] }, noParity: "cuDNN has no 'direct' algorithm for these shapes (refused on cuda by design)" },
  { name: 'empty-batch', inputs: [{ shape: [0, 2, 4, 4] }, { shape: [3, 2, 3, 3] }, { shape: [3] }] },
  // Note [narrow-input convolution] (native/src/cpu/narrow_conv.h): rows of 16 or more outputs on at
  // most 4 input channels run our kernel on cpu: two overlapping vectors per row, a full pair plus
  // an overlapping tail, output channels split into uneven blocks, asymmetric padding, no bias.
  { name: 'narrow-grayscale', inputs: [{ shape: [2, 1, 18, 20] }, { shape: [6, 1, 5, 5] }, { shape: [6] }], attrs: { padding: [2, 2] } },
  { name: 'narrow-rgb-asymmetric', inputs: [{ shape: [2, 3, 5, 33] }, { shape: [10, 3, 3, 2] }, { shape: [10] }], attrs: { padding: [1, 0, 2, 1] } },
  { name: 'narrow-no-bias', inputs: [{ shape: [1, 4, 2, 48] }, { shape: [17, 4, 1, 3] }, { shape: [0], noGrad: true }] },
  // Note [batch-lane convolution] (native/src/cpu/batch_lane_conv.h): a vector or more of samples
  // writing fewer channels than a vector has lanes runs our kernel on cpu; 17 samples leave 15
  // lanes of zeros (AVX-512), narrow rows (under 16) keep the narrow-input kernel out.
  { name: 'batch-lane', inputs: [{ shape: [17, 5, 6, 7] }, { shape: [3, 5, 3, 4] }, { shape: [3] }], attrs: { padding: [1, 0, 2, 1] } },
  // Note [1x1 convolution as matmul] (native/src/cpu/pointwise_conv.h): 1×1 on 128 pixels or more
  // runs as a matmul on cpu, bias as a per-row matmul bias.
  { name: 'pointwise', inputs: [{ shape: [2, 5, 8, 16] }, { shape: [3, 5, 1, 1] }, { shape: [3] }] },
  { name: 'pointwise-no-bias', inputs: [{ shape: [1, 3, 16, 9] }, { shape: [2, 3, 1, 1] }, { shape: [0], noGrad: true }] },
  // Note [fused conv activation]: through oneDNN's post-op, through our narrow-input and batch-lane
  // kernels, through the matmul's post-op.
  reluSample('relu', [2, 3, 6, 7], [4, 3, 3, 3], { stride: [2, 1], padding: [1, 1] }),
  reluSample('narrow-relu', [2, 1, 6, 20], [5, 1, 3, 3], { padding: [1, 1] }),
  reluSample('batch-lane-relu', [16, 6, 5, 5], [4, 6, 3, 3], { padding: [1, 1] }),
  reluSample('pointwise-relu', [2, 5, 8, 16], [3, 5, 1, 1], {}),
];

// A fused-relu sample away from relu's kink, so finite differences see one side of it: positive
// inputs, and output channels whose weights are all positive (outputs > 0.4, kept) or all
// negative (outputs < −0.4, clipped to 0 with no gradient).
function reluSample(name: string, x: number[], w: number[], attrs: Partial<Conv2dAttrs>): Sample {
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const perChannel = count(w) / w[0];
  return {
    name,
    inputs: [
      { shape: x, fill: Array.from({ length: count(x) }, (_, i) => 0.5 + ((i * 7) % 10) / 10) },
      { shape: w, fill: Array.from({ length: count(w) }, (_, i) => (Math.floor(i / perChannel) % 2 ? -1 : 1) * (0.2 + ((i * 3) % 5) / 10)) },
      { shape: [w[0]], fill: Array.from({ length: w[0] }, (_, o) => (o % 2 ? -0.1 : 0.1)) },
    ],
    attrs: { ...attrs, activation: 'relu' },
  };
}

const convBad: BadSample[] = [
  {
    name: 'channel mismatch',
    inputs: [{ shape: [2, 1, 6, 6] }, { shape: [6, 3, 5, 5] }, { shape: [6] }],
    error: 'ShapeError',
    message: /^conv2d: weight has 3 input channels but input has 1 \(input \[2,1,6,6\], weight \[6,3,5,5\]\)$/,
  },
  { name: 'input rank', inputs: [{ shape: [3, 5, 5] }, { shape: [2, 3, 3, 3] }, { shape: [2] }], error: 'ShapeError', message: /conv2d: input expected 4 dimensions \[N,C,H,W\], got \[3,5,5\]/ },
  { name: 'weight rank', inputs: [{ shape: [1, 3, 5, 5] }, { shape: [2, 3, 3] }, { shape: [2] }], error: 'ShapeError', message: /conv2d: weight expected 4 dimensions/ },
  { name: 'bias shape', inputs: [{ shape: [1, 3, 5, 5] }, { shape: [2, 3, 3, 3] }, { shape: [3] }], error: 'ShapeError', message: /conv2d: bias expected shape \[2\] \(one per output channel\) or \[0\] \(none\), got \[3\]/ },
  { name: 'groups do not divide', inputs: [{ shape: [1, 4, 5, 5] }, { shape: [3, 2, 3, 3] }, { shape: [3] }], attrs: { groups: 2 }, error: 'ShapeError', message: /conv2d: weight has 3 output channels, not divisible by groups 2/ },
  { name: 'groups channel mismatch', inputs: [{ shape: [1, 4, 5, 5] }, { shape: [4, 1, 3, 3] }, { shape: [4] }], attrs: { groups: 2 }, error: 'ShapeError', message: /conv2d: weight has 1 input channels per group \(2 groups: 2\) but input has 4/ },
  { name: 'kernel larger than input', inputs: [{ shape: [1, 3, 2, 2] }, { shape: [4, 3, 3, 3] }, { shape: [4] }], error: 'ShapeError', message: /conv2d: kernel 3x3 \(dilated\) is larger than the padded input 2x2/ },
  { name: 'zero stride', inputs: [{ shape: [1, 1, 4, 4] }, { shape: [1, 1, 3, 3] }, { shape: [1] }], attrs: { stride: [0, 1] }, error: 'ValueError', message: /conv2d: option 'stride' expected 2 integers >= 1, got \[0,1\]/ },
  { name: 'bad padding', inputs: [{ shape: [1, 1, 4, 4] }, { shape: [1, 1, 3, 3] }, { shape: [1] }], attrs: { padding: [1, 1, 1] }, error: 'ValueError', message: /conv2d: option 'padding' expected \[h, w\] or \[top, left, bottom, right\]/ },
  { name: 'zero groups', inputs: [{ shape: [1, 1, 4, 4] }, { shape: [1, 1, 3, 3] }, { shape: [1] }], attrs: { groups: 0 }, error: 'ValueError', message: /conv2d: option 'groups' expected an integer >= 1, got 0/ },
  // Kernel-side refusals (small tensors run inline, so they surface at the call).
  { name: 'fft on cpu', inputs: [{ shape: [1, 1, 4, 4] }, { shape: [1, 1, 3, 3] }, { shape: [1] }], attrs: { algo: 'fft' }, error: 'ValueError', message: /conv2d: algo 'fft' is not available on cpu; cpu supports 'auto', 'heuristic', 'direct', 'winograd'/, noParity: 'a cpu refusal: cuDNN has FFT convolutions' },
  { name: 'winograd 5x5', inputs: [{ shape: [1, 16, 8, 8] }, { shape: [16, 16, 5, 5] }, { shape: [16] }], attrs: { algo: 'winograd' }, error: 'ValueError', message: /conv2d: algo 'winograd' is not available for these shapes on this cpu/, noParity: "oneDNN's refusal; cuDNN's is worded by cuDNN (cuda-controls.test.ts)" },
];

export const conv2dOp = defineOp<Conv2dOpAttrs>({
  name: 'conv2d',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
    { name: 'bias', dtypes: FLOAT },
  ],
  attrs: { ...convAttrSpecs, activation: { kind: convActivations, default: 'none' } },
  outputs: ([x, w, b], a) => {
    const g = convGeometry('conv2d', x.shape, w.shape, a);
    if (b.shape.length !== 1 || (b.shape[0] !== 0 && b.shape[0] !== g.o)) {
      throw new ShapeError(`conv2d: bias expected shape [${g.o}] (one per output channel) or [0] (none), got ${fmtShape(b.shape)}`);
    }
    return [{ shape: [g.n, g.o, ...g.out], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1], outputs: (a) => (a.activation === 'relu' ? [0] : []) },
  // A first layer's input needs no gradient: skipping backward-data there saves most of its cost.
  grad: ({ grads: [g], inputs: [x, w], outputs: [y], inputMeta, attrs, needsGrad }) => {
    const gz = attrs.activation === 'relu' ? reluBackward(g!, y!) : g!; // Note [fused conv activation]
    return [
      needsGrad[0] ? conv2dBackwardData(gz, w!, inputMeta[0].shape, attrs) : null,
      needsGrad[1] ? conv2dBackwardWeights(gz, x!, inputMeta[1].shape, attrs) : null,
      needsGrad[2] && hasBias(inputMeta[2]) ? sum(gz, { dim: [0, 2, 3] }) : null,
    ];
  },
  test: { samples: convSamples, bad: convBad },
});

/** Attributes of the backward-data op: the forward's, plus the input shape it reconstructs. */
export type Conv2dBackwardDataAttrs = Conv2dAttrs & { inputShape: readonly number[] };
export type Conv2dBackwardWeightsAttrs = Conv2dAttrs & { weightShape: readonly number[] };

// Backward samples: the forward's shapes, given as (gradOutput, weight) or (gradOutput, input).
const backwardCases: { name: string; x: number[]; w: number[]; y: number[]; attrs?: Partial<Conv2dAttrs> }[] = [
  { name: 'basic', x: [2, 3, 5, 5], w: [4, 3, 3, 3], y: [2, 4, 3, 3] },
  { name: 'stride-leftover', x: [1, 2, 6, 7], w: [3, 2, 3, 3], y: [1, 3, 2, 3], attrs: { stride: [2, 2] } },
  { name: 'asymmetric', x: [1, 2, 6, 5], w: [2, 2, 2, 3], y: [1, 2, 3, 6], attrs: { stride: [2, 1], padding: [0, 1, 1, 2] } },
  { name: 'dilation-groups', x: [1, 4, 7, 7], w: [4, 2, 3, 3], y: [1, 4, 7, 7], attrs: { dilation: [2, 2], padding: [2, 2], groups: 2 } },
  { name: 'size-one', x: [1, 1, 1, 1], w: [1, 1, 1, 1], y: [1, 1, 1, 1] },
  { name: 'empty-batch', x: [0, 2, 4, 4], w: [3, 2, 3, 3], y: [0, 3, 2, 2] },
  // Backward data onto at most 4 channels, rows of 16 or more: our narrow-input kernel on cpu.
  { name: 'narrow-grayscale', x: [2, 1, 5, 20], w: [6, 1, 5, 5], y: [2, 6, 5, 20], attrs: { padding: [2, 2] } },
  { name: 'narrow-rgb-asymmetric', x: [1, 3, 6, 17], w: [5, 3, 3, 2], y: [1, 5, 7, 17], attrs: { padding: [1, 0, 2, 1] } },
  // Backward data of a vector or more of samples onto few channels: our batch-lane kernel on cpu
  // (LeNet's conv2 at a smaller batch; taps that fall on padding skipped at every edge).
  { name: 'batch-lane', x: [20, 6, 10, 10], w: [16, 6, 5, 5], y: [20, 16, 6, 6] },
  { name: 'batch-lane-asymmetric', x: [16, 3, 5, 9], w: [4, 3, 3, 2], y: [16, 4, 6, 9], attrs: { padding: [1, 0, 2, 1] } },
  // Depthwise kernels wider than 3: oneDNN's weight gradient has only its gemm path for them, so
  // cpu runs ours (Note [depthwise convolution] in native/src/cpu/depthwise_conv.h).
  { name: 'depthwise-5x5', x: [2, 3, 7, 8], w: [3, 1, 5, 5], y: [2, 3, 7, 8], attrs: { padding: [2, 2], groups: 3 } },
  { name: 'depthwise-multiplier-7x7', x: [1, 2, 9, 8], w: [4, 1, 7, 7], y: [1, 4, 5, 8], attrs: { stride: [2, 1], padding: [3, 3], groups: 2 } },
  // 1×1 on 128 pixels or more: a matmul on cpu (Note [1x1 convolution as matmul]).
  { name: 'pointwise', x: [3, 6, 8, 17], w: [4, 6, 1, 1], y: [3, 4, 8, 17] },
];

export const conv2dBackwardDataOp = defineOp<Conv2dBackwardDataAttrs>({
  name: 'conv2dBackwardData',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
  ],
  attrs: { inputShape: { kind: 'ints' }, ...convAttrSpecs },
  outputs: ([gy, w], a) => {
    if (a.inputShape.length !== 4) throw new ValueError(`conv2dBackwardData: option 'inputShape' expected [N,C,H,W], got [${a.inputShape.join(',')}]`);
    const g = convGeometry('conv2dBackwardData', a.inputShape, w.shape, a);
    expectShape('conv2dBackwardData', 'gradOutput', gy.shape, [g.n, g.o, ...g.out], 'the convolution output');
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // Linear in each argument: its adjoints are the forward convolution and backward weights.
  grad: ({ grads: [u], inputs: [gy, w], inputMeta, attrs }) => [
    conv2dNoBias(u!, w!, attrs),
    conv2dBackwardWeights(gy!, u!, inputMeta[1].shape, attrs),
  ],
  test: {
    samples: backwardCases.map((c) => ({ name: c.name, inputs: [{ shape: c.y }, { shape: c.w }], attrs: { inputShape: c.x, ...c.attrs } })),
    bad: [
      { name: 'gradOutput shape', inputs: [{ shape: [2, 4, 2, 3] }, { shape: [4, 3, 3, 3] }], attrs: { inputShape: [2, 3, 5, 5] }, error: 'ShapeError', message: /conv2dBackwardData: gradOutput expected shape \[2,4,3,3\] \(the convolution output\), got \[2,4,2,3\]/ },
      { name: 'inputShape rank', inputs: [{ shape: [2, 4, 3, 3] }, { shape: [4, 3, 3, 3] }], attrs: { inputShape: [3, 5, 5] }, error: 'ValueError', message: /conv2dBackwardData: option 'inputShape' expected \[N,C,H,W\], got \[3,5,5\]/ },
    ],
  },
});

export const conv2dBackwardWeightsOp = defineOp<Conv2dBackwardWeightsAttrs>({
  name: 'conv2dBackwardWeights',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
  ],
  attrs: { weightShape: { kind: 'ints' }, ...convAttrSpecs },
  outputs: ([gy, x], a) => {
    if (a.weightShape.length !== 4) throw new ValueError(`conv2dBackwardWeights: option 'weightShape' expected [O,C/groups,kH,kW], got [${a.weightShape.join(',')}]`);
    const g = convGeometry('conv2dBackwardWeights', x.shape, a.weightShape, a);
    expectShape('conv2dBackwardWeights', 'gradOutput', gy.shape, [g.n, g.o, ...g.out], 'the convolution output');
    return [{ shape: [...a.weightShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [v], inputs: [gy, x], inputMeta, attrs }) => [
    conv2dNoBias(x!, v!, attrs),
    conv2dBackwardData(gy!, v!, inputMeta[1].shape, attrs),
  ],
  test: {
    samples: backwardCases.map((c) => ({ name: c.name, inputs: [{ shape: c.y }, { shape: c.x }], attrs: { weightShape: c.w, ...c.attrs } })),
    bad: [
      { name: 'gradOutput shape', inputs: [{ shape: [2, 4, 3, 2] }, { shape: [2, 3, 5, 5] }], attrs: { weightShape: [4, 3, 3, 3] }, error: 'ShapeError', message: /conv2dBackwardWeights: gradOutput expected shape \[2,4,3,3\] \(the convolution output\), got \[2,4,3,2\]/ },
      { name: 'weightShape channels', inputs: [{ shape: [2, 4, 3, 3] }, { shape: [2, 3, 5, 5] }], attrs: { weightShape: [4, 2, 3, 3] }, error: 'ShapeError', message: /conv2dBackwardWeights: weight has 2 input channels but input has 3/ },
    ],
  },
});

function convAttrsOf(a: Conv2dAttrs): Conv2dAttrs {
  return { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, algo: a.algo };
}

function conv2dNoBias(x: Tensor, w: Tensor, a: Conv2dAttrs): Tensor {
  return scope(() => apply(conv2dOp, [x, w, absent(x.device)], convAttrsOf(a))[0]);
}

/** Gradient of a convolution's input: the transposed convolution of `gradOutput` by `weight`. */
export function conv2dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: readonly number[], attrs: Conv2dAttrs): Tensor {
  return apply(conv2dBackwardDataOp, [gradOutput, weight], { ...convAttrsOf(attrs), inputShape: [...inputShape] })[0];
}

/** Gradient of a convolution's weight: `gradOutput` correlated with `input`. */
export function conv2dBackwardWeights(gradOutput: Tensor, input: Tensor, weightShape: readonly number[], attrs: Conv2dAttrs): Tensor {
  return apply(conv2dBackwardWeightsOp, [gradOutput, input], { ...convAttrsOf(attrs), weightShape: [...weightShape] })[0];
}

export type Size2d = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Size2d;
  /** A number, [h, w], [top, left, bottom, right], 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Size2d | readonly [number, number, number, number] | 'same' | 'valid';
  dilation?: Size2d;
  groups?: number;
  /** cuDNN's algorithm names; cpu supports 'auto', 'heuristic', 'direct' and 'winograd'. */
  algo?: ConvAlgo;
  /** Applied to the output in the same kernel (Note [fused conv activation]); default 'none'. */
  activation?: ConvActivation;
}

/** @internal cuDNN's algorithm names that cpu has no kernel for are refused before anything runs. */
export function checkCpuAlgo(op: string, x: Tensor, algo: string): void {
  if (x?.device?.type === 'cpu' && (convAlgos as readonly string[]).includes(algo) && !cpuConvAlgos.includes(algo as ConvAlgo)) {
    throw new ValueError(`${op}: algo '${algo}' is not available on cpu; cpu supports ${cpuConvAlgos.map((a) => `'${a}'`).join(', ')}`);
  }
}

function resolveConvOptions(op: string, x: Tensor, w: Tensor, o: Conv2dOptions): Conv2dAttrs {
  const stride = perAxis(op, 'stride', o.stride, 2, 1);
  const dilation = perAxis(op, 'dilation', o.dilation, 2, 1);
  let padding: number[];
  if (o.padding === 'valid') padding = [0, 0];
  else if (o.padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding 'same' is not supported for strided convolutions (stride [${stride.join(',')}])`);
    if (w.shape.length !== 4) throw new ShapeError(`${op}: weight expected 4 dimensions [O,C/groups,kH,kW], got ${fmtShape(w.shape)}`);
    // PyTorch's rule: total d·(k−1), the odd one extra at the bottom/right.
    const total = [dilation[0] * (w.shape[2] - 1), dilation[1] * (w.shape[3] - 1)];
    padding = [Math.floor(total[0] / 2), Math.floor(total[1] / 2), total[0] - Math.floor(total[0] / 2), total[1] - Math.floor(total[1] / 2)];
  } else if (Array.isArray(o.padding) && o.padding.length === 4) padding = [...o.padding];
  else padding = perAxis(op, 'padding', o.padding, 2, 0);
  const algo = o.algo ?? 'auto';
  checkCpuAlgo(op, x, algo);
  return { stride, padding, dilation, groups: o.groups ?? 1, algo };
}

/**
 * 2-d convolution (cross-correlation, like PyTorch): input [N,C,H,W] (or unbatched [C,H,W]),
 * weight [O,C/groups,kH,kW], optional bias [O]. Output [N,O,H',W'].
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups', 'algo', 'activation']);
  return scope(() => {
    const unbatched = input?.isTensor && input.shape.length === 3;
    const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
    const attrs = { ...resolveConvOptions('conv2d', x, weight, options), activation: options.activation ?? 'none' };
    const b = bias ?? absent(x?.device);
    let y: Tensor;
    try {
      y = apply(conv2dOp, [x, weight, b], attrs)[0];
    } catch (err) {
      // The refusal shows the [1, C, H, W] it read; say so (user trial AO: a batch of one-channel
      // images [N, H, W] was read as one image of N channels).
      if (unbatched && err instanceof ShapeError && / input channels/.test(err.message)) {
        throw new ShapeError(`${err.message}; a 3-d input ${fmtShape(input.shape)} is one unbatched [C, H, W] image (a batch of one-channel images is [N, 1, H, W]: x.unsqueeze(1))`);
      }
      throw err;
    }
    return unbatched ? reshape(y, y.shape.slice(1)) : y;
  });
}

export interface Conv1dOptions {
  stride?: number;
  /** A number, [left, right], 'valid' or 'same'. */
  padding?: number | readonly [number, number] | 'same' | 'valid';
  dilation?: number;
  groups?: number;
  algo?: ConvAlgo;
  activation?: ConvActivation;
}

function scalarOf(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return v[0];
  throw new ValueError(`${op}: option '${name}' expected a number, got ${JSON.stringify(v)}`);
}

/**
 * A 1-d convolution run as its 2-d form on [N,C,1,L] views (no copies), so it shares the 2-d
 * kernels and gradients: checks the ranks (`layout` names the weight's dims), lifts the input, the
 * weight and the padding (a number or [left, right]; 'same'/'valid' pass), and drops the height.
 */
function onRows(
  op: string,
  input: Tensor,
  weight: Tensor,
  layout: { input: string; weight: string },
  padding: unknown,
  run2d: (x: Tensor, w: Tensor, padding: Conv2dOptions['padding']) => Tensor,
): Tensor {
  return scope(() => {
    if (!input?.isTensor || !weight?.isTensor) throw new ValueError(`${op}: expected input and weight tensors`);
    if (input.shape.length !== 2 && input.shape.length !== 3) throw new ShapeError(`${op}: input expected ${layout.input}, got ${fmtShape(input.shape)}`);
    if (weight.shape.length !== 3) throw new ShapeError(`${op}: weight expected 3 dimensions ${layout.weight}, got ${fmtShape(weight.shape)}`);
    const unbatched = input.shape.length === 2;
    const [n, c, l] = unbatched ? [1, ...input.shape] : input.shape;
    const x = reshape(input, [n, c, 1, l]);
    const w = reshape(weight, [weight.shape[0], weight.shape[1], 1, weight.shape[2]]);
    const lifted: Conv2dOptions['padding'] =
      padding === 'same' || padding === 'valid' ? padding
      : Array.isArray(padding) && padding.length === 2 ? [0, padding[0], 0, padding[1]]
      : [0, scalarOf(op, 'padding', padding, 0)];
    const y = run2d(x, w, lifted);
    return reshape(y, unbatched ? [y.shape[1], y.shape[3]] : [y.shape[0], y.shape[1], y.shape[3]]);
  });
}

/**
 * 1-d convolution: input [N,C,L] (or [C,L]), weight [O,C/groups,k], optional bias [O]; conv2d
 * on [N,C,1,L] views (onRows).
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  checkOptions(op, options, ['stride', 'padding', 'dilation', 'groups', 'algo', 'activation']);
  return onRows(op, input, weight, { input: '[N,C,L] or [C,L]', weight: '[O,C/groups,k]' }, options.padding, (x, w, padding) =>
    conv2d(x, w, bias, {
      stride: [1, scalarOf(op, 'stride', options.stride, 1)],
      dilation: [1, scalarOf(op, 'dilation', options.dilation, 1)],
      padding,
      groups: options.groups,
      algo: options.algo,
      activation: options.activation,
    }),
  );
}

export interface ConvTranspose2dOptions {
  stride?: Size2d;
  /** The padding of the convolution this transposes: a number, [h, w] or [top, left, bottom, right]. */
  padding?: Size2d | readonly [number, number, number, number];
  /** Added to the bottom/right of the output, to pick among the sizes a strided convolution maps onto one; smaller than the stride or the dilation. */
  outputPadding?: Size2d;
  dilation?: Size2d;
  groups?: number;
  /** As conv2d's; runs the backward-data algorithms of cuDNN on cuda. */
  algo?: ConvAlgo;
}

/**
 * 2-d transposed convolution (PyTorch's conv_transpose2d, a.k.a. deconvolution): input
 * [N,C_in,H,W] (or [C_in,H,W]), weight [C_in,C_out/groups,kH,kW], optional bias [C_out]. Output
 * [N,C_out,H',W'] with H' = (H−1)·stride − padding_top − padding_bottom + dilation·(kH−1) +
 * outputPadding + 1. It is the gradient of a convolution with respect to its input, so it runs
 * conv2dBackwardData (oneDNN / cuDNN) and inherits that op's gradients.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  return scope(() => {
    if (!input?.isTensor || !weight?.isTensor) throw new ValueError(`${op}: expected input and weight tensors`);
    if (input.shape.length !== 3 && input.shape.length !== 4) throw new ShapeError(`${op}: input expected [N,C_in,H,W] or [C_in,H,W], got ${fmtShape(input.shape)}`);
    if (weight.shape.length !== 4) throw new ShapeError(`${op}: weight expected 4 dimensions [C_in,C_out/groups,kH,kW], got ${fmtShape(weight.shape)}`);
    checkOptions(op, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'algo']);
    if (typeof options.padding === 'string') throw new ValueError(`${op}: option 'padding' expected numbers, got '${options.padding}'`);
    const unbatched = input.shape.length === 3;
    const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
    const attrs = resolveConvOptions(op, x, weight, options);
    const [n, cin, h, w] = x.shape;
    const [wIn, outPerGroup, kh, kw] = weight.shape;
    const shapes = () => `(input ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)})`;
    if (wIn !== cin) throw new ShapeError(`${op}: weight has ${wIn} input channels but input has ${cin} ${shapes()}`);
    if (!(attrs.groups >= 1) || cin % attrs.groups !== 0) throw new ShapeError(`${op}: input has ${cin} channels, not divisible by groups ${attrs.groups} ${shapes()}`);
    const outputPadding = perAxis(op, 'outputPadding', options.outputPadding, 2, 0);
    if (!outputPadding.every((p, i) => Number.isSafeInteger(p) && p >= 0 && (p < attrs.stride[i] || p < attrs.dilation[i]))) {
      throw new ValueError(
        `${op}: option 'outputPadding' expected integers >= 0 and smaller than the stride [${attrs.stride.join(',')}] or the dilation [${attrs.dilation.join(',')}], got [${outputPadding.join(',')}]`,
      );
    }
    const p = attrs.padding.length === 2 ? [attrs.padding[0], attrs.padding[1], attrs.padding[0], attrs.padding[1]] : attrs.padding;
    const outH = (h - 1) * attrs.stride[0] - p[0] - p[2] + attrs.dilation[0] * (kh - 1) + outputPadding[0] + 1;
    const outW = (w - 1) * attrs.stride[1] - p[1] - p[3] + attrs.dilation[1] * (kw - 1) + outputPadding[1] + 1;
    if (outH < 1 || outW < 1) throw new ShapeError(`${op}: the padding leaves an output of ${outH}x${outW} ${shapes()}`);
    const cout = outPerGroup * attrs.groups;
    // The output padding extends the bottom/right of the full transposed convolution: it takes
    // back that much of the bottom/right padding (the convolution's crop), and what is left over
    // (outputPadding beyond that padding) is rows and columns of zeros, which no input reaches.
    const extra = [Math.max(outputPadding[0] - p[2], 0), Math.max(outputPadding[1] - p[3], 0)];
    const cropped = { ...attrs, padding: [p[0], p[1], Math.max(p[2] - outputPadding[0], 0), Math.max(p[3] - outputPadding[1], 0)] };
    let y: Tensor;
    if (isOuterProduct(x, attrs, p, outputPadding, options.algo)) {
      // Note [transposed convolution of one pixel]: a 1×1 input (a generator's first layer, from
      // its noise vector) spreads each input channel over the kernel: y[n] = x[n]·W reshaped to
      // [C_out, kH, kW], one GEMM, and both gradients GEMMs too. As a convolution the weight
      // gradient was a backward-filter over 1×1 images: 32 ms for fwd+bwd of 100→512×4×4 at
      // batch 128 on one core (PyTorch: 32 ms), 12.7 ms this way.
      y = reshape(matmul(reshape(x, [n, cin]), reshape(weight, [cin, cout * kh * kw])), [n, cout, kh, kw]);
    } else {
      y = conv2dBackwardData(x, weight, [n, cout, outH - extra[0], outW - extra[1]], cropped);
      if (extra[0] || extra[1]) y = pad(y, [0, extra[1], 0, extra[0]]);
    }
    if (bias) {
      if (!bias.isTensor || bias.shape.length !== 1 || bias.shape[0] !== cout) {
        throw new ShapeError(`${op}: bias expected shape [${cout}] (one per output channel), got ${bias?.isTensor ? fmtShape(bias.shape) : String(bias)}`);
      }
      y = add(y, reshape(bias, [1, cout, 1, 1]));
    }
    return unbatched ? reshape(y, y.shape.slice(1)) : y;
  });
}

/** Note [transposed convolution of one pixel]: when the transposed convolution is x[n]·W reshaped; an algorithm the caller names keeps the convolution. */
function isOuterProduct(x: Tensor, attrs: { groups: number; dilation: readonly number[] }, padding: readonly number[], outputPadding: readonly number[], algo: ConvAlgo | undefined): boolean {
  return (
    x.shape[2] === 1 &&
    x.shape[3] === 1 &&
    attrs.groups === 1 &&
    attrs.dilation.every((d) => d === 1) &&
    padding.every((v) => v === 0) &&
    outputPadding.every((v) => v === 0) &&
    (algo === undefined || algo === 'auto')
  );
}

export interface ConvTranspose1dOptions {
  stride?: number;
  /** A number or [left, right]. */
  padding?: number | readonly [number, number];
  outputPadding?: number;
  dilation?: number;
  groups?: number;
  algo?: ConvAlgo;
}

/** 1-d transposed convolution: input [N,C_in,L] (or [C_in,L]), weight [C_in,C_out/groups,k]; convTranspose2d on [N,C,1,L] views (onRows). */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  const op = 'convTranspose1d';
  checkOptions(op, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'algo']);
  if (typeof options.padding === 'string') throw new ValueError(`${op}: option 'padding' expected numbers, got '${options.padding}'`);
  return onRows(op, input, weight, { input: '[N,C_in,L] or [C_in,L]', weight: '[C_in,C_out/groups,k]' }, options.padding, (x, w, padding) =>
    convTranspose2d(x, w, bias, {
      stride: [1, scalarOf(op, 'stride', options.stride, 1)],
      padding: padding as ConvTranspose2dOptions['padding'],
      outputPadding: [0, scalarOf(op, 'outputPadding', options.outputPadding, 0)],
      dilation: [1, scalarOf(op, 'dilation', options.dilation, 1)],
      groups: options.groups,
      algo: options.algo,
    }),
  );
}
