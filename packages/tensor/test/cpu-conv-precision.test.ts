// setCpuConvPrecision (Note [cpu conv precision]): 'highest' makes cpu conv2d with algo 'auto'
// compute directly — the same numbers as algo 'direct', within float32 rounding of a float64
// reference — on a shape where oneDNN's own choice on AVX-512 is Winograd ([32,64,7,7] by a
// 64→64 3×3 kernel, as in a user trial's normalizing flow); 'high' gives oneDNN's choice back.
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '../src/index.js';

const nums = (t: T.Tensor): Float32Array => t.dataSync() as Float32Array;

/** The convolution in float64 (stride 1, padding 1, 3×3), for the error of each result. */
function reference(x: Float32Array, w: Float32Array, [n, c, h, wd]: number[], o: number): Float64Array {
  const out = new Float64Array(n * o * h * wd);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < o; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++) {
          let acc = 0;
          for (let q = 0; q < c; q++)
            for (let u = 0; u < 3; u++)
              for (let v = 0; v < 3; v++) {
                const r = i + u - 1, s = j + v - 1;
                if (r >= 0 && r < h && s >= 0 && s < wd) acc += x[((b * c + q) * h + r) * wd + s] * w[((k * c + q) * 3 + u) * 3 + v];
              }
          out[((b * o + k) * h + i) * wd + j] = acc;
        }
  return out;
}

const maxRelative = (got: Float32Array, want: Float64Array): number => {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return got.reduce((m, g, i) => Math.max(m, Math.abs(g - want[i]) / scale), 0);
};

describe('setCpuConvPrecision', () => {
  afterEach(() => T.setCpuConvPrecision('high'));

  it("'highest' computes 'auto' convolutions directly; 'high' restores oneDNN's choice", () => {
    T.scope(() => {
      T.manualSeed(3);
      const shape = [32, 64, 7, 7];
      const x = T.randn(shape);
      const w = T.mul(T.randn([64, 64, 3, 3]), 0.1);
      const want = reference(nums(x), nums(w), shape, 64);
      expect(T.cpuConvPrecision()).toBe('high');
      const chosen = nums(T.conv2d(x, w, null, { padding: 1 }));
      const direct = nums(T.conv2d(x, w, null, { padding: 1, algo: 'direct' }));
      T.setCpuConvPrecision('highest');
      expect(T.cpuConvPrecision()).toBe('highest');
      const highest = nums(T.conv2d(x, w, null, { padding: 1 }));
      expect(highest).toEqual(direct);
      expect(maxRelative(highest, want)).toBeLessThan(1e-6);
      // Its gradients too: backward data and weights run direct.
      const xr = T.clone(x).requiresGrad_(true);
      const [gx] = T.grad(T.sum(T.mul(T.conv2d(xr, w, null, { padding: 1 }), T.conv2d(x, w, null, { padding: 1 }))), [xr]);
      const [gd] = T.grad(T.sum(T.mul(T.conv2d(xr, w, null, { padding: 1, algo: 'direct' }), T.conv2d(x, w, null, { padding: 1, algo: 'direct' }))), [xr]);
      expect(nums(gx!)).toEqual(nums(gd!));
      T.setCpuConvPrecision('high');
      expect(nums(T.conv2d(x, w, null, { padding: 1 }))).toEqual(chosen);
    });
  });

  it('refuses anything but the two precisions', () => {
    expect(() => T.setCpuConvPrecision('medium' as never)).toThrow(/^setCpuConvPrecision: expected 'highest' or 'high', got "medium"$/);
    expect(() => T.setCpuConvPrecision(true as never)).toThrow(/^setCpuConvPrecision: expected 'highest' or 'high', got true$/);
  });
});
