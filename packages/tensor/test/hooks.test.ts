// Gradient hooks and retainGrad (autograd/hooks.ts, Note [gradient hooks]) against PyTorch 2.13:
// y = 2x, z = Σy² + Σy·x, a hook on y zeroing its first element, a hook on x recording and
// scaling by 10; PyTorch gave y.grad [0, 10, 15], x.grad [20, 240, 360], and x's hook one call
// with [2, 24, 36] (the sum over both of x's paths).
import { describe, expect, it } from 'vitest';
import { grad, scope, tensor, type Tensor } from '../src/index.js';

const values = (t: Tensor | null) => Array.from(t!.dataSync() as Float32Array);

describe('gradient hooks and retainGrad', () => {
  it('match PyTorch: hooks see the total gradient once, may replace it, retainGrad keeps the hooked one', () => {
    scope(() => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      const y = x.mul(2);
      y.retainGrad();
      expect(y.retainsGrad).toBe(true);
      const calls: number[][] = [];
      x.registerHook((g) => {
        calls.push(values(g));
        return g.mul(10);
      });
      y.registerHook((g) => g.mul(tensor([0, 1, 1])));
      const z = y.mul(y).sum().add(y.mul(x).sum());
      z.backward();
      expect(values(y.grad)).toEqual([0, 10, 15]);
      expect(values(x.grad)).toEqual([20, 240, 360]);
      expect(calls).toEqual([[2, 24, 36]]);
    });
  });

  it('remove() stops a hook; a hook returning nothing leaves the gradient; retained gradients accumulate', () => {
    scope(() => {
      const x = tensor([1, 2], { requiresGrad: true });
      let seen = 0;
      const handle = x.registerHook(() => void seen++);
      const y = x.mul(3);
      y.retainGrad();
      const loss = y.sum();
      loss.backward({ retainGraph: true });
      expect(values(x.grad)).toEqual([3, 3]);
      handle.remove();
      loss.backward();
      expect(seen).toBe(1);
      expect(values(x.grad)).toEqual([6, 6]);
      expect(values(y.grad)).toEqual([2, 2]);
    });
  });

  it('run under grad() too, and on a leaf that is the root', () => {
    scope(() => {
      const x = tensor([1, 2], { requiresGrad: true });
      x.registerHook((g) => g.neg());
      const [g] = grad(x.mul(x).sum(), [x]);
      expect(values(g)).toEqual([-2, -4]);
      const w = tensor([5], { requiresGrad: true });
      w.registerHook((g) => g.mul(7));
      w.backward(tensor([1]));
      expect(values(w.grad)).toEqual([7]);
      // backward's options alone, as PyTorch's keyword arguments read; anything else is refused.
      const v = tensor([1, 2], { requiresGrad: true });
      const s = v.mul(v).sum();
      s.backward({ retainGraph: true });
      s.backward();
      expect(values(v.grad)).toEqual([4, 8]);
      expect(() => v.mul(2).sum().backward({ retain_graph: true } as never)).toThrow(/^backward: unknown option 'retain_graph'/);
    });
  });

  it('refuse what cannot work, naming the method', () => {
    scope(() => {
      expect(() => tensor([1]).registerHook(() => {})).toThrow(/^registerHook: the tensor does not require grad/);
      expect(() => tensor([1]).retainGrad()).toThrow(/^retainGrad: the tensor does not require grad/);
      const x = tensor([1, 2], { requiresGrad: true });
      x.registerHook(() => tensor([1, 2, 3]));
      expect(() => x.mul(2).sum().backward()).toThrow(/^registerHook: a hook returned shape \[3\] for a gradient of shape \[2\]$/);
      expect(() => (x.registerHook as (h: unknown) => unknown)(42)).toThrow(/^registerHook: hook expected a function, got number$/);
    });
  });

  it("a retained gradient returned from the scope that made its tensor survives it (found by a user trial: it came back disposed)", async () => {
    const w = tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    const g = scope(() => {
      const theta = w.mul(2).view([2, 3]);
      theta.retainGrad();
      theta.sum().backward();
      return theta.grad!;
    });
    expect(await g.array()).toEqual([[1, 1, 1], [1, 1, 1]]);
    g.dispose();
  });
});

