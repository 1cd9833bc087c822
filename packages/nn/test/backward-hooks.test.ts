// Module backward hooks (Note [module backward hooks]): registerFullBackwardHook /
// registerFullBackwardPreHook as PyTorch's register_full_backward_hook / _pre_hook.
import { describe, expect, it } from 'vitest';
import { memory, mul, randn, scope, sum, type Tensor } from '@nutshell/tensor';
import { Linear, Module, ReLU, Sequential } from '../src/index.js';
import { expectClose } from '@nutshell/tensor/testing';

describe('module backward hooks', () => {
  it('see the gradients of the inputs and outputs, and may replace the input gradients', () => {
    scope(() => {
      const fc = new Linear(3, 2);
      const x = randn([4, 3], { requiresGrad: true });
      const up = randn([4, 2]);
      sum(mul(fc.forward(x), up)).backward();
      const plainX = x.grad!.dataSync();
      const plainW = fc.weight.grad!.dataSync();
      x.grad = null;
      fc.zeroGrad();
      const seen: { gradInput: (Tensor | null)[]; gradOutput: (Tensor | null)[] }[] = [];
      const handle = fc.registerFullBackwardHook((m, gradInput, gradOutput) => {
        expect(m).toBe(fc);
        seen.push({ gradInput, gradOutput });
        return [mul(gradInput[0]!, 2)];
      });
      sum(mul(fc.forward(x), up)).backward();
      expect(seen).toHaveLength(1);
      expectClose(seen[0]!.gradOutput[0]!.dataSync(), up.dataSync(), 0, 0, 'gradOutput');
      expectClose(seen[0]!.gradInput[0]!.dataSync(), plainX, 1e-6, 1e-6, 'gradInput');
      expectClose(x.grad!.dataSync(), Array.from(plainX, (v) => 2 * v), 1e-6, 1e-6, 'replaced input gradient');
      expectClose(fc.weight.grad!.dataSync(), plainW, 1e-6, 1e-6, 'weight gradient untouched');
      handle.remove();
      x.grad = null;
      sum(mul(fc.forward(x), up)).backward();
      expect(seen).toHaveLength(1);
      expectClose(x.grad!.dataSync(), plainX, 1e-6, 1e-6, 'after remove');
    });
  });

  it('a pre-hook may replace the output gradients; without an input that needs one, the hook gets nulls', () => {
    scope(() => {
      const net = new Sequential(new Linear(3, 2), new ReLU());
      const x = randn([4, 3]);
      sum(net.forward(x)).backward();
      const plainW = (net.at(0) as Linear).weight.grad!.dataSync();
      net.zeroGrad();
      const calls: string[] = [];
      net.registerFullBackwardPreHook((_m, gradOutput) => {
        calls.push('pre');
        return [mul(gradOutput[0]!, 3)];
      });
      net.registerFullBackwardHook((_m, gradInput, gradOutput) => {
        calls.push(`full ${gradInput.map((g) => (g === null ? 'null' : 'grad')).join(',')} ${gradOutput.length}`);
      });
      sum(net.forward(x)).backward();
      expect(calls).toEqual(['pre', 'full null 1']);
      expectClose((net.at(0) as Linear).weight.grad!.dataSync(), Array.from(plainW, (v) => 3 * v), 1e-6, 1e-6, 'scaled by the pre-hook');
    });
  });

  it('gives non-tensor arguments a null gradient, refuses bad returns and outputs it cannot wrap, and leaves nothing behind', () => {
    class Scale extends Module {
      forward(x: Tensor, k: number): Tensor {
        return mul(x, k);
      }
    }
    class Pair extends Module {
      forward(x: Tensor): { a: Tensor } {
        return { a: x };
      }
    }
    const m = new Scale();
    const x = randn([2], { requiresGrad: true });
    let grads: (Tensor | null)[] = [];
    m.registerFullBackwardHook((_m, gradInput) => {
      grads = gradInput;
    });
    scope(() => sum(m.forward(x, 5)).backward());
    expect(grads.map((g) => (g === null ? null : Array.from(g.dataSync())))).toEqual([[5, 5], null]);
    const bad = new Scale();
    bad.registerFullBackwardHook(() => [1] as never);
    expect(() => scope(() => sum(bad.forward(x, 2)).backward())).toThrowError(/^Scale: a backward hook expected to return nothing or an array of 2 tensors or nulls \(the gradients of the inputs\), got an array of 1$/);
    const pair = new Pair();
    pair.registerFullBackwardHook(() => undefined);
    expect(() => pair.forward(x)).toThrowError(/^Pair: backward hooks need the forward to return a tensor or an array of tensors, got object$/);
    x.grad = null;
    const base = memory().liveTensors;
    // The gradients a hook gets are its own: this one disposes them.
    const quiet = new Scale();
    quiet.registerFullBackwardHook((_m, gradInput, gradOutput) => {
      for (const g of [...gradInput, ...gradOutput]) g?.dispose();
    });
    for (let i = 0; i < 50; i++) {
      scope(() => sum(quiet.forward(x, 2)).backward());
      x.grad!.dispose();
      x.grad = null;
    }
    expect(memory().liveTensors).toBe(base);
  });
});
