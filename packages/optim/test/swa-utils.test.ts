// swa_utils against PyTorch 2.13 (test/fixtures/swa.json, written by scripts/fixtures_swa.py):
// AveragedModel's EMA and SWA trajectories over ten model states (parameters and BatchNorm
// buffers, useBuffers on and off, multi and single averaging functions), its state-dict names,
// SWALR's lr sequences for both strategies, updateBn's running statistics; then memory over 200
// updates and the refusals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyInto, memory, noGrad, scope, tensor, zeros, type DType, type Tensor } from '@nutshell/tensor';
// optim does not depend on nn; its tests use nn's layers as the models (the workspace links them).
import { BatchNorm1d, BatchNorm2d, Conv2d, InstanceNorm1d, Linear, Module, Parameter, ReLU, Sequential } from '@nutshell/nn';
import * as optim from '../src/index.js';
import { AveragedModel, SWALR, getEmaAvgFn, getEmaMultiAvgFn, updateBn, type AveragedModelOptions } from '../src/index.js';

interface TensorJson {
  shape: number[];
  dtype: string;
  values: number[];
}
type StateJson = Record<string, TensorJson>;
interface SwalrCase {
  options: { swa_lr: number | number[]; anneal_epochs?: number; anneal_strategy?: 'cos' | 'linear' };
  lrs: number[][];
  state_after_3?: Record<string, unknown>;
  swa_start?: number;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/swa.json', import.meta.url)), 'utf8')) as {
  averaged: { states: StateJson[]; keys: string[]; cases: Record<string, { options: { multiAvgFn?: { ema: number }; avgFn?: { ema: number }; useBuffers?: boolean }; after: StateJson[] }> };
  swalr: Record<string, SwalrCase>;
  update_bn: Record<string, { before: StateJson; batches: { x: number[]; shape: number[]; pair: boolean }[]; momenta: (number | null)[]; after: StateJson }>;
};

const toTensor = (t: TensorJson): Tensor => tensor(t.values, { shape: t.shape, dtype: t.dtype as DType });
const toState = (s: StateJson): Map<string, Tensor> => new Map(Object.entries(s).map(([k, v]) => [k, toTensor(v)]));
/** A tensor's values as numbers (int64 reads as a BigInt64Array). */
const read = async (t: Tensor): Promise<number[]> => Array.from(await t.data() as ArrayLike<number | bigint>, Number);
const averagedModel = () => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));

/** Every entry of `got` against PyTorch's: the same keys in the same order, shapes, dtypes; floats to 1e-6 (ten float32 updates), integers exactly. */
async function expectState(got: Map<string, Tensor>, want: StateJson, where: string): Promise<void> {
  expect([...got.keys()], where).toEqual(Object.keys(want));
  for (const [k, t] of got) {
    const w = want[k];
    expect([t.shape, t.dtype], `${where} ${k}`).toEqual([w.shape, w.dtype]);
    const values = await read(t);
    if (t.dtype === 'float32') values.forEach((v, i) => expect(Math.abs(v - w.values[i]), `${where} ${k}[${i}]: ${v} vs ${w.values[i]}`).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(w.values[i])));
    else expect(values, `${where} ${k}`).toEqual(w.values);
  }
}

function optionsOf(o: { multiAvgFn?: { ema: number }; avgFn?: { ema: number }; useBuffers?: boolean }): AveragedModelOptions {
  return {
    ...(o.multiAvgFn ? { multiAvgFn: getEmaMultiAvgFn(o.multiAvgFn.ema) } : {}),
    ...(o.avgFn ? { avgFn: getEmaAvgFn(o.avgFn.ema) } : {}),
    ...(o.useBuffers !== undefined ? { useBuffers: o.useBuffers } : {}),
  };
}

describe('AveragedModel follows PyTorch update by update', () => {
  for (const [name, c] of Object.entries(fixture.averaged.cases)) {
    it(name, async () => {
      const model = averagedModel();
      model.loadStateDict(toState(fixture.averaged.states[0]));
      const avg = new AveragedModel(model, optionsOf(c.options));
      for (const [k, state] of fixture.averaged.states.entries()) {
        model.loadStateDict(toState(state));
        avg.updateParameters(model);
        expect(avg.nAveraged).toBe(k + 1);
        await expectState(avg.stateDict(), c.after[k], `${name} after update ${k + 1}`);
      }
      // The model itself is untouched by the averaging: its last state, exactly.
      await expectState(model.stateDict(), fixture.averaged.states.at(-1)!, `${name} model`);
    });
  }

  it('forward runs the averaged copy, not the model', async () => {
    const model = averagedModel().eval();
    model.loadStateDict(toState(fixture.averaged.states[0]));
    const avg = new AveragedModel(model).eval();
    avg.updateParameters(model);
    model.loadStateDict(toState(fixture.averaged.states[1]));
    avg.updateParameters(model);
    const x = tensor([[0.5, -1, 2]]);
    // The equal average of two models is not either of them.
    const [a, m] = [await read(avg.forward(x)), await read(model.forward(x))];
    const twin = averagedModel().eval();
    twin.loadStateDict(new Map([...avg.stateDict()].filter(([k]) => k.startsWith('module.')).map(([k, v]) => [k.slice(7), v])));
    expect(a).toEqual(await read(twin.forward(x)));
    expect(a).not.toEqual(m);
  });

  it("takes a module without forward (PyTorch takes any nn.Module); calling the average then is refused, naming the module", async () => {
    // A holder of parameters with no forward, as a JavaScript subclass of Module can be (TypeScript
    // needs the cast: forward is abstract).
    abstract class Holder extends Module {
      weight = Parameter(tensor([1, 2, 3]));
    }
    const model = new (Holder as unknown as new () => Holder)();
    const avg = new AveragedModel(model);
    avg.updateParameters(model);
    noGrad(() => copyInto(model.weight, tensor([3, 4, 5])));
    avg.updateParameters(model);
    expect(await read(avg.module.weight)).toEqual([2, 3, 4]);
    expect([...avg.stateDict().keys()]).toEqual(['n_averaged', 'module.weight']);
    expect(() => avg.forward(tensor([1]))).toThrow(/^AveragedModel\.forward: the averaged module \(Holder\) has no forward\(\); define forward on its class to call the averaged model \(averaging, stateDict and updateParameters do not need it\)$/);
  });

  it('the first update copies; parameters keep requiresGrad and the copy is its own', () => {
    const model = averagedModel();
    const avg = new AveragedModel(model);
    expect(avg.nAveraged).toBe(0);
    const [p] = avg.parameters();
    const [q] = model.parameters();
    expect(p).not.toBe(q);
    expect(p.requiresGrad).toBe(true);
    expect(avg.module).not.toBe(model);
  });
});

describe('AveragedModel state dict', () => {
  it("uses PyTorch's key names and order: n_averaged, then module.<name>", () => {
    const avg = new AveragedModel(averagedModel());
    const sd = avg.stateDict();
    expect([...sd.keys()]).toEqual(fixture.averaged.keys);
    const n = sd.get('n_averaged')!;
    expect([n.shape, n.dtype, n.itemSync()]).toEqual([[], 'int64', 0]);
  });

  it("loads PyTorch's AveragedModel state (and refuses a partial one under strict)", async () => {
    const c = fixture.averaged.cases.ema_multi_buffers;
    const avg = new AveragedModel(averagedModel(), { multiAvgFn: getEmaMultiAvgFn(0.9), useBuffers: true });
    expect(avg.loadStateDict(toState(c.after[9]))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(avg.nAveraged).toBe(10);
    await expectState(avg.stateDict(), c.after[9], 'loaded');

    const partial = toState(c.after[9]);
    partial.delete('n_averaged');
    partial.set('extra', zeros([1]));
    expect(() => avg.loadStateDict(partial)).toThrow(/^AveragedModel\.loadStateDict: missing keys: n_averaged; unexpected keys: extra$/);
    expect(avg.nAveraged).toBe(10);
    expect(avg.loadStateDict(partial, { strict: false })).toEqual({ missingKeys: ['n_averaged'], unexpectedKeys: ['extra'] });
    const bad = toState(c.after[9]);
    bad.set('n_averaged', tensor([1.5]));
    expect(() => avg.loadStateDict(bad)).toThrow(/^AveragedModel\.loadStateDict: 'n_averaged' expected an integer tensor of one element >= 0, got float32 \[1\]$/);
    const wrongShape = toState(c.after[9]);
    wrongShape.set('module.0.weight', zeros([2, 2]));
    expect(() => avg.loadStateDict(wrongShape)).toThrow(/module|0\.weight/);
  });
});

describe('AveragedModel allocates nothing that outlives a step', () => {
  const cases: [string, AveragedModelOptions][] = [
    ['swa', {}],
    ['ema multi with buffers', { multiAvgFn: getEmaMultiAvgFn(0.999), useBuffers: true }],
    ['ema avgFn', { avgFn: getEmaAvgFn(0.99) }],
    ['swa with buffers, device option', { useBuffers: true, device: 'cpu' }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: liveTensors flat over 200 updateParameters calls`, () => {
      const model = averagedModel();
      const avg = new AveragedModel(model, options);
      avg.updateParameters(model);
      avg.updateParameters(model);
      const before = memory().liveTensors;
      for (let i = 0; i < 200; i++) avg.updateParameters(model);
      expect(memory().liveTensors).toBe(before);
      expect(avg.nAveraged).toBe(202);
    });
  }
});

describe('SWALR follows PyTorch step by step', () => {
  const make = (o: optim.SGD, c: SwalrCase) =>
    new SWALR(o, { swaLr: c.options.swa_lr, annealEpochs: c.options.anneal_epochs, annealStrategy: c.options.anneal_strategy });
  const twoGroups = () => new optim.SGD([{ params: [zeros([1], { requiresGrad: true })], lr: 0.1 }, { params: [zeros([1], { requiresGrad: true })], lr: 0.05 }]);
  const lrs = (o: optim.SGD) => o.paramGroups.map((g) => g.lr);
  const expectLrs = (got: number[][], want: number[][]) => {
    expect(got.length).toBe(want.length);
    got.forEach((step, i) => step.forEach((lr, g) => expect(Math.abs(lr - want[i][g]), `step ${i} group ${g}: ${lr} vs ${want[i][g]}`).toBeLessThanOrEqual(1e-15 + 1e-12 * Math.abs(want[i][g]))));
  };

  for (const name of ['cos', 'linear_per_group', 'no_annealing', 'default_annealing']) {
    it(name, () => {
      const c = fixture.swalr[name];
      const o = twoGroups();
      const sched = make(o, c);
      const got = [lrs(o)];
      for (let i = 0; i < c.lrs.length - 1; i++) {
        sched.step();
        got.push(lrs(o));
      }
      expectLrs(got, c.lrs);
      expect(sched.getLastLr()).toEqual(got.at(-1));
    });
  }

  it('takes over from CosineAnnealingLR part-way (both made up front, as in PyTorch\'s docs)', () => {
    const c = fixture.swalr.after_cosine;
    const o = new optim.SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
    const cosine = new optim.CosineAnnealingLR(o, { TMax: 20 });
    const swa = make(o, c);
    const got = [lrs(o)];
    for (let epoch = 0; epoch < c.lrs.length - 1; epoch++) {
      (epoch >= c.swa_start! ? swa : cosine).step();
      got.push(lrs(o));
    }
    expectLrs(got, c.lrs);
  });

  it("keeps swaLr in each group (PyTorch's group['swa_lr'])", () => {
    const o = twoGroups();
    new SWALR(o, { swaLr: [0.01, 0.02] });
    expect(o.paramGroups.map((g) => (g as unknown as { swaLr: number }).swaLr)).toEqual([0.01, 0.02]);
    expect(() => (o.paramGroups[0] as unknown as { swa_lr: number }).swa_lr).toThrow(/'swa_lr' is spelled 'swaLr' here/);
  });

  it("stateDict has PyTorch's names and values; PyTorch's state resumes here", () => {
    const c = fixture.swalr.cos;
    const o = twoGroups();
    const sched = make(o, c);
    for (let i = 0; i < 3; i++) sched.step();
    const { _is_initial: _a, _get_lr_called_within_step: _b, ...torchState } = c.state_after_3!;
    const ours = sched.stateDict();
    expect(Object.keys(ours).sort()).toEqual(Object.keys(torchState).sort());
    for (const [k, v] of Object.entries(torchState)) {
      if (Array.isArray(v)) (ours[k] as number[]).forEach((x, i) => expect(x).toBeCloseTo(v[i] as number, 15));
      else expect(ours[k], k).toEqual(v);
    }

    // A fresh optimiser at PyTorch's lrs after 3 steps, and PyTorch's scheduler state: the rest follows.
    const o2 = twoGroups();
    const resumed = make(o2, c);
    o2.paramGroups.forEach((g, i) => (g.lr = c.lrs[3][i]));
    resumed.loadStateDict(c.state_after_3!);
    const got = [lrs(o2)];
    for (let i = 3; i < c.lrs.length - 1; i++) {
      resumed.step();
      got.push(lrs(o2));
    }
    expectLrs(got, c.lrs.slice(3));
    expect(() => make(twoGroups(), { ...c, options: { ...c.options, anneal_strategy: 'linear' } }).loadStateDict(c.state_after_3!)).toThrow(
      /^SWALR\.loadStateDict: _anneal_strategy is "cos" in the state but "linear" here/,
    );
  });

  it('refuses bad options, naming them', () => {
    const o = twoGroups();
    expect(() => new SWALR(o, { swaLr: 0.01, annealStrategy: 'exp' as 'cos' })).toThrow(/^SWALR: annealStrategy expected 'cos' or 'linear', got "exp"$/);
    expect(() => new SWALR(o, { swaLr: 0.01, annealEpochs: -1 })).toThrow(/^SWALR: annealEpochs expected an integer >= 0, got -1$/);
    expect(() => new SWALR(o, { swaLr: 0.01, annealEpochs: 2.5 })).toThrow(/^SWALR: annealEpochs expected an integer >= 0, got 2\.5$/);
    expect(() => new SWALR(o, { swaLr: [0.01, 0.02, 0.03] })).toThrow(/^SWALR: swaLr expected a number or one number per param group \(2\), got \[0\.01,0\.02,0\.03\]$/);
    expect(() => new SWALR(o, { swaLr: -1 })).toThrow(/^SWALR: swaLr expected numbers >= 0, got -1$/);
    expect(() => new SWALR(o, undefined as unknown as { swaLr: number })).toThrow(/^SWALR: swaLr expected a number/);
    expect(() => new SWALR(o, { swa_lr: 0.01 } as unknown as { swaLr: number })).toThrow(/^SWALR: unknown option 'swa_lr' .*did you mean 'swaLr'\?$/);
    // Refused before anything changed: no group got an initialLr or a swaLr.
    expect(o.paramGroups.map((g) => [g.options as object].map((x) => 'initialLr' in x || 'swaLr' in x)[0])).toEqual([false, false]);
    const sched = new SWALR(o, { swaLr: 0.01 });
    expect(() => (sched.step as (a: number, b: number) => void)(1, 2)).toThrow(/SWALR\.step/);
    expect(() => (sched as unknown as { anneal_epochs: number }).anneal_epochs).toThrow(/^SWALR\.anneal_epochs: this API spells it annealEpochs$/);
  });
});

describe('updateBn recomputes BatchNorm statistics as PyTorch does', () => {
  const models: Record<string, () => Module> = {
    mlp: () => new Sequential(new Linear(3, 5), new BatchNorm1d(5, { momentum: 0.3 }), new ReLU(), new Linear(5, 4), new BatchNorm1d(4)),
    conv: () => new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), new BatchNorm2d(3), new ReLU()),
  };
  /** The fixture's batches as a DataLoader gives them: asynchronously, some as [input, target]. */
  async function* loaderOf(name: string): AsyncGenerator<Tensor | Tensor[]> {
    for (const b of fixture.update_bn[name].batches) {
      await Promise.resolve();
      const x = tensor(b.x, { shape: b.shape });
      yield b.pair ? [x, zeros([b.shape[0]])] : x;
    }
  }
  const momenta = (m: { modules(): Iterable<object> }) => [...m.modules()].filter((l) => l instanceof BatchNorm1d || l instanceof BatchNorm2d).map((l) => (l as BatchNorm1d).momentum);

  for (const name of Object.keys(models)) {
    it(`${name}: running statistics, num_batches_tracked, momenta and eval mode`, async () => {
      const c = fixture.update_bn[name];
      const model = models[name]();
      model.loadStateDict(toState(c.before));
      model.eval();
      await updateBn(loaderOf(name), model);
      await expectState(model.stateDict(), c.after, name);
      expect(model.training).toBe(false);
      expect(momenta(model)).toEqual(c.momenta);
    });

    it(`${name}: through an AveragedModel, on its copy only`, async () => {
      const c = fixture.update_bn[name];
      const model = models[name]();
      model.loadStateDict(toState(c.before));
      const avg = new AveragedModel(model);
      await updateBn(loaderOf(name), avg, { device: 'cpu' });
      await expectState(avg.module.stateDict(), c.after, `${name} averaged`);
      await expectState(model.stateDict(), c.before, `${name} model untouched`);
      expect(avg.training).toBe(true); // it was training, and is again
    });
  }

  it("takes a DataLoader's object batches ({ image, label }: the first field) and an input picker (a user trial: the model got the object)", async () => {
    const c = fixture.update_bn.mlp;
    const run = async (batches: () => AsyncGenerator<unknown>, options?: { input: (b: unknown) => unknown }) => {
      const model = models.mlp();
      model.loadStateDict(toState(c.before));
      model.eval();
      await updateBn(batches(), model, options);
      await expectState(model.stateDict(), c.after, 'mlp');
    };
    // An object batch iterates its fields in order, as the data package's collated batches do.
    const objectBatch = (x: Tensor) => ({ image: x, label: zeros([x.shape[0]]), *[Symbol.iterator]() { yield this.image; yield this.label; } });
    await run(async function* () {
      for (const b of c.batches) yield objectBatch(tensor(b.x, { shape: b.shape }));
    });
    await run(
      async function* () {
        for (const b of c.batches) yield { features: tensor(b.x, { shape: b.shape }) };
      },
      { input: (b) => (b as { features: Tensor }).features },
    );
    await expect(updateBn([], models.mlp(), { input: 'image' } as never)).rejects.toThrow(/^updateBn: option 'input' expected a function \(batch\) => input, got string$/);
  });

  it('leaves InstanceNorm alone (not a BatchNorm, as in PyTorch) and does nothing without BatchNorm', async () => {
    const norm = new InstanceNorm1d(2, { trackRunningStats: true });
    const model = new Sequential(new Linear(2, 2), norm);
    const before = await read(norm.running_var!);
    let pulled = 0;
    await updateBn(
      (function* () {
        pulled++;
        yield zeros([2, 2, 3]);
      })(),
      model,
    );
    expect(pulled).toBe(0);
    expect(await read(norm.running_var!)).toEqual(before);
  });

  it('puts momenta and the mode back when a batch fails', async () => {
    const model = models.mlp();
    model.eval();
    await expect(updateBn([tensor([[1, 2, 3]]), tensor([[1, 2]])], model)).rejects.toThrow();
    expect(model.training).toBe(false);
    expect(momenta(model)).toEqual([0.3, 0.1]);
  });

  it('refuses what is not a loader or a model, and unknown options', async () => {
    const model = models.mlp();
    await expect(updateBn(42 as unknown as Tensor[], model)).rejects.toThrow(/^updateBn: loader expected an async iterable of batches \(a DataLoader\) or an iterable, got number$/);
    await expect(updateBn([], {} as unknown as Module)).rejects.toThrow(/^updateBn: model expected a module \(with modules\(\), train\(\), forward\(\), as nn's Module or an AveragedModel\), got an object without modules, train, forward$/);
    await expect(updateBn([], model, { devcie: 'cpu' } as never)).rejects.toThrow(/^updateBn: unknown option 'devcie' \(it takes 'device', 'input'\); did you mean 'device'\?$/);
    // The arity guard refuses at the call, before the promise.
    expect(() => (updateBn as (...a: unknown[]) => Promise<void>)([], model, {}, 1)).toThrow(/^updateBn: takes at most 3 arguments, got 4/);
  });
});

describe('AveragedModel refusals', () => {
  it('refuses what is not a model, both averaging functions, unknown options', () => {
    expect(() => new AveragedModel(zeros([2]) as never)).toThrow(/^AveragedModel: model expected a module \(with parameters, buffers, clone, stateDict, loadStateDict, as nn's Module\), got a Tensor$/);
    expect(() => new AveragedModel(averagedModel(), { avgFn: getEmaAvgFn(), multiAvgFn: getEmaMultiAvgFn() })).toThrow(/^AveragedModel: give one of avgFn and multiAvgFn, got both$/);
    expect(() => new AveragedModel(averagedModel(), { use_buffers: true } as never)).toThrow(/^AveragedModel: unknown option 'use_buffers' .*did you mean 'useBuffers'\?$/);
    expect(() => new AveragedModel(averagedModel(), { useBuffers: 1 } as never)).toThrow(/^AveragedModel: useBuffers expected a boolean, got number$/);
    expect(() => new AveragedModel(averagedModel(), { avgFn: 0.9 } as never)).toThrow(/^AveragedModel: avgFn expected a function, got number$/);
    expect(() => getEmaMultiAvgFn(1.5)).toThrow(/^getEmaMultiAvgFn: decay expected a number in \[0, 1\], got 1\.5$/);
    expect(() => getEmaAvgFn('0.9' as never)).toThrow(/^getEmaAvgFn: decay expected a number in \[0, 1\], got string$/);
  });

  it('refuses a different model before writing anything', async () => {
    const avg = new AveragedModel(averagedModel());
    avg.updateParameters(averagedModel());
    const before = await Promise.all([...avg.parameters()].map(read));
    const other = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 3));
    expect(() => avg.updateParameters(zeros([2]) as never)).toThrow(/^AveragedModel\.updateParameters: model expected a module \(with parameters\(\) and buffers\(\)\), got a Tensor$/);
    expect(() => avg.updateParameters(other)).toThrow(/^AveragedModel\.updateParameters: the model's parameters entry 4 has shape \[3,4\], the averaged copy's \[2,4\] \(a different model\?\)$/);
    expect(() => avg.updateParameters(new Sequential(new Linear(3, 4)))).toThrow(/^AveragedModel\.updateParameters: the model has 2 parameters, the averaged copy 6 \(a different model\?\)$/);
    expect(await Promise.all([...avg.parameters()].map(read))).toEqual(before);
    expect(avg.nAveraged).toBe(1);
  });

  it("refuses PyTorch's spellings and extra arguments, naming ours", () => {
    const avg = new AveragedModel(averagedModel());
    expect(() => (avg as unknown as { update_parameters: unknown }).update_parameters).toThrow(/^AveragedModel\.update_parameters: this API spells it updateParameters$/);
    expect(() => (avg as unknown as { n_averaged: unknown }).n_averaged).toThrow(/^AveragedModel\.n_averaged: this API spells it nAveraged$/);
    expect(() => (avg.updateParameters as (...a: unknown[]) => void)(averagedModel(), 1)).toThrow(/AveragedModel\.updateParameters/);
  });

  it('an avgFn that returns no tensor is refused', () => {
    const avg = new AveragedModel(averagedModel(), { avgFn: (() => 1) as never });
    avg.updateParameters(averagedModel());
    expect(() => avg.updateParameters(averagedModel())).toThrow(/^AveragedModel\.updateParameters: avgFn expected to return a tensor, got number$/);
  });

  it('scope: stateDict outside a scope leaves n_averaged to its caller', () => {
    const avg = new AveragedModel(averagedModel());
    const before = memory().liveTensors;
    scope(() => void avg.stateDict());
    expect(memory().liveTensors).toBe(before);
  });
});
