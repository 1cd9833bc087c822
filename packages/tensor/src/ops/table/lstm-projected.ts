// Note [projected lstm]: torch.nn.LSTM's proj_size. Each step's hidden state o·tanh(c) [N, H] is
// multiplied by weight_hr [P, H] before it is emitted and fed back, so weight_hh reads P features
// and the next layer D·P. The fused layer ops (Note [rnn layer ops]) have no projection, and
// neither oneDNN 2.6's fast path nor PyTorch's own cpu kernel fuses one, so the projected layer is
// composed of declared ops here: both devices run it and autograd differentiates it step by step.
// The input's projection x·W_ihᵀ + b for all steps is one matmul; a step then costs one product
// with W_hh, the gates' pointwise math and one product with W_hr. PyTorch's formulas and gate
// order (i, f, g, o); b_ih + b_hh are added as one bias.
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { sigmoid, tanh } from './activation.js';
import { add, mul } from './binary.js';
import { linear } from './linalg.js';
import { cat, chunk, reshape, stack } from './shape.js';
import { unbind } from './composed-shape.js';

/** One direction of one layer: PyTorch's weight_ih, weight_hh, bias_ih, bias_hh (or null), weight_hr. */
export interface ProjectedDirection {
  ih: Tensor;
  hh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  hr: Tensor;
}

/**
 * Runs a stacked projected LSTM over a time-major input [T, N, C] from states h0 [L·D, N, P] and
 * c0 [L·D, N, H]; `betweenLayers` is applied to every layer's output but the last (dropout).
 * Returns the output [T, N, D·P] and the final states, stacked like h0 and c0.
 */
export function runProjectedLstm(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  layers: readonly (readonly ProjectedDirection[])[],
  betweenLayers: (output: Tensor) => Tensor,
): { output: Tensor; h: Tensor; c: Tensor } {
  return scope(() => {
    const [T, N] = x.shape;
    const D = layers[0].length;
    const hLast = unbind(h0, 0);
    const cLast = unbind(c0, 0);
    let y = x;
    layers.forEach((directions, l) => {
      const outputs = directions.map((w, d) => {
        const row = l * D + d;
        const r = runDirection(y, hLast[row], cLast[row], w, d === 1, T, N);
        hLast[row] = r.h;
        cLast[row] = r.c;
        return r.output;
      });
      y = outputs.length === 1 ? outputs[0] : cat(outputs, 2);
      if (l < layers.length - 1) y = betweenLayers(y);
    });
    return { output: y, h: stack(hLast, 0), c: stack(cLast, 0) };
  });
}

function runDirection(x: Tensor, h0: Tensor, c0: Tensor, w: ProjectedDirection, reverse: boolean, T: number, N: number) {
  return scope(() => {
    const bias = w.biasIh && w.biasHh ? add(w.biasIh, w.biasHh) : null;
    const inputGates = unbind(reshape(linear(reshape(x, [T * N, x.shape[2]]), w.ih, bias), [T, N, w.ih.shape[0]]), 0);
    const outputs = new Array<Tensor>(T);
    let h = h0;
    let c = c0;
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const [i, f, g, o] = chunk(add(inputGates[t], linear(h, w.hh)), 4, 1);
      c = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
      h = linear(mul(sigmoid(o), tanh(c)), w.hr);
      outputs[t] = h;
    }
    return { output: stack(outputs, 0), h, c };
  });
}
