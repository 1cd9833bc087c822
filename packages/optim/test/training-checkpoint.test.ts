// saveCheckpoint / loadCheckpoint (Note [training checkpoints]): a run saved part-way and resumed
// into freshly built parts goes on bit for bit — dropout included, so the generator's state is in
// the file — from one file with the model's, the optimiser's and the schedulers' state; what a
// mismatched resume would get wrong is refused.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dropout, Linear, ReLU, Sequential } from '@nutshell/nn';
import { manualSeed, memory, mseLoss, randn, readSafetensorsFile, scope, tensor } from '@nutshell/tensor';
import * as optim from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nutshell-training-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parts() {
  const model = new Sequential(new Linear(4, 8), new ReLU(), new Dropout(0.3), new Linear(8, 2));
  const optimizer = new optim.AdamW(model.parameters(), { lr: 0.01 });
  const schedulers = [new optim.OneCycleLR(optimizer, { maxLr: 0.05, totalSteps: 40 })];
  return { model, optimizer, schedulers };
}

const x = tensor(Array.from({ length: 32 }, (_, i) => Math.sin(i)), { shape: [8, 4] });
const y = tensor(Array.from({ length: 16 }, (_, i) => Math.cos(i)), { shape: [8, 2] });

async function step(p: ReturnType<typeof parts>): Promise<number> {
  p.optimizer.zeroGrad();
  const loss = scope(() => {
    const l = mseLoss(p.model.forward(x), y);
    l.backward();
    return l;
  });
  p.optimizer.step();
  p.schedulers[0].step();
  const v = await loss.item();
  loss.dispose();
  return v;
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('a run resumed from the file into new parts continues bit for bit (dropout, AdamW, OneCycleLR)', async () => {
    manualSeed(7);
    const straight = parts();
    manualSeed(11);
    for (let t = 0; t < 10; t++) await step(straight);
    const path = join(dir, 'run.safetensors');
    await optim.saveCheckpoint(path, straight, { extra: { epoch: 3, best: 0.25 } });
    const expected: number[] = [];
    for (let t = 0; t < 10; t++) expected.push(await step(straight));

    manualSeed(99); // different initial weights and stream: everything must come from the file
    const resumed = parts();
    const { extra } = optim.loadCheckpoint(path, resumed);
    expect(extra).toEqual({ epoch: 3, best: 0.25 });
    const got: number[] = [];
    for (let t = 0; t < 10; t++) got.push(await step(resumed));
    expect(got).toEqual(expected);
    expect(resumed.schedulers[0].getLastLr()).toEqual(straight.schedulers[0].getLastLr());
  });

  it("one file, PyTorch's names behind prefixes: model.<name>, optimizer.state.<i>.<name>; the rest in the metadata", async () => {
    const p = parts();
    await step(p);
    const path = join(dir, 'layout.safetensors');
    await optim.saveCheckpoint(path, p);
    const file = readSafetensorsFile(path);
    const names = [...file.tensors.keys()];
    expect(names.filter((k) => k.startsWith('model.')).sort()).toEqual(['model.0.bias', 'model.0.weight', 'model.3.bias', 'model.3.weight']);
    expect(names).toContain('optimizer.state.0.exp_avg');
    expect(names).toContain('optimizer.state.3.step');
    expect(names.every((k) => k.startsWith('model.') || k.startsWith('optimizer.state.'))).toBe(true);
    expect(file.metadata.optimizer).toBe('AdamW');
    expect(JSON.parse(file.metadata.param_groups)[0]).toHaveProperty('weight_decay');
    expect(JSON.parse(file.metadata.schedulers)[0]).toHaveProperty('last_epoch', 1);
    expect(JSON.parse(file.metadata.rng)).toHaveProperty('seed');
    expect(file.metadata.format).toBe('pt');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the values are those at the call: a step taken while the file is written does not reach it', async () => {
    const p = parts();
    const before = [...p.model.stateDict()].map(([, t]) => Array.from(t.dataSync() as Float32Array));
    const path = join(dir, 'snapshot.safetensors');
    const saving = optim.saveCheckpoint(path, p);
    await step(p);
    await saving;
    const file = readSafetensorsFile(path);
    [...p.model.stateDict()].forEach(([name], i) => expect(Array.from(file.tensors.get(`model.${name}`)!.data as Float32Array)).toEqual(before[i]));
  });

  it('a model without optimiser or schedulers; loading leaves no tensors behind', async () => {
    const a = new Linear(3, 2);
    const path = join(dir, 'model-only.safetensors');
    await optim.saveCheckpoint(path, { model: a });
    const b = new Linear(3, 2);
    const live = memory('cpu').liveTensors;
    expect(optim.loadCheckpoint(path, { model: b }, { rng: false }).extra).toEqual({});
    expect(memory('cpu').liveTensors).toBe(live);
    expect(b.weight.dataSync()).toEqual(a.weight.dataSync());
  });

  it('refuses what would resume wrongly, saying what the file holds and what was given', async () => {
    const p = parts();
    await step(p);
    const path = join(dir, 'refusals.safetensors');
    await optim.saveCheckpoint(path, p);
    const fresh = parts();
    expect(() => optim.loadCheckpoint(path, { model: fresh.model, optimizer: fresh.optimizer })).toThrow(/^loadCheckpoint: .* holds 1 schedulers' states, got 0 schedulers to restore$/);
    expect(() => optim.loadCheckpoint(path, { model: fresh.model, schedulers: fresh.schedulers })).toThrow(/^loadCheckpoint: .* holds AdamW's state; pass the optimizer to restore it/);
    expect(() => optim.loadCheckpoint(path, { ...fresh, optimizer: new optim.SGD(fresh.model.parameters(), { lr: 0.1 }) })).toThrow(/^loadCheckpoint: .* holds AdamW state, not SGD's$/);
    expect(() => optim.loadCheckpoint(path, { ...fresh, model: new Linear(4, 2) })).toThrow(/^loadCheckpoint: the model does not match .*refusals\.safetensors: loadStateDict: missing keys: weight, bias; unexpected keys: 0\.bias, 0\.weight/);
    const plain = join(dir, 'plain.safetensors');
    await optim.saveOptimizer(p.optimizer, plain);
    expect(() => optim.loadCheckpoint(plain, fresh)).toThrow(/^loadCheckpoint: .*plain\.safetensors has no 'schedulers' metadata \(not a file saveCheckpoint wrote\)$/);
    expect(() => optim.saveCheckpoint(path, p, { extra: { n: 1n } as never })).toThrow(/^saveCheckpoint: extra expected JSON-able values/);
    expect(() => optim.saveCheckpoint(path, p, { extra: [1] as never })).toThrow(/^saveCheckpoint: extra expected an object of JSON-able values, got an array$/);
    expect(() => optim.saveCheckpoint(path, { ...p, scheduler: p.schedulers[0] } as never)).toThrow(/^saveCheckpoint: unknown option 'scheduler'/);
    expect(() => optim.saveCheckpoint(path, { model: randn([2]) } as never)).toThrow(/^saveCheckpoint: model expected a module/);
  });
});
