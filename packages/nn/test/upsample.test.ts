// Upsample and PyTorch's fixed-mode UpsamplingNearest2d / UpsamplingBilinear2d: each is
// interpolate with its options (interpolate's values are checked against PyTorch in the tensor
// package), reprs, and the refusals made when the layer is built.
import { describe, expect, it } from 'vitest';
import { interpolate, randn, scope } from '@nutshell/tensor';
import { Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from '../src/index.js';

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('Upsample', () => {
  it('is interpolate with its options; the fixed-mode layers are nearest, and bilinear with alignCorners', () => {
    scope(() => {
      const x = randn([2, 3, 5, 4]);
      expect(values(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x))).toEqual(values(interpolate(x, { scaleFactor: 2, mode: 'bilinear' })));
      expect(values(new UpsamplingNearest2d({ size: [7, 9] }).forward(x))).toEqual(values(interpolate(x, { size: [7, 9], mode: 'nearest' })));
      const bilinear = new UpsamplingBilinear2d({ scaleFactor: 2 }).forward(x);
      expect(bilinear.shape).toEqual([2, 3, 10, 8]);
      expect(values(bilinear)).toEqual(values(interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true })));
    });
  });

  it('reprs', () => {
    expect(String(new Upsample({ scaleFactor: 2 }))).toBe('Upsample(scaleFactor=2, mode=nearest)');
    expect(String(new UpsamplingBilinear2d({ scaleFactor: 2 }))).toBe('UpsamplingBilinear2d(scaleFactor=2, mode=bilinear, alignCorners=true)');
  });

  it('refuses a bad mode when built, not at the first forward', () => {
    expect(() => new Upsample({ scaleFactor: 2, mode: 'tri-linear' as never })).toThrow(
      /^Upsample: option 'mode' expected one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', got 'tri-linear'$/,
    );
    expect(() => new Upsample({ scaleFactor: 2, size: 4 })).toThrow(/^Upsample: expected exactly one of the options 'size' and 'scaleFactor'$/);
    expect(() => new UpsamplingBilinear2d({ scaleFactor: 2, mode: 'nearest' } as never)).toThrow(/^UpsamplingBilinear2d: unknown option 'mode'/);
    expect(() => new UpsamplingNearest2d({ scale_factor: 2 } as never)).toThrow(/^UpsamplingNearest2d: unknown option 'scale_factor'.*did you mean 'scaleFactor'/);
  });
});
