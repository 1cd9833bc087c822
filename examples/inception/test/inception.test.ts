import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { load } from '@nutshell/nn';
import { randn, scope } from '@nutshell/tensor';
import { Inception, trainInception } from '../src/train.js';

it('an Inception module keeps height and width and concatenates its four branches', () => {
  const m = new Inception(8, { b1: 3, b3reduce: 2, b3: 4, b5reduce: 2, b5: 5, pool: 6 });
  expect(m.outChannels).toBe(18);
  const shape = scope(() => m.forward(randn([2, 8, 9, 7])).shape);
  expect(shape).toEqual([2, 18, 9, 7]);
});

it('learns Fashion-MNIST on a subset and writes curves, confusion matrix and checkpoint', async () => {
  const runDir = temporaryRunDir('inception');
  const r = await trainInception({ epochs: 1, subset: 2400, batchSize: 32, runDir, quiet: true, log: () => {} });
  expect(r.trainLoss.length).toBeGreaterThanOrEqual(3);
  expect(r.trainLoss.at(-1)!).toBeLessThan(r.trainLoss[0] * 0.7);
  expect(r.testAccuracy).toBeGreaterThan(0.6); // chance is 0.1
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  expect(pngSize(join(runDir, 'loss.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'accuracy.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'confusion.png')).width).toBeGreaterThan(300);
  expect(pngSize(join(runDir, 'filters.png')).width).toBeGreaterThan(100);
  const weights = load(join(runDir, 'inception.safetensors'));
  expect(weights.get('inception3a.branch5.conv.weight')!.shape).toEqual([8, 8, 5, 5]);
  expect(weights.has('inception4a.branchPool.bn.running_var')).toBe(true);
  expect(readdirSync(join(runDir, 'tensorboard')).some((f) => f.startsWith('events.out.tfevents'))).toBe(true);
}, 120_000);
