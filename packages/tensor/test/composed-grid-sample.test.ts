// affineGrid and gridSample (ops/table/composed-grid-sample.ts) against PyTorch 2.13's
// F.affine_grid and F.grid_sample: outputs and every input's gradient from
// test/fixtures/composed-grid-sample.safetensors (scripts/fixtures_composed_grid_sample.py) —
// every mode × paddingMode × alignCorners on a batch of non-square images with grids reaching
// outside [-1, 1], nearest at exact half pixels, exact borders, one-pixel axes, non-finite grid
// values, affineGrid alone and feeding gridSample; and volumes (5-D input, trilinear). Then finite-difference gradient checks,
// hand-computed values, empty shapes and the refusals. Run on cpu and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, noGrad, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose, hashString, normal, seededRandom } from '../src/testing/index.js';
import { describeGoldenCases, devices, type GoldenCall, checkGradFn, type GradInput, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('composed-grid-sample');

const calls: Record<string, GoldenCall> = {};
const modes = ['bilinear', 'nearest'] as const;
const paddings = ['zeros', 'border', 'reflection'] as const;
const tag = (align: boolean) => (align ? 'aligned' : 'edges');
for (const mode of modes) {
  for (const paddingMode of paddings) {
    for (const alignCorners of [false, true]) {
      // The defaults spelt out only where they differ, so the defaults are exercised too.
      const options = { ...(mode !== 'bilinear' && { mode }), ...(paddingMode !== 'zeros' && { paddingMode }), ...(alignCorners && { alignCorners }) };
      calls[`${mode}_${paddingMode}_${tag(alignCorners)}`] = (x, g) => T.gridSample(x, g, options);
    }
    calls[`nonFinite_${mode}_${paddingMode}`] = (x, g) => T.gridSample(x, g, { mode, paddingMode, alignCorners: false });
  }
}
for (const alignCorners of [false, true]) {
  calls[`nearestHalves_${tag(alignCorners)}`] = (x, g) => T.gridSample(x, g, { mode: 'nearest', alignCorners });
  for (const paddingMode of paddings) {
    calls[`exactEdges_${paddingMode}_${tag(alignCorners)}`] = (x, g) => T.gridSample(x, g, { paddingMode, alignCorners });
    calls[`onePixel_${paddingMode}_${tag(alignCorners)}`] = (x, g) => T.gridSample(x, g, { mode: 'bilinear', paddingMode, alignCorners });
  }
  calls[`affineGrid_${tag(alignCorners)}`] = (theta) => T.affineGrid(theta, [2, 3, 4, 5], { alignCorners });
  calls[`affineGridOnePixel_${tag(alignCorners)}`] = (theta) => T.affineGrid(theta, [1, 2, 1, 3], { alignCorners });
  calls[`affineGridLong_${tag(alignCorners)}`] = (theta) => T.affineGrid(theta, [1, 1, 11, 20], alignCorners ? { alignCorners } : undefined);
  calls[`spatialTransformer_${tag(alignCorners)}`] = (x, theta) => T.gridSample(x, T.affineGrid(theta, x.shape, { alignCorners }), { alignCorners });
}
for (const mode of modes) {
  for (const paddingMode of paddings) {
    for (const alignCorners of [false, true]) calls[`volume_${mode}_${paddingMode}_${tag(alignCorners)}`] = (x, g) => T.gridSample(x, g, { mode, paddingMode, alignCorners });
  }
}
for (const alignCorners of [false, true]) {
  calls[`affineGrid3d_${tag(alignCorners)}`] = (theta) => T.affineGrid(theta, [2, 3, 2, 4, 5], { alignCorners });
  calls[`volumeTransformer_${tag(alignCorners)}`] = (x, theta) => T.gridSample(x, T.affineGrid(theta, x.shape, { alignCorners }), { alignCorners });
}
calls.bilinearLarger = (x, g) => T.gridSample(x, g, { paddingMode: 'reflection' });
calls.bilinearOnePoint = (x, g) => T.gridSample(x, g, { paddingMode: 'border', alignCorners: true });

describeGoldenCases(fx, calls, (device) => `affineGrid and gridSample match PyTorch, forward and backward (${device})`, { output: [1e-5, 1e-5], grad: [1e-4, 1e-4] });

/**
 * Note [gradient check] (src/testing/gradcheck.ts) for a composed function: directional finite
 * differences of L = Σ u ⊙ f(x) against the analytic gradient, every input at once.
 */
const gradcheckFn = (name: string, f: (...xs: Tensor[]) => Tensor, inputs: GradInput[], eps = 1e-2, tolerance = 1e-2): void =>
  checkGradFn(`composed-grid-sample/${name}`, f, inputs, { tolerance, eps });

const spaced = (shape: number[]): { shape: number[]; values: number[] } => {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Array.from({ length: n }, (_, i) => (((i * 7) % 11) - 5) * 0.3 + 0.05) };
};

// A grid [N, H_out, W_out, 2] whose pixel coordinates (as gridSample unnormalises them) have
// fractional parts 0.2, 0.3, 0.7 or 0.8, inside the image and up to 1.5 images outside: a step of
// a few hundredths of a pixel crosses no pixel boundary, border or reflection point (those lie on
// integers and, without alignCorners, on halves).
function offBoundaryGrid(shape: [number, number, number], h: number, w: number, alignCorners: boolean): { shape: number[]; values: number[] } {
  const rand = seededRandom(hashString(`grid/${shape.join(',')}/${h}x${w}/${alignCorners}`));
  const fracs = [0.2, 0.3, 0.7, 0.8];
  const coord = (size: number) => {
    const c = Math.floor((rand() * 4 - 1.5) * size) + fracs[Math.floor(rand() * 4)];
    return alignCorners ? (size > 1 ? (2 * c) / (size - 1) - 1 : 0) : (2 * c + 1) / size - 1;
  };
  const values: number[] = [];
  for (let k = 0; k < shape[0] * shape[1] * shape[2]; k++) values.push(coord(w), coord(h));
  return { shape: [...shape, 2], values };
}

describe('finite-difference gradient checks', () => {
  for (const paddingMode of paddings) {
    for (const alignCorners of [false, true]) {
      it(`bilinear, ${paddingMode}, alignCorners ${alignCorners}: input and grid`, () => {
        const grid = offBoundaryGrid([2, 3, 4], 3, 5, alignCorners);
        // eps 2e-3 in grid units moves a point at most a few hundredths of a pixel.
        gradcheckFn(`bilinear/${paddingMode}/${alignCorners}`, (x, g) => T.gridSample(x, g, { paddingMode, alignCorners }), [spaced([2, 2, 3, 5]), grid], 2e-3, 2e-2);
      });
    }
  }

  it('nearest: input (the grid held fixed)', () => {
    const grid = offBoundaryGrid([2, 3, 4], 4, 3, false);
    const g = tensor(grid.values, { shape: grid.shape });
    for (const paddingMode of paddings) gradcheckFn(`nearest/${paddingMode}`, (x) => T.gridSample(x, g, { mode: 'nearest', paddingMode }), [spaced([2, 3, 4, 3])]);
  });

  it('affineGrid: theta (linear), both alignments', () => {
    for (const alignCorners of [false, true]) gradcheckFn(`affineGrid/${alignCorners}`, (theta) => T.affineGrid(theta, [2, 1, 3, 4], { alignCorners }), [spaced([2, 2, 3])]);
  });

  it('volumes: trilinear input and grid, and a 3-d affine grid', () => {
    // (x, y) points off the pixel boundaries as above, z likewise along a depth of 3.
    const xy = offBoundaryGrid([1, 2, 3], 4, 5, false);
    const z = offBoundaryGrid([1, 2, 3], 3, 3, false).values.filter((_, i) => i % 2 === 0);
    const grid = { shape: [1, 1, 2, 3, 3], values: Array.from({ length: 6 }, (_, i) => [xy.values[2 * i], xy.values[2 * i + 1], z[i]]).flat() };
    for (const paddingMode of paddings) {
      gradcheckFn(`volume/${paddingMode}`, (x, g) => T.gridSample(x, g, { paddingMode }), [spaced([1, 2, 3, 4, 5]), grid], 2e-3, 2e-2);
    }
    gradcheckFn('affineGrid3d', (theta) => T.affineGrid(theta, [1, 1, 2, 3, 4]), [spaced([1, 3, 4])]);
  });
});

for (const device of devices) {
  describe(`hand-computed values and shapes (${device})`, () => {
    it('the identity affine grid samples the image back; a half-pixel shift averages neighbours', () => {
      scope(() => {
        const x = tensor([[[[1, 2, 3], [4, 5, 6]]]], { device });
        const identity = tensor([[[1, 0, 0], [0, 1, 0]]], { device });
        for (const alignCorners of [false, true]) {
          const grid = T.affineGrid(identity, [1, 1, 2, 3], { alignCorners });
          expect(grid.shape).toEqual([1, 2, 3, 2]);
          expectClose(nums(T.gridSample(x, grid, { alignCorners })), [1, 2, 3, 4, 5, 6], 1e-6, 1e-6);
          expect(nums(T.gridSample(x, grid, { mode: 'nearest', alignCorners }))).toEqual([1, 2, 3, 4, 5, 6]);
        }
        // Without alignCorners, -1 and 1 are the outer edges: x pixel centres at -2/3, 0, 2/3.
        expectClose(nums(T.affineGrid(identity, [1, 1, 1, 3])), [-2 / 3, 0, 0, 0, 2 / 3, 0], 1e-6, 1e-7);
        // Half a pixel right of the first centre (x = -1/3) on row 0: (1 + 2) / 2.
        const half = tensor([[[[-1 / 3, -0.5]]]], { device });
        expectClose(nums(T.gridSample(x, half)), [1.5], 1e-5, 1e-5);
        // Past the right edge: zeros, the border pixel, or the reflection.
        const out = tensor([[[[2, -0.5]]]], { device }); // pixel x = (2 + 1)·3/2 − 0.5 = 4, row 0
        expect(nums(T.gridSample(x, out))).toEqual([0]);
        expect(nums(T.gridSample(x, out, { paddingMode: 'border' }))).toEqual([3]);
        // Reflected about the right edge 2.5: 4 → 1.
        expect(nums(T.gridSample(x, out, { paddingMode: 'reflection' }))).toEqual([2]);
      });
    });

    it('empty batch, channels or output; a channel count of one', () => {
      scope(() => {
        expect(T.gridSample(T.zeros([0, 2, 3, 4], { device }), T.zeros([0, 2, 2, 2], { device })).shape).toEqual([0, 2, 2, 2]);
        expect(T.gridSample(T.zeros([1, 0, 3, 4], { device }), T.zeros([1, 2, 2, 2], { device })).shape).toEqual([1, 0, 2, 2]);
        expect(T.gridSample(T.ones([1, 2, 3, 4], { device }), T.zeros([1, 0, 2, 2], { device }), { mode: 'nearest' }).shape).toEqual([1, 2, 0, 2]);
        expect(nums(T.gridSample(T.ones([1, 1, 3, 4], { device }), T.zeros([1, 2, 2, 2], { device })))).toEqual([1, 1, 1, 1]);
      });
    });

    it('nearest gives the grid a zero gradient (as PyTorch), the input its picks', () => {
      scope(() => {
        const x = tensor([[[[1, 2], [3, 4]]]], { device, requiresGrad: true });
        const g = tensor([[[[-0.5, -0.5], [0.5, 0.5], [0.6, -0.4]]]], { device, requiresGrad: true });
        const y = T.gridSample(x, g, { mode: 'nearest' });
        expect(nums(y)).toEqual([1, 4, 2]);
        T.sum(y).backward();
        expect(nums(x.grad!)).toEqual([1, 1, 0, 1]);
        expect(nums(g.grad!)).toEqual([0, 0, 0, 0, 0, 0]);
      });
    });
  });
}

describe('refusals name the function, the argument, expected and got', () => {
  const x = T.zeros([2, 3, 4, 5]);
  const g = T.zeros([2, 3, 3, 2]);
  it('gridSample', () => {
    expect(() => T.gridSample([1] as never, g)).toThrow(/^gridSample: input expected a tensor, got object$/);
    expect(() => T.gridSample(x, null as never)).toThrow(/^gridSample: grid expected a tensor, got null$/);
    expect(() => T.gridSample(tensor([[[[1]]]], { dtype: 'int32' }), g)).toThrow(T.DTypeError);
    expect(() => T.gridSample(tensor([[[[1]]]], { dtype: 'int32' }), g)).toThrow(/^gridSample: input expected float32, got int32$/);
    expect(() => T.gridSample(x, tensor([[[[1, 2]]]], { dtype: 'int64' }))).toThrow(/^gridSample: grid expected float32, got int64$/);
    expect(() => T.gridSample(T.zeros([3, 4, 5]), g)).toThrow(T.ShapeError);
    expect(() => T.gridSample(T.zeros([3, 4, 5]), g)).toThrow(/^gridSample: input expected \[N, C, H_in, W_in\] or \[N, C, D_in, H_in, W_in\], got \[3,4,5\]$/);
    expect(() => T.gridSample(T.zeros([2, 3, 4, 5, 6]), g)).toThrow(/^gridSample: grid expected \[N, D_out, H_out, W_out, 3\] for a 5-D input, got \[2,3,3,2\]$/);
    expect(() => T.gridSample(x, T.zeros([2, 3, 3, 3]))).toThrow(/^gridSample: grid expected \[N, H_out, W_out, 2\] for a 4-D input, got \[2,3,3,3\]$/);
    expect(() => T.gridSample(x, T.zeros([2, 3, 2]))).toThrow(/^gridSample: grid expected \[N, H_out, W_out, 2\] for a 4-D input, got \[2,3,2\]$/);
    expect(() => T.gridSample(x, T.zeros([1, 3, 3, 2]))).toThrow(/^gridSample: grid expected input's batch size 2 in dimension 0, got 1 \(input \[2,3,4,5\], grid \[1,3,3,2\]\)$/);
    expect(() => T.gridSample(T.zeros([2, 3, 0, 5]), g)).toThrow(/^gridSample: input expected non-empty spatial dimensions, got \[2,3,0,5\]$/);
    expect(() => T.gridSample(x, g, { mode: 'bicubic' } as never)).toThrow(/^gridSample: option 'mode' expected 'bilinear', 'nearest', got 'bicubic' \('bicubic' is not supported\)$/);
    expect(() => T.gridSample(x, g, { mode: 'linear' } as never)).toThrow(/^gridSample: option 'mode' expected 'bilinear', 'nearest', got 'linear'$/);
    expect(() => T.gridSample(x, g, { paddingMode: 'reflect' } as never)).toThrow(/^gridSample: option 'paddingMode' expected 'zeros', 'border', 'reflection', got 'reflect'$/);
    expect(() => T.gridSample(x, g, { alignCorners: 1 } as never)).toThrow(/^gridSample: option 'alignCorners' expected a boolean, got number$/);
    expect(() => T.gridSample(x, g, { padding_mode: 'border' } as never)).toThrow(/^gridSample: unknown option 'padding_mode' \(it takes 'mode', 'paddingMode', 'alignCorners'\); did you mean 'paddingMode'\?$/);
    expect(() => T.gridSample(x, g, 'bilinear' as never)).toThrow(/^gridSample: options expected an object with 'mode', 'paddingMode', 'alignCorners', got string 'bilinear'$/);
    expect(() => T.gridSample(x, g, {}, 1 as never)).toThrow(/^gridSample: takes at most 3 arguments, got 4/);
    if (backends().cuda.available) {
      expect(() => T.gridSample(x, T.zeros([2, 3, 3, 2], { device: 'cuda' }))).toThrow(/^gridSample: grid expected a tensor on input's device cpu, got one on cuda/);
    }
  });

  it('affineGrid', () => {
    const theta = T.zeros([2, 2, 3]);
    expect(() => T.affineGrid(3 as never, [2, 1, 2, 2])).toThrow(/^affineGrid: theta expected a tensor, got number$/);
    expect(() => T.affineGrid(tensor([[[1, 0, 0], [0, 1, 0]]], { dtype: 'int32' }), [1, 1, 2, 2])).toThrow(/^affineGrid: theta expected float32, got int32$/);
    expect(() => T.affineGrid(theta, 4 as never)).toThrow(/^affineGrid: size expected an array \[N, C, H, W\] or \[N, C, D, H, W\], got number$/);
    expect(() => T.affineGrid(theta, [2, 1, 4])).toThrow(T.ValueError);
    expect(() => T.affineGrid(theta, [2, 1, 4])).toThrow(/^affineGrid: size expected \[N, C, H, W\] or \[N, C, D, H, W\] \(positive integers\), got \[2,1,4\]$/);
    expect(() => T.affineGrid(theta, [2, 1, 0, 4])).toThrow(/^affineGrid: size expected \[N, C, H, W\] or \[N, C, D, H, W\] \(positive integers\), got \[2,1,0,4\]$/);
    expect(() => T.affineGrid(theta, [2, 1, 2.5, 4])).toThrow(/^affineGrid: size expected \[N, C, H, W\] or \[N, C, D, H, W\] \(positive integers\), got \[2,1,2.5,4\]$/);
    expect(() => T.affineGrid(theta, [2, 1, 2, 3, 4])).toThrow(/^affineGrid: theta expected \[N, 3, 4\] = \[2,3,4\] for size \[2,1,2,3,4\], got \[2,2,3\]$/);
    expect(() => T.affineGrid(theta, [3, 1, 2, 2])).toThrow(T.ShapeError);
    expect(() => T.affineGrid(theta, [3, 1, 2, 2])).toThrow(/^affineGrid: theta expected \[N, 2, 3\] = \[3,2,3\] for size \[3,1,2,2\], got \[2,2,3\]$/);
    expect(() => T.affineGrid(T.zeros([2, 3, 3]), [2, 1, 2, 2])).toThrow(/^affineGrid: theta expected \[N, 2, 3\] = \[2,2,3\] for size \[2,1,2,2\], got \[2,3,3\]$/);
    expect(() => T.affineGrid(theta, [2, 1, 2, 2], { align_corners: true } as never)).toThrow(/^affineGrid: unknown option 'align_corners' \(it takes 'alignCorners'\); did you mean 'alignCorners'\?$/);
    expect(() => T.affineGrid(theta, [2, 1, 2, 2], { alignCorners: 'yes' } as never)).toThrow(/^affineGrid: option 'alignCorners' expected a boolean, got string$/);
    expect(() => T.affineGrid(theta, [2, 1, 2, 2], {}, 1 as never)).toThrow(/^affineGrid: takes at most 3 arguments, got 4/);
  });
});

describe('gridSample in training loops (found by a user trial)', () => {
  it('a NaN or ∞ at pixel 0 does not reach points outside the image (zeros padding gives 0 there, as PyTorch)', () => {
    scope(() => {
      const input = tensor([[[[NaN, 1], [2, 3]]]]);
      const grid = tensor([[[[5, 5], [-3, 0.9], [0, 0]]]]);
      expect(nums(T.gridSample(input, grid, { alignCorners: true }))).toEqual([0, NaN, NaN]);
      expect(nums(T.gridSample(input, grid, { alignCorners: true, mode: 'nearest' }))).toEqual([0, 0, NaN]);
    });
  });

  it('leaves nothing outside the scope of a step whose grid needs a gradient (an STN leaked 4 tensors a step)', async () => {
    const x = T.randn([2, 1, 5, 5]);
    const theta = T.tensor([[[1, 0.1, 0], [-0.1, 1, 0]], [[1, 0, 0.1], [0, 1, 0]]], { requiresGrad: true });
    const before = T.memory('cpu').liveTensors;
    for (const mode of ['bilinear', 'nearest'] as const) {
      for (let s = 0; s < 10; s++) {
        scope(() => T.gridSample(x, T.affineGrid(theta, [2, 1, 5, 5]), { mode }).sum().backward());
        theta.grad?.dispose();
        theta.grad = null;
      }
    }
    expect(T.memory('cpu').liveTensors).toBe(before);
  });
});
