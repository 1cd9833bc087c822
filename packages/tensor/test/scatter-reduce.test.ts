// scatterReduce beyond the op table's samples (which hold the PyTorch goldens, gradient checks and
// refusals): PyTorch's gradients at ties (not derivatives, so no finite-difference check can hold
// them) and through zeros of prod, integer means as PyTorch rounds and counts them, a segment
// softmax as a graph network computes it, determinism, and the user function's argument checks.
// Expected values were printed by PyTorch 2.13 (torch.Tensor.scatter_reduce); on cuda too where
// it runs.
import { describe, expect, it } from 'vitest';
import { backends, exp, gather, grad, scatterReduce, scope, sub, sum, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const devices = backends().cuda.available ? (['cpu', 'cuda'] as const) : (['cpu'] as const);
const i64 = (values: number[], shape?: number[], device = 'cpu') => tensor(values, { dtype: 'int64', shape, device });
const read = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

for (const device of devices) {
  describe(`scatterReduce on ${device}`, () => {
    const f32 = (values: number[], shape?: number[], requiresGrad = false) => tensor(values, { shape, device, requiresGrad });

    // x [3,2], index [4,2], src [4,2] along dim 0: column 0 meets three 1s at row 0, column 1
    // three 3s at row 2; the upstream gradient is [[1,2],[3,4],[5,6]].
    const ties = { index: [0, 0, 1, 1, 0, 2, 2, 2], up: [1, 2, 3, 4, 5, 6] };
    const tieCases = [
      { reduce: 'amax', x: [1, 5, 2, 0, 3, 3], src: [1, 5, 2, 2, 1, 3, 3, 3], y: [1, 5, 2, 2, 3, 3] },
      { reduce: 'amin', x: [1, -5, 2, 0, 3, 3], src: [1, -5, 2, -1, 1, 3, 3, 3], y: [1, -5, 2, -1, 3, 3] },
    ] as const;
    for (const c of tieCases) {
      for (const includeSelf of [true, false]) {
        it(`${c.reduce} shares the gradient evenly among ties (includeSelf ${includeSelf})`, () => {
          scope(() => {
            const x = f32([...c.x], [3, 2], true);
            const src = f32([...c.src], [4, 2], true);
            const y = scatterReduce(x, 0, i64(ties.index, [4, 2], device), src, c.reduce, { includeSelf });
            expect(read(y)).toEqual(c.y);
            y.backward(f32(ties.up, [3, 2]));
            // PyTorch counts the input's element among the ties even when it is left out (row 0 of
            // column 0 with includeSelf false: each src 1 gets a third), then zeroes its gradient.
            expectClose(read(x.grad!), includeSelf ? [1 / 3, 1, 1.5, 0, 2.5, 2] : [0, 0, 0, 0, 0, 0], 1e-6, 1e-6, 'input gradient');
            expectClose(read(src.grad!), [1 / 3, 1, 1.5, 4, 1 / 3, 2, 2.5, 2], 1e-6, 1e-6, 'src gradient');
          });
        });
      }
    }

    it('prod: exact gradients through zeros of the input and of src', () => {
      scope(() => {
        // Position 0: input 0 and src 0 and 5; 1: two src zeros; 2: 3 · 6; 3: nothing scattered.
        const expected = {
          true: { y: [0, 0, 18, 4], gx: [0, 0, 18, 4], gs: [0, 0, 0, 0, 9] },
          false: { y: [0, 0, 6, 4], gx: [0, 0, 0, 4], gs: [5, 0, 0, 0, 3] },
        };
        for (const includeSelf of [true, false]) {
          const x = f32([0, 2, 3, 4], [4], true);
          const src = f32([0, 5, 0, 0, 6], [5], true);
          const y = scatterReduce(x, 0, i64([0, 0, 1, 1, 2], [5], device), src, 'prod', { includeSelf });
          const want = expected[`${includeSelf}`];
          expect(read(y)).toEqual(want.y);
          y.backward(f32([1, 2, 3, 4]));
          expectClose(read(x.grad!), want.gx, 1e-6, 1e-6, `input gradient (includeSelf ${includeSelf})`);
          expectClose(read(src.grad!), want.gs, 1e-6, 1e-6, `src gradient (includeSelf ${includeSelf})`);
        }
      });
    });

    it('prod: second derivatives through the gradient rule', () => {
      scope(() => {
        // y = 2 · s0 · s1: ∂y/∂s = [2 s1, 2 s0] = [8, 6]; ∂(∂y/∂s0)/∂s = [0, 2].
        const x = f32([2], [1]);
        const src = f32([3, 4], [2], true);
        const y = scatterReduce(x, 0, i64([0, 0], [2], device), src, 'prod');
        const [gs] = grad(sum(y), [src], { createGraph: true });
        expectClose(read(gs!), [8, 6], 1e-5, 1e-5, 'first derivative');
        const [gg] = grad(sum(gather(gs!, 0, i64([0], [1], device))), [src]);
        expectClose(read(gg!), [0, 2], 1e-5, 1e-5, 'second derivative');
      });
    });

    it("integer 'mean' rounds down and counts in the input's dtype, as PyTorch does", () => {
      scope(() => {
        const y = scatterReduce(i64([-5, 5, -1], [3], device), 0, i64([0, 1, 2], [3], device), i64([0, 0, 0], [3], device), 'mean');
        expect(read(y)).toEqual([-3, 2, -1]);
        const u8 = (n: number, v: number) => tensor(new Array(n).fill(v), { dtype: 'uint8', device });
        const zeros3 = () => tensor([0, 0, 0], { dtype: 'uint8', device });
        // 300 ones: the sum and the count both wrap to 44.
        expect(read(scatterReduce(zeros3(), 0, i64(new Array(300).fill(0), [300], device), u8(300, 1), 'mean', { includeSelf: false }))).toEqual([1, 0, 0]);
        // 255 threes and the input: the count wraps to 0, which counts as 1 (765 wraps to 253).
        expect(read(scatterReduce(zeros3(), 0, i64(new Array(255).fill(0), [255], device), u8(255, 3), 'mean'))).toEqual([253, 0, 0]);
      });
    });

    it('a segment softmax over edges: amax and sum along dim 0 of [edges, features]', () => {
      scope(() => {
        const edges = 200, nodes = 17, features = 5;
        let seed = 7;
        const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        const dst = Array.from({ length: edges }, () => Math.floor(rand() * nodes));
        const scores = Array.from({ length: edges * features }, () => Math.round((rand() * 8 - 4) * 1e4) / 1e4);
        const index = i64(dst.flatMap((d) => new Array(features).fill(d)), [edges, features], device);
        const s = f32(scores, [edges, features], true);
        const none = f32(new Array(nodes * features).fill(0), [nodes, features]);
        const max = scatterReduce(none, 0, index, s, 'amax', { includeSelf: false });
        // The segment maxima, by brute force; nodes without edges keep 0.
        const want = new Array(nodes * features).fill(-Infinity);
        dst.forEach((d, e) => {
          for (let k = 0; k < features; k++) want[d * features + k] = Math.max(want[d * features + k], scores[e * features + k]);
        });
        expect(read(max)).toEqual(want.map((v) => (v === -Infinity ? 0 : Math.fround(v))));
        const e = exp(sub(s, gather(max, 0, index)));
        const denominators = scatterReduce(none, 0, index, e, 'sum', { includeSelf: false });
        const spread = read(gather(denominators, 0, index));
        const soft = read(e).map((v, q) => v / spread[q]);
        for (let n = 0; n < nodes; n++) {
          for (let k = 0; k < features; k++) {
            const total = dst.reduce((acc, d, q) => (d === n ? acc + soft[q * features + k] : acc), 0);
            if (dst.includes(n)) expect(total).toBeCloseTo(1, 5);
          }
        }
        // d Σe / ds: e, less Σe of the segment at its maximum, so each segment's gradients sum to zero.
        const [g] = grad(sum(e), [s]);
        const gs = read(g!);
        for (let n = 0; n < nodes; n++) {
          for (let k = 0; k < features; k++) {
            const total = dst.reduce((acc, d, q) => (d === n ? acc + gs[q * features + k] : acc), 0);
            expect(Math.abs(total)).toBeLessThan(1e-4);
          }
        }
      });
    });

    it('repeats bit for bit (sum and mean in index order; amax order-free)', () => {
      scope(() => {
        const n = 3000;
        const values = Array.from({ length: n }, (_, q) => Math.sin(q * 12.9898) * 1e3);
        const index = i64(Array.from({ length: n }, (_, q) => (q * 7919) % 13), [n], device);
        for (const reduce of ['sum', 'mean', 'amax', 'prod'] as const) {
          const once = () => read(scatterReduce(f32(new Array(13).fill(1)), 0, index, f32(values), reduce));
          expect(once()).toEqual(once());
        }
      });
    });
  });
}

// cuda's float amax/amin are integer atomics on the bits (Note [scatter reduce on cuda]): every
// sign, infinity and NaN, met in any order, gives cpu's values.
describe.skipIf(!backends().cuda.available)('scatterReduce amax/amin on cuda match cpu', () => {
  const values = [3.5, -0, 0, -2, Infinity, -Infinity, NaN, 1e-30, -1e-30, 7, -7, 2.5, -3.25];
  for (const reduce of ['amax', 'amin'] as const) {
    for (const includeSelf of [true, false]) {
      it(`${reduce}, includeSelf ${includeSelf}`, () => {
        scope(() => {
          // Every pair of values meets at some position, in both orders, beside inputs of every kind.
          const n = values.length;
          const src: number[] = [];
          const at: number[] = [];
          for (let a = 0; a < n; a++) {
            for (let b = 0; b < n; b++) {
              src.push(values[a], values[b]);
              at.push(a * n + b, a * n + b);
            }
          }
          const input = Array.from({ length: n * n + 3 }, (_, q) => values[(q * 5) % n]);
          const run = (device: string) =>
            read(scatterReduce(tensor(input, { device }), 0, i64(at, [at.length], device), tensor(src, { device }), reduce, { includeSelf })).map((v) => v + 0);
          expect(run('cuda')).toEqual(run('cpu'));
        });
      });
    }
  }
});

describe('scatterReduce arguments', () => {
  const x = () => tensor([1, 2, 3]);
  const index = () => tensor([0, 2], { dtype: 'int64' });
  const src = () => tensor([5, 6]);

  it('refuses an unknown reduction, naming the list (and PyTorch’s name for max/min)', () => {
    scope(() => {
      expect(() => scatterReduce(x(), 0, index(), src(), 'max' as never)).toThrowError(
        expect.objectContaining({ name: 'ValueError', message: "scatterReduce: reduce expected one of 'sum', 'prod', 'mean', 'amax', 'amin', got 'max' (PyTorch's name is 'amax')" }),
      );
      expect(() => scatterReduce(x(), 0, index(), src(), 'avg' as never)).toThrowError(/^scatterReduce: reduce expected one of 'sum', 'prod', 'mean', 'amax', 'amin', got 'avg'$/);
    });
  });

  it('refuses unknown options and a non-boolean includeSelf', () => {
    scope(() => {
      expect(() => scatterReduce(x(), 0, index(), src(), 'sum', { include_self: false } as never)).toThrowError(/scatterReduce: unknown option 'include_self'/);
      expect(() => scatterReduce(x(), 0, index(), src(), 'sum', { includeSelf: 0 } as never)).toThrowError(/^scatterReduce: option 'includeSelf' expected a boolean, got number 0$/);
    });
  });

  it('refuses an index out of range before writing, naming the op', () => {
    scope(() => {
      expect(() => scatterReduce(x(), 0, tensor([0, 3], { dtype: 'int64' }), src(), 'amax').dataSync()).toThrowError(
        /^scatterReduce: index value 3 is out of range for dimension 0 with size 3 \(expected 0 to 2\)$/,
      );
    });
  });

  it('includeSelf defaults to true; the input is not modified', () => {
    scope(() => {
      const input = x();
      expect(read(scatterReduce(input, 0, index(), src(), 'mean'))).toEqual([3, 2, 4.5]);
      expect(read(scatterReduce(input, 0, index(), src(), 'mean', { includeSelf: false }))).toEqual([5, 2, 6]);
      expect(read(input)).toEqual([1, 2, 3]);
    });
  });
});
