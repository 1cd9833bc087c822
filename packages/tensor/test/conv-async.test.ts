// DESIGN §4: an op enqueues its kernel and returns; the JS thread stays free while the cpu
// stream's worker runs it, and reading the result is the only synchronisation.
import { describe, expect, it } from 'vitest';
import { apply, conv2d, full, scope } from '../src/index.js';
// Op declarations are internal (Note [public op table]): from the op table itself.
import { conv2dOp } from '../src/ops/table/index.js';

describe('conv2d and the event loop', () => {
  it('a long convolution leaves the event loop running until its result is read', async () => {
    await scope(async () => {
      // ~8 GFLOP (hundreds of milliseconds on one thread) into a small output, so reading it
      // back costs next to nothing and the ticks below count the kernel's time alone.
      const x = full([2, 2048, 40, 40], 0.5);
      const w = full([32, 2048, 5, 5], 0.25);
      x.dataSync();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      try {
        const y = conv2d(x, w);
        const ticksAtReturn = ticks;
        const values = await y.data();
        // Synchronous code lets no timer run. Had conv2d computed before returning, the only
        // loop turns left before the read resolves would be the read's own (≤ 2 ticks, measured);
        // a queued kernel leaves the loop free throughout (~100 ticks here).
        expect(ticksAtReturn).toBe(0);
        expect(ticks).toBeGreaterThan(10);
        expect(values[0]).toBeCloseTo(2048 * 25 * 0.125, 0);
      } finally {
        clearInterval(timer);
      }
    });
  });

  it('a kernel failure on the worker is reported at the read, naming the op', async () => {
    await scope(async () => {
      // Large enough to be queued rather than run inline; the cpu kernel refuses 'fft'.
      const x = full([4, 16, 32, 32], 1);
      const w = full([16, 16, 3, 3], 1);
      const b = full([0], 0);
      const [y] = apply(conv2dOp, [x, w, b], { algo: 'fft' });
      await expect(y.data()).rejects.toThrow(/conv2d: algo 'fft' is not available on cpu; cpu supports 'auto', 'heuristic', 'direct', 'winograd'/);
    });
  });
});
