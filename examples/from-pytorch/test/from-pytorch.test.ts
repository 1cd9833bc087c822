import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { FIXTURE, evaluatePyTorchCheckpoint } from '../src/evaluate.js';

it('the committed PyTorch checkpoint is there, with its metadata', () => {
  expect(existsSync(FIXTURE)).toBe(true);
  expect(statSync(FIXTURE).size).toBeLessThan(400_000);
});

it('evaluates PyTorch-trained LeNet weights in nutshell: same logits, same predictions, same accuracy', async () => {
  const runDir = temporaryRunDir('from-pytorch');
  const r = await evaluatePyTorchCheckpoint({ subset: 2000, batchSize: 500, runDir, quiet: true, log: () => {} });
  expect(r.parameterNames).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
  expect(r.metadata.framework).toMatch(/^pytorch /);
  expect(r.count).toBe(2000);
  expect(r.maxLogitDifference).toBeLessThan(1e-3);
  expect(r.agreements).toBeGreaterThanOrEqual(1995); // ties aside, the same argmax
  expect(Math.abs(r.accuracy - r.pytorchAccuracy)).toBeLessThan(0.005);
  expect(r.accuracy).toBeGreaterThan(0.75); // chance is 0.1; one epoch of LeNet reaches ~85%
  expect(Math.abs(r.recordedAccuracy - r.accuracy)).toBeLessThan(0.05);
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  expect(pngSize(join(runDir, 'confusion.png')).width).toBeGreaterThan(300);
  expect(pngSize(join(runDir, 'predictions.png')).width).toBeGreaterThanOrEqual(8 * 28 * 3);
  expect(readdirSync(join(runDir, 'tensorboard')).some((f) => f.startsWith('events.out.tfevents'))).toBe(true);
});
