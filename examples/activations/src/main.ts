#!/usr/bin/env node
// npm start -- [--epochs 2] [--batch-size 64] [--lr 0.05] [--hidden 128] [--depth 2] [--init gain|pytorch] [--units sigmoid,tanh,relu] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { activations, compareActivations, type Activation, type InitRule } from './train.js';

const flags = parseFlags('sigmoid vs tanh vs ReLU in the same MLP on Fashion-MNIST', {
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, hidden: { type: 'string' }, depth: { type: 'string' }, init: { type: 'string' }, units: { type: 'string' },
  device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  epochs: 'passes over the training images, per model (default 2)', 'batch-size': 'images per step (default 64)', lr: 'SGD learning rate (default 0.05)',
  hidden: 'units in each hidden layer (default 128)', depth: 'hidden layers (default 2; try 4 to watch sigmoid stall)',
  init: "'gain' (Glorot scaled by each unit's gain, default) or 'pytorch' (nn.Linear's default for all)", units: 'comma-separated nonlinearities to compare (default sigmoid,tanh,relu)',
  device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'train on the first N images only (and test on N/6)', seed: 'random seed: the same initial weights for every model (default 0)',
});
const units = flags.units === undefined ? activations : String(flags.units).split(',').map((s) => s.trim()) as Activation[];
for (const u of units) if (!activations.includes(u)) throw new Error(`--units: expected some of ${activations.join(', ')}, got ${u}`);
const init = (flags.init ?? 'gain') as InitRule;
if (init !== 'gain' && init !== 'pytorch') throw new Error(`--init: expected gain or pytorch, got ${init}`);
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('activations');
console.log(`device ${device}; writing to ${runDir}`);
const r = await compareActivations({
  epochs: intFlag(flags.epochs, 'epochs', 2),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 64),
  lr: floatFlag(flags.lr, 'lr', 0.05),
  hidden: intFlag(flags.hidden, 'hidden', 128),
  depth: intFlag(flags.depth, 'depth', 2),
  init,
  units,
  ...dataFlags(flags),
  runDir,
});
console.log('\n' + r.table);
console.log('\nwrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
