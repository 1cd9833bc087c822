import { expect, it } from 'vitest';
import { temporaryRunDir } from '@nutshell/example-common/testing';
import { backends, setDefaultDevice } from '@nutshell/tensor';
import { trainGan } from '../src/train.js';

// The whole example on cuda — transposed convolutions (cuDNN's backward-data algorithms run
// forward), batch norm in both networks, two Adams, noise drawn on the device (the same Philox
// stream as on cpu) — against the same run on cpu. Runs on a GPU and on the cuda emulator
// (scripts/cuda-emu-test; 75–80 s there, most of it cuDNN's 'auto' measuring each convolution's
// algorithms once: batches of 64, the fixed noise's size, keep that to one set of shapes);
// skipped, saying why, elsewhere.
const cuda = backends().cuda;
const train = async (device: string) => {
  setDefaultDevice(device);
  try {
    return await trainGan({ epochs: 1, subset: 128, batchSize: 64, seed: 3, runDir: temporaryRunDir(`gan-${device}`), quiet: true, log: () => {} });
  } finally {
    setDefaultDevice('cpu');
  }
};

it.skipIf(!cuda.available)(`trains on cuda as on cpu${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
  const [onCpu, onCuda] = [await train('cpu'), await train('cuda')];
  expect(onCuda.history.dLoss[0]).toBeCloseTo(onCpu.history.dLoss[0], 3);
  expect(onCuda.history.gLoss[0]).toBeCloseTo(onCpu.history.gLoss[0], 3);
  expect(onCuda.samples.mean[1]).toBeCloseTo(onCpu.samples.mean[1], 3);
  expect(onCuda.samples.std[1]).toBeCloseTo(onCpu.samples.std[1], 3);
}, 300_000);
