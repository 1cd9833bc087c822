// 3-d convolution (video clips, CT and MRI volumes): conv3d and its backward-data and
// backward-weights ops, declared like conv2d's and run by the same libraries — oneDNN's
// convolution primitives on 5-d ncdhw memory (native/src/cpu/conv.cc), cuDNN's Nd descriptors
// (native/src/cuda/conv.cc) — with the same `algo` attribute. The transposed convolution is
// backward data under PyTorch's name, as in 2-d.
//
// Note [symmetric 3-d padding]: the ops take one padding per axis, as PyTorch's conv3d does and
// cuDNN requires. The asymmetric padding of padding: 'same' with an even dilated kernel (PyTorch
// puts the odd row after) is a zero pad() of the input by that one row, then the symmetric
// convolution — what PyTorch itself does for 'same'.

import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { perAxis } from '../check-args.js';
import { defineOp, FLOAT, type BadSample, type Sample } from '../declare.js';
import { add } from './binary.js';
import { sum } from './reduce.js';
import { narrow, onBatch, pad, reshape } from './shape.js';
import { absent } from '../../creation.js';
import { checkCpuAlgo, convAlgos, convGeometry, expectShape, hasBias, type Conv2dAttrs, type ConvAlgo } from './conv.js';

/** Attributes shared by the three 3-d convolution ops: one stride, padding and dilation per axis (D, H, W). */
export type Conv3dAttrs = Conv2dAttrs;

const conv3dAttrSpecs = {
  stride: { kind: 'ints', default: [1, 1, 1] },
  padding: { kind: 'ints', default: [0, 0, 0] },
  dilation: { kind: 'ints', default: [1, 1, 1] },
  groups: { kind: 'int', default: 1 },
  algo: { kind: convAlgos, default: 'auto' },
} as const;

const geometry = (op: string, input: readonly number[], weight: readonly number[], a: Conv3dAttrs) => convGeometry(op, input, weight, a, 3);

// Small volumes: the emulated cuDNN of the parity tests runs every tap as a loop.
const conv3dSamples: Sample[] = [
  { name: 'basic', inputs: [{ shape: [2, 2, 4, 5, 4] }, { shape: [3, 2, 3, 3, 3] }, { shape: [3] }] },
  { name: 'no-bias', inputs: [{ shape: [1, 2, 3, 4, 5] }, { shape: [2, 2, 2, 3, 2] }, { shape: [0], noGrad: true }] },
  { name: 'stride-padding', inputs: [{ shape: [1, 2, 5, 6, 5] }, { shape: [3, 2, 3, 3, 3] }, { shape: [3] }], attrs: { stride: [2, 1, 2], padding: [1, 0, 1] } },
  { name: 'dilation', inputs: [{ shape: [1, 1, 5, 5, 6] }, { shape: [2, 1, 2, 2, 3] }, { shape: [2] }], attrs: { dilation: [2, 2, 1], padding: [1, 1, 1] } },
  { name: 'groups', inputs: [{ shape: [1, 4, 3, 4, 4] }, { shape: [6, 2, 1, 3, 3] }, { shape: [6] }], attrs: { groups: 2, padding: [0, 1, 1] } },
  { name: 'depthwise', inputs: [{ shape: [1, 3, 3, 3, 3] }, { shape: [3, 1, 3, 3, 3] }, { shape: [3] }], attrs: { groups: 3, padding: [1, 1, 1] } },
  { name: 'depthwise-multiplier-stride', inputs: [{ shape: [2, 2, 5, 6, 7] }, { shape: [4, 1, 3, 2, 3] }, { shape: [4] }], attrs: { groups: 2, stride: [2, 1, 2], padding: [1, 1, 0], dilation: [1, 2, 1] } },
  { name: 'pointwise', inputs: [{ shape: [2, 3, 2, 3, 4] }, { shape: [4, 3, 1, 1, 1] }, { shape: [4] }] },
  { name: 'size-one', inputs: [{ shape: [1, 1, 1, 1, 1] }, { shape: [1, 1, 1, 1, 1] }, { shape: [1] }] },
  { name: 'empty-batch', inputs: [{ shape: [0, 2, 3, 3, 3] }, { shape: [3, 2, 2, 2, 2] }, { shape: [3] }] },
];

const conv3dBad: BadSample[] = [
  {
    name: 'channel mismatch',
    inputs: [{ shape: [1, 1, 4, 4, 4] }, { shape: [2, 3, 3, 3, 3] }, { shape: [2] }],
    error: 'ShapeError',
    message: /^conv3d: weight has 3 input channels but input has 1 \(input \[1,1,4,4,4\], weight \[2,3,3,3,3\]\)$/,
  },
  { name: 'input rank', inputs: [{ shape: [1, 3, 5, 5] }, { shape: [2, 3, 3, 3, 3] }, { shape: [2] }], error: 'ShapeError', message: /^conv3d: input expected 5 dimensions \[N,C,D,H,W\], got \[1,3,5,5\]/ },
  { name: 'weight rank', inputs: [{ shape: [1, 3, 5, 5, 5] }, { shape: [2, 3, 3, 3] }, { shape: [2] }], error: 'ShapeError', message: /^conv3d: weight expected 5 dimensions \[O,C\/groups,kD,kH,kW\]/ },
  { name: 'bias shape', inputs: [{ shape: [1, 3, 4, 4, 4] }, { shape: [2, 3, 3, 3, 3] }, { shape: [3] }], error: 'ShapeError', message: /^conv3d: bias expected shape \[2\] \(one per output channel\) or \[0\] \(none\), got \[3\]/ },
  { name: 'kernel larger than input', inputs: [{ shape: [1, 1, 2, 4, 4] }, { shape: [1, 1, 3, 3, 3] }, { shape: [1] }], error: 'ShapeError', message: /^conv3d: kernel 3x3x3 \(dilated\) is larger than the padded input 2x4x4/ },
  { name: 'stride length', inputs: [{ shape: [1, 1, 4, 4, 4] }, { shape: [1, 1, 3, 3, 3] }, { shape: [1] }], attrs: { stride: [1, 1] }, error: 'ValueError', message: /^conv3d: option 'stride' expected 3 integers >= 1, got \[1,1\]/ },
  { name: 'asymmetric padding', inputs: [{ shape: [1, 1, 4, 4, 4] }, { shape: [1, 1, 3, 3, 3] }, { shape: [1] }], attrs: { padding: [1, 1, 1, 0, 0, 0] }, error: 'ValueError', message: /^conv3d: option 'padding' expected \[d, h, w\] of integers >= 0, got \[1,1,1,0,0,0\]/ },
  { name: 'groups do not divide', inputs: [{ shape: [1, 4, 3, 3, 3] }, { shape: [3, 2, 1, 1, 1] }, { shape: [3] }], attrs: { groups: 2 }, error: 'ShapeError', message: /^conv3d: weight has 3 output channels, not divisible by groups 2/ },
  { name: 'fft on cpu', inputs: [{ shape: [1, 1, 4, 4, 4] }, { shape: [1, 1, 3, 3, 3] }, { shape: [1] }], attrs: { algo: 'fft' }, error: 'ValueError', message: /^conv3d: algo 'fft' is not available on cpu; cpu supports 'auto', 'heuristic', 'direct', 'winograd'/, noParity: 'a cpu refusal: cuDNN has FFT convolutions' },
];

export const conv3dOp = defineOp<Conv3dAttrs>({
  name: 'conv3d',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
    { name: 'bias', dtypes: FLOAT },
  ],
  attrs: conv3dAttrSpecs,
  outputs: ([x, w, b], a) => {
    const g = geometry('conv3d', x.shape, w.shape, a);
    if (b.shape.length !== 1 || (b.shape[0] !== 0 && b.shape[0] !== g.o)) {
      throw new ShapeError(`conv3d: bias expected shape [${g.o}] (one per output channel) or [0] (none), got ${fmtShape(b.shape)}`);
    }
    return [{ shape: [g.n, g.o, ...g.out], dtype: x.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [g], inputs: [x, w], inputMeta, attrs, needsGrad }) => [
    needsGrad[0] ? conv3dBackwardData(g!, w!, inputMeta[0].shape, attrs) : null,
    needsGrad[1] ? conv3dBackwardWeights(g!, x!, inputMeta[1].shape, attrs) : null,
    needsGrad[2] && hasBias(inputMeta[2]) ? sum(g!, { dim: [0, 2, 3, 4] }) : null,
  ],
  test: { samples: conv3dSamples, bad: conv3dBad },
});

export type Conv3dBackwardDataAttrs = Conv3dAttrs & { inputShape: readonly number[] };
export type Conv3dBackwardWeightsAttrs = Conv3dAttrs & { weightShape: readonly number[] };

const backwardCases: { name: string; x: number[]; w: number[]; y: number[]; attrs?: Partial<Conv3dAttrs> }[] = [
  { name: 'basic', x: [2, 2, 4, 4, 3], w: [3, 2, 3, 3, 2], y: [2, 3, 2, 2, 2] },
  { name: 'stride-leftover', x: [1, 2, 5, 6, 5], w: [2, 2, 3, 3, 3], y: [1, 2, 2, 2, 2], attrs: { stride: [2, 2, 2] } },
  { name: 'padding-dilation-groups', x: [1, 4, 4, 5, 5], w: [4, 2, 2, 3, 3], y: [1, 4, 4, 5, 5], attrs: { dilation: [2, 1, 1], padding: [1, 1, 1], groups: 2 } },
  // Depthwise: our loops on cpu (Note [depthwise convolution] in native/src/cpu/depthwise_conv.h).
  { name: 'depthwise-multiplier', x: [1, 3, 4, 5, 6], w: [6, 1, 3, 3, 3], y: [1, 6, 2, 3, 6], attrs: { stride: [1, 2, 1], padding: [1, 1, 1], dilation: [2, 1, 1], groups: 3 } },
  { name: 'empty-batch', x: [0, 2, 3, 3, 3], w: [3, 2, 2, 2, 2], y: [0, 3, 2, 2, 2] },
];

export const conv3dBackwardDataOp = defineOp<Conv3dBackwardDataAttrs>({
  name: 'conv3dBackwardData',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
  ],
  attrs: { inputShape: { kind: 'ints' }, ...conv3dAttrSpecs },
  outputs: ([gy, w], a) => {
    if (a.inputShape.length !== 5) throw new ValueError(`conv3dBackwardData: option 'inputShape' expected [N,C,D,H,W], got [${a.inputShape.join(',')}]`);
    const g = geometry('conv3dBackwardData', a.inputShape, w.shape, a);
    expectShape('conv3dBackwardData', 'gradOutput', gy.shape, [g.n, g.o, ...g.out], 'the convolution output');
    return [{ shape: [...a.inputShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // Linear in each argument: its adjoints are the forward convolution and backward weights.
  grad: ({ grads: [u], inputs: [gy, w], inputMeta, attrs }) => [conv3dNoBias(u!, w!, attrs), conv3dBackwardWeights(gy!, u!, inputMeta[1].shape, attrs)],
  test: {
    samples: backwardCases.map((c) => ({ name: c.name, inputs: [{ shape: c.y }, { shape: c.w }], attrs: { inputShape: c.x, ...c.attrs } })),
    bad: [
      { name: 'gradOutput shape', inputs: [{ shape: [2, 3, 2, 2, 1] }, { shape: [3, 2, 3, 3, 2] }], attrs: { inputShape: [2, 2, 4, 4, 3] }, error: 'ShapeError', message: /^conv3dBackwardData: gradOutput expected shape \[2,3,2,2,2\] \(the convolution output\), got \[2,3,2,2,1\]/ },
      { name: 'inputShape rank', inputs: [{ shape: [2, 3, 2, 2, 2] }, { shape: [3, 2, 3, 3, 2] }], attrs: { inputShape: [2, 4, 4, 3] }, error: 'ValueError', message: /^conv3dBackwardData: option 'inputShape' expected \[N,C,D,H,W\], got \[2,4,4,3\]/ },
    ],
  },
});

export const conv3dBackwardWeightsOp = defineOp<Conv3dBackwardWeightsAttrs>({
  name: 'conv3dBackwardWeights',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
  ],
  attrs: { weightShape: { kind: 'ints' }, ...conv3dAttrSpecs },
  outputs: ([gy, x], a) => {
    if (a.weightShape.length !== 5) throw new ValueError(`conv3dBackwardWeights: option 'weightShape' expected [O,C/groups,kD,kH,kW], got [${a.weightShape.join(',')}]`);
    const g = geometry('conv3dBackwardWeights', x.shape, a.weightShape, a);
    expectShape('conv3dBackwardWeights', 'gradOutput', gy.shape, [g.n, g.o, ...g.out], 'the convolution output');
    return [{ shape: [...a.weightShape], dtype: gy.dtype }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  grad: ({ grads: [v], inputs: [gy, x], inputMeta, attrs }) => [conv3dNoBias(x!, v!, attrs), conv3dBackwardData(gy!, v!, inputMeta[1].shape, attrs)],
  test: {
    samples: backwardCases.map((c) => ({ name: c.name, inputs: [{ shape: c.y }, { shape: c.x }], attrs: { weightShape: c.w, ...c.attrs } })),
    bad: [
      { name: 'gradOutput shape', inputs: [{ shape: [2, 3, 2, 1, 2] }, { shape: [2, 2, 4, 4, 3] }], attrs: { weightShape: [3, 2, 3, 3, 2] }, error: 'ShapeError', message: /^conv3dBackwardWeights: gradOutput expected shape \[2,3,2,2,2\] \(the convolution output\), got \[2,3,2,1,2\]/ },
      { name: 'weightShape channels', inputs: [{ shape: [2, 3, 2, 2, 2] }, { shape: [2, 2, 4, 4, 3] }], attrs: { weightShape: [3, 1, 3, 3, 2] }, error: 'ShapeError', message: /^conv3dBackwardWeights: weight has 1 input channels but input has 2/ },
    ],
  },
});

function attrsOf(a: Conv3dAttrs): Conv3dAttrs {
  return { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, algo: a.algo };
}

function conv3dNoBias(x: Tensor, w: Tensor, a: Conv3dAttrs): Tensor {
  return scope(() => apply(conv3dOp, [x, w, absent(x.device)], attrsOf(a))[0]);
}

/** Gradient of a 3-d convolution's input: the transposed convolution of `gradOutput` by `weight`. */
export function conv3dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: readonly number[], attrs: Conv3dAttrs): Tensor {
  return apply(conv3dBackwardDataOp, [gradOutput, weight], { ...attrsOf(attrs), inputShape: [...inputShape] })[0];
}

/** Gradient of a 3-d convolution's weight: `gradOutput` correlated with `input`. */
export function conv3dBackwardWeights(gradOutput: Tensor, input: Tensor, weightShape: readonly number[], attrs: Conv3dAttrs): Tensor {
  return apply(conv3dBackwardWeightsOp, [gradOutput, input], { ...attrsOf(attrs), weightShape: [...weightShape] })[0];
}

export type Size3d = number | readonly [number, number, number];

export interface Conv3dOptions {
  stride?: Size3d;
  /** A number, [d, h, w], 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Size3d | 'same' | 'valid';
  dilation?: Size3d;
  groups?: number;
  /** cuDNN's algorithm names; cpu supports 'auto', 'heuristic', 'direct' and 'winograd'. */
  algo?: ConvAlgo;
}

/** `input` a tensor [N,C,D,H,W] or unbatched [C,D,H,W] (`layout` names them), or a clear refusal. */
function checkInput(op: string, input: Tensor, layout: string): void {
  if (!input?.isTensor) throw new ValueError(`${op}: input expected a tensor, got ${String(input)}`);
  if (input.shape.length !== 4 && input.shape.length !== 5) throw new ShapeError(`${op}: input expected ${layout}, got ${fmtShape(input.shape)}`);
}

/**
 * 3-d convolution (cross-correlation, like PyTorch): input [N,C,D,H,W] (or unbatched [C,D,H,W]),
 * weight [O,C/groups,kD,kH,kW], optional bias [O]. Output [N,O,D',H',W'].
 */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv3dOptions = {}): Tensor {
  const op = 'conv3d';
  checkOptions(op, options, ['stride', 'padding', 'dilation', 'groups', 'algo']);
  checkInput(op, input, '[N,C,D,H,W] or [C,D,H,W]');
  return onBatch(input, 5, (x) => {
    const stride = perAxis(op, 'stride', options.stride, 3, 1);
    const dilation = perAxis(op, 'dilation', options.dilation, 3, 1);
    const algo = options.algo ?? 'auto';
    checkCpuAlgo(op, x, algo);
    let padded = x;
    let padding: number[];
    if (options.padding === 'valid') padding = [0, 0, 0];
    else if (options.padding === 'same') {
      if (stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding 'same' is not supported for strided convolutions (stride [${stride.join(',')}])`);
      if (!weight?.isTensor || weight.shape.length !== 5) throw new ShapeError(`${op}: weight expected 5 dimensions [O,C/groups,kD,kH,kW], got ${weight?.isTensor ? fmtShape(weight.shape) : String(weight)}`);
      // Note [symmetric 3-d padding]: PyTorch's split of d·(k−1), the odd row after.
      const total = dilation.map((d, i) => d * (weight.shape[2 + i] - 1));
      padding = total.map((t) => Math.floor(t / 2));
      const odd = total.map((t) => t % 2);
      if (odd.some((v) => v)) padded = pad(x, [0, odd[2], 0, odd[1], 0, odd[0]]);
    } else padding = perAxis(op, 'padding', options.padding, 3, 0);
    const b = bias ?? absent(x.device);
    try {
      return apply(conv3dOp, [padded, weight, b], { stride, padding, dilation, groups: options.groups ?? 1, algo })[0];
    } catch (err) {
      // A batch of 2-d images [N, C, H, W] reads as one unbatched volume [C, D, H, W] (user trial AP).
      if (input.shape.length === 4 && err instanceof ShapeError && / input channels/.test(err.message)) {
        throw new ShapeError(`${err.message}; a 4-d input ${fmtShape(input.shape)} is one unbatched [C, D, H, W] volume (a batch of volumes is [N, C, D, H, W])`);
      }
      throw err;
    }
  });
}

export interface ConvTranspose3dOptions {
  stride?: Size3d;
  /** The padding of the convolution this transposes: a number or [d, h, w]. */
  padding?: Size3d;
  /** Added to the back/bottom/right of the output, to pick among the sizes a strided convolution maps onto one; smaller than the stride or the dilation. */
  outputPadding?: Size3d;
  dilation?: Size3d;
  groups?: number;
  /** As conv3d's; runs the backward-data algorithms of cuDNN on cuda. */
  algo?: ConvAlgo;
}

/**
 * 3-d transposed convolution (PyTorch's conv_transpose3d): input [N,C_in,D,H,W] (or
 * [C_in,D,H,W]), weight [C_in,C_out/groups,kD,kH,kW], optional bias [C_out]. Each output size is
 * (in−1)·stride − 2·padding + dilation·(k−1) + outputPadding + 1. It runs conv3dBackwardData
 * (oneDNN / cuDNN) and inherits that op's gradients.
 */
export function convTranspose3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose3dOptions = {}): Tensor {
  const op = 'convTranspose3d';
  checkOptions(op, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'algo']);
  checkInput(op, input, '[N,C_in,D,H,W] or [C_in,D,H,W]');
  return onBatch(input, 5, (x) => {
    if (!weight?.isTensor || weight.shape.length !== 5) {
      throw new ShapeError(`${op}: weight expected 5 dimensions [C_in,C_out/groups,kD,kH,kW], got ${weight?.isTensor ? fmtShape(weight.shape) : String(weight)}`);
    }
    if (typeof options.padding === 'string') throw new ValueError(`${op}: option 'padding' expected numbers, got '${options.padding}'`);
    const stride = perAxis(op, 'stride', options.stride, 3, 1);
    const dilation = perAxis(op, 'dilation', options.dilation, 3, 1);
    const padding = perAxis(op, 'padding', options.padding, 3, 0);
    const outputPadding = perAxis(op, 'outputPadding', options.outputPadding, 3, 0);
    const groups = options.groups ?? 1;
    const algo = options.algo ?? 'auto';
    checkCpuAlgo(op, x, algo);
    const [n, cin, ...spatial] = x.shape;
    const [wIn, outPerGroup, ...kernel] = weight.shape;
    const shapes = () => `(input ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)})`;
    if (wIn !== cin) throw new ShapeError(`${op}: weight has ${wIn} input channels but input has ${cin} ${shapes()}`);
    if (!(Number.isSafeInteger(groups) && groups >= 1) || cin % groups !== 0) throw new ShapeError(`${op}: input has ${cin} channels, not divisible by groups ${groups} ${shapes()}`);
    if (!outputPadding.every((p, i) => Number.isSafeInteger(p) && p >= 0 && (p < stride[i] || p < dilation[i]))) {
      throw new ValueError(
        `${op}: option 'outputPadding' expected integers >= 0 and smaller than the stride [${stride.join(',')}] or the dilation [${dilation.join(',')}], got [${outputPadding.join(',')}]`,
      );
    }
    const full = spatial.map((s, i) => (s - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1);
    const out = full.map((f, i) => f - 2 * padding[i] + outputPadding[i]);
    if (out.some((o) => o < 1)) throw new ShapeError(`${op}: the padding leaves an output of ${out.join('x')} ${shapes()}`);
    const cout = outPerGroup * groups;
    const attrs = { stride, padding, dilation, groups, algo };
    let y: Tensor;
    if (outputPadding.every((p, i) => p < stride[i])) {
      // The convolution of an output this size (extra rows under the stride) has the input's size,
      // so backward data writes it directly, the output padding's rows included.
      y = conv3dBackwardData(x, weight, [n, cout, ...out], attrs);
    } else {
      // Output padding past the stride (allowed under a larger dilation): the full transposed
      // convolution, cut at the padding and extended by zeros that no input reaches.
      y = conv3dBackwardData(x, weight, [n, cout, ...full], { ...attrs, padding: [0, 0, 0] });
      const kept = out.map((o, i) => Math.min(o, full[i] - padding[i]));
      for (let i = 0; i < 3; i++) y = narrow(y, 2 + i, padding[i], kept[i]);
      const zeros = out.map((o, i) => o - kept[i]);
      if (zeros.some((z) => z > 0)) y = pad(y, [0, zeros[2], 0, zeros[1], 0, zeros[0]]);
    }
    if (bias) {
      if (!bias.isTensor || bias.shape.length !== 1 || bias.shape[0] !== cout) {
        throw new ShapeError(`${op}: bias expected shape [${cout}] (one per output channel), got ${bias?.isTensor ? fmtShape(bias.shape) : String(bias)}`);
      }
      y = add(y, reshape(bias, [1, cout, 1, 1, 1]));
    }
    return y;
  });
}
