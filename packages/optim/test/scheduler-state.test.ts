// Scheduler state dicts under PyTorch's names (Note [scheduler state]): PyTorch 2.13's own
// state_dict() (as JSON) loads here and the schedule goes on exactly as PyTorch's did; ours has
// PyTorch's keys; and what does not belong is refused before anything changes.
import { describe, expect, it } from 'vitest';
import { zeros } from '@nutshell/tensor';
import * as optim from '../src/index.js';

// torch.optim.SGD([p], lr=0.1, momentum=0.9) stepped with each scheduler: its state_dict() after
// a few steps (±inf as null, as JSON writes it) and the lrs of the next steps.
const torch = {"step": {"state": {"step_size": 2, "gamma": 0.5, "base_lrs": [0.1], "last_epoch": 3, "_step_count": 4, "_is_initial": false, "_get_lr_called_within_step": false, "_last_lr": [0.05]}, "next": [0.025, 0.025, 0.0125, 0.0125]}, "cosine": {"state": {"T_max": 10, "eta_min": 0.01, "base_lrs": [0.1], "last_epoch": 4, "_step_count": 5, "_is_initial": false, "_get_lr_called_within_step": false, "_last_lr": [0.06890576474687264]}, "next": [0.05500000000000001, 0.04109423525312737, 0.028549663646838717, 0.01859423525312737]}, "plateau": {"state": {"factor": 0.5, "default_min_lr": 0, "min_lrs": [0], "patience": 1, "cooldown": 0, "eps": 1e-08, "last_epoch": 4, "_last_lr": [0.05], "mode_worse": null, "mode": "min", "threshold": 0.0001, "threshold_mode": "rel", "best": 4.0, "cooldown_counter": 0, "num_bad_epochs": 0}, "next": [0.05, 0.05, 0.05, 0.025]}};

// MultiStepLR (milestones a Counter, which JSON writes as {"2": 1, "5": 2}) and OneCycleLR (with its derived bookkeeping).
const torch2 = {"multistep": {"state": {"milestones": {"2": 1, "5": 2}, "gamma": 0.5, "base_lrs": [0.1], "last_epoch": 3, "_step_count": 4, "_is_initial": false, "_get_lr_called_within_step": false, "_last_lr": [0.05]}, "next": [0.05, 0.0125, 0.0125, 0.0125]}, "onecycle": {"state": {"total_steps": 10, "_schedule_phases": [{"end_step": 2.0, "start_lr": "initial_lr", "end_lr": "max_lr", "start_momentum": "max_momentum", "end_momentum": "base_momentum"}, {"end_step": 9, "start_lr": "max_lr", "end_lr": "min_lr", "start_momentum": "base_momentum", "end_momentum": "max_momentum"}], "_anneal_func_type": "cos", "cycle_momentum": true, "use_beta1": false, "base_lrs": [0.02], "last_epoch": 3, "_step_count": 4, "_is_initial": false, "_get_lr_called_within_step": false, "_last_lr": [0.47524231600673683]}, "next": [0.40587282697488153, 0.30563101096814466, 0.19437098903185537, 0.09412917302511849]}};

const sgd = (lr = 0.1) => new optim.SGD([zeros([2], { requiresGrad: true })], { lr, momentum: 0.9 });

describe("PyTorch's scheduler state dicts", () => {
  it('resume here exactly where PyTorch left off (StepLR, CosineAnnealingLR, ReduceLROnPlateau)', () => {
    const cases: [keyof typeof torch, (o: optim.SGD) => { step(m?: number): void; loadStateDict(s: Record<string, unknown>): void }, number[]][] = [
      ['step', (o) => new optim.StepLR(o, { stepSize: 2, gamma: 0.5 }), []],
      ['cosine', (o) => new optim.CosineAnnealingLR(o, { TMax: 10, etaMin: 0.01 }), []],
      ['plateau', (o) => new optim.ReduceLROnPlateau(o, { patience: 1, factor: 0.5 }), [4, 3, 3, 3]],
    ];
    for (const [name, make, metrics] of cases) {
      const { state, next } = torch[name];
      const o = sgd();
      const s = make(o);
      s.loadStateDict(state);
      o.paramGroups[0].lr = state._last_lr[0]; // the optimiser's own state carries its lr
      const lrs = next.map((_, i) => (s.step(metrics[i]), o.paramGroups[0].lr));
      lrs.forEach((lr, i) => expect(lr, `${name} step ${i}`).toBeCloseTo(next[i], 12));
    }
  });

  it('MultiStepLR (milestones as a Counter) and OneCycleLR resume from PyTorch’s state too (found by a user trial)', () => {
    const cases: [keyof typeof torch2, (o: optim.SGD) => optim.LRScheduler][] = [
      ['multistep', (o) => new optim.MultiStepLR(o, { milestones: [2, 5, 5], gamma: 0.5 })],
      ['onecycle', (o) => new optim.OneCycleLR(o, { maxLr: 0.5, totalSteps: 10 })],
    ];
    for (const [name, make] of cases) {
      const { state, next } = torch2[name];
      const o = sgd();
      const s = make(o);
      s.loadStateDict(state);
      o.paramGroups[0].lr = state._last_lr[0];
      next.forEach((lr, i) => {
        s.step();
        expect(o.paramGroups[0].lr, `${name} step ${i}`).toBeCloseTo(lr, 12);
      });
    }
    const ours = new optim.MultiStepLR(sgd(), { milestones: [2, 5, 5] });
    expect(ours.stateDict().milestones).toEqual({ 2: 1, 5: 2 });
    ours.loadStateDict({ milestones: [2, 5, 5], last_epoch: 1 }); // the list form of earlier state dicts
    expect(ours.lastEpoch).toBe(1);
  });

  it("getLastLr is the last step's lrs (PyTorch's _last_lr), restored from PyTorch's state without the optimiser's (a user trial)", () => {
    // torch: LambdaLR(SGD(lr=0.1), lambda e: 0.9 ** e) stepped 3 times; its state_dict(), then
    // load_state_dict into a fresh scheduler: get_last_lr() == [0.0729] while the group's lr is
    // still 0.1; one step more gives [0.06561].
    const state = { base_lrs: [0.1], last_epoch: 3, _step_count: 4, _is_initial: false, _get_lr_called_within_step: false, _last_lr: [0.0729], lr_lambdas: [null] };
    const o = sgd();
    const s = new optim.LambdaLR(o, { lrLambda: (e) => 0.9 ** e });
    s.loadStateDict(state);
    expect(s.getLastLr()).toEqual([0.0729]);
    expect(o.paramGroups[0].lr).toBe(0.1);
    s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(0.06561, 15);
    expect(s.stateDict()._last_lr).toEqual(s.getLastLr());

    // An lr set by hand since the last step is not the last step's lr (torch: StepLR stepped once, lr set to 0.7 → [0.1]).
    const o2 = sgd();
    const step = new optim.StepLR(o2, { stepSize: 2, gamma: 0.5 });
    step.step();
    o2.paramGroups[0].lr = 0.7;
    expect(step.getLastLr()).toEqual([0.1]);
    expect(() => step.loadStateDict({ _last_lr: [0.1, 0.2] })).toThrow(/^StepLR.loadStateDict: _last_lr expected 1 number\(s\), one per param group, got \[0.1,0.2\]$/);

    // torch: ReduceLROnPlateau(patience=0, factor=0.5) after metrics 1, 2 → [0.05], whatever the group's lr is set to later.
    const o3 = sgd();
    const plateau = new optim.ReduceLROnPlateau(o3, { patience: 0, factor: 0.5 });
    plateau.step(1);
    plateau.step(2);
    o3.paramGroups[0].lr = 0.9;
    expect(plateau.getLastLr()).toEqual([0.05]);
    const resumed = new optim.ReduceLROnPlateau(sgd(), { patience: 0, factor: 0.5 });
    resumed.loadStateDict(plateau.stateDict());
    expect(resumed.getLastLr()).toEqual([0.05]);

    // The composites keep theirs too, and load it.
    const o4 = sgd();
    const seq = new optim.SequentialLR(o4, { schedulers: [new optim.LinearLR(o4, { totalIters: 2 }), new optim.ExponentialLR(o4, { gamma: 0.9 })], milestones: [1] });
    seq.step();
    const afterStep = seq.getLastLr();
    o4.paramGroups[0].lr = 0.3;
    expect(seq.getLastLr()).toEqual(afterStep);
    seq.loadStateDict({ ...seq.stateDict(), _last_lr: [0.042] });
    expect(seq.getLastLr()).toEqual([0.042]);
    const o5 = sgd();
    const chained = new optim.ChainedScheduler([new optim.StepLR(o5, { stepSize: 1, gamma: 0.5 }), new optim.ExponentialLR(o5, { gamma: 0.9 })]);
    chained.step();
    o5.paramGroups[0].lr = 0.3;
    expect(chained.getLastLr()[0]).toBeCloseTo(0.1 * 0.5 * 0.9, 15);
    chained.loadStateDict({ ...chained.stateDict(), _last_lr: [0.042] });
    expect(chained.getLastLr()).toEqual([0.042]);
  });

  it("ours carries PyTorch's keys", () => {
    const o = sgd();
    const s = new optim.CosineAnnealingLR(o, { TMax: 10, etaMin: 0.01 });
    for (let i = 0; i < 4; i++) s.step();
    expect(Object.keys(s.stateDict()).sort()).toEqual(['T_max', '_last_lr', '_step_count', 'base_lrs', 'eta_min', 'last_epoch']);
    expect(s.stateDict()).toMatchObject({ last_epoch: 4, _step_count: 5, base_lrs: [0.1] });
    const p = new optim.ReduceLROnPlateau(sgd(), { patience: 1, factor: 0.5 });
    expect(Object.keys(p.stateDict()).sort()).toEqual(Object.keys(torch.plateau.state).filter((k) => k !== 'default_min_lr').sort());
    const seq = new optim.SequentialLR(o, { schedulers: [new optim.LinearLR(o, { totalIters: 2 }), new optim.ExponentialLR(o, { gamma: 0.9 })], milestones: [2] });
    expect(Object.keys(seq.stateDict()).sort()).toEqual(['_last_lr', '_milestones', '_schedulers', 'last_epoch']);
  });

  it('refuses what does not belong, changing nothing', () => {
    const o = sgd();
    const s = new optim.StepLR(o, { stepSize: 2 });
    expect(() => s.loadStateDict({ optimizer: null })).toThrow(/^StepLR.loadStateDict: unexpected entry 'optimizer' \(it takes 'last_epoch', '_step_count', 'base_lrs', '_last_lr', 'step_size', 'gamma'\)$/);
    expect(() => s.loadStateDict({ ...torch.step.state })).toThrow(/^StepLR.loadStateDict: gamma is 0.5 in the state but 0.1 here \(construct the scheduler with the saved settings\)$/);
    expect(() => s.loadStateDict({ last_epoch: 7, base_lrs: [0.1, 0.2] })).toThrow(/^StepLR.loadStateDict: base_lrs expected 1 number\(s\), one per param group, got \[0.1,0.2\]$/);
    expect(() => s.loadStateDict({ last_epoch: 1.5 })).toThrow(/^StepLR.loadStateDict: last_epoch expected an integer >= -1, got 1.5$/);
    expect(s.lastEpoch).toBe(0);
    expect(s.optimizer).toBe(o);
    const seq = new optim.SequentialLR(o, { schedulers: [new optim.LinearLR(o, { totalIters: 2 }), new optim.ExponentialLR(o, { gamma: 0.9 })], milestones: [2] });
    expect(() => seq.loadStateDict({ _schedulers: [] })).toThrow(/^SequentialLR.loadStateDict: _schedulers expected 2 state\(s\), one per scheduler, got 0$/);
  });
});
