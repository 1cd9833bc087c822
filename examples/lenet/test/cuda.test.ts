import { expect, it } from 'vitest';
import { temporaryRunDir } from '@nutshell/example-common/testing';
import { backends, setDefaultDevice } from '@nutshell/tensor';
import { trainLeNet } from '../src/train.js';

// The whole example on cuda (modules, optimiser steps, data to the device, checkpoint and plots
// from it) against the same run on cpu. Runs on a GPU and on the cuda emulator
// (scripts/cuda-emu-test); skipped, saying why, elsewhere.
const cuda = backends().cuda;
const train = async (device: string) => {
  setDefaultDevice(device);
  try {
    return await trainLeNet({ epochs: 1, subset: 600, batchSize: 50, seed: 3, runDir: temporaryRunDir(`lenet-${device}`), quiet: true, log: () => {} });
  } finally {
    setDefaultDevice('cpu');
  }
};

it.skipIf(!cuda.available)(`trains on cuda as on cpu${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
  const [onCpu, onCuda] = [await train('cpu'), await train('cuda')];
  expect(onCuda.trainLoss).toHaveLength(onCpu.trainLoss.length);
  onCuda.trainLoss.forEach((l, i) => expect(l).toBeCloseTo(onCpu.trainLoss[i], 3));
  expect(onCuda.testAccuracy).toBeCloseTo(onCpu.testAccuracy, 2);
}, 300_000);
