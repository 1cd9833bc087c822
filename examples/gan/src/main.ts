#!/usr/bin/env node
// npm start -- [--epochs 5] [--batch-size 64] [--lr 2e-4] [--latent 64] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { trainGan } from './train.js';

const flags = parseFlags('a DCGAN on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, latent: { type: 'string' },
  device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  epochs: 'passes over the training images (default 5)', 'batch-size': 'real and fake images per step, each (default 64)',
  lr: "both Adams' learning rate (default 2e-4)", latent: "numbers in the generator's noise vector (default 64)",
  device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'train on the first N images only', seed: 'random seed (default 0)',
});
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('gan');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainGan({
  epochs: intFlag(flags.epochs, 'epochs', 5),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 2e-4),
  latent: intFlag(flags.latent, 'latent', 64),
  ...dataFlags(flags),
  runDir,
});
const h = r.history;
const s = r.samples;
const last = h.epoch.length - 1;
console.log(`\nafter ${h.epoch.length} epochs in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} images/s): last epoch's D loss ${h.dLoss[last].toFixed(3)}, G loss ${h.gLoss[last].toFixed(3)}, D(x) ${h.dReal[last].toFixed(3)}, D(G(z)) ${h.dFake[last].toFixed(3)}`);
console.log(`samples' pixel mean ${s.mean.at(-1)!.toFixed(3)} and std ${s.std.at(-1)!.toFixed(3)} (untrained: ${s.mean[0].toFixed(3)} and ${s.std[0].toFixed(3)}; the data's: ${r.data.mean.toFixed(3)} and ${r.data.std.toFixed(3)})`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
