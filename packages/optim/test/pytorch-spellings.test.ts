// Note [PyTorch spellings] (tensor package) on optimisers, schedulers and param groups.
import { describe, expect, it } from 'vitest';
import { randn } from '@nutshell/tensor';
import { AdamW, LBFGS, StepLR } from '../src/index.js';

describe('PyTorch spellings', () => {
  it('zero_grad, param_groups, get_last_lr, last_epoch name ours', () => {
    const p = randn([2]).requiresGrad_();
    const opt = new AdamW([p], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 1 }) as unknown as Record<string, unknown>;
    const o = opt as unknown as Record<string, unknown>;
    expect(() => o.zero_grad).toThrowError(/^AdamW\.zero_grad: this API spells it zeroGrad$/);
    expect(() => o.param_groups).toThrowError(/^AdamW\.param_groups: this API spells it paramGroups$/);
    expect(() => o.state_dict).toThrowError(/spells it stateDict/);
    expect(() => (new LBFGS([p]) as unknown as Record<string, unknown>).param_groups).toThrowError(/^LBFGS\.param_groups/);
    expect(() => sched.get_last_lr).toThrowError(/^StepLR\.get_last_lr: this API spells it getLastLr$/);
    expect(() => sched.last_epoch).toThrowError(/spells it lastEpoch/);
  });

  it("a group's option in PyTorch's spelling is refused, read or written (it used to be stored and ignored)", () => {
    const opt = new AdamW([randn([2]).requiresGrad_()], { lr: 0.1, weightDecay: 0.5 });
    const g = opt.paramGroups[0] as unknown as Record<string, unknown>;
    expect(() => {
      g.weight_decay = 0;
    }).toThrowError(/^param group option 'weight_decay' is spelled 'weightDecay' here$/);
    expect(() => g.weight_decay).toThrowError(/spelled 'weightDecay'/);
    expect(opt.paramGroups[0]!.weightDecay).toBe(0.5);
    g.lr = 0.2;
    expect(opt.paramGroups[0]!.options.lr).toBe(0.2);
  });
});
