// The reduction plan's general path (reduced dims that are not one block), with and without a
// reduced last dim (Note [reduction plan] in native/src/cpu/reduce.cc), and short rows stepped
// eight at a time, against a plain JS loop.
import { describe, expect, it } from 'vitest';
import { amax, argmax, argmin, logsumexp, mean, sum, tensor, variance } from '../src/index.js';

function reference(shape: number[], data: Float32Array, dims: number[], f: (xs: number[]) => number): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const groups = new Map<string, number[]>();
  for (let k = 0; k < data.length; k++) {
    const key = shape.map((_, d) => (dims.includes(d) ? 0 : Math.floor(k / strides[d]) % shape[d])).join(',');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(data[k]);
  }
  return [...groups.values()].map(f);
}

const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const cases: [number[], number[]][] = [
  [[4, 3, 5], [0, 2]],
  [[5, 6, 7, 9], [0, 2, 3]],
  [[5, 6, 7, 9], [1, 3]],
  [[5, 6, 7, 9], [0, 1, 3]],
  [[5, 6, 7, 9], [0, 2]],
  [[3, 1, 4, 1, 6], [0, 2, 4]],
  [[4, 0, 3], [0, 2]],
];

describe('reductions over dims that are not one block', () => {
  for (const [shape, dims] of cases) {
    it(`sum, mean, var, logsumexp (and its gradient) of [${shape}] over [${dims}]`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 3);
      const x = tensor(data, { shape, requiresGrad: true });
      const close = (got: Float32Array, want: number[], tol = 1e-4) => {
        expect(got.length).toBe(want.length);
        want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
      };
      close(await sum(x, { dim: dims }).data() as Float32Array, reference(shape, data, dims, sumOf));
      if (n === 0) return;
      close(await mean(x, { dim: dims }).data() as Float32Array, reference(shape, data, dims, (xs) => sumOf(xs) / xs.length));
      close(await variance(x, { dim: dims }).data() as Float32Array, reference(shape, data, dims, (xs) => {
        const m = sumOf(xs) / xs.length;
        return sumOf(xs.map((v) => (v - m) ** 2)) / (xs.length - 1);
      }));
      const lse = logsumexp(x, { dim: dims });
      close(await lse.data() as Float32Array, reference(shape, data, dims, (xs) => Math.log(sumOf(xs.map(Math.exp)))));
      sum(lse).backward();
      // d/dx sum(logsumexp) = softmax over each group: every group's gradient sums to 1.
      close(await sum(x.grad!, { dim: dims }).data() as Float32Array, reference(shape, data, dims, () => 1));
    });
  }
});

describe('short rows (reduced together, eight rows at a time) and rows either side of the vector threshold', () => {
  // 37 rows: four full groups of eight and a partial one.
  for (const width of [1, 2, 5, 15, 16, 17, 63, 64, 65]) {
    it(`sum, mean, var, amax, argmax, argmin and logsumexp of [37, ${width}] over the last dim`, async () => {
      const data = Float32Array.from({ length: 37 * width }, (_, i) => Math.sin(i * 1.3) * 4 + (i % 7 === 3 ? 2 : 0));
      const x = tensor(data, { shape: [37, width] });
      const rows = Array.from({ length: 37 }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
      const close = (got: ArrayLike<number | bigint>, want: number[], tol = 1e-5) => {
        expect(got.length).toBe(want.length);
        want.forEach((w, i) => expect(Math.abs(Number(got[i]) - w), `row ${i}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
      };
      close(await sum(x, { dim: -1 }).data(), rows.map(sumOf));
      close(await mean(x, { dim: -1 }).data(), rows.map((xs) => sumOf(xs) / width));
      if (width > 1) {
        close(await variance(x, { dim: -1 }).data(), rows.map((xs) => {
          const m = sumOf(xs) / width;
          return sumOf(xs.map((v) => (v - m) ** 2)) / (width - 1);
        }), 1e-4);
      }
      close(await amax(x, { dim: -1 }).data(), rows.map((xs) => Math.max(...xs)));
      close(await argmax(x, { dim: -1 }).data(), rows.map((xs) => xs.indexOf(Math.max(...xs))), 0);
      close(await argmin(x, { dim: -1 }).data(), rows.map((xs) => xs.indexOf(Math.min(...xs))), 0);
      close(await logsumexp(x, { dim: -1 }).data(), rows.map((xs) => Math.log(sumOf(xs.map(Math.exp)))));
    });
  }
});
