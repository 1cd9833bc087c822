#!/usr/bin/env node
// npm start -- [--epochs 3] [--batch-size 64] [--lr 0.002] [--device cpu|cuda] [--data DIR] [--subset N] [--algo NAME] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import type { ConvAlgo } from '@nutshell/nn';
import { trainInception } from './train.js';

const flags = parseFlags('a small Inception network on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, device: { type: 'string' },
  data: { type: 'string' }, subset: { type: 'string' }, algo: { type: 'string' }, seed: { type: 'string' },
}, {
  epochs: 'passes over the training images (default 3)', 'batch-size': 'images per step (default 64)', lr: 'Adam learning rate, cosine-annealed (default 0.002)',
  device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'train on the first N images only (and test on N/6)', algo: 'convolution algorithm (auto, heuristic, direct, winograd; on cuda also gemm, fft …)', seed: 'random seed (default 0)',
});
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('inception');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainInception({
  epochs: intFlag(flags.epochs, 'epochs', 3),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 2e-3),
  ...dataFlags(flags),
  algo: flags.algo as ConvAlgo | undefined,
  runDir,
});
console.log(`\ntest accuracy ${(100 * r.testAccuracy).toFixed(2)}% (test loss ${r.testLoss.toFixed(4)}) with ${r.parameters} parameters after ${r.history.epoch.length} epochs in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} img/s in the last epoch)`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
