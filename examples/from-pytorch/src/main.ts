#!/usr/bin/env node
// npm start -- [--checkpoint FILE] [--data DIR] [--subset N] [--batch-size 1000] [--device cpu|cuda]
import { chooseDevice, intFlag, parseFlags, runFolder } from '@nutshell/example-common';
import { FIXTURE, evaluatePyTorchCheckpoint } from './evaluate.js';

const flags = parseFlags('evaluate a LeNet checkpoint written by PyTorch', {
  checkpoint: { type: 'string' }, data: { type: 'string' }, subset: { type: 'string' }, 'batch-size': { type: 'string' }, device: { type: 'string' },
}, {
  checkpoint: `safetensors file from scripts/make_checkpoint.py (default ${FIXTURE})`, data: 'folder with the Fashion-MNIST IDX files',
  subset: 'evaluate on the first N test images only', 'batch-size': 'images per forward pass (default 1000)',
  device: 'cpu, cuda or cuda:N (default: cuda when available)',
});
const device = chooseDevice(flags.device as string | undefined);
const runDir = runFolder('from-pytorch');
console.log(`device ${device}; writing to ${runDir}`);
const r = await evaluatePyTorchCheckpoint({
  checkpoint: flags.checkpoint as string | undefined,
  data: flags.data as string | undefined,
  subset: flags.subset === undefined ? undefined : intFlag(flags.subset, 'subset', 0),
  batchSize: intFlag(flags['batch-size'], 'batch-size', 1000),
  runDir,
});
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
console.log(`\n${r.count} test images:`);
console.log(`  PyTorch  accuracy ${pct(r.pytorchAccuracy)}${r.count === 10_000 ? '' : ` (on all 10,000: ${pct(r.recordedAccuracy)})`}  [recorded by ${r.metadata.framework}]`);
console.log(`  nutshell accuracy ${pct(r.accuracy)}  (test loss ${r.testLoss.toFixed(4)}, ${r.seconds.toFixed(2)} s)`);
console.log(`  same prediction on ${r.agreements} of ${r.count} images; largest logit difference on the first images ${r.maxLogitDifference.toExponential(2)}`);
console.log('wrote:\n  ' + r.files.join('\n  '));
console.log(`TensorBoard: tensorboard --logdir ${runDir}/tensorboard`);
