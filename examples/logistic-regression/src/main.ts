#!/usr/bin/env node
// npm start -- [--epochs 5] [--batch-size 64] [--lr 0.1] [--momentum 0] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { trainLogisticRegression } from './train.js';

const flags = parseFlags('multinomial logistic regression on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, momentum: { type: 'string' },
  'weight-decay': { type: 'string' }, device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  epochs: 'passes over the training images (default 5)', 'batch-size': 'images per step (default 64)', lr: 'SGD learning rate (default 0.1)',
  momentum: 'SGD momentum (default 0: plain SGD)', 'weight-decay': 'L2 penalty (default 1e-4)',
  device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'train on the first N images only (and test on N/6)', seed: 'random seed (default 0)',
});
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('logistic-regression');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainLogisticRegression({
  epochs: intFlag(flags.epochs, 'epochs', 5),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 0.1),
  momentum: flags.momentum === undefined ? 0 : Number(flags.momentum),
  weightDecay: flags['weight-decay'] === undefined ? 1e-4 : Number(flags['weight-decay']),
  ...dataFlags(flags),
  runDir,
});
console.log(`\ntest accuracy ${(100 * r.testAccuracy).toFixed(2)}% (test loss ${r.testLoss.toFixed(4)}) after ${r.history.epoch.length} epochs in ${r.seconds.toFixed(1)} s`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
