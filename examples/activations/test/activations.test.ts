import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { compareActivations } from '../src/train.js';

it('trains the MLP with sigmoid, tanh and ReLU units; ReLU learns fastest', async () => {
  const runDir = temporaryRunDir('activations');
  const r = await compareActivations({ epochs: 1, subset: 4000, batchSize: 20, runDir, quiet: true, log: () => {} });
  expect(r.runs.map((x) => x.activation)).toEqual(['sigmoid', 'tanh', 'relu']);
  const by = Object.fromEntries(r.runs.map((x) => [x.activation, x]));
  for (const x of r.runs) expect(x.stepLosses.length).toBe(10); // 200 steps in windows of 20
  // every run learns …
  for (const x of [by.tanh, by.relu]) {
    expect(x.stepLosses.at(-1)!).toBeLessThan(x.stepLosses[0] * 0.6);
    expect(x.testAccuracy).toBeGreaterThan(0.6); // chance is 0.1
  }
  expect(by.sigmoid.stepLosses.at(-1)!).toBeLessThan(by.sigmoid.stepLosses[0]);
  // … and ReLU gets furthest in the same steps, sigmoid least far
  expect(by.relu.stepLosses.at(-1)!).toBeLessThan(by.sigmoid.stepLosses.at(-1)!);
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  expect(sum(by.relu.stepLosses)).toBeLessThan(sum(by.sigmoid.stepLosses));
  expect(r.table).toContain('relu');
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  expect(pngSize(join(runDir, 'loss.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'accuracy.png'))).toEqual({ width: 800, height: 500 });
  // addScalars writes one sub-run per activation
  expect(readdirSync(join(runDir, 'tensorboard')).filter((d) => d.startsWith('loss_train_')).sort()).toEqual(['loss_train_relu', 'loss_train_sigmoid', 'loss_train_tanh']);
}, 120_000);
