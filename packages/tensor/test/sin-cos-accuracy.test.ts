// sin and cos on the cpu run vectorised Cephes polynomials (native/src/cpu/vmath.h) below |x| =
// 8192 and libm beyond: within 1e-7 of the true value everywhere, the special values as libm's.
import { describe, expect, it } from 'vitest';
import { cos, scope, sin, tensor } from '../src/index.js';

describe('sin and cos', () => {
  for (const [name, f, ref] of [['sin', sin, Math.sin], ['cos', cos, Math.cos]] as const) {
    it(`${name} within 1e-7 of the true value from 1e-30 to 1e5, vector lanes and tails alike`, () => {
      scope(() => {
        for (const [lo, hi] of [[-1, 1], [-100, 100], [-8192, 8192], [-1e5, 1e5]]) {
          const n = 20003; // not a multiple of any vector width
          const xs = Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * ((i * 0.6180339887) % 1));
          const ys = f(tensor(xs)).dataSync() as Float32Array;
          let worst = 0;
          for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ys[i] - ref(xs[i])));
          expect(worst, `${name} on [${lo}, ${hi}]`).toBeLessThan(1e-7);
        }
      });
    });

    it(`${name} of special values is libm's (signed zero, NaN, infinities, past 8192)`, () => {
      scope(() => {
        const xs = Float32Array.from([0, -0, NaN, Infinity, -Infinity, 8192, 8192.5, -8193, 1e30, -1e-30]);
        const got = Array.from(f(tensor(xs)).dataSync() as Float32Array);
        const want = Array.from(xs, (v) => Math.fround(ref(v)));
        got.forEach((v, i) => (Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(Object.is(v, want[i]) || Math.abs(v - want[i]) < 1e-7, `${name}(${xs[i]}) = ${v}, want ${want[i]}`).toBe(true)));
      });
    });
  }
});
