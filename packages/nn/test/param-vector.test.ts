// parametersToVector / vectorToParameters (torch.nn.utils), asked for in an RL user trial.
import { describe, expect, it } from 'vitest';
import { arange, sum, tensor } from '@nutshell/tensor';
import { Linear, Sequential, parametersToVector, vectorToParameters } from '../src/index.js';

describe('parameters as one vector', () => {
  it('flattens in parameters() order with a graph, and copies back slice by slice', () => {
    const net = new Sequential(new Linear(3, 2), new Linear(2, 1));
    const ps = [...net.parameters()];
    const v = parametersToVector(net.parameters());
    expect(v.shape).toEqual([6 + 2 + 2 + 1]);
    expect(Array.from(v.dataSync())).toEqual(ps.flatMap((p) => Array.from(p.dataSync() as Float32Array)));
    sum(v.mul(2)).backward();
    for (const p of ps) expect(Array.from(p.grad!.dataSync())).toEqual(new Array(p.numel).fill(2));
    vectorToParameters(arange(11), net.parameters());
    expect(Array.from(ps[0].dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ps[0].shape).toEqual([2, 3]);
    expect(Array.from(ps[3].dataSync())).toEqual([10]);
    expect(ps[0].requiresGrad).toBe(true);
  });

  it('refuses a vector of the wrong length or rank, and what is not parameters', () => {
    const net = new Linear(2, 2);
    expect(() => vectorToParameters(arange(5), net.parameters())).toThrow(/^vectorToParameters: vector has 5 elements but the parameters hold 6$/);
    expect(() => vectorToParameters(tensor([[1]]), net.parameters())).toThrow(/^vectorToParameters: vector expected a 1-D tensor, got shape \[1,1\]$/);
    expect(() => parametersToVector(3 as never)).toThrow(/^parametersToVector: parameters expected an iterable of tensors \(model\.parameters\(\)\), got number$/);
    expect(() => parametersToVector([])).toThrow(/^parametersToVector: expected at least one parameter$/);
  });
});
