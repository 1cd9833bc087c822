// The second set of composed functions (ops/table/composed-ops.ts, composed-shape.ts) against
// PyTorch 2.13 — prod and cumprod (gradients through zeros), select, roll, diagonal, diag, trace,
// isclose — on seq inputs as in composed.test.ts; the new methods; the refusals. Run on cpu and,
// where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];
const seq = (shape: number[], device: string, a = 0.37, b = 0.1, scale = 3, zeroAt: number[] = []): Tensor => {
  const v = Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => (zeroAt.includes(i) ? 0 : scale * Math.sin(a * i + b)));
  return tensor(v, { shape, device, requiresGrad: true });
};
const ints = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
type Golden = { shape: number[]; y: number[]; gx: number[] };
const torchValues: Record<string, Golden> & Record<'isclose' | 'iscloseNan' | 'iscloseTight', boolean[]> = {"prodAll":{"shape":[],"y":[21.3312836],"gx":[27.7355118,6.113965,3.7184672,2.9594736,2.7690482,2.9806793]},"prod1":{"shape":[3],"y":[7.6541834,-1.6721425,-103.7233429],"gx":[9.9521761,2.1938393,1.3342764,1.0619311,0.9936019,-0.537424,-0.6818135,-1.1440109,-6.1255469,1.7552748,54.7617569,39.1211586,34.0105247,34.1714439,39.7377853]},"prod0keepZero":{"shape":[1,4],"y":[0.2196799,-0.0,-0.0,-9.4419441],"gx":[0.2856338,-2.1299536,-0.0,-1.9314551,0.028517,-0.0,-3.9738727,-4.1409354,0.3498779,0.0,0.0,2.1099205]},"prodOneZero":{"shape":[2],"y":[0.0,-1.6721425],"gx":[0.0,0.0,0.0,1.0619311,0.0,-0.537424,-0.6818135,-1.1440108,-6.1255469,1.7552747]},"cumprod1":{"shape":[3,5],"y":[0.2995003,0.4069187,0.0,0.0,0.0,2.7868791,6.1219215,8.0148029,1.9596709,-1.6721424,-1.8355737,4.7163854,-13.9394331,41.0044479,-103.7233429],"gx":[1.6063672,0.268262,0.7135122,0.0,0.0,-5.626152,-6.2202406,-5.7672324,-4.9368491,0.951214,-38.0386658,-27.8444786,-22.7112713,-25.1104279,-32.5041428]},"cumprod0":{"shape":[4,3],"y":[0.2995003,1.3586589,2.2339294,0.8406517,4.0758042,6.2256908,1.8466549,5.3360314,1.5222216,-1.5757084,-9.7946787,-3.911248],"gx":[-6.7100191,-9.2695293,-2.8248765,-0.7575341,-4.6038876,-3.0412142,-1.1876764,-10.2434034,-16.2496758,0.8963566,5.0051975,1.4267663]},"select":{"shape":[3],"y":[2.806848,1.3091972,-2.5694339],"gx":[0.0,0.0,0.0,0.3894183,0.0,0.0,0.0,0.8956987,0.0,0.0,0.0,0.9691091]},"roll":{"shape":[3,4],"y":[-1.8355737,-2.5694339,0.2445064,-0.8532771,2.2339294,2.806848,0.2995003,1.3586589,2.1966944,1.3091972,2.9998729,2.7868791],"gx":[-0.998628,-0.7914547,-0.0982486,-0.7231881,0.938,0.937292,-0.2017901,0.4853948,0.9691091,0.5741721,0.3894183,0.8956987]},"rollFlat":{"shape":[2,5],"y":[1.3091972,0.2445064,-0.8532771,0.2995003,1.3586589,2.2339294,2.806848,2.9998729,2.7868791,2.1966944],"gx":[0.5741721,-0.0982486,-0.7231881,-0.998628,-0.7914547,-0.2017901,0.4853948,0.3894183,0.8956987,0.9691091]},"diagonal":{"shape":[2,3],"y":[0.2995003,2.7868791,-1.8355737,-2.9555333,0.3198351,2.7792466],"gx":[0.3894183,0.0,0.0,0.0,0.0,0.8956987,0.0,0.0,0.0,0.0,0.9691091,0.0,0.5741721,0.0,0.0,0.0,0.0,-0.0982486,0.0,0.0,0.0,0.0,-0.7231881,0.0]},"diagonalUp":{"shape":[3],"y":[1.3586589,2.1966944,-2.5694339],"gx":[0.0,0.3894183,0.0,0.0,0.0,0.0,0.8956987,0.0,0.0,0.0,0.0,0.9691091]},"diagonalDown":{"shape":[2],"y":[2.1966944,-1.8355737],"gx":[0.0,0.0,0.0,0.0,0.0,0.0,0.3894183,0.0,0.0,0.0,0.8956987,0.0]},"diagVec":{"shape":[4,4],"y":[0.0,0.2995003,0.0,0.0,0.0,0.0,1.3586589,0.0,0.0,0.0,0.0,2.2339294,0.0,0.0,0.0,0.0],"gx":[0.8956987,-0.998628,0.937292]},"diagVecDown":{"shape":[4,4],"y":[0.0,0.0,0.0,0.0,0.2995003,0.0,0.0,0.0,0.0,1.3586589,0.0,0.0,0.0,0.0,2.2339294,0.0],"gx":[-0.0982486,0.4853948,-0.792698]},"trace":{"shape":[],"y":[1.2508056],"gx":[0.3894183,0.0,0.0,0.0,0.0,0.3894183,0.0,0.0,0.0,0.0,0.3894183,0.0]},"isclose":[true,true,false,true,true,false,false],"iscloseNan":[true,true,true,true,true,false,false],"iscloseTight":[false,true,false,false,false,false,false]};

const cases: [string, (x: Tensor) => Tensor, number[], number[]?][] = [
  ['prodAll', (x) => T.prod(x), [2, 3]],
  ['prod1', (x) => x.prod(1), [3, 5]],
  ['prod0keepZero', (x) => T.prod(x, { dim: 0, keepdim: true }), [3, 4], [1, 6]],
  ['prodOneZero', (x) => T.prod(x, 1), [2, 5], [3]],
  ['cumprod1', (x) => T.cumprod(x, 1), [3, 5], [2]],
  ['cumprod0', (x) => x.cumprod(0), [4, 3]],
  ['select', (x) => x.select(1, -1), [3, 4]],
  ['roll', (x) => T.roll(x, [1, -2], [0, 1]), [3, 4]],
  ['rollFlat', (x) => x.roll(3), [2, 5]],
  ['diagonal', (x) => T.diagonal(x), [2, 3, 4]],
  ['diagonalUp', (x) => x.diagonal(1), [3, 4]],
  ['diagonalDown', (x) => T.diagonal(x, -2), [4, 3]],
  ['diagVec', (x) => T.diag(x, 1), [3]],
  ['diagVecDown', (x) => x.diag(-1), [3]],
  ['trace', (x) => x.trace(), [3, 4]],
];

for (const device of devices) {
  describe(`more composed functions match PyTorch, forward and backward (${device})`, () => {
    for (const [name, f, shape, zeroAt] of cases) {
      it(name, () => {
        scope(() => {
          const want = torchValues[name];
          const x = seq(shape, device, 0.37, 0.1, 3, zeroAt);
          const y = f(x);
          expect(y.shape).toEqual(want.shape);
          expectClose(y.dataSync(), want.y, 1e-5, 1e-5, 'output');
          y.backward(tensor(Array.from({ length: y.numel }, (_, i) => Math.sin(0.71 * i + 0.4)), { shape: [...y.shape], device }));
          expectClose(x.grad!.dataSync(), want.gx, 1e-5, 1e-5, 'input grad');
        });
      });
    }

    it('isclose, allclose and equal follow PyTorch on infinities and NaN', () => {
      scope(() => {
        const a = tensor([1, Infinity, NaN, 1e-9, 100, -Infinity, 2], { device });
        const b = tensor([1.000001, Infinity, NaN, 0, 100.0001, Infinity, Infinity], { device });
        expect(ints(T.isclose(a, b)).map(Boolean)).toEqual(torchValues.isclose);
        expect(ints(a.isclose(b, { equalNan: true })).map(Boolean)).toEqual(torchValues.iscloseNan);
        expect(ints(T.isclose(a, b, { rtol: 0, atol: 0 })).map(Boolean)).toEqual(torchValues.iscloseTight);
        expect(T.allclose(tensor([1, 2], { device }), tensor([1, 2.000001], { device }))).toBe(true);
        expect(tensor([1, 2], { device }).allclose(tensor([1, 2.1], { device }))).toBe(false);
        expect(T.equal(tensor([1, 2], { device }), tensor([1, 2], { device }))).toBe(true);
        expect(T.equal(tensor([1, 2], { device }), tensor([[1, 2]], { device }))).toBe(false);
      });
    });

    it('integer prod and cumprod run in int64; empty products are 1', () => {
      scope(() => {
        const x = tensor([[2, 3, 4], [1, -1, 5]], { dtype: 'int32', device });
        expect(T.prod(x).dtype).toBe('int64');
        expect(ints(T.prod(x))).toEqual([-120]);
        expect(ints(T.cumprod(x, 1))).toEqual([2, 6, 24, 1, -1, -5]);
        expect(ints(T.prod(tensor([], { shape: [2, 0], device }), 1))).toEqual([1, 1]);
        expect(T.prod(tensor(3, { device })).itemSync()).toBe(3);
      });
    });

    it('unbind, mm, bmm, shorthands, T and mT, tolist', () => {
      scope(() => {
        const x = tensor([[1, 2, 3], [4, 5, 6]], { device });
        expect(T.unbind(x, 1).map((t) => ints(t))).toEqual([[1, 4], [2, 5], [3, 6]]);
        expect(x.unbind().length).toBe(2);
        expect(T.unbind(T.zeros([2, 0, 3], { device }), 1)).toEqual([]);
        // More slices than one split op outputs (16): staged splits; each slice's gradient lands in place.
        const long = T.arange(0, 40, 1, { device }).reshape([40, 1]).float().requiresGrad_();
        const slices = T.unbind(long, 0);
        expect(slices.map((t) => t.shape)).toEqual(Array.from({ length: 40 }, () => [1]));
        slices.reduce((acc: T.Tensor, t, i) => acc.add(t.mul(i)), T.zeros([1], { device })).sum().backward();
        expect(ints(long.grad!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
        expect(ints(T.mm(x, x.T))).toEqual([14, 32, 32, 77]);
        expect(T.bmm(x.reshape([1, 2, 3]), x.T.reshape([1, 3, 2])).shape).toEqual([1, 2, 2]);
        expect(x.long().dtype).toBe('int64');
        expect(x.int().dtype).toBe('int32');
        expect(x.bool().dtype).toBe('bool');
        expect(x.long().float().dtype).toBe('float32');
        expect(x.T.shape).toEqual([3, 2]);
        expect(x.reshape([1, 2, 3]).mT.shape).toEqual([1, 3, 2]);
        expect(x.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
        expect(ints(x.where(x.gt(2), 0))).toEqual([0, 0, 3, 4, 5, 6]);
        expect(ints(x.maskedFill(x.lt(3), -1))).toEqual([-1, -1, 3, 4, 5, 6]);
        expect(ints(x.cumsum(1))).toEqual([1, 3, 6, 4, 9, 15]);
        expect(ints(x.flip(0))).toEqual([4, 5, 6, 1, 2, 3]);
        expect(ints(x.any(1))).toEqual([1, 1]);
        expect(ints(x.gt(1).all(1))).toEqual([0, 1]);
        expect(ints(x.tril())).toEqual([1, 0, 0, 4, 5, 0]);
        expect(x.norm().itemSync()).toBeCloseTo(Math.sqrt(91), 5);
      });
    });
  });
}

describe('refusals name the function and the argument', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('indices, offsets and shapes', () => {
    expect(() => T.select(x, 0, 2)).toThrow(/^select: index 2 is out of range for dim 0 of size 2 \(input \[2,3\]; expected -2 to 1\)$/);
    expect(() => T.select(tensor(1), 0, 0)).toThrow(/^select: input expected at least 1 dimension, got a 0-d tensor$/);
    expect(() => T.roll(x, [1, 2], 0)).toThrow(/^roll: shifts and dims expected the same length, got \[1,2\] and \[0\]$/);
    expect(() => T.roll(x, [1, 2])).toThrow(/^roll: without dims, shifts expected one integer, got \[1,2\]$/);
    expect(() => T.diagonal(tensor([1, 2]))).toThrow(/^diagonal: input expected at least 2 dimensions, got \[2\]$/);
    expect(T.diagonal(x, 5).shape).toEqual([0]);
    expect(() => T.diag(tensor([[[1]]]))).toThrow(/^diag: input expected 1 or 2 dimensions, got \[1,1,1\]$/);
    expect(() => T.trace(tensor([1, 2]))).toThrow(/^trace: input expected a matrix \(2 dimensions\), got \[2\]$/);
    expect(() => T.mm(x, tensor([1, 2, 3]))).toThrow(/^mm: expected two matrices, got \[2,3\] and \[3\]$/);
    expect(() => T.bmm(T.zeros([2, 1, 1]), T.zeros([3, 1, 1]))).toThrow(/^bmm: batch sizes differ: \[2,1,1\] and \[3,1,1\]$/);
    expect(() => T.prod(x, { dim: 0, keep: true } as never)).toThrow(/^prod: unknown option 'keep'/);
    expect(() => T.isclose(x, x, { rtol: -1 })).toThrow(/^isclose: rtol and atol expected numbers >= 0, got rtol -1, atol 1e-8$/);
    expect(() => tensor([1, 2, 3]).mT).toThrow(/^mT: expected at least 2 dimensions, got 1$/);
    expect(() => T.zeros([1, 1, 1]).T).toThrow(/^T: expected at most 2 dimensions/);
  });
});
