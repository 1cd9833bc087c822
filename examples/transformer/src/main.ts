#!/usr/bin/env node
// npm start -- [--epochs 5] [--batch-size 128] [--lr 0.002] [--patch 7] [--dim 64] [--heads 4] [--layers 2] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { trainTransformer } from './train.js';

const flags = parseFlags('a small vision transformer on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, patch: { type: 'string' }, dim: { type: 'string' },
  heads: { type: 'string' }, layers: { type: 'string' }, device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  epochs: 'passes over the training images (default 5)', 'batch-size': 'images per step (default 128)', lr: 'AdamW peak learning rate, one-cycle schedule (default 0.002)',
  patch: 'side of a square patch, a divisor of 28 (default 7: 16 tokens)', dim: 'token width (default 64)', heads: 'attention heads (default 4)',
  layers: 'transformer encoder layers (default 2)', device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'train on the first N images only (and test on N/6)', seed: 'random seed (default 0)',
});
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('transformer');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainTransformer({
  epochs: intFlag(flags.epochs, 'epochs', 5),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 128),
  lr: floatFlag(flags.lr, 'lr', 2e-3),
  patch: intFlag(flags.patch, 'patch', 7),
  dim: intFlag(flags.dim, 'dim', 64),
  heads: intFlag(flags.heads, 'heads', 4),
  layers: intFlag(flags.layers, 'layers', 2),
  ...dataFlags(flags),
  runDir,
});
console.log(`\ntest accuracy ${(100 * r.testAccuracy).toFixed(2)}% (test loss ${r.testLoss.toFixed(4)}) with ${r.parameters} parameters after ${r.history.epoch.length} epochs in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} img/s in the last epoch)`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
