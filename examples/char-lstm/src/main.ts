#!/usr/bin/env node
// npm start -- [--text FILE] [--epochs 10] [--seq-length 64] [--batch-size 32] [--lr 0.003] [--clip 1] [--hidden 256] [--layers 2]
//              [--temperature 0.5,0.8,1] [--sample-length 400] [--prompt "The "] [--subset N] [--device cpu|cuda] [--seed S]
import { readFileSync } from 'node:fs';
import { chooseDevice, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { LICENSES, trainCharLSTM } from './train.js';

const flags = parseFlags('a character-level LSTM language model', {
  text: { type: 'string' }, epochs: { type: 'string' }, 'seq-length': { type: 'string' }, 'batch-size': { type: 'string' },
  lr: { type: 'string' }, clip: { type: 'string' }, embedding: { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' },
  dropout: { type: 'string' }, temperature: { type: 'string' }, 'sample-length': { type: 'string' }, prompt: { type: 'string' },
  subset: { type: 'string' }, device: { type: 'string' }, seed: { type: 'string' },
}, {
  text: `a UTF-8 text file to learn (default: the licence texts in ${LICENSES})`, epochs: 'passes over the training text (default 10)',
  'seq-length': 'characters per window: how far back gradients flow (default 64)', 'batch-size': 'parallel streams of the text (default 32)',
  lr: 'Adam learning rate, cosine-annealed to a tenth (default 0.003)', clip: 'maximum gradient norm (default 1)',
  embedding: 'embedding size (default 64)', hidden: 'LSTM hidden size (default 256)', layers: 'stacked LSTM layers (default 2)',
  dropout: 'dropout on embeddings and LSTM output (default 0.1)', temperature: 'comma-separated sampling temperatures (default 0.5,0.8,1)',
  'sample-length': 'characters per sample (default 400)', prompt: 'the samples continue this text (default "The ")',
  subset: 'use only the first N characters of the text', device: 'cpu, cuda or cuda:N (default: cuda when available)', seed: 'random seed (default 0)',
});
const temperatures = flags.temperature === undefined ? undefined : String(flags.temperature).split(',').map((t) => floatFlag(t, 'temperature', 1));
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('char-lstm');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainCharLSTM({
  text: flags.text === undefined ? undefined : readFileSync(String(flags.text), 'utf8'),
  epochs: intFlag(flags.epochs, 'epochs', 10),
  seqLength: intFlag(flags['seq-length'], 'seq-length', 64),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 32),
  lr: floatFlag(flags.lr, 'lr', 3e-3),
  clip: floatFlag(flags.clip, 'clip', 1),
  embedding: intFlag(flags.embedding, 'embedding', 64),
  hidden: intFlag(flags.hidden, 'hidden', 256),
  numLayers: intFlag(flags.layers, 'layers', 2),
  dropout: flags.dropout === undefined ? undefined : Number(flags.dropout),
  temperatures,
  sampleLength: intFlag(flags['sample-length'], 'sample-length', 400),
  prompt: flags.prompt as string | undefined,
  subset: flags.subset === undefined ? undefined : intFlag(flags.subset, 'subset', 0),
  seed: flags.seed === undefined ? undefined : Number(flags.seed),
  runDir,
});
for (const s of r.samples) console.log(`\n--- sample at temperature ${s.temperature} ---\n${s.text}`);
console.log(`\nheld-out ${r.validationBpc.at(-1)!.toFixed(3)} bits per character (uniform guess: ${Math.log2(r.vocabSize).toFixed(2)}; before training: ${r.validationBpc[0].toFixed(3)}), ` +
  `train ${r.trainBpc.at(-1)!.toFixed(3)}; ${r.vocabSize} characters; gradients clipped on ${(100 * r.clippedFraction).toFixed(1)}% of steps; ` +
  `${r.seconds.toFixed(1)} s (${r.charsPerSecond.toFixed(0)} characters/s)`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
