// 20 steps of every optimiser and schedule against PyTorch (test/fixtures/optim.safetensors,
// written by scripts/fixtures_optim.py; its metadata holds the configurations).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { noGrad, readSafetensorsFile, scope, tensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as optim from '../src/index.js';

const file = readSafetensorsFile(fileURLToPath(new URL('./fixtures/optim.safetensors', import.meta.url)));
const raw = (k: string) => {
  const t = file.tensors.get(k);
  if (!t) throw new Error(`fixture has no ${k}`);
  return t;
};
const camel = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()), v]));
const steps = Number(file.metadata.steps);
const p0 = raw('p0');
const grads = raw('grads');
const slice = (data: Float32Array, t: number, n: number) => data.subarray(t * n, (t + 1) * n);

type Ctor = new (params: Tensor[], options: any) => optim.Optimizer<{ lr: number }>;

describe('optimisers follow PyTorch for 20 steps', () => {
  for (const [name, [cls, kw]] of Object.entries(JSON.parse(file.metadata.optimisers) as Record<string, [string, Record<string, unknown>]>)) {
    it(name, () => {
      const n = 12;
      const p = tensor(p0.data, { shape: p0.shape, requiresGrad: true });
      const Opt = (optim as unknown as Record<string, Ctor>)[cls];
      const opt = new Opt([p], camel(kw));
      const traj = raw(`${name}/traj`).data as Float32Array;
      for (let t = 0; t < steps; t++) {
        p.grad?.dispose();
        p.grad = tensor(slice(grads.data as Float32Array, t, n).slice(), { shape: [3, 4] });
        opt.step();
        expectClose(p.dataSync(), slice(traj, t, n), 1e-6, 1e-5, `${name} step ${t + 1}`);
      }
    });
  }
});

describe('schedules follow PyTorch for 20 steps, driving SGD with momentum', () => {
  const metrics = raw('plateau_metrics').data as Float32Array;
  for (const [name, [cls, kw]] of Object.entries(JSON.parse(file.metadata.schedules) as Record<string, [string, Record<string, unknown>]>)) {
    it(name, () => {
      const p = tensor(p0.data, { shape: p0.shape, requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
      const Sched = (optim as unknown as Record<string, new (o: unknown, options: unknown) => { step(m?: number): void }>)[cls];
      const sched = new Sched(opt, camel(kw));
      const lrs = [opt.paramGroups[0].options.lr];
      const moms = [opt.paramGroups[0].options.momentum];
      const traj = raw(`${name}/traj`).data as Float32Array;
      for (let t = 0; t < steps; t++) {
        p.grad?.dispose();
        p.grad = tensor(slice(grads.data as Float32Array, t, 12).slice(), { shape: [3, 4] });
        opt.step();
        expectClose(p.dataSync(), slice(traj, t, 12), 1e-5, 1e-4, `${name} step ${t + 1}`);
        if (cls === 'ReduceLROnPlateau') sched.step(metrics[t]);
        else sched.step();
        lrs.push(opt.paramGroups[0].options.lr);
        moms.push(opt.paramGroups[0].options.momentum);
      }
      expectClose(lrs, raw(`${name}/lrs`).data as Float32Array, 1e-7, 1e-5, `${name} lr`);
      expectClose(moms, raw(`${name}/momentum`).data as Float32Array, 1e-7, 1e-5, `${name} momentum`);
    });
  }
});

describe('optimiser behaviour', () => {
  it('param groups keep their own options', () => {
    const a = tensor([1, 1], { requiresGrad: true });
    const b = tensor([1, 1], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    b.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([0.9, 0.9].map(Math.fround));
    expect(Array.from(b.dataSync())).toEqual([0.5, 0.5]);
  });

  it('stateDict / loadStateDict resumes exactly', () => {
    const run = (resumeAt: number | null) => {
      const p = tensor(p0.data, { shape: p0.shape, requiresGrad: true });
      let opt = new optim.Adam([p], { lr: 0.01, amsgrad: true });
      for (let t = 0; t < 10; t++) {
        if (t === resumeAt) {
          const saved = opt.stateDict();
          opt = new optim.Adam([p], { lr: 0.5 });
          opt.loadStateDict(saved);
        }
        p.grad?.dispose();
        p.grad = tensor(slice(grads.data as Float32Array, t, 12).slice(), { shape: [3, 4] });
        opt.step();
      }
      return Array.from(p.dataSync());
    };
    expect(run(4)).toEqual(run(null));
  });

  it('zeroGrad clears or zeroes gradients', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = tensor([3, 4]);
    opt.zeroGrad({ setToNone: false });
    expect(Array.from(p.grad!.dataSync())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it("step(closure) recomputes the loss with gradients recorded, steps, and returns the closure's value (found by an API review: it was ignored)", () => {
    const w = tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.mul(w).sum(); // d/dw w² = 2 at w = 1
        l.backward();
        return l;
      }),
    );
    expect(loss.dataSync()[0]).toBe(1);
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 7); // PyTorch: 1 − 0.1·2
    expect(() => opt.step((async () => 1) as never)).toThrowError(/^SGD: step's closure returned a Promise; step cannot wait for it/);
    expect(() => opt.step(3 as never)).toThrowError(/^SGD: step expected no argument or a closure, got number$/);
  });

  it("PyTorch's positional forms: scheduler.step(epoch), plateau.step(metric, epoch), zeroGrad(false); extras refused (found by a VAE trial: all three were ignored)", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const sched = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    sched.step(7); // PyTorch: the closed form at epoch 7, 0.1 · 0.5³
    expect(sched.lastEpoch).toBe(7);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.0125, 12);
    expect(() => sched.step(1.5)).toThrowError(/^StepLR.step: epoch expected an integer >= 0, got 1.5$/);
    expect(() => (sched.step as (...a: unknown[]) => void)(1, 2)).toThrowError(/^StepLR.step: takes at most 1 argument, got 2/);
    const plateau = new optim.ReduceLROnPlateau(new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 }));
    plateau.step(1.0, 5);
    expect(plateau.lastEpoch).toBe(5);
    expect(() => (new optim.ChainedScheduler([sched]).step as (...a: unknown[]) => void)(3)).toThrowError(/^ChainedScheduler.step: takes no arguments, got 1/);
    p.grad = tensor([Infinity, NaN]);
    opt.zeroGrad(false);
    expect(Array.from(p.grad!.dataSync())).toEqual([0, 0]); // written, not multiplied by 0
    opt.zeroGrad(true);
    expect(p.grad).toBeNull();
    expect(() => opt.zeroGrad({ set_to_none: false } as never)).toThrowError(/^SGD.zeroGrad: unknown option 'set_to_none' .*did you mean 'setToNone'\?$/);
  });

  it('state lives past the scope a step runs in', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 3; i++) {
      scope(() => {
        p.grad = tensor([1, 1]);
        opt.step();
      });
    }
    expect((opt.state.get(p)!.momentumBuffer as Tensor).isDisposed).toBe(false);
  });

  it('refuses bad options naming the optimiser and option', () => {
    const p = tensor([1], { requiresGrad: true });
    expect(() => new optim.SGD([p], { lr: -1 })).toThrowError(/SGD: lr expected lr >= 0, got -1/);
    expect(() => new optim.SGD([p], { lr: 0.1, nesterov: true })).toThrowError(/^SGD: nesterov expected momentum > 0 and dampening 0, got momentum 0, dampening 0$/);
    expect(() => new optim.Adam([p], { betas: [1.5, 0.9] })).toThrowError(/Adam: betas\[0\] expected 0 <= beta1 < 1, got 1.5/);
    expect(() => new optim.Adam([])).toThrowError(/Adam: got an empty parameter list/);
    expect(() => new optim.SGD([tensor([1], { dtype: 'int32' })], { lr: 1 })).toThrowError(/can only optimise float32 tensors, got int32/);
    expect(() => new optim.SGD([p.mul(2)], { lr: 1 })).toThrowError(/^SGD: can only optimise leaf tensors, got one computed by an op/);
    expect(() => new optim.StepLR(new optim.SGD([p], { lr: 1 }), { stepSize: 0 })).toThrowError(/StepLR: stepSize expected a number > 0, got 0/);
    expect(() => new optim.SGD([p], { lr: undefined } as never)).toThrowError(/^SGD: lr expected a number \(lr >= 0\), got undefined$/);
    expect(() => new optim.Adam([p], { lr: '2e-4' } as never)).toThrowError(/^Adam: lr expected a number \(lr >= 0\), got the string '2e-4'$/);
    expect(new optim.SGD([p]).paramGroups[0].options.lr).toBe(1e-3); // PyTorch's default
    expect(() => new optim.Adam([p], { beta: [0.9, 0.99] } as never)).toThrowError(/^Adam: unknown option 'beta' \(it takes 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize', 'foreach'\); did you mean 'betas'\?$/);
  });

  // What a scheduler adds to each group (initialLr), and keys a caller adds to a group (a name),
  // must not reach the step ops, whichever optimiser and form runs them.
  for (const [name, make] of [
    ['SGD', (ps: unknown) => new optim.SGD(ps as Tensor[], { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps: unknown) => new optim.Adam(ps as Tensor[], { lr: 0.1 })],
    ['AdamW', (ps: unknown) => new optim.AdamW(ps as Tensor[], { lr: 0.1 })],
    ['RMSprop', (ps: unknown) => new optim.RMSprop(ps as Tensor[], { lr: 0.1, momentum: 0.5, centered: true })],
    ['Adagrad', (ps: unknown) => new optim.Adagrad(ps as Tensor[], { lr: 0.1 })],
    ['NAdam', (ps: unknown) => new optim.NAdam(ps as Tensor[], { lr: 0.1 })],
    ['RAdam', (ps: unknown) => new optim.RAdam(ps as Tensor[], { lr: 0.1 })],
    ['Adamax', (ps: unknown) => new optim.Adamax(ps as Tensor[], { lr: 0.1 })],
    ['Adadelta', (ps: unknown) => new optim.Adadelta(ps as Tensor[], { lr: 0.1 })],
  ] as const) {
    for (const foreach of [true, false]) {
      it(`${name} (foreach ${foreach}) steps under a scheduler, with extra keys in a param group`, () => {
        const a = tensor([1, 2], { requiresGrad: true });
        const b = tensor([3], { requiresGrad: true });
        const opt = make([{ params: [a], name: 'backbone', foreach }, { params: [b], name: 'head', lr: 0.01, foreach }]);
        const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
        for (let t = 0; t < 3; t++) {
          a.grad = tensor([1, -1]);
          b.grad = tensor([1]);
          opt.step();
          sched.step();
        }
        expect(opt.paramGroups.map((g) => g.options.lr)).toEqual([0.1 / 8, 0.01 / 8]);
        expect(a.dataSync()[0]).toBeLessThan(1);
        expect(b.dataSync()[0]).toBeLessThan(3);
      });
    }
  }
});
