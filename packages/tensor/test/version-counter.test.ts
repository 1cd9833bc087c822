// Note [version counter]: a tensor written in place after an op saved it for backward would give
// wrong gradients; backward refuses it, as PyTorch does — through the tensor itself, a view of
// it, detach(), or an optimiser step (found by a user trial: copyInto into a saved input went
// unnoticed).
import { describe, expect, it } from 'vitest';
import { copyInto, mul, noGrad, reshape, scope, sgdStep, sum, tensor } from '../src/index.js';

const stale = /^backward: input \d of mul \(\[\d(,\d)*\] float32\) was modified in place after mul used it \(version 1, saved at version 0\)/;

describe('in-place writes to saved tensors', () => {
  it('are refused by backward, whichever tensor sharing the storage was written', () => {
    scope(() => {
      for (const write of [
        (t: ReturnType<typeof tensor>) => copyInto(t, tensor([0, 0, 0, 0])),
        (t: ReturnType<typeof tensor>) => copyInto(t.detach(), tensor([0, 0, 0, 0])),
        (t: ReturnType<typeof tensor>) => copyInto(reshape(t.detach(), [2, 2]), tensor([[0, 0], [0, 0]])),
      ]) {
        const w = tensor([1, 2, 3, 4], { requiresGrad: true });
        const x = tensor([4, 5, 6, 7]);
        const y = sum(mul(w, x));
        noGrad(() => write(x));
        expect(() => y.backward()).toThrow(stale);
      }
    });
  });

  it('are refused after an optimiser step on a parameter the graph saved', () => {
    scope(() => {
      const p = tensor([1, 2], { requiresGrad: true });
      const loss = sum(mul(p, p));
      noGrad(() => sgdStep(p, tensor([1, 1]), null, { lr: 0.1 }));
      expect(() => loss.backward()).toThrow(stale);
    });
  });

  it('are fine after backward, and before the forward pass', () => {
    scope(() => {
      const p = tensor([1, 2], { requiresGrad: true });
      noGrad(() => copyInto(p.detach(), tensor([3, 4])));
      sum(mul(p, p)).backward();
      noGrad(() => copyInto(p.detach(), tensor([5, 5])));
      expect(Array.from(p.grad!.dataSync())).toEqual([6, 8]);
    });
  });
});
