#!/usr/bin/env node
// npm start -- [--epochs 8] [--batch-size 64] [--lr 0.002] [--device cpu|cuda] [--data DIR] [--subset N] [--algo NAME] [--profile]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { writeFileSync } from 'node:fs';
import type { ConvAlgo } from '@nutshell/nn';
import { convAlgos, profile } from '@nutshell/tensor';
import { trainLeNet } from './train.js';

const flags = parseFlags('LeNet-5 on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, device: { type: 'string' },
  data: { type: 'string' }, subset: { type: 'string' }, algo: { type: 'string' }, seed: { type: 'string' }, profile: { type: 'boolean' },
}, {
  epochs: 'passes over the 60,000 training images (default 8)', 'batch-size': 'images per step (default 64)', lr: 'Adam learning rate, cosine-annealed (default 0.002)',
  device: "cpu, cuda or cuda:N (default: cuda when available)", data: 'folder with the Fashion-MNIST IDX files', subset: 'train on the first N images only',
  algo: 'convolution algorithm (default auto; heuristic, direct, winograd; on cuda also gemm, fft, fftTiling …)', seed: 'random seed (default 0)',
  profile: 'time every op (kernel and call) and print where the time went; also writes profile.txt',
});
if (flags.algo !== undefined && !(convAlgos as readonly string[]).includes(flags.algo as string)) {
  throw new Error(`--algo expected one of ${convAlgos.join(', ')}, got ${flags.algo}`);
}
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('lenet');
console.log(`device ${device}; writing to ${runDir}`);
const train = () => trainLeNet({
  epochs: intFlag(flags.epochs, 'epochs', 8),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 2e-3),
  ...dataFlags(flags),
  algo: flags.algo as ConvAlgo | undefined,
  runDir,
});
let result;
if (flags.profile) {
  const report = await profile(train);
  result = report.result;
  writeFileSync(`${runDir}/profile.txt`, report.table() + '\n');
  result.files.push(`${runDir}/profile.txt`);
  console.log(`\nwhere the time went (per op; kernel = on the cpu stream, call = on the JS thread):\n${report.table()}`);
} else {
  result = await train();
}
console.log(`\ntest accuracy ${(100 * result.testAccuracy).toFixed(2)}% after ${result.history.epoch.length} epochs in ${result.seconds.toFixed(1)} s`);
console.log('wrote:\n  ' + result.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
