// LSTM with projSize (torch.nn.LSTM's proj_size): PyTorch's parameter names, order and shapes,
// states of the projection's width, unbatched input, the functional form with a flat weight list,
// and refusals as PyTorch's. Values and gradients against PyTorch are in layers.test.ts
// (lstm_projected_*) and packed-sequence.test.ts (packed_lstm_projected).
import { describe, expect, it } from 'vitest';
import { lstm, scope, tensor, type Tensor } from '@nutshell/tensor';
import * as nn from '../src/index.js';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);
const sequence = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(0.7 * i)), { shape });

describe('LSTM projSize', () => {
  it("has PyTorch's parameters in PyTorch's order and shapes", () => {
    scope(() => {
      const layer = new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true, projSize: 2 });
      const shapes = [...layer.namedParameters()].map(([name, p]) => `${name} ${p.shape.join('x')}`);
      // torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2).named_parameters()
      expect(shapes.slice(0, 5)).toEqual(['weight_ih_l0 20x3', 'weight_hh_l0 20x2', 'bias_ih_l0 20', 'bias_hh_l0 20', 'weight_hr_l0 2x5']);
      expect(shapes.slice(10, 12)).toEqual(['weight_ih_l1 20x4', 'weight_hh_l1 20x2']);
      expect(shapes).toHaveLength(20);
      expect(String(layer)).toContain('projSize=2');
    });
  });

  it('gives output and h of the projection width, c of the hidden width; unbatched as batched', () => {
    scope(() => {
      const layer = new nn.LSTM(3, 5, { numLayers: 2, projSize: 2 });
      const x = sequence([4, 3]);
      const one = layer.forward(x);
      expect([one.output.shape, one.h.shape, one.c.shape]).toEqual([[4, 2], [2, 2], [2, 5]]);
      const batched = layer.forward(x.reshape([4, 1, 3]));
      expect(values(one.output)).toEqual(values(batched.output));
      expect(values(one.c)).toEqual(values(batched.c));
    });
  });

  it('the functional lstm takes a flat list with projSize (weight_hr after the biases)', () => {
    scope(() => {
      const layer = new nn.LSTM(3, 4, { projSize: 2 });
      const x = sequence([5, 2, 3]);
      const byName = layer.forward(x);
      const list = [...layer.parameters()];
      const flat = lstm(x, list, { projSize: 2 });
      expect(values(flat.output)).toEqual(values(byName.output));
      expect(() => lstm(x, list)).toThrow(/^lstm: weights expected 4 tensors \(or 2 without biases\) for 1 layer\(s\) × 1 direction\(s\), got 5$/);
    });
  });

  it('refuses as PyTorch does, naming the argument', () => {
    scope(() => {
      expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow(/^LSTM: projSize expected less than hiddenSize \(4\), got 4$/);
      expect(() => new nn.LSTM(3, 4, { projSize: -1 })).toThrow(/^LSTM: projSize expected a non-negative integer, got -1$/);
      expect(() => new nn.GRU(3, 4, { projSize: 2 } as never)).toThrow(/GRU: unknown option 'projSize'/);
      const layer = new nn.LSTM(3, 4, { projSize: 2 });
      const x = sequence([5, 2, 3]);
      expect(() => layer.forward(x, { h0: sequence([1, 2, 4]) })).toThrow(/^lstm: h0 expected shape \[1,2,2\], got \[1,2,4\]$/);
      expect(() => layer.forward(x, { c0: sequence([1, 2, 2]) })).toThrow(/^lstm: c0 expected shape \[1,2,4\], got \[1,2,2\]$/);
      const weights = Object.fromEntries(layer.namedParameters());
      expect(() => lstm(x, weights, { projSize: 3 })).toThrow(/^lstm: projSize is 3 but weight_hr_l0 has shape \[2,4\]$/);
    });
  });
});
