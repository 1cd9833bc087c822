import { expect, it } from 'vitest';
import { temporaryRunDir } from '@nutshell/example-common/testing';
import { backends, setDefaultDevice } from '@nutshell/tensor';
import { trainAutoencoder, type Upsampling } from '../src/train.js';

// The whole example on cuda — transposed convolutions (cuDNN's backward-data algorithms run
// forward), bilinear upsampling (matmuls on cuBLAS), Adam — against the same run on cpu. Runs on
// a GPU and on the cuda emulator (scripts/cuda-emu-test); skipped, saying why, elsewhere.
const cuda = backends().cuda;
const train = async (device: string, upsampling: Upsampling) => {
  setDefaultDevice(device);
  try {
    return await trainAutoencoder({ epochs: 1, subset: 300, batchSize: 50, upsampling, seed: 3, runDir: temporaryRunDir(`autoencoder-${device}`), quiet: true, log: () => {} });
  } finally {
    setDefaultDevice('cpu');
  }
};

for (const upsampling of ['transposed', 'bilinear'] as Upsampling[]) {
  it.skipIf(!cuda.available)(`trains on cuda as on cpu, ${upsampling} upsampling${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
    const [onCpu, onCuda] = [await train('cpu', upsampling), await train('cuda', upsampling)];
    expect(onCuda.history.trainLoss[0]).toBeCloseTo(onCpu.history.trainLoss[0], 4);
    expect(onCuda.testLoss).toBeCloseTo(onCpu.testLoss, 4);
  }, 300_000);
}
