// The reduction plan's general path (reduced dims that are not one block), with and without a
// reduced last dim (Note [reduction plan] in native/src/cpu/reduce.cc), against a plain JS loop.
import { describe, expect, it } from 'vitest';
import { logsumexp, mean, sum, tensor, variance } from '../src/index.js';

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
