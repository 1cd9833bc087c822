// The GC backstop (Note [backstop] in memory.ts, Note [deferred backstop] in tensor.ts): a tensor
// made outside a scope and never disposed has its storage released once it is garbage-collected,
// whether it was still waiting to be registered or already registered; disposing first leaves
// nothing for the registry. Runs in a child process started with --expose-gc.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('GC backstop', () => {
  it('releases the storage of collected, undisposed tensors, including those still pending registration', () => {
    const script = `
      import { tensor, add, memory } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const settle = async () => { for (let i = 0; i < 20; i++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
      const a = tensor([1]), b = tensor([2]);
      await settle();
      const base = memory().liveTensors;
      // Registered: the microtask checkpoint comes before they become garbage.
      let kept = Array.from({ length: 100 }, () => add(a, b));
      await Promise.resolve();
      kept = null;
      await settle();
      const afterRegistered = memory().liveTensors - base;
      // More than the pending list holds in one synchronous stretch (registered as it fills), and a
      // few dropped while still pending.
      for (let i = 0; i < 10000; i++) add(a, b);
      await settle();
      const afterPending = memory().liveTensors - base;
      // Disposed ones: released at once.
      for (let i = 0; i < 1000; i++) add(a, b).dispose();
      const afterDisposed = memory().liveTensors - base;
      console.log(JSON.stringify({ afterRegistered, afterPending, afterDisposed }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(out).toEqual({ afterRegistered: 0, afterPending: 0, afterDisposed: 0 });
  });
});
