import { expect, it } from 'vitest';
import { temporaryRunDir } from '@nutshell/example-common/testing';
import { backends, setDefaultDevice } from '@nutshell/tensor';
import { trainTransformer } from '../src/train.js';

// The whole example on cuda — attention's batched matmuls on cuBLAS, softmax, layer norm, GELU,
// dropout from the shared Philox stream, AdamW — against the same run on cpu. Runs on a GPU and on
// the cuda emulator (scripts/cuda-emu-test); skipped, saying why, elsewhere.
const cuda = backends().cuda;
const train = async (device: string) => {
  setDefaultDevice(device);
  try {
    return await trainTransformer({ epochs: 1, subset: 300, batchSize: 50, dim: 32, seed: 3, runDir: temporaryRunDir(`transformer-${device}`), quiet: true, log: () => {} });
  } finally {
    setDefaultDevice('cpu');
  }
};

it.skipIf(!cuda.available)(`trains on cuda as on cpu${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
  const [onCpu, onCuda] = [await train('cpu'), await train('cuda')];
  expect(onCuda.history.trainLoss[0]).toBeCloseTo(onCpu.history.trainLoss[0], 3);
  expect(onCuda.testLoss).toBeCloseTo(onCpu.testLoss, 3);
}, 300_000);
