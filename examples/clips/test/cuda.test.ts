import { expect, it } from 'vitest';
import { temporaryRunDir } from '@nutshell/example-common/testing';
import { backends, setDefaultDevice } from '@nutshell/tensor';
import { trainClips } from '../src/train.js';

// The whole example on cuda — cuDNN's 3-d convolutions (Nd descriptors) forward and backward,
// batch norm, pooling, Adam — against the same run on cpu. Runs on a GPU and on the cuda emulator
// (scripts/cuda-emu-test); skipped, saying why, elsewhere.
const cuda = backends().cuda;
const train = async (device: string) => {
  setDefaultDevice(device);
  try {
    return await trainClips({ model: 'clip', epochs: 1, subset: 64, batchSize: 16, width: 4, seed: 3, runDir: temporaryRunDir(`clips-${device}`), quiet: true, log: () => {} });
  } finally {
    setDefaultDevice('cpu');
  }
};

it.skipIf(!cuda.available)(`trains on cuda as on cpu${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
  const [onCpu, onCuda] = [await train('cpu'), await train('cuda')];
  expect(onCuda.history.trainLoss[0]).toBeCloseTo(onCpu.history.trainLoss[0], 3);
  expect(onCuda.test.label).toBeCloseTo(onCpu.test.label, 2);
  expect(onCuda.test.direction).toBeCloseTo(onCpu.test.direction, 2);
}, 600_000);
