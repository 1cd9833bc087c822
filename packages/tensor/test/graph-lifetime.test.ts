// Note [graph lifetime] (src/autograd/node.ts): a graph nobody can reach any more frees what it
// saved at once, not when the garbage collector runs.
import { describe, expect, it } from 'vitest';
import { cast, conv2d, lstm, matmul, memory, relu, scope, sum, tensor, tanh } from '../src/index.js';

const values = (n: number, a: number) => Array.from({ length: n }, (_, i) => Math.sin(a * i + 0.1));

describe('graph lifetime (Note [graph lifetime])', () => {
  it('frees saved tensors when the outputs are disposed without a backward', () => {
    const w = tensor(values(12, 0.3), { shape: [4, 3], requiresGrad: true });
    const x = tensor(values(8, 0.7), { shape: [2, 4] });
    const before = memory().liveTensors;
    for (let i = 0; i < 5; i++) {
      // An evaluation that forgot noGrad: the saved inputs of matmul and tanh, dropped with y.
      scope(() => sum(relu(tanh(matmul(x, w))))).dispose();
    }
    expect(memory().liveTensors).toBe(before);
    // A recurrent layer's workspace is a hidden saved output: freed with the output too.
    const H = 5;
    const weights = {
      weight_ih_l0: tensor(values(4 * H * 3, 0.11), { shape: [4 * H, 3], requiresGrad: true }),
      weight_hh_l0: tensor(values(4 * H * H, 0.13), { shape: [4 * H, H], requiresGrad: true }),
      bias_ih_l0: tensor(values(4 * H, 0.17), { shape: [4 * H], requiresGrad: true }),
      bias_hh_l0: tensor(values(4 * H, 0.19), { shape: [4 * H], requiresGrad: true }),
    };
    const seq = tensor(values(4 * 2 * 3, 0.37), { shape: [4, 2, 3] });
    const base = memory().liveTensors;
    for (let i = 0; i < 3; i++) {
      const r = lstm(seq, weights);
      r.output.dispose();
      expect(memory().liveTensors).toBeGreaterThan(base); // h and c still reach the node
      r.h.dispose();
      r.c!.dispose();
      expect(memory().liveTensors).toBe(base);
    }
    for (const t of [w, x, seq, ...Object.values(weights)]) t.dispose();
  });

  it('keeps the graph while a later output can still reach it, and backward still works', () => {
    const w = tensor(values(2 * 1 * 3 * 3, 0.5), { shape: [2, 1, 3, 3], requiresGrad: true });
    const x = tensor(values(1 * 1 * 5 * 5, 0.9), { shape: [1, 1, 5, 5] });
    const before = memory().liveTensors;
    // The intermediates go when the scope ends; the loss still reaches their nodes.
    const loss = scope(() => sum(relu(conv2d(x, w, null, { padding: 1 }))));
    loss.backward();
    expect(w.grad).not.toBeNull();
    w.grad!.dispose();
    w.grad = null;
    loss.dispose();
    expect(memory().liveTensors).toBe(before);
    for (const t of [w, x]) t.dispose();
  });

  it('an op whose outputs are all integers records no node: cast(graph output, int) leaves nothing behind a scope', () => {
    // Such a node held the graph below it with nothing holding the node, so that graph's saved
    // tensors waited for the garbage collector (found through gridSample's index arithmetic).
    const x = tensor([0.5, -1.5, 2.5], { requiresGrad: true });
    const before = memory().liveTensors;
    for (let i = 0; i < 5; i++) scope(() => void cast(matmul(x.reshape([1, 3]), x.reshape([3, 1])), 'int32'));
    expect(memory().liveTensors).toBe(before);
  });
});

