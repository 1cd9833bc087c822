// The cuda caching allocator (native/src/cuda/allocator.cc), as issue 4 asks: reuse, stats,
// emptyCache, the out-of-memory message, and flat device memory over 10,000 training steps.
// Runs wherever a GPU is present; elsewhere each test is skipped with the reason in its name.
import { describe, expect, it } from 'vitest';
import { backends, crossEntropy, emptyCache, full, linear, memory, randn, scope, sgdStep, tensor, type Tensor } from '../src/index.js';

const cuda = backends().cuda;
const noGpu = cuda.available ? '' : `cuda unavailable: ${cuda.reason}`;
const gpuIt = (name: string, fn: () => void | Promise<void>, timeout?: number) =>
  it.skipIf(!cuda.available)(`${name}${noGpu ? ` (skipped: ${noGpu})` : ''}`, fn, timeout);

const MiB = 2 ** 20;

describe('cuda caching allocator', () => {
  gpuIt('memory() counts live tensors and bytes; dispose gives them back', () => {
    const before = memory('cuda');
    const t = full([1024, 1024], 1, { device: 'cuda' });
    const during = memory('cuda');
    expect(during.liveTensors - before.liveTensors).toBe(1);
    expect(during.liveBytes - before.liveBytes).toBe(4 * MiB);
    expect(during.peakBytes).toBeGreaterThanOrEqual(during.liveBytes);
    expect(during.reservedBytes).toBeGreaterThanOrEqual(during.liveBytes);
    t.dispose();
    const after = memory('cuda');
    expect(after.liveTensors).toBe(before.liveTensors);
    expect(after.liveBytes).toBe(before.liveBytes);
  });

  gpuIt('a freed block is reused: the same shapes in a loop reserve nothing new', () => {
    full([3, 1000, 1000], 0, { device: 'cuda' }).dispose(); // first use reserves the size class
    const reserved = memory('cuda').reservedBytes;
    for (let i = 0; i < 100; i++) full([3, 1000, 1000], i, { device: 'cuda' }).dispose();
    expect(memory('cuda').reservedBytes).toBe(reserved);
  });

  gpuIt('emptyCache() returns cached blocks to the driver', () => {
    const t = full([8, 1024, 1024], 0, { device: 'cuda' }); // 32 MiB
    t.dispose();
    const cached = memory('cuda');
    expect(cached.reservedBytes - cached.liveBytes).toBeGreaterThanOrEqual(32 * MiB);
    emptyCache('cuda');
    const emptied = memory('cuda');
    expect(emptied.reservedBytes).toBeLessThanOrEqual(cached.reservedBytes - 32 * MiB);
    expect(emptied.liveBytes).toBe(cached.liveBytes);
  });

  gpuIt('out of memory says how much was asked and how much nutshell holds, after a retry with the cache flushed', () => {
    const keep = full([1024, 1024], 0, { device: 'cuda' });
    full([16, 1024, 1024], 0, { device: 'cuda' }).dispose(); // something cached, flushed by the retry
    const asked = 2 ** 40; // 1 TiB of float32: more than any GPU has
    expect(() => full([2 ** 38], 0, { device: 'cuda' })).toThrowError(
      expect.objectContaining({
        name: 'BackendError',
        message: expect.stringMatching(new RegExp(`^fill: .*out of memory allocating ${asked} bytes; nutshell holds \\d+ bytes \\(\\d+ live\\), the device has \\d+ of \\d+ bytes free`)),
      }),
    );
    // The retry flushed the cache: what nutshell still reserves is what is live.
    const m = memory('cuda');
    expect(m.reservedBytes - m.liveBytes).toBeLessThan(16 * MiB);
    keep.dispose();
  });

  gpuIt(
    '10,000 steps of a small training loop keep device memory flat',
    async () => {
      const w = randn([10, 32], { device: 'cuda', requiresGrad: true });
      const b = full([10], 0, { device: 'cuda', requiresGrad: true });
      const x = randn([64, 32], { device: 'cuda' });
      const y = tensor(BigInt64Array.from({ length: 64 }, (_, i) => BigInt(i % 10)), { device: 'cuda' });
      const step = () => {
        for (const p of [w, b] as Tensor[]) {
          p.grad?.dispose();
          p.grad = null;
        }
        const loss = scope(() => {
          const l = crossEntropy(linear(x, w, b), y);
          l.backward();
          return l;
        });
        sgdStep(w, w.grad!, null, { lr: 0.1 });
        sgdStep(b, b.grad!, null, { lr: 0.1 });
        return loss;
      };
      for (let i = 0; i < 100; i++) step().dispose();
      const firstLoss = step();
      const first = await firstLoss.item();
      firstLoss.dispose(); // as the last one is before at10k: the counts compare like with like
      const at100 = memory('cuda');
      for (let i = 0; i < 10_000; i++) step().dispose();
      const last = step();
      expect(await last.item()).toBeLessThan(first); // it trained
      last.dispose();
      const at10k = memory('cuda');
      expect(at10k.liveTensors).toBe(at100.liveTensors);
      expect(at10k.liveBytes).toBe(at100.liveBytes);
      expect(at10k.reservedBytes).toBe(at100.reservedBytes);
      for (const t of [w, b, x, y]) t.dispose();
    },
    120_000,
  );
});
