// ConstantLR against PyTorch 2.13 (test/fixtures/constant-lr.json from scripts/fixtures_constant_lr.py):
// every group's lr and getLastLr() over 12 steps alone, with two groups, beside StepLR with an lr
// set by hand, in ChainedScheduler, before and after another scheduler in SequentialLR, and with
// PyTorch's step(epoch); resuming from PyTorch's state_dict(); refusals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { zeros } from '@nutshell/tensor';
import * as optim from '../src/index.js';

interface Trajectory {
  lrs: number[][];
  last_lr: number[][];
}
const torch = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/constant-lr.json', import.meta.url)), 'utf8')) as Record<string, Trajectory> & {
  state: { state: Record<string, unknown> & { _last_lr: number[] }; next: number[] };
};

function sgd(groups?: [number, number]): optim.SGD {
  const [a, b] = [zeros([1], { requiresGrad: true }), zeros([1], { requiresGrad: true })];
  return groups ? new optim.SGD([{ params: [a], lr: groups[0] }, { params: [b], lr: groups[1] }], { lr: 0.1 }) : new optim.SGD([a], { lr: 0.1 });
}

type Sched = { step(epoch?: number): void; getLastLr(): number[] };
const cases: Record<string, { groups?: [number, number]; make: (o: optim.SGD) => Sched[]; hand?: Record<number, number>; jumps?: Record<number, number> }> = {
  default: { make: (o) => [new optim.ConstantLR(o)] },
  'factor0.5_total3': { make: (o) => [new optim.ConstantLR(o, { factor: 0.5, totalIters: 3 })] },
  two_groups: { groups: [0.1, 0.02], make: (o) => [new optim.ConstantLR(o, { factor: 0.25, totalIters: 4 })] },
  beside_step_hand_set: { make: (o) => [new optim.ConstantLR(o, { factor: 0.5, totalIters: 4 }), new optim.StepLR(o, { stepSize: 3, gamma: 0.5 })], hand: { 2: 1.0 } },
  chained: { make: (o) => [new optim.ChainedScheduler([new optim.ConstantLR(o, { factor: 0.5, totalIters: 4 }), new optim.ExponentialLR(o, { gamma: 0.9 })])] },
  sequential_then_exp: {
    make: (o) => [new optim.SequentialLR(o, { schedulers: [new optim.ConstantLR(o, { factor: 0.1, totalIters: 3 }), new optim.ExponentialLR(o, { gamma: 0.9 })], milestones: [3] })],
  },
  sequential_hand_over_early: {
    make: (o) => [new optim.SequentialLR(o, { schedulers: [new optim.ConstantLR(o, { factor: 0.5, totalIters: 6 }), new optim.CosineAnnealingLR(o, { TMax: 8 })], milestones: [4] })],
  },
  sequential_factor0: {
    make: (o) => [new optim.SequentialLR(o, { schedulers: [new optim.ConstantLR(o, { factor: 0, totalIters: 3 }), new optim.ExponentialLR(o, { gamma: 0.9 })], milestones: [3] })],
  },
  sequential_linear_then_constant: {
    make: (o) => [new optim.SequentialLR(o, { schedulers: [new optim.LinearLR(o, { startFactor: 0.5, totalIters: 2 }), new optim.ConstantLR(o, { factor: 0.2, totalIters: 3 })], milestones: [3] })],
  },
  step_epoch: { make: (o) => [new optim.ConstantLR(o, { factor: 0.25, totalIters: 5 })], jumps: { 2: 7, 4: 1 } },
};

const close = (got: number[], want: number[], what: string) => {
  expect(got.length, what).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `${what}[${i}]: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-15 + 1e-12 * Math.abs(want[i])));
};

describe('ConstantLR follows PyTorch step by step', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const o = sgd(c.groups);
      const scheds = c.make(o);
      const last = scheds[scheds.length - 1];
      const lrs = () => o.paramGroups.map((g) => g.options.lr);
      const want = torch[name];
      close(lrs(), want.lrs[0], 'lr after construction');
      close(last.getLastLr(), want.last_lr[0], 'getLastLr after construction');
      for (let e = 0; e < want.lrs.length - 1; e++) {
        for (const s of scheds) {
          if (c.jumps?.[e] !== undefined) s.step(c.jumps[e]);
          else s.step();
        }
        if (c.hand?.[e] !== undefined) for (const g of o.paramGroups) g.options.lr = c.hand[e];
        close(lrs(), want.lrs[e + 1], `lr after step ${e + 1}`);
        close(last.getLastLr(), want.last_lr[e + 1], `getLastLr after step ${e + 1}`);
      }
    });
  }
});

describe('ConstantLR state and arguments', () => {
  it("resumes from PyTorch's state_dict exactly; its own stateDict has PyTorch's keys and round-trips", () => {
    const { state, next } = torch.state;
    const o = sgd();
    const s = new optim.ConstantLR(o, { factor: 0.25, totalIters: 5 });
    s.loadStateDict(state);
    expect(s.lastEpoch).toBe(3);
    expect(s.getLastLr()).toEqual(state._last_lr);
    o.paramGroups[0].options.lr = state._last_lr[0]; // the optimiser's own state carries its lr
    close(next.map(() => (s.step(), o.paramGroups[0].options.lr)), next, 'lrs after resuming');

    const ours = new optim.ConstantLR(sgd(), { factor: 0.25, totalIters: 5 });
    for (let i = 0; i < 3; i++) ours.step();
    const sd = ours.stateDict();
    expect(Object.keys(sd).sort()).toEqual(['_last_lr', '_step_count', 'base_lrs', 'factor', 'last_epoch', 'total_iters']);
    for (const k of Object.keys(sd)) expect(sd[k], k).toEqual(state[k]);
    expect(() => new optim.ConstantLR(sgd(), { factor: 0.5, totalIters: 5 }).loadStateDict(state)).toThrow(
      /^ConstantLR\.loadStateDict: factor is 0\.25 in the state but 0\.5 here \(construct the scheduler with the saved settings\)$/,
    );
  });

  it('refuses bad arguments, naming the class, the argument, expected and got', () => {
    expect(() => new optim.ConstantLR(sgd(), { factor: 1.5 })).toThrow(/^ConstantLR: factor expected a number in \[0, 1\], got 1\.5$/);
    expect(() => new optim.ConstantLR(sgd(), { factor: -0.1 })).toThrow(/^ConstantLR: factor expected a number in \[0, 1\], got -0\.1$/);
    expect(() => new optim.ConstantLR(sgd(), { factor: '0.5' as never })).toThrow(/^ConstantLR: factor expected a number in \[0, 1\], got "0\.5"$/);
    expect(() => new optim.ConstantLR(sgd(), { totalIters: 0 })).toThrow(/^ConstantLR: totalIters expected a positive integer, got 0$/);
    expect(() => new optim.ConstantLR(sgd(), { totalIters: 2.5 })).toThrow(/^ConstantLR: totalIters expected a positive integer, got 2\.5$/);
    expect(() => new optim.ConstantLR(sgd(), { total_iters: 3 } as never)).toThrow(/^ConstantLR: unknown option 'total_iters'/);
    const s = new optim.ConstantLR(sgd());
    expect(() => (s.step as (...a: unknown[]) => void)(1, 2)).toThrow(/^ConstantLR\.step: takes at most 1 argument, got 2/);
    expect(() => (s as unknown as Record<string, unknown>).get_last_lr).toThrow(/spells it getLastLr/);
    expect(s.factor).toBeCloseTo(1 / 3, 15);
    expect(s.totalIters).toBe(5);
  });

  it('factor 0 run to totalIters brings the initial lr back (PyTorch divides by zero there)', () => {
    const o = sgd();
    const s = new optim.ConstantLR(o, { factor: 0, totalIters: 2 });
    expect(o.paramGroups[0].options.lr).toBe(0);
    s.step();
    expect(o.paramGroups[0].options.lr).toBe(0);
    s.step();
    expect(o.paramGroups[0].options.lr).toBe(0.1);
  });
});
