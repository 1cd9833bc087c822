// checkpoint(fn, ...args): activations recomputed in backward (Note [activation checkpointing]).
import { describe, expect, it } from 'vitest';
import { ValueError, add, checkpoint, dropout, grad, linear, manualSeed, memory, mul, noGrad, randn, relu, resetPeakMemoryStats, scope, sum, tanh, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const param = (shape: number[]) => mul(randn(shape), 0.1).requiresGrad_();

describe('checkpoint', () => {
  it('gives the gradients of the plain block to its inputs and to the parameters it closes over, also fed data that needs none', () => {
    scope(() => {
      const w1 = param([16, 8]);
      const b1 = param([16]);
      const w2 = param([4, 16]);
      const block = (x: Tensor, scale: number) => mul(linear(tanh(linear(x, w1, b1)), w2), scale);
      for (const inputNeedsGrad of [true, false]) {
        const x = randn([5, 8], { requiresGrad: inputNeedsGrad });
        const runOnce = (useCheckpoint: boolean) => {
          for (const p of [w1, b1, w2, x]) p.grad = null;
          const y = useCheckpoint ? checkpoint(block, x, 3) : block(x, 3);
          sum(mul(y, y)).backward();
          return [w1, b1, w2, ...(inputNeedsGrad ? [x] : [])].map((p) => p.grad!.dataSync());
        };
        const plain = runOnce(false);
        const recomputed = runOnce(true);
        plain.forEach((g, i) => expectClose(recomputed[i]!, g, 1e-6, 1e-6, `grad ${i}`));
      }
    });
  });

  it('replays the forward random draws (dropout) when it recomputes, and leaves the generator as it found it', () => {
    scope(() => {
      const w = param([32, 32]);
      const block = (x: Tensor) => dropout(relu(linear(x, w)), 0.5);
      const x = randn([8, 32]);
      const gradsOf = (useCheckpoint: boolean) => {
        w.grad = null;
        manualSeed(7);
        const y = useCheckpoint ? checkpoint(block, x) : block(x);
        sum(y).backward();
        return { g: w.grad!.dataSync(), next: randn([4]).dataSync() };
      };
      const plain = gradsOf(false);
      const recomputed = gradsOf(true);
      expectClose(recomputed.g, plain.g, 1e-6, 1e-6, 'weight grad');
      expect(Array.from(recomputed.next)).toEqual(Array.from(plain.next));
    });
  });

  it('takes several outputs and a gradient reaching only some of them', () => {
    scope(() => {
      const w = param([3, 3]);
      const x = randn([2, 3], { requiresGrad: true });
      const split = (v: Tensor) => [linear(v, w), tanh(v)];
      const [a, b] = checkpoint(split, x);
      sum(add(mul(a!, 2), mul(b!, b!))).backward();
      const gw = w.grad!.dataSync();
      const gx = x.grad!.dataSync();
      w.grad = null;
      x.grad = null;
      const [a2, b2] = split(x);
      sum(add(mul(a2!, 2), mul(b2!, b2!))).backward();
      expectClose(gw, w.grad!.dataSync(), 1e-6, 1e-6, 'w');
      expectClose(gx, x.grad!.dataSync(), 1e-6, 1e-6, 'x');
      w.grad = null;
      const [only] = checkpoint(split, x);
      sum(only!).backward();
      expect(w.grad).not.toBeNull();
    });
  });

  it("applies a parameter's hooks once, to its total gradient, and leaves a tensor fn returns from outside alone", () => {
    scope(() => {
      const w = param([3, 3]);
      let calls = 0;
      w.registerHook((g) => {
        calls++;
        return mul(g, 2);
      });
      const x = randn([2, 3]);
      sum(tanh(linear(x, w))).backward();
      const plain = w.grad!.dataSync();
      w.grad = null;
      sum(checkpoint((v: Tensor) => tanh(linear(v, w)), x)).backward();
      expectClose(w.grad!.dataSync(), plain, 1e-6, 1e-6, 'hooked grad');
      expect(calls).toBe(2);
      const mask = randn([2, 3]);
      const [y, m] = checkpoint((v: Tensor) => [linear(v, w), mask], x);
      expect(mask.isDisposed).toBe(false);
      expect(m).not.toBe(mask);
      sum(y!).backward();
      expect(() => checkpoint(() => [tanh(w)] as Tensor[], x).length).not.toThrow();
      const outside = tanh(w);
      expect(() => checkpoint(() => outside, x)).toThrowError(/^checkpoint: fn returns a tensor computed outside it that requires grad \(made by tanh\)/);
    });
  });

  it('holds less memory than the plain chain of blocks', () => {
    const ws = Array.from({ length: 6 }, () => keepParam([256, 256]));
    const x = randn([512, 256]);
    const peakOf = (useCheckpoint: boolean) => {
      resetPeakMemoryStats();
      const base = memory().liveBytes;
      scope(() => {
        let h = x;
        for (const w of ws) {
          const block = (v: Tensor) => tanh(linear(tanh(linear(tanh(linear(tanh(linear(v, w)), w)), w)), w));
          h = useCheckpoint ? checkpoint(block, h) : block(h);
        }
        sum(h).backward();
      });
      for (const w of ws) w.grad = null;
      return memory().peakBytes - base;
    };
    const plain = peakOf(false);
    const checkpointed = peakOf(true);
    expect(checkpointed).toBeLessThan(0.6 * plain);
  });

  it('refuses what it cannot do by name, and is a plain call without recording', () => {
    scope(() => {
      const w = param([3, 3]);
      const outside = tanh(param([3])); // computed outside fn, requires grad
      expect(() => checkpoint((v: Tensor) => add(linear(v, w), outside), randn([2, 3]))).toThrowError(
        /^checkpoint: fn uses a tensor computed outside it that requires grad \(made by tanh\); pass it to checkpoint as an argument/,
      );
      expect(() => checkpoint(() => 3 as unknown as Tensor)).toThrowError(/^checkpoint: fn expected to return a Tensor or a non-empty array of Tensors, got number$/);
      expect(() => checkpoint(3 as never)).toThrowError(ValueError);
    });
  });

  it('refuses second derivatives through the block, and a parameter stepped before backward', () => {
    scope(() => {
      const w = param([3, 3]);
      const x = randn([2, 3], { requiresGrad: true });
      const y = checkpoint((v: Tensor) => tanh(linear(v, w)), x);
      expect(() => grad(sum(y), [x], { createGraph: true })).toThrowError(/^checkpoint: second derivatives through a checkpointed block are not supported/);
      const z = checkpoint((v: Tensor) => tanh(linear(v, w)), x);
      noGrad(() => w.add_(1));
      expect(() => sum(z).backward()).toThrowError(/was modified in place after checkpoint used it/);
      expect(noGrad(() => checkpoint((v: Tensor) => linear(v, w), x)).gradFn).toBeNull();
    });
  });

  it('frees everything it kept, with or without a backward', () => {
    const w = keepParam([8, 8]);
    const step = (withBackward: boolean) =>
      scope(() => {
        const y = checkpoint((v: Tensor) => tanh(linear(v, w)), randn([4, 8]));
        if (withBackward) sum(y).backward();
      });
    step(true);
    w.grad?.dispose();
    w.grad = null;
    const base = memory();
    for (let i = 0; i < 100; i++) {
      step(i % 2 === 0);
      w.grad?.dispose();
      w.grad = null;
    }
    expect(memory().liveTensors).toBe(base.liveTensors);
    expect(memory().liveBytes).toBe(base.liveBytes);
  });
});

function keepParam(shape: number[]): Tensor {
  return noGrad(() => mul(randn(shape), 0.05)).requiresGrad_();
}
