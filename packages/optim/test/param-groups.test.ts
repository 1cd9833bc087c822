// Param groups as PyTorch users handle them (found by user trials): options readable and settable
// on the group itself, misspelled options refused rather than ignored, and loadStateDict checking
// what it is given — PyTorch's own flags, ranges, indices — before changing anything.
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@nutshell/tensor';
import * as optim from '../src/index.js';

const params = () => [tensor([1, 2], { requiresGrad: true }), tensor([3], { requiresGrad: true })];
const stepWith = (opt: optim.Optimizer<{ lr: number }>, ps: Tensor[]) => {
  for (const p of ps) p.grad = tensor(new Float32Array(p.numel).fill(1), { shape: p.shape });
  opt.step();
};

describe('param groups', () => {
  it("group.lr reads and sets the group's lr (PyTorch's param_groups[0]['lr'] = …)", () => {
    const ps = params();
    const opt = new optim.SGD([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    expect(opt.paramGroups[1].momentum).toBe(0.9);
    opt.paramGroups[0].lr = 0;
    expect(opt.paramGroups[0].options.lr).toBe(0);
    stepWith(opt, ps);
    expect(Array.from(ps[0].dataSync())).toEqual([1, 2]);
    expect(Array.from(ps[1].dataSync())).toEqual([2.5]);
  });

  it('refuses a misspelled option in a group, keeps keys of the caller’s own', () => {
    const ps = params();
    expect(() => new optim.AdamW([{ params: [ps[0]], weight_decay: 0 }])).toThrow(/^AdamW: param group option 'weight_decay' is spelled 'weightDecay' here$/);
    expect(() => new optim.SGD([{ params: [ps[0]], Momentum: 0.9 }])).toThrow(/^SGD: param group option 'Momentum' is spelled 'momentum' here$/);
    const opt = new optim.SGD([{ params: ps, name: 'backbone' }]);
    expect((opt.paramGroups[0].options as unknown as { name: string }).name).toBe('backbone');
  });
});

describe('loadStateDict checks before it changes anything', () => {
  const saved = (opt: optim.Optimizer<{ lr: number }>, edit: (g: Record<string, unknown>) => void) => {
    const sd = opt.stateDict();
    edit(sd.paramGroups[0]);
    return sd;
  };

  it('refuses out-of-range options, as the constructor does', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1 });
    expect(() => opt.loadStateDict(saved(opt, (g) => (g.lr = -5)))).toThrow(/^SGD: lr expected lr >= 0, got -5$/);
    expect(() => opt.loadStateDict(saved(opt, (g) => (g.nesterov = true)))).toThrow(/^SGD: nesterov expected momentum > 0/);
    expect(opt.paramGroups[0].lr).toBe(0.1);
  });

  it('takes PyTorch’s inert flags at their inert values and refuses them otherwise', () => {
    const ps = params();
    const adam = new optim.Adam(ps);
    adam.loadStateDict(saved(adam, (g) => Object.assign(g, { capturable: false, differentiable: false, fused: null, decoupledWeightDecay: false })));
    expect(Object.keys(adam.paramGroups[0].options)).not.toContain('capturable');
    expect(() => adam.loadStateDict(saved(adam, (g) => (g.capturable = true)))).toThrow(/^loadStateDict: group 0 has PyTorch's capturable=true, which Adam here does not support$/);
    expect(() => adam.loadStateDict(saved(adam, (g) => (g.decoupledWeightDecay = true)))).toThrow(/decoupledWeightDecay=true, which Adam here does not support/);
    const adamw = new optim.AdamW(params());
    adamw.loadStateDict(saved(adamw, (g) => (g.decoupledWeightDecay = true)));
    expect(() => adamw.loadStateDict(saved(adamw, (g) => (g.weight_decay = 0)))).toThrow(/^loadStateDict: group 0: param group option 'weight_decay' is spelled 'weightDecay' here$/);
  });

  it('refuses state for a parameter it does not have, leaving its own state as it was', () => {
    const ps = params();
    const opt = new optim.SGD(ps, { lr: 0.1, momentum: 0.9 });
    stepWith(opt, ps);
    const sd = opt.stateDict();
    sd.state[7] = sd.state[0];
    sd.paramGroups[0].lr = 0.2;
    expect(() => opt.loadStateDict(sd)).toThrow(/^loadStateDict: state for parameter 7, but this optimiser has 2 parameters \(0 to 1\)$/);
    expect(opt.paramGroups[0].lr).toBe(0.1);
  });
});

describe('addParamGroup', () => {
  it('adds layers unfrozen part-way with their own lr; refuses a parameter already optimised', () => {
    const [a, b] = params();
    const opt = new optim.SGD([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.5 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    stepWith(opt, [a, b]);
    expect(Array.from(b.dataSync())).toEqual([2.5]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/^addParamGroup: a parameter appears in more than one group$/);
    // One group holding a parameter twice is said as such (a user trial read "more than one group").
    expect(() => new optim.Adam([b, b])).toThrow(/^Adam: a parameter appears twice in one group \(PyTorch refuses it too\); pass each once$/);
    expect(() => opt.addParamGroup({ params: [tensor([1], { requiresGrad: true })], weight_decay: 1 })).toThrow(/^addParamGroup: param group option 'weight_decay' is spelled 'weightDecay' here$/);
  });
});

describe('options switched on part-way, and schedulers beside added groups (found by a review)', () => {
  it('amsgrad or centered switched on after the first step make their state instead of overwriting the gradient', () => {
    for (const foreach of [true, false]) {
      const [a, b] = params();
      const adam = new optim.Adam([a], { lr: 0.1, foreach });
      const rms = new optim.RMSprop([b], { lr: 0.1, foreach });
      stepWith(adam, [a]);
      stepWith(rms, [b]);
      adam.paramGroups[0].amsgrad = true;
      rms.paramGroups[0].centered = true;
      rms.paramGroups[0].momentum = 0.5;
      stepWith(adam, [a]);
      stepWith(rms, [b]);
      expect(Array.from(a.grad!.dataSync())).toEqual([1, 1]);
      expect(Array.from(b.grad!.dataSync())).toEqual([1]);
      expect(Object.keys(adam.state.get(a)!)).toContain('maxExpAvgSq');
      expect(Object.keys(rms.state.get(b)!)).toEqual(expect.arrayContaining(['gradAvg', 'momentumBuffer']));
    }
  });

  it('a group added after a scheduler keeps its own lr, as PyTorch leaves it', () => {
    const [a, b] = params();
    const opt = new optim.SGD([a], { lr: 0.1 });
    const schedules = [
      new optim.LambdaLR(opt, { lrLambda: (e) => 0.5 ** e }),
      new optim.CosineAnnealingLR(new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 }), { TMax: 2 }),
    ];
    opt.addParamGroup({ params: [b], lr: 0.3 });
    for (let k = 0; k < 4; k++) schedules[0].step();
    expect(opt.paramGroups[1].lr).toBe(0.3);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1 * 0.5 ** 4, 12);
  });
});
