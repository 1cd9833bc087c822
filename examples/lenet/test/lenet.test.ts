import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { load } from '@nutshell/nn';
import { trainLeNet } from '../src/train.js';

it('learns Fashion-MNIST on a subset and writes its checkpoint and pictures', async () => {
  const runDir = temporaryRunDir('lenet');
  const r = await trainLeNet({ epochs: 2, subset: 3000, batchSize: 50, runDir, quiet: true, log: () => {} });
  expect(r.trainLoss.length).toBeGreaterThan(2);
  expect(r.trainLoss.at(-1)!).toBeLessThan(r.trainLoss[0] * 0.7);
  expect(r.testAccuracy).toBeGreaterThan(0.6); // chance is 0.1
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  for (const name of ['loss.png', 'accuracy.png', 'confusion.png', 'filters.png']) {
    const { width, height } = pngSize(join(runDir, name));
    expect(width).toBeGreaterThan(100);
    expect(height).toBeGreaterThan(50);
  }
  expect(pngSize(join(runDir, 'loss.png'))).toEqual({ width: 800, height: 500 });
  const weights = load(join(runDir, 'lenet.safetensors'));
  expect([...weights.keys()].sort()).toEqual(['conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight', 'fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', 'fc3.bias', 'fc3.weight']);
  expect(weights.get('conv1.weight')!.shape).toEqual([6, 1, 5, 5]);
  expect(existsSync(join(runDir, 'tensorboard'))).toBe(true);
}, 300_000);
