import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pngSize, temporaryRunDir } from '@nutshell/example-common/testing';
import { Rng } from '@nutshell/data';
import { loadMetadata } from '@nutshell/nn';
import { licenceText, sampleIndex, trainCharLSTM } from '../src/train.js';

it('samples indices in proportion to their probabilities', () => {
  const rng = new Rng(1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[sampleIndex([0.2, 0, 0.8], rng)] += 1;
  expect(counts[1]).toBe(0);
  expect(counts[2] / 20000).toBeGreaterThan(0.78);
  expect(counts[2] / 20000).toBeLessThan(0.82);
});

it('learns the licence texts: bits per character fall, and it writes curves, samples and checkpoint', async () => {
  const runDir = temporaryRunDir('char-lstm');
  const r = await trainCharLSTM({
    subset: 24000, epochs: 6, seqLength: 32, batchSize: 16, hidden: 96, embedding: 32, numLayers: 2, lr: 1e-2,
    sampleLength: 60, temperatures: [0.5, 1], runDir, quiet: true, log: () => {},
  });
  expect(licenceText().length).toBeGreaterThan(100_000);
  expect(r.vocabSize).toBeGreaterThan(60);
  // before training the model is a near-uniform guess over the vocabulary
  expect(r.validationBpc[0]).toBeGreaterThan(Math.log2(r.vocabSize) - 0.5);
  expect(r.validationBpc.at(-1)!).toBeLessThan(r.validationBpc[0] - 2);
  expect(r.trainBpc.at(-1)!).toBeLessThan(r.trainBpc[0] - 1.5);
  expect(r.gradNormMean.every(Number.isFinite)).toBe(true);
  expect(r.samples.map((s) => s.temperature)).toEqual([0.5, 1]);
  for (const s of r.samples) expect([...s.text].length).toBe(4 + 60); // "The " + 60
  for (const f of r.files) expect(existsSync(f), f).toBe(true);
  expect(pngSize(join(runDir, 'bpc.png'))).toEqual({ width: 800, height: 500 });
  expect(pngSize(join(runDir, 'grad-norm.png'))).toEqual({ width: 800, height: 500 });
  expect(readFileSync(join(runDir, 'samples.txt'), 'utf8')).toContain('temperature 0.5');
  expect(JSON.parse(loadMetadata(join(runDir, 'char-lstm.safetensors')).vocab)).toHaveLength(r.vocabSize);
  expect(readdirSync(join(runDir, 'tensorboard')).some((f) => f.startsWith('events.out.tfevents'))).toBe(true);
}, 120_000);
