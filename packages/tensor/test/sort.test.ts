// Ordering (ops/table/sort.ts): sort's own goldens, gradient checks and cpu↔cuda parity live in
// the op table; here the functions composed from it — topk, argsort, kthvalue, median — against
// PyTorch 2.13 (values, indices, gradients on seq inputs as in composed.test.ts), NaN handling,
// and the refusals. Run on cpu and, where available (a GPU or the emulator), on cuda too.
import { describe, expect, it } from 'vitest';
import { argsort, backends, grad, kthvalue, median, nanmedian, nansum, scope, sort, tensor, topk, type ValuesAndIndices, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];
const seq = (shape: number[], device: string, a = 0.37, b = 0.1, scale = 3, requiresGrad = false): Tensor =>
  tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => scale * Math.sin(a * i + b)), { shape, device, requiresGrad });
const ints = (t: Tensor) => Array.from(t.dataSync() as BigInt64Array, Number);

type Golden = { shape?: number[]; y: number[]; i?: number[]; gx?: number[] };
const torchValues: Record<string, Golden> = {"topk3":{"shape":[3,3],"y":[2.9998729,2.806848,2.7868791,0.2445064,-0.8532771,-1.7751467,2.9996152,2.8139999,2.7792466],"i":[4,3,5,0,1,7,5,4,6],"gx":[0.0,0.0,0.0,0.8956987,0.3894183,0.9691091,0.0,0.0,0.5741721,-0.0982486,0.0,0.0,0.0,0.0,0.0,-0.7231881,0.0,0.0,0.0,0.0,-0.7914547,-0.998628,-0.2017901,0.0]},"topk2small0":{"shape":[2,8],"y":[-0.7804725,-0.8532771,-1.8355737,-2.5694339,-2.9555333,-2.9416151,-2.5295632,-1.7751467,0.2445064,0.3198351,1.3768544,2.2475231,2.8139999,2.7868791,2.1966944,1.3091972],"i":[2,1,1,1,1,1,1,1,1,2,2,2,2,0,0,0],"gx":[0.0,0.0,0.0,0.0,0.0,-0.2037845,-0.792698,-0.9985193,-0.2017901,0.8956987,0.9691091,0.5741721,-0.0982486,-0.7231881,-0.998628,-0.7914547,0.3894183,0.4853948,0.938,0.937292,0.4836131,0.0,0.0,0.0]},"kthvalue3":{"shape":[3],"y":[1.3586589,-2.5694339,1.3768544],"i":[1,3,2],"gx":[0.0,0.3894183,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.8956987,0.0,0.0,0.0,0.0,0.0,0.0,0.9691091,0.0,0.0,0.0,0.0,0.0]},"kthvalueKeep":{"shape":[1,8],"y":[0.2445064,0.3198351,1.3768544,2.2475231,2.8139999,2.7868791,2.1966944,1.3091972],"i":[1,2,2,2,2,0,0,0],"gx":[0.0,0.0,0.0,0.0,0.0,-0.7231881,-0.998628,-0.7914547,0.3894183,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.8956987,0.9691091,0.5741721,-0.0982486,0.0,0.0,0.0]},"median1":{"shape":[3],"y":[2.1966944,-2.5295632,2.1827199],"i":[6,6,7],"gx":[0.0,0.0,0.0,0.0,0.0,0.0,0.3894183,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.8956987,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.9691091]},"median0keep":{"shape":[1,7],"y":[0.2995003,0.2445064,-0.7804725,0.3198351,1.3768544,2.2475231,2.1966944],"i":[0,1,2,2,2,2,0],"gx":[0.3894183,0.0,0.0,0.0,0.0,0.0,-0.998628,0.0,0.8956987,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.9691091,0.5741721,-0.0982486,-0.7231881,0.0]},"medianAll":{"y":[1.3091972],"gx":[0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]},"argsort0desc":{"i":[1,1,0,0,0,0,0,1,1,1,2,2,2,2,2]}};

const cases: [string, (x: Tensor) => ValuesAndIndices, number[]][] = [
  ['topk3', (x) => topk(x, 3), [3, 8]],
  ['topk2small0', (x) => topk(x, 2, { dim: 0, largest: false }), [3, 8]],
  ['kthvalue3', (x) => kthvalue(x, 3, { dim: 1 }), [3, 8]],
  ['kthvalueKeep', (x) => kthvalue(x, 2, { dim: 0, keepdim: true }), [3, 8]],
  ['median1', (x) => median(x, 1), [3, 8]],
  ['median0keep', (x) => median(x, { dim: 0, keepdim: true }), [3, 7]],
];

for (const device of devices) {
  describe(`ordering functions match PyTorch (${device})`, () => {
    for (const [name, f, shape] of cases) {
      it(name, () => {
        scope(() => {
          const want = torchValues[name];
          const x = seq(shape, device, 0.37, 0.1, 3, true);
          const { values, indices } = f(x);
          expect(values.shape).toEqual(want.shape);
          expect(indices.shape).toEqual(want.shape);
          expect(indices.dtype).toBe('int64');
          expectClose(values.dataSync(), want.y, 1e-6, 1e-6, 'values');
          expect(ints(indices)).toEqual(want.i);
          values.backward(seq([...values.shape], device, 0.71, 0.4, 1));
          expectClose(x.grad!.dataSync(), want.gx!, 1e-6, 1e-6, 'input grad');
        });
      });
    }

    it('median of all elements, and its gradient', () => {
      scope(() => {
        const x = seq([3, 8], device, 0.37, 0.1, 3, true);
        const m = median(x);
        expect(m.shape).toEqual([]);
        expectClose(m.dataSync(), torchValues.medianAll.y, 1e-6, 1e-6);
        m.backward();
        expectClose(x.grad!.dataSync(), torchValues.medianAll.gx!, 1e-6, 1e-6);
      });
    });

    it('argsort descending along dim 0', () => {
      scope(() => {
        expect(ints(argsort(seq([3, 5], device), { dim: 0, descending: true }))).toEqual(torchValues.argsort0desc.i);
      });
    });

    it('NaN: last ascending, first descending and in topk, the median of its slice (at its first NaN)', () => {
      scope(() => {
        const x = tensor([1, NaN, 3, NaN, 0, 5, 4, 3, 2, 1], { shape: [2, 5], device });
        const asc = sort(x);
        expect(Array.from(asc.values.dataSync())).toEqual([0, 1, 3, NaN, NaN, 1, 2, 3, 4, 5]);
        expect(ints(asc.indices)).toEqual([4, 0, 2, 1, 3, 4, 3, 2, 1, 0]);
        expect(ints(sort(x, { descending: true }).indices)).toEqual([1, 3, 2, 0, 4, 0, 1, 2, 3, 4]);
        const top = topk(x, 2);
        expect(Array.from(top.values.dataSync())).toEqual([NaN, NaN, 5, 4]);
        const med = median(x, 1);
        expect(Array.from(med.values.dataSync())).toEqual([NaN, 3]);
        expect(ints(med.indices)).toEqual([1, 2]);
        expect(median(x).itemSync()).toBeNaN();
        expect(kthvalue(x, 2, { dim: 1 }).values.dataSync()).toEqual(new Float32Array([1, 2]));
      });
    });

    it('integers keep their dtype; median of an even count is the lower one', () => {
      scope(() => {
        const x = tensor([4, -2, 7, 0], { dtype: 'int32', device });
        const s = sort(x, { descending: true });
        expect(s.values.dtype).toBe('int32');
        expect(Array.from(s.values.dataSync())).toEqual([7, 4, 0, -2]);
        expect(median(x).itemSync()).toBe(0);
        expect(ints(topk(x, 1, { largest: false }).indices)).toEqual([1]);
      });
    });

    it('topk over long slices is exactly the first k of the stable sort (ties, NaN, ±0, ints, both ends, both dims)', () => {
      scope(() => {
        // Long slices reach the block-skipping scan; few distinct values make ties everywhere.
        let state = 12345;
        const next = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
        const pool = [NaN, -0, 0, -3, 1, 2.5, -Infinity, Infinity, 7, -7];
        const floats = Array.from({ length: 3 * 517 }, (_, i) => (i % 37 === 5 ? pool[Math.floor(i / 37) % pool.length] : Math.round(next() * 40 - 20)));
        const inputs = [
          tensor(floats, { shape: [3, 517], device }),
          tensor(floats.map((v) => (Number.isFinite(v) ? v : 9) | 0), { shape: [3, 517], dtype: 'int32', device }),
        ];
        for (const rows of inputs) {
          for (const dim of [1, 0]) {
            const x = dim === 1 ? rows : rows.mT.contiguous(); // dim 0 is strided: 3 slices interleaved
            for (const largest of [true, false]) {
              const sorted = sort(x, { dim, descending: largest });
              for (const k of [1, 3, 17, 200]) {
                const top = topk(x, k, { dim, largest });
                const head = (t: Tensor) => t.narrow(dim, 0, k).contiguous();
                expect(ints(top.indices), `${x.dtype} dim ${dim} largest ${largest} k ${k}`).toEqual(ints(head(sorted.indices)));
                expect(Array.from(top.values.dataSync())).toEqual(Array.from(head(sorted.values).dataSync()));
              }
            }
          }
        }
      });
    });

    it('methods, 0-d inputs and k = 0', () => {
      scope(() => {
        const x = seq([2, 6], device);
        expect(ints(x.argsort())).toEqual(ints(argsort(x)));
        expect(x.topk(2).values.shape).toEqual([2, 2]);
        expect(x.kthvalue(1).values.dataSync()).toEqual(x.min(1).values.dataSync());
        expect(x.median(1).values.shape).toEqual([2]);
        expect(x.median().shape).toEqual([]);
        expect(topk(x, 0).values.shape).toEqual([2, 0]);
        const s = tensor(2.5, { device });
        expect(topk(s, 1).values.itemSync()).toBe(2.5);
        expect(sort(s).indices.itemSync()).toBe(0);
        expect(median(s, 0).values.itemSync()).toBe(2.5);
      });
    });
  });
}

describe('ordering functions refuse bad arguments, naming function and argument', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('k out of range or not an integer', () => {
    expect(() => topk(x, 4)).toThrow(/^topk: k 4 is out of range for dim 1 of size 3 \(input \[2,3\]; expected 0 to 3\)$/);
    expect(() => topk(x, 1.5)).toThrow(/^topk: k expected an integer, got 1.5$/);
    expect(() => kthvalue(x, 0, { dim: 0 })).toThrow(/^kthvalue: k 0 is out of range for dim 0 of size 2 \(input \[2,3\]; expected 1 to 2\)$/);
  });
  it('bad dims, empty slices, unknown options', () => {
    expect(() => sort(x, 2)).toThrow(/^sort: dim 2 is out of range for a tensor of rank 2/);
    expect(() => median(tensor([]))).toThrow(/^median: cannot take the median of an empty tensor \[0\]$/);
    expect(() => median(tensor([], { shape: [2, 0] }), 1)).toThrow(/^median: cannot take the median of dim 1 of size 0/);
    expect(() => topk(x, 1, { descending: true } as never)).toThrow(/topk: unknown option 'descending'/);
    expect(() => sort(x, { order: 'asc' } as never)).toThrow(/sort: unknown option 'order'/);
    expect(() => sort(x, [0] as never)).toThrow(/^sort: expected a dim or an options object, got an array$/);
  });
});

describe('(values, indices) results read by position too, as PyTorch’s tuples (found by a user trial: q.max(1)[0] was undefined)', () => {
  it('max, min, sort, topk, kthvalue and median along a dim destructure and index', () => {
    scope(() => {
      const q = tensor([[1, 5, 2], [7, 0, 3]]);
      const [v, i] = q.max(1);
      expect(Array.from(v.dataSync())).toEqual([5, 7]);
      expect(Array.from(i.dataSync())).toEqual([1n, 0n]);
      expect(Array.from(q.max(1)[0].dataSync())).toEqual([5, 7]); // the DQN target's q.max(1)[0]
      expect(Array.from(q.min({ dim: 1 })[1].dataSync())).toEqual([0n, 1n]);
      for (const r of [q.sort(1), q.topk(2), q.kthvalue(1, { dim: 1 }), q.median({ dim: 1 })]) {
        expect(r).toHaveLength(2);
        expect(r[0]).toBe(r.values);
        expect(r[1]).toBe(r.indices);
      }
      const { values, indices } = q.max(0);
      expect(Array.from(values.dataSync())).toEqual([7, 5, 3]);
      expect(indices.dtype).toBe('int64');
    });
  });
});

describe('nanmedian (user trial AL)', () => {
  it("the lower median of the values that are not NaN, as PyTorch's; NaN only where a slice is all NaN; gradient to that element", () => {
    scope(() => {
      const nan = NaN;
      const x = tensor([[1, nan, 3, 2], [nan, nan, nan, nan], [5, 4, nan, 1]], { requiresGrad: true });
      // torch.nanmedian(x, 1): values [2, nan, 4], indices [3, ·, 1] (an all-NaN row's index is any of its)
      const r = nanmedian(x, 1);
      expect(Array.from(r.values.dataSync())).toEqual([2, NaN, 4]);
      const idx = Array.from(r.indices.dataSync() as BigInt64Array, Number);
      expect([idx[0], idx[2]]).toEqual([3, 1]);
      expect(nanmedian(x).dataSync()[0]).toBe(2); // torch.nanmedian(x): 2
      expect(nanmedian(tensor([1, 2, 3, 4])).dataSync()[0]).toBe(2);
      expect(nanmedian(x, { dim: 1, keepdim: true }).values.shape).toEqual([3, 1]);
      expect(Array.from(median(x, 1).values.dataSync())).toEqual([NaN, NaN, NaN]);
      const [g] = grad(nansum(nanmedian(x, 1).values), [x]);
      expect(Array.from(g!.dataSync())).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
      expect(() => nanmedian(tensor([]))).toThrow(/^nanmedian: cannot take the median of an empty tensor \[0\]$/);
      expect(() => nanmedian(x, { dim: 1, bogus: 1 } as never)).toThrow(/^nanmedian: unknown option 'bogus'/);
    });
  });
});

describe('topk takes a positional dim (user trial AM: torch.topk(x, 10, 1))', () => {
  it('topk(x, k, dim) is topk(x, k, { dim })', () => {
    scope(() => {
      const x = tensor([[3, 1, 2], [0, 5, 4]]);
      expect(Array.from(topk(x, 1, 0).indices.dataSync() as BigInt64Array, Number)).toEqual([0, 1, 1]);
      expect(Array.from(x.topk(2, 1).values.dataSync())).toEqual([3, 2, 5, 4]);
      expect(() => topk(x, 1, { dim: 0, bogus: 1 } as never)).toThrow(/^topk: unknown option 'bogus'/);
    });
  });
});
