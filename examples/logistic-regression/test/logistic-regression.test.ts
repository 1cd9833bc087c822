import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { trainLogisticRegression } from '../src/train.js';

it('learns Fashion-MNIST on a subset and writes curves, confusion matrix and templates', async () => {
  const runDir = temporaryRunDir('logreg');
  const r = await trainLogisticRegression({ epochs: 2, subset: 3000, batchSize: 50, runDir, quiet: true, log: () => {} });
  expect(r.trainLoss.length).toBeGreaterThan(2);
  expect(r.trainLoss.at(-1)!).toBeLessThan(r.trainLoss[0] * 0.7);
  expect(r.history.testLoss[1]).toBeLessThan(r.history.testLoss[0] * 1.05);
  expect(r.testAccuracy).toBeGreaterThan(0.6); // chance is 0.1
  expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  expect(pngSize(join(runDir, 'loss.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'accuracy.png'))).toEqual({ width: 800, height: 500 });
  const confusion = pngSize(join(runDir, 'confusion.png'));
  expect(confusion.width).toBeGreaterThan(300);
  const templates = pngSize(join(runDir, 'templates.png'));
  expect(templates.width).toBeGreaterThanOrEqual(5 * 28 * 4); // 5 columns of 28×28 at 4×
  expect(templates.height).toBeGreaterThanOrEqual(2 * 28 * 4);
  expect(readdirSync(join(runDir, 'tensorboard')).some((f) => f.startsWith('events.out.tfevents'))).toBe(true);
}, 120_000);
