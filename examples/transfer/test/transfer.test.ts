import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { FashionMNIST } from '@nutshell/data';
import { byClass, trainTransfer } from '../src/train.js';

it('byClass keeps the wanted classes, relabelled from 0, and draws a fixed number per class', () => {
  const set = new FashionMNIST({ train: true, subset: 2000 });
  const all = byClass(set, [5, 6, 7, 8, 9]);
  expect(all.length).toBe([...set.labels].filter((l) => l >= 5).length);
  const few = byClass(set, [5, 6, 7, 8, 9], { perClass: 3, seed: 1 });
  expect(few.length).toBe(15);
  const labels = Array.from({ length: few.length }, (_, i) => few.get(i).label).sort();
  expect(labels).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  expect(() => byClass(set, [5], { perClass: 1000 })).toThrow(/only \d+ images of class 5/);
});

it('fine-tunes a new last layer on frozen pretrained features, and trains the same CNN from scratch, on a few examples', async () => {
  const runDir = temporaryRunDir('transfer');
  const r = await trainTransfer({ subset: 6000, pretrainEpochs: 2, shots: 10, epochs: 8, runDir, quiet: true, log: () => {} });
  expect(r.pretrainAccuracy).toBeGreaterThan(0.6); // 5 classes: chance is 0.2
  expect(r.transfer.accuracy).toHaveLength(9); // before training, then after each of 8 epochs
  expect(r.transfer.trainableParameters).toBe(32 * 7 * 7 * 5 + 5); // only the new layer learns
  expect(r.frozenChange).toBe(0); // requiresGrad_(false): the pretrained weights did not move
  expect(r.scratch.trainableParameters).toBe(16 * 9 + 16 + 32 * 16 * 9 + 32 + 32 * 7 * 7 * 5 + 5);
  expect(r.transfer.loss.at(-1)!).toBeLessThan(r.transfer.loss[0]);
  expect(r.transfer.accuracy.at(-1)!).toBeGreaterThan(0.6); // 5 classes: chance is 0.2
  expect(r.scratch.accuracy.at(-1)!).toBeGreaterThan(0.5);
  // the pretrained features get there sooner: a higher mean accuracy over the epochs
  const mean = (a: number[]) => a.slice(1).reduce((s, v) => s + v, 0) / (a.length - 1);
  expect(mean(r.transfer.accuracy)).toBeGreaterThan(mean(r.scratch.accuracy) - 0.03);
  expect(r.table).toContain('transfer');
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  expect(pngSize(join(runDir, 'transfer.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'pretrain.png'))).toEqual({ width: 800, height: 500 });
  expect(readdirSync(join(runDir, 'tensorboard')).some((d) => d.startsWith('fewshot_test_accuracy_'))).toBe(true);
}, 120_000);
