// readTogether: several tensors read as of one moment, even while queued in-place updates go on
// (found by a user trial: a checkpoint saved during training held weights of 16 different steps).
import { describe, expect, it } from 'vitest';
import { readTogether, scope, zeros } from '../src/index.js';

describe('readTogether', () => {
  it('returns every tensor as of the call, before updates queued after it', async () => {
    await scope(async () => {
      const n = 1 << 20; // big enough that the updates are queued, not run inline
      const a = zeros([n]);
      const b = zeros([n]);
      for (let k = 0; k < 10; k++) {
        a.add_(1);
        b.add_(1);
      }
      const pending = readTogether([a, b]);
      for (let k = 0; k < 10; k++) {
        a.add_(1);
        b.add_(1);
      }
      const [va, vb] = await pending;
      expect([va[0], va[n - 1], vb[0], vb[n - 1]]).toEqual([10, 10, 10, 10]);
      expect((await a.data())[0]).toBe(20);
    });
  });
});
