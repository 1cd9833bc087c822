import { join } from 'node:path';
import { expect, it } from 'vitest';
import { temporaryRunDir } from '@nutshell/example-common/testing';
import { backends, setDefaultDevice } from '@nutshell/tensor';
import { trainCharLSTM } from '../src/train.js';

// Two stacked LSTM layers with dropout, Adam and clipping on cuda against the same run on cpu
// (dropout masks agree: both devices draw the same Philox numbers). Runs on a GPU and on the cuda
// emulator (scripts/cuda-emu-test); skipped, saying why, elsewhere.
const cuda = backends().cuda;
// A text of its own (a GPU machine may have no /usr/share/common-licenses).
const text = Array.from({ length: 60 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog, ${i % 7} times over.\n`).join('');
const train = async (device: string) => {
  setDefaultDevice(device);
  try {
    return await trainCharLSTM({
      text, subset: 3000, epochs: 2, seqLength: 16, batchSize: 8, hidden: 32, embedding: 16, numLayers: 2, lr: 1e-2,
      sampleLength: 20, temperatures: [0.5], runDir: temporaryRunDir(`char-lstm-${device}`), quiet: true, log: () => {},
    });
  } finally {
    setDefaultDevice('cpu');
  }
};

it.skipIf(!cuda.available)(`trains on cuda as on cpu${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
  const [onCpu, onCuda] = [await train('cpu'), await train('cuda')];
  expect(onCuda.validationBpc).toHaveLength(onCpu.validationBpc.length);
  onCuda.validationBpc.forEach((b, i) => expect(b).toBeCloseTo(onCpu.validationBpc[i], 2));
  onCuda.trainBpc.forEach((b, i) => expect(b).toBeCloseTo(onCpu.trainBpc[i], 2));
}, 300_000);
