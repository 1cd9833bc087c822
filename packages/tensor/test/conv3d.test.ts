// conv3d and convTranspose3d (ops/table/conv3d.ts) through the user functions, against PyTorch's
// F.conv3d / F.conv_transpose3d — padding 'same' with even kernels (Note [symmetric 3-d
// padding]), unbatched input, groups, strides and dilation, output padding below the stride and
// past it — outputs and the gradients of input, weight and bias, from
// test/fixtures/conv3d.safetensors (scripts/fixtures_conv3d.py). The ops themselves are checked by
// the op table (goldens, gradients, refusals); here what the functions add, and their refusals.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { scope, type Tensor } from '../src/index.js';
import { describeGoldenCases, type GoldenCall, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('conv3d');

const conv = (o: T.Conv3dOptions = {}) => (x: Tensor, w: Tensor, b: Tensor) => T.conv3d(x, w, b, o);
const transposed = (o: T.ConvTranspose3dOptions = {}) => (x: Tensor, w: Tensor, b: Tensor) => T.convTranspose3d(x, w, b, o);

const calls: Record<string, GoldenCall> = {
  basic: conv(),
  strideDilation: conv({ stride: [2, 1, 2], padding: [1, 2, 0], dilation: [1, 2, 1] }),
  sameEven: conv({ padding: 'same' }),
  sameDilated: conv({ padding: 'same', dilation: [2, 1, 3] }),
  groups: conv({ groups: 2, padding: 1 }),
  unbatched: conv({ padding: [0, 1, 1] }),
  transposed: transposed(),
  transposedStride: transposed({ stride: 2, padding: 1, outputPadding: [1, 0, 1] }),
  transposedGroups: transposed({ stride: [1, 2, 2], groups: 2, dilation: [2, 1, 1] }),
  transposedPastStride: transposed({ stride: 1, padding: [1, 0, 2], outputPadding: [2, 1, 0], dilation: [3, 2, 1] }),
  transposedUnbatched: transposed({ stride: [2, 1, 1], padding: [0, 1, 0] }),
};

describeGoldenCases(fx, calls, (device) => `conv3d and convTranspose3d match PyTorch, forward and backward (${device})`, { output: [1e-5, 1e-4], grad: [1e-5, 1e-4] });

describe('conv3d', () => {
  it('over one depth plane is conv2d', () => {
    scope(() => {
      const x = T.randn([2, 3, 1, 6, 5]);
      const w = T.randn([4, 3, 1, 3, 3]);
      const b = T.randn([4]);
      const y3 = T.conv3d(x, w, b, { padding: [0, 1, 1], stride: [1, 2, 1] });
      const y2 = T.conv2d(x.squeeze(2), w.squeeze(2), b, { padding: 1, stride: [2, 1] });
      expect(y3.shape).toEqual([2, 4, 1, 3, 5]);
      expect(T.allclose(y3.squeeze(2), y2, { rtol: 1e-5, atol: 1e-5 })).toBe(true);
    });
  });

  it('refuses bad arguments, naming the function, the argument, expected and got', () => {
    scope(() => {
      const x = T.randn([1, 2, 4, 4, 4]);
      const w = T.randn([3, 2, 3, 3, 3]);
      expect(() => T.conv3d(T.randn([4, 4, 4]), w)).toThrow(/^conv3d: input expected \[N,C,D,H,W\] or \[C,D,H,W\], got \[4,4,4\]/);
      expect(() => T.conv3d(x, w, null, { stride: [1, 1] as never })).toThrow(/^conv3d: option 'stride' expected a number or \[d, h, w\], got \[1,1\]/);
      expect(() => T.conv3d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/^conv3d: padding 'same' is not supported for strided convolutions \(stride \[2,2,2\]\)/);
      expect(() => T.conv3d(x, w, null, { algo: 'fftTiling' })).toThrow(/^conv3d: algo 'fftTiling' is not available on cpu; cpu supports 'auto', 'heuristic', 'direct', 'winograd'/);
      expect(() => T.conv3d(x, w, null, { dilations: 2 } as never)).toThrow(/conv3d.*dilations/);
      expect(() => T.conv3d(x, T.randn([3, 1, 3, 3, 3]))).toThrow(/^conv3d: weight has 1 input channels but input has 2/);
      // A batch of 2-d images reads as one unbatched volume; the refusal says so (user trial AP).
      expect(() => T.conv3d(T.randn([8, 1, 6, 6]), T.randn([4, 1, 3, 3, 3]))).toThrow(/a 4-d input \[8,1,6,6\] is one unbatched \[C, D, H, W\] volume \(a batch of volumes is \[N, C, D, H, W\]\)$/);
      // A fractional padding is shown as given.
      expect(() => T.conv3d(x, w, null, { padding: 1.5 })).toThrow(/^conv3d: option 'padding' expected an array of integers, got \[1.5,1.5,1.5\]/);
    });
  });
});

describe('convTranspose3d', () => {
  it('is the adjoint of conv3d: <conv3d(x), y> = <x, convTranspose3d(y)>', async () => {
    const [lhs, rhs] = scope(() => {
      const x = T.randn([2, 3, 5, 6, 4]);
      const w = T.randn([4, 3, 3, 2, 3]);
      const options = { stride: [2, 1, 2] as [number, number, number], padding: [1, 0, 1] as [number, number, number] };
      const y = T.randn(T.conv3d(x, w, null, options).shape);
      const back = T.convTranspose3d(y, w, null, { ...options, outputPadding: [0, 0, 1] });
      expect(back.shape).toEqual(x.shape);
      return [T.sum(T.mul(T.conv3d(x, w, null, options), y)), T.sum(T.mul(x, back))];
    });
    const [a, b] = [await lhs.item(), await rhs.item()];
    lhs.dispose();
    rhs.dispose();
    expect(Math.abs(a - b)).toBeLessThan(1e-3 * (1 + Math.abs(a)));
  });

  it('refuses bad arguments, naming the function, the argument, expected and got', () => {
    scope(() => {
      const x = T.randn([1, 2, 3, 3, 3]);
      const w = T.randn([2, 3, 3, 3, 3]);
      expect(() => T.convTranspose3d(x, T.randn([2, 3, 3, 3]))).toThrow(/^convTranspose3d: weight expected 5 dimensions \[C_in,C_out\/groups,kD,kH,kW\], got \[2,3,3,3\]/);
      expect(() => T.convTranspose3d(x, T.randn([3, 3, 3, 3, 3]))).toThrow(/^convTranspose3d: weight has 3 input channels but input has 2/);
      expect(() => T.convTranspose3d(x, w, null, { stride: 2, outputPadding: 2 })).toThrow(
        /^convTranspose3d: option 'outputPadding' expected integers >= 0 and smaller than the stride \[2,2,2\] or the dilation \[1,1,1\], got \[2,2,2\]/,
      );
      expect(() => T.convTranspose3d(x, w, null, { padding: 3 })).toThrow(/^convTranspose3d: the padding leaves an output of -1x-1x-1/);
      expect(() => T.convTranspose3d(x, w, T.randn([2]))).toThrow(/^convTranspose3d: bias expected shape \[3\] \(one per output channel\), got \[2\]/);
    });
  });
});
