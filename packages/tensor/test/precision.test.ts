// Accuracy of the transcendental ops against float64 references, in float32 ulps (log1p and
// expm1 run our vector functions since a user trial found libm's scalar loop 12x PyTorch), and NaN
// propagation through every float activation: on cpu and, where it is available, on cuda. Found
// by a user trial: oneDNN 2.x's eltwise log was off by up to 1.4e-6 absolute (log(1) = −1.4e-6,
// so logSoftmax gave positive log-probabilities and softplus(−20) was negative), its elu lost
// digits near 0, and its relu turned NaN into 0.
import { describe, expect, it } from 'vitest';
import { add, backends, clamp, elu, exp, expm1, full, gelu, leakyRelu, log, log1p, logSoftmax, mul, pad, pow, relu, scope, sigmoid, softmax, softplus, tanh, tensor, type Tensor } from '../src/index.js';

const cuda = backends().cuda;
const devices = ['cpu', ...(cuda.available ? ['cuda'] : [])];
const N = 4001;
const grid = (lo: number, hi: number) => Float32Array.from({ length: N }, (_, i) => lo + ((hi - lo) * i) / (N - 1));

/** |got − want| in float32 ulps at `want` (subnormal results measured at the smallest normal's ulp). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(want)) return got === want ? 0 : Infinity;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(want) || 2 ** -126)), -126);
  return Math.abs(got - want) / 2 ** (exponent - 23);
}

const cases: [string, (x: Tensor) => Tensor, (v: number) => number, Float32Array, number][] = [
  ['exp', exp, Math.exp, grid(-80, 80), 2],
  ['log', log, Math.log, grid(1e-3, 10), 2],
  ['log near 1', log, Math.log, grid(0.99, 1.01), 2],
  ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v)), grid(-30, 30), 4],
  ['tanh', tanh, Math.tanh, grid(-10, 10), 4],
  ['softplus', (x) => softplus(x), (v) => Math.log1p(Math.exp(v)), grid(-30, 15), 4],
  ['elu', (x) => elu(x), (v) => (v > 0 ? v : Math.expm1(v)), grid(-5, 5), 4],
  ['elu near 0', (x) => elu(x), (v) => (v > 0 ? v : Math.expm1(v)), grid(-0.01, 0.01), 4],
  ['log1p', log1p, Math.log1p, grid(-0.999, 1e4), 2],
  ['log1p near 0', log1p, Math.log1p, grid(-1e-3, 1e-3), 2],
  ['expm1', expm1, Math.expm1, grid(-20, 80), 3],
  ['expm1 near 0', expm1, Math.expm1, grid(-1e-3, 1e-3), 3],
];

for (const device of devices) {
  describe(`accuracy on ${device}`, () => {
    for (const [name, f, reference, xs, bound] of cases) {
      it(`${name}: within ${bound} ulp of the float64 value over [${xs[0]}, ${xs[N - 1]}]`, () => {
        scope(() => {
          const ys = f(tensor(xs, { device })).dataSync();
          let worst = 0, at = 0;
          xs.forEach((x, i) => {
            const e = ulps(ys[i], reference(x));
            if (e > worst) [worst, at] = [e, i];
          });
          expect(worst, `${ulps(ys[at], reference(xs[at])).toFixed(1)} ulp at x = ${xs[at]}: got ${ys[at]}, want ${Math.fround(reference(xs[at]))}`).toBeLessThanOrEqual(bound);
        });
      });
    }

    it('logSoftmax of a confident row: log-probabilities ≤ 0 and as accurate as the difference allows', () => {
      scope(() => {
        for (const dim of [1, 0]) {
          const margins = [1, 10, 20, 30];
          const rows = tensor(margins.flatMap((a) => [a, 0]), { shape: [4, 2], device });
          const y = logSoftmax(dim === 1 ? rows : rows.transpose(0, 1).contiguous(), dim).dataSync();
          margins.forEach((a, k) => {
            const top = dim === 1 ? y[2 * k] : y[k];
            const want = -Math.log1p(Math.exp(-a));
            expect(top, `dim ${dim}, margin ${a}`).toBeLessThanOrEqual(0);
            // The sum 1 + e^−a is rounded to float32 before its log: an absolute error up to ulp(1)/2.
            expect(Math.abs(top - want), `dim ${dim}, margin ${a}: got ${top}, want ${want}`).toBeLessThanOrEqual(2 ** -24 + 4 * 2 ** -24 * Math.abs(want));
          });
        }
      });
    });
  });

  describe(`NaN on ${device}`, () => {
    const ops: [string, (x: Tensor) => Tensor][] = [
      ['relu', relu], ['leakyRelu', (x) => leakyRelu(x, 0.1)], ['elu', (x) => elu(x)], ['gelu', (x) => gelu(x)], ['softplus', (x) => softplus(x)],
      ['sigmoid', sigmoid], ['tanh', tanh], ['exp', exp], ['log', log], ['softmax', (x) => softmax(x, 0)], ['logSoftmax', (x) => logSoftmax(x, 0)],
    ];
    it('is a value scalars and bounds may take (add, mul, full, pad, clamp, pow)', () => {
      scope(() => {
        const x = tensor([1, 2, 3], { device });
        const allNaN = (t: Tensor) => Array.from(t.dataSync()).every(Number.isNaN);
        expect(allNaN(add(x, Number.NaN))).toBe(true);
        expect(allNaN(mul(tensor([1, 2], { dtype: 'int32', device }), Number.NaN))).toBe(true);
        expect(allNaN(full([2], Number.NaN, { device }))).toBe(true);
        expect(Array.from(pad(x, [1, 1], { value: Number.NaN }).dataSync()).map(Number.isNaN)).toEqual([true, false, false, false, true]);
        expect(allNaN(clamp(x, Number.NaN, null))).toBe(true); // PyTorch: a NaN bound gives NaN
        expect(allNaN(clamp(tensor([1, 2], { dtype: 'int32', device }), { max: Number.NaN }))).toBe(true);
        expect(Array.from(pow(x, Number.NaN).dataSync())).toEqual([1, Number.NaN, Number.NaN]); // 1^NaN = 1
      });
    });

    for (const [name, f] of ops) {
      it(`${name} keeps NaN (small and large tensors)`, () => {
        scope(() => {
          expect(Number.isNaN(f(tensor([Number.NaN, -1, 2], { device })).dataSync()[0])).toBe(true);
          if (name.includes('oftmax')) return; // one NaN makes every value of its row NaN
          const big = f(tensor(new Float32Array(1 << 16).fill(Number.NaN), { device })).dataSync();
          expect(big.every(Number.isNaN)).toBe(true);
        });
      });
    }
  });
}
