// Note [python indexing]: index(x, ...specs) and indexPut(x, specs, value) against PyTorch's
// x[...] and x[...] = v (test/fixtures/indexing.json from scripts/fixtures_indexing.py): values
// and gradients, on both devices where cuda runs. An API review found no way to write x[:, 1:3]
// or x[:, 0] = v.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { arange, backends, index, indexPut, noGrad, scope, sum, tensor, type IndexSpec, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

type Case = { y: number[]; shape?: number[]; up: number[]; dx: number[]; dv?: number[] | null };
const torch = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/indexing.json', import.meta.url)), 'utf8')) as Record<string, Case>;

const devices = backends().cuda.available ? (['cpu', 'cuda'] as const) : (['cpu'] as const);
const reads: Record<string, (d: string) => IndexSpec[]> = {
  sel0: () => [1],
  neg: () => [-1, ':', -2],
  slice: () => [':', '1:3'],
  step: () => ['...', '::2'],
  newaxis: () => [null, ':', 0, null],
  ellipsis_last: () => ['...', 1],
  list: () => [':', [2, 0]],
  tensor2d: (d) => [':', ':', tensor([[3n, 0n], [1n, 1n]], { dtype: 'int64', device: d })],
  mixed: () => [0, '1:', [1, 3]],
  neg_slice: () => [':', '-2:'],
  clamped: () => [':', '1:10'],
  // Several index lists/tensors broadcast together (found by a user trial: x[arange(n), labels]).
  pairs: (d) => [tensor([0n, 1n, 1n], { dtype: 'int64', device: d }), tensor([2n, 0n, 1n], { dtype: 'int64', device: d })],
  pairs_adjacent: () => [':', [0, 2], [3, 1]],
  pairs_split: () => [[1, 0], ':', [3, 1]],
  pairs_broadcast: (d) => [tensor([[0n], [1n]], { dtype: 'int64', device: d }), ':', tensor([0n, 2n, -1n], { dtype: 'int64', device: d })],
  rows_labels: (d) => [0, arange(3, { device: d }), tensor([1n, 3n, 0n], { dtype: 'int64', device: d })],
};
const writes: Record<string, { specs: IndexSpec[]; value: (d: string) => Tensor | number; shape?: number[] }> = {
  put_col: { specs: [':', 0], value: (d) => tensor([[-1], [-2]], { device: d }) },
  put_scalar_slice: { specs: ['...', '1:3'], value: () => 7 },
  put_list: { specs: [1, [0, 2]], value: (d) => tensor([[9, 8, 7, 6]], { device: d }) },
  put_step: { specs: [':', ':', '::2'], value: (d) => tensor([5, 4], { device: d }) },
  put_pairs: { specs: [[0, 1], [2, 0]], value: (d) => tensor([[1, 2, 3, 4]], { device: d }) },
};

describe('index (x[...]) matches PyTorch, values and gradients', () => {
  for (const device of devices) {
    for (const [name, specs] of Object.entries(reads)) {
      it(`${name} on ${device}`, () => {
        scope(() => {
          const want = torch[name];
          const x = arange(24, { device, dtype: 'float32' }).reshape([2, 3, 4]).requiresGrad_();
          const y = index(x, ...specs(device));
          expect(y.shape).toEqual(want.shape);
          expect(Array.from(y.dataSync())).toEqual(want.y);
          sum(y.mul(tensor(want.up, { shape: want.shape, device }))).backward();
          expectClose(x.grad!.dataSync(), want.dx, 1e-6, 1e-6, `${name} gradient`);
          expect(Array.from(x.detach().index(...specs(device)).dataSync())).toEqual(want.y); // the method
        });
      });
    }
  }
});

describe('indexPut (x[...] = value) matches PyTorch, values and gradients to x and value', () => {
  for (const device of devices) {
    for (const [name, { specs, value }] of Object.entries(writes)) {
      it(`${name} on ${device}`, () => {
        scope(() => {
          const want = torch[name];
          const x = arange(24, { device, dtype: 'float32' }).reshape([2, 3, 4]).requiresGrad_();
          const v0 = value(device);
          const v = typeof v0 === 'number' ? v0 : v0.requiresGrad_();
          const y = indexPut(x, specs, v);
          expect(Array.from(y.dataSync())).toEqual(want.y);
          sum(y.mul(tensor(want.up, { shape: [2, 3, 4], device }))).backward();
          expectClose(x.grad!.dataSync(), want.dx, 1e-6, 1e-6, `${name} gradient to x`);
          if (typeof v !== 'number') expectClose(v.grad!.dataSync(), want.dv!, 1e-6, 1e-6, `${name} gradient to value`);
          const inPlace = arange(24, { device, dtype: 'float32' }).reshape([2, 3, 4]);
          noGrad(() => inPlace.indexPut_(specs, typeof v0 === 'number' ? v0 : v0.detach()));
          expect(Array.from(inPlace.dataSync())).toEqual(want.y);
        });
      });
    }
  }
});

describe('index lists in the forms JavaScript hands out', () => {
  it('takes integer typed arrays (a Subset\'s indices) and bigints (an int64 read), refusing fractions by kind', async () => {
    const x = arange(10).mul(2);
    expect(await index(x, new Int32Array([1, 9, -1])).array()).toEqual([2, 18, 18]);
    expect(await index(x, [3n, -2n]).array()).toEqual([6, 16]);
    expect(await index(x, BigInt64Array.from([2n])).array()).toEqual([4]);
    expect(await indexPut(tensor([0, 0, 0, 0]), [new Uint16Array([1, 3])], 7).array()).toEqual([0, 7, 0, 7]);
    expect(() => index(x, new Float32Array([1.5]))).toThrowError(/^index: an index list expected integers, got Float32Array \[1\.5\]$/);
    expect(() => index(x, [2n ** 60n])).toThrowError(/^index: an index list expected integers, got \["1152921504606846976n"\]$/);
  });
});

describe('index refusals name what to use instead', () => {
  it('refuses bad specs', () => {
    scope(() => {
      const x = arange(24, { dtype: 'float32' }).reshape([2, 3, 4]);
      expect(() => index(x, 0, 0, 0, 0)).toThrow(/^index: 4 indices for a tensor of 3 dimensions \[2,3,4\]$/);
      expect(() => index(x, '...', '...')).toThrow(/^index: at most one '\.\.\.' may appear, got 2$/);
      expect(() => index(x, '1-3')).toThrow(/^index: a string index expected a Python slice such as ':', '1:3' or '::2', or '\.\.\.', got "1-3"$/);
      expect(() => index(x, '::-1')).toThrow(/^index: slice step expected a positive integer \(PyTorch has no negative steps; flip reverses\), got -1$/);
      expect(() => index(x, x.gt(3))).toThrow(/^index: a bool mask selects a number of elements that depends on its values: use await maskedSelect\(x, mask\)/);
      expect(() => index(x, 1.5)).toThrow(/^index: an index expected an integer, got 1.5$/);
      expect(() => index(x, 5)).toThrow(/select/);
      // Negative entries in an index list or tensor count from the end, as in Python (a review).
      expect(Array.from(index(x, ':', [-1]).dataSync())).toEqual(Array.from(index(x, ':', [2]).dataSync()));
      expect(Array.from(index(x, 0, 0, tensor([-1n, 1n], { dtype: 'int64' })).dataSync())).toEqual([3, 1]);
      expect(() => index(x, ':', [-4])).toThrow(/^index: index -4 is out of range for a dim of size 3 \(expected -3 to 2\)$/);
      expect(() => indexPut(x, [0], tensor([1, 2, 3]))).toThrow(/^indexPut: value \[3\] cannot be broadcast to the indexed shape \[3,4\]$/);
      expect(() => indexPut(x, [0], tensor([1], { dtype: 'int64' }))).toThrow(/^indexPut: value expected float32 \(the input's dtype\), got int64; cast it first$/);
      expect(() => indexPut(x, 0 as never, 1)).toThrow(/^indexPut: specs expected an array of indices/);
    });
  });
});

describe('indexPut with accumulate (a GNN trial: PyTorch index_put_(…, accumulate=True))', () => {
  it('adds at repeated positions; gradients as PyTorch', () => {
    scope(() => {
      const x = arange(12, { dtype: 'float32' }).reshape([3, 4]).requiresGrad_();
      const v = tensor([1, 2, 3, 4], { requiresGrad: true });
      const rows = tensor([0, 0, 2, 0], { dtype: 'int64' });
      const cols = tensor([1, 1, 3, 2], { dtype: 'int64' });
      const y = indexPut(x, [rows, cols], v, { accumulate: true });
      sum(y.mul(arange(12, { dtype: 'float32' }).reshape([3, 4]))).backward();
      // PyTorch 2.13.
      expect(y.tolist()).toEqual([[0, 4, 6, 3], [4, 5, 6, 7], [8, 9, 10, 14]]);
      expect(x.grad!.tolist()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
      expect(v.grad!.tolist()).toEqual([1, 1, 11, 2]);
      expect(() => indexPut(x, [rows], 1, { accumulate: 1 as never })).toThrow(/^indexPut: option 'accumulate' expected a boolean, got 1$/);
    });
  });
});

describe('indexPut of one number at every dim\'s indices (Note [index put positions]; user trial AM)', () => {
  it('writes the number at Σ index·stride, repeats and negative indices included; refuses an index out of range; the gradient skips the written places', () => {
    scope(() => {
      const x = T.arange(12).float().reshape([3, 4]).requiresGrad_();
      const rows = tensor([0, 2, 2, -1], { dtype: 'int64' });
      const cols = tensor([1, 3, 3, 0], { dtype: 'int64' });
      const y = T.indexPut(x, [rows, cols], -Infinity);
      expect(Array.from(y.dataSync())).toEqual([0, -Infinity, 2, 3, 4, 5, 6, 7, -Infinity, 9, 10, -Infinity]);
      expect(Array.from(T.indexPut(x, [[1], [2, 3]], 7).dataSync())).toEqual([0, 1, 2, 3, 4, 5, 7, 7, 8, 9, 10, 11]); // broadcast lists
      const [g] = T.grad(T.sum(T.where(T.isinf(y), 0, y)), [x]);
      expect(Array.from(g!.dataSync())).toEqual([1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0]);
      expect(() => T.indexPut(x, [tensor([0], { dtype: 'int64' }), tensor([4], { dtype: 'int64' })], 1).dataSync()).toThrow(/indexSelect: .*4/);
      const z = T.zeros([2, 3]);
      z.indexPut_([tensor([1, 1], { dtype: 'int32' }), tensor([0, 2], { dtype: 'int32' })], 5);
      expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 5, 0, 5]);
    });
  });
});
