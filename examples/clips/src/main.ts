#!/usr/bin/env node
// npm start -- [--model clip|frame] [--epochs 4] [--batch-size 32] [--lr 0.001] [--width 8] [--device cpu|cuda] [--data DIR] [--subset N] [--seed S]
import { chooseDevice, dataFlags, floatFlag, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { trainClips } from './train.js';

const flags = parseFlags('3-d convolution on moving Fashion-MNIST clips', {
  model: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, width: { type: 'string' },
  device: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
}, {
  model: "'clip' (3-d convolutions, default) or 'frame' (2-d on each frame, averaged over time)", epochs: 'passes over the training clips (default 4)',
  'batch-size': 'clips per step (default 32)', lr: 'Adam learning rate (default 0.001)', width: 'channels of the first layer, then 2× and 4× (default 8)',
  device: 'cpu, cuda or cuda:N (default: cuda when available)', data: 'folder with the Fashion-MNIST IDX files',
  subset: 'clips made from the first N training images (default 12000; the test clips from N/6)', seed: 'random seed (default 0)',
});
const model = (flags.model ?? 'clip') as string;
if (model !== 'clip' && model !== 'frame') throw new Error(`--model: expected 'clip' or 'frame', got '${model}'`);
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder(`clips-${model}`);
console.log(`device ${device}; writing to ${runDir}`);
const r = await trainClips({
  model,
  epochs: intFlag(flags.epochs, 'epochs', 4),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 32),
  lr: floatFlag(flags.lr, 'lr', 1e-3),
  width: intFlag(flags.width, 'width', 8),
  ...dataFlags(flags),
  runDir,
});
console.log(`\ntest accuracy: garment class ${(100 * r.test.label).toFixed(1)} %, direction of motion ${(100 * r.test.direction).toFixed(1)} % (chance 12.5 %) after ${r.history.epoch.length} epochs in ${r.seconds.toFixed(1)} s (${r.clipsPerSecond.toFixed(0)} clips/s)`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
