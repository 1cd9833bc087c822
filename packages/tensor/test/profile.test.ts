import { describe, expect, it } from 'vitest';
import { add, backends, conv2d, matmul, profile, randn, sum, tensor, ValueError } from '../src/index.js';

const cuda = backends().cuda;

describe('profile', () => {
  it('counts each op with its kernel time and its call time, and only inside the profile', async () => {
    const x = randn([8, 3, 16, 16]);
    const w = randn([4, 3, 3, 3]);
    const before = add(x, x); // outside: not counted
    const rep = await profile(async () => {
      let last = 0;
      for (let i = 0; i < 3; i++) last = await sum(conv2d(x, w)).item();
      return last;
    });
    expect(typeof rep.result).toBe('number');
    const byOp = new Map(rep.ops.map((r) => [r.op, r]));
    expect(byOp.get('conv2d')?.calls).toBe(3);
    expect(byOp.get('sum')?.calls).toBe(3);
    expect(byOp.has('add')).toBe(false);
    for (const r of rep.ops) {
      expect(r.kernelMs).toBeGreaterThan(0);
      expect(r.callMs).toBeGreaterThan(0);
    }
    expect(rep.wallMs).toBeGreaterThanOrEqual(Math.max(...rep.ops.map((r) => r.kernelMs)));
    const table = rep.table();
    expect(table).toMatch(/^op\s+calls\s+kernel ms\s+call ms\s+queue wait ms/);
    expect(table).toContain('conv2d');
    expect(table).toMatch(new RegExp(`\\ntotal\\s+${rep.ops.reduce((a, r) => a + r.calls, 0)}\\s`));
    expect(table).toMatch(/wall [\d.]+ ms/);
    before.dispose();
  });

  it('takes synchronous work, and a second profile starts from zero', async () => {
    const a = tensor([[1, 2], [3, 4]]);
    const first = await profile(() => matmul(a, a));
    expect(first.ops.find((r) => r.op === 'matmul')?.calls).toBe(1);
    const second = await profile(() => [matmul(a, a), matmul(a, a)]);
    expect(second.ops.find((r) => r.op === 'matmul')?.calls).toBe(2);
    expect(await second.result[1].array()).toEqual([[7, 10], [15, 22]]);
  });

  it('counts the waits for queue space apart from the call time', async () => {
    // Each product (~0.5 ms) far outlasts its call (~15 µs), so the calls fill the 1024-op queue.
    const a = randn([192, 192]);
    const rep = await profile(() => Array.from({ length: 1300 }, () => matmul(a, a)));
    const mm = rep.ops.find((r) => r.op === 'matmul')!;
    expect(mm.calls).toBe(1300);
    expect(mm.waitMs).toBeGreaterThan(0); // 1300 ops outran the 1024-op queue
    expect(mm.callMs).toBeLessThan(mm.kernelMs); // the JS thread mostly waited; the device worked
    for (const t of [a, ...rep.result]) t.dispose();
  });

  it('refuses nesting, and stops when the work throws', async () => {
    await expect(profile(() => profile(() => 1))).rejects.toThrow(ValueError);
    await expect(profile(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    const after = await profile(() => add(tensor([1]), tensor([2])));
    expect(after.ops.map((r) => r.op)).toEqual(['add']);
  });

  // Note [cuda op profile]: the stream time between two events around each op's work.
  it.skipIf(!cuda.available)(`times cuda ops on their stream, with cpu ops beside them${cuda.available ? '' : ` (skipped: cuda unavailable: ${cuda.reason})`}`, async () => {
    const x = randn([8, 3, 16, 16], { device: 'cuda' });
    const w = randn([4, 3, 3, 3], { device: 'cuda' });
    const c = randn([64, 64]);
    const rep = await profile(async () => {
      for (let i = 0; i < 3; i++) {
        conv2d(x, w).dispose();
        matmul(c, c).dispose();
      }
      return sum(conv2d(x, w)).item();
    });
    const byOp = new Map(rep.ops.map((r) => [r.op, r]));
    expect(byOp.get('conv2d')?.calls).toBe(4);
    expect(byOp.get('matmul')?.calls).toBe(3);
    for (const op of ['conv2d', 'matmul', 'sum']) {
      expect(byOp.get(op)?.kernelMs, op).toBeGreaterThan(0);
    }
    const again = await profile(() => add(x, x).dispose());
    expect(again.ops.map((r) => r.op)).toEqual(['add']); // a new profile starts from zero on cuda too
    x.dispose();
    w.dispose();
  });
});
