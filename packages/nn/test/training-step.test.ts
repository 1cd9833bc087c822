// One full training step of a small CNN (SGD with momentum) and of a small LSTM model (Adam)
// equals PyTorch's: the loss, every gradient and every updated parameter.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, scope, tensor, type RawTensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import { Adam, SGD } from '@nutshell/optim';
import { SmallCNN, SmallLSTM, lossOf } from './models.js';
import type { Module } from '../src/index.js';

const fixture = (name: string) => readSafetensorsFile(fileURLToPath(new URL(`./fixtures/step_${name}.safetensors`, import.meta.url)));
const t = (r: RawTensor) => tensor(r.data, { shape: r.shape, dtype: r.dtype });

function step(name: string, model: Module, makeOpt: (m: Module) => { zeroGrad(): void; step(): void }) {
  const { tensors } = fixture(name);
  scope(() => {
    model.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), t(v)])));
    model.train();
    const opt = makeOpt(model);
    opt.zeroGrad();
    const loss = lossOf(model.forward(t(tensors.get('input.0')!)), t(tensors.get('target')!));
    loss.backward();
    expectClose(loss.dataSync(), tensors.get('loss')!.data, 1e-5, 1e-4, 'loss');
    for (const [k, p] of model.namedParameters()) expectClose(p.grad!.dataSync(), tensors.get(`grad.param.${k}`)!.data, 1e-5, 1e-3, `gradient of ${k}`);
    opt.step();
    for (const [k, v] of model.stateDict()) expectClose(v.dataSync(), tensors.get(`after.${k}`)!.data, 1e-5, 1e-4, `${k} after the step`);
  });
}

describe('a full training step equals PyTorch', () => {
  it('small CNN with batch norm, SGD with momentum', () => {
    step('cnn_sgd', new SmallCNN(), (m) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }));
  });
  it('small LSTM language model, Adam', () => {
    step('lstm_adam', new SmallLSTM(), (m) => new Adam(m.parameters(), { lr: 0.01 }));
  });
  it('the fixtures exist', () => {
    expect(fixture('cnn_sgd').tensors.size).toBeGreaterThan(10);
  });
});
