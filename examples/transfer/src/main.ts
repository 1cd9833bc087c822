#!/usr/bin/env node
// npm start -- [--shots 10] [--epochs 30] [--pretrain-epochs 2] [--batch-size 64] [--lr 0.002] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { trainTransfer } from './train.js';

const flags = parseFlags('transfer learning vs training from scratch on a few Fashion-MNIST images', {
  shots: { type: 'string' }, epochs: { type: 'string' }, 'pretrain-epochs': { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
  device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  shots: 'labelled training images per new class (default 10)', epochs: 'epochs on the few images, for both models (default 30)',
  'pretrain-epochs': 'pretraining epochs on classes 0-4 (default 2)', 'batch-size': 'images per step when pretraining (default 64)',
  lr: 'Adam learning rate (default 0.002)', device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'use the first N training images (and N/6 test images)', seed: 'random seed; also picks the few images (default 0)',
});
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('transfer');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainTransfer({
  shots: intFlag(flags.shots, 'shots', 10),
  epochs: intFlag(flags.epochs, 'epochs', 30),
  pretrainEpochs: intFlag(flags['pretrain-epochs'], 'pretrain-epochs', 2),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 2e-3),
  ...dataFlags(flags),
  runDir,
});
console.log(`\npretrained on classes 0-4: test accuracy ${(100 * r.pretrainAccuracy).toFixed(2)}% (${r.pretrainSeconds.toFixed(1)} s)`);
console.log(`classes 5-9 from ${r.shots} labelled images each (chance 20%):\n\n${r.table}`);
console.log('\nwrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
