// The repeating schedules, CosineAnnealingWarmRestarts and CyclicLR, against PyTorch 2.13 (values
// from torch.optim.lr_scheduler, pasted as JSON): fractional epochs, beta1 cycled for Adam, a
// custom scale function, and PyTorch's state dicts resuming here.
import { describe, expect, it } from 'vitest';
import { zeros } from '@nutshell/tensor';
import * as optim from '../src/index.js';

const torch = {"warm_fractional":[0.1,0.0962320368593087,0.0855017856687341,0.06944282990207196,0.0505,0.03155717009792806,0.0154982143312659,0.004767963140691307,0.1,0.09904887137995991,0.0962320368593087,0.091657745808976,0.0855017856687341,0.07800072653447031,0.06944282990207196,0.06015697093979836,0.0505,0.04084302906020166,0.03155717009792806,0.022999273465529706],"warm_state":{"state":{"T_0":3,"T_i":6,"T_mult":2,"eta_min":0.01,"T_cur":1,"base_lrs":[0.1],"last_epoch":4,"_step_count":0,"_is_initial":false,"_get_lr_called_within_step":false,"_last_lr":[0.09397114317029975]},"next":[0.0775,0.05500000000000001,0.032500000000000015,0.01602885682970026,0.1,0.09846666218300808]},"cyclic_adam":{"lrs":[0.001,0.0055,0.009999999999999998,0.006999999999999999,0.004,0.001,0.005500000000000005,0.009999999999999998,0.006999999999999999,0.0040000000000000036,0.001],"beta1":[0.9,0.8500000000000001,0.8,0.8333333333333334,0.8666666666666667,0.9,0.85,0.8,0.8333333333333334,0.8666666666666667,0.9]},"cyclic_state":{"state":{"max_lrs":[0.1],"total_size":6,"step_ratio":0.5,"mode":"triangular2","gamma":1,"scale_mode":"cycle","cycle_momentum":true,"use_beta1":false,"base_momentums":[0.8],"max_momentums":[0.9],"base_lrs":[0.01],"last_epoch":5,"_step_count":6,"_is_initial":false,"_get_lr_called_within_step":false,"_last_lr":[0.03999999999999998],"_scale_fn_custom":null},"next":[0.01,0.02500000000000003,0.03999999999999998,0.05500000000000001,0.03999999999999998,0.02500000000000003],"momentum":[0.9,0.8833333333333333,0.8666666666666667,0.8500000000000001,0.8666666666666667,0.8833333333333333],"last_momentum_before":null},"cyclic_custom":[0.01,0.0325,0.04,0.02125,0.01,0.0175,0.02285714285714286,0.015625,0.01]};

const sgd = (lr = 0.1) => new optim.SGD([zeros([2], { requiresGrad: true })], { lr, momentum: 0.9 });
const close = (got: number[], want: number[], what: string) => {
  expect(got.length, what).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `${what} [${i}]: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(want[i])));
};

describe('CosineAnnealingWarmRestarts', () => {
  it('takes fractional epochs, step(epoch + i / iters), as PyTorch does', () => {
    const o = sgd();
    const s = new optim.CosineAnnealingWarmRestarts(o, { T0: 2, TMult: 2, etaMin: 0.001 });
    const lrs: number[] = [];
    for (let epoch = 0; epoch < 5; epoch++) for (let i = 0; i < 4; i++) (s.step(epoch + i / 4), lrs.push(o.paramGroups[0].lr));
    close(lrs, torch.warm_fractional, 'lr');
  });

  it("resumes from PyTorch's state dict (T_i, T_cur) and its own", () => {
    const { state, next } = torch.warm_state;
    for (const saved of [state, (() => { const o = sgd(); const s = new optim.CosineAnnealingWarmRestarts(o, { T0: 3, TMult: 2, etaMin: 0.01 }); for (let k = 0; k < 4; k++) s.step(); return s.stateDict(); })()]) {
      const o = sgd();
      const s = new optim.CosineAnnealingWarmRestarts(o, { T0: 3, TMult: 2, etaMin: 0.01 });
      s.loadStateDict(saved);
      close(next.map(() => (s.step(), o.paramGroups[0].lr)), next, 'lr');
    }
    const s = new optim.CosineAnnealingWarmRestarts(sgd(), { T0: 3, TMult: 2, etaMin: 0.01 });
    expect(s.stateDict()).toMatchObject({ T_0: 3, T_mult: 2, eta_min: 0.01, T_i: 3, T_cur: 0, _step_count: 0 });
  });

  it('refuses bad settings and epochs', () => {
    expect(() => new optim.CosineAnnealingWarmRestarts(sgd(), { T0: 0 })).toThrow(/^CosineAnnealingWarmRestarts: T0 expected a positive integer, got 0$/);
    expect(() => new optim.CosineAnnealingWarmRestarts(sgd(), { T0: 2, TMult: 1.5 })).toThrow(/^CosineAnnealingWarmRestarts: TMult expected an integer >= 1, got 1.5$/);
    expect(() => new optim.CosineAnnealingWarmRestarts(sgd(), { T_0: 2 } as never)).toThrow(/^CosineAnnealingWarmRestarts: unknown option 'T_0'/);
    expect(() => new optim.CosineAnnealingWarmRestarts(sgd(), { T0: 2 }).step(-1)).toThrow(/^CosineAnnealingWarmRestarts: step expected a non-negative epoch, got -1$/);
  });
});

describe('CyclicLR', () => {
  it("cycles Adam's beta1 inversely to the lr", () => {
    const a = new optim.Adam([zeros([2], { requiresGrad: true })], { lr: 0.1 });
    const c = new optim.CyclicLR(a, { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 2, stepSizeDown: 3 });
    const lrs = [a.paramGroups[0].lr];
    const beta1 = [a.paramGroups[0].betas[0]];
    for (let k = 0; k < 10; k++) (c.step(), lrs.push(a.paramGroups[0].lr), beta1.push(a.paramGroups[0].betas[0]));
    close(lrs, torch.cyclic_adam.lrs, 'lr');
    close(beta1, torch.cyclic_adam.beta1, 'beta1');
  });

  it('takes a custom scale function of the iteration', () => {
    const o = sgd();
    const c = new optim.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, scaleFn: (x) => 1 / (x + 1), scaleMode: 'iterations', cycleMomentum: false });
    const lrs = [o.paramGroups[0].lr];
    for (let k = 0; k < 8; k++) (c.step(), lrs.push(o.paramGroups[0].lr));
    close(lrs, torch.cyclic_custom, 'lr');
    expect(o.paramGroups[0].momentum).toBe(0.9);
  });

  it("resumes from PyTorch's state dict, momentum included", () => {
    const { state, next, momentum } = torch.cyclic_state;
    const o = sgd();
    const c = new optim.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, mode: 'triangular2' });
    c.loadStateDict(state);
    const lrs: number[] = [];
    const moms: number[] = [];
    for (let k = 0; k < next.length; k++) (c.step(), lrs.push(o.paramGroups[0].lr), moms.push(o.paramGroups[0].momentum));
    close(lrs, next, 'lr');
    close(moms, momentum, 'momentum');
    expect(() => new optim.CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.2, stepSizeUp: 3, mode: 'triangular2' }).loadStateDict(state)).toThrow(/^CyclicLR.loadStateDict: max_lrs is \[0\.1\] in the state but \[0\.2\] here/);
  });

  it('refuses bad settings, naming them', () => {
    expect(() => new optim.CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, mode: 'triangle' as never })).toThrow(/^CyclicLR: mode expected 'triangular', 'triangular2' or 'exp_range', got 'triangle'$/);
    expect(() => new optim.CyclicLR(sgd(), { baseLr: [0.01, 0.02], maxLr: 0.1 })).toThrow(/^CyclicLR: baseLr expected a number or one number per param group \(1\), got \[0\.01,0\.02\]$/);
    const adagrad = new optim.Adagrad([zeros([2], { requiresGrad: true })]);
    expect(() => new optim.CyclicLR(adagrad, { baseLr: 0.01, maxLr: 0.1 })).toThrow(/^CyclicLR: cycleMomentum needs an optimiser with momentum or betas/);
    expect(() => new optim.CyclicLR(adagrad, { baseLr: 0.01, maxLr: 0.1, cycleMomentum: false })).not.toThrow();
  });
});
