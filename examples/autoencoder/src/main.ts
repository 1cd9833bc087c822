#!/usr/bin/env node
// npm start -- [--epochs 5] [--batch-size 64] [--lr 0.002] [--latent 16] [--upsampling transposed|bilinear] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { trainAutoencoder, type Upsampling } from './train.js';

const flags = parseFlags('a convolutional autoencoder on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, latent: { type: 'string' }, upsampling: { type: 'string' },
  device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  epochs: 'passes over the training images (default 5)', 'batch-size': 'images per step (default 64)', lr: 'Adam learning rate (default 0.002)',
  latent: 'numbers in the code (default 16)', upsampling: "the decoder's: 'transposed' convolutions (default) or 'bilinear' upsampling + convolution",
  device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'train on the first N images only (and test on N/6)', seed: 'random seed (default 0)',
});
const upsampling = (flags.upsampling ?? 'transposed') as string;
if (upsampling !== 'transposed' && upsampling !== 'bilinear') throw new Error(`--upsampling: expected 'transposed' or 'bilinear', got '${upsampling}'`);
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('autoencoder');
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainAutoencoder({
  epochs: intFlag(flags.epochs, 'epochs', 5),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 2e-3),
  latent: intFlag(flags.latent, 'latent', 16),
  upsampling: upsampling as Upsampling,
  ...dataFlags(flags),
  runDir,
});
console.log(`\ntest error ${r.testLoss.toFixed(4)} per pixel (the mean image: ${r.meanImageLoss.toFixed(4)}) after ${r.history.epoch.length} epochs in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} images/s)`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
