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

  it('takes what work left running by a finished scope makes (a timer, an un-awaited promise)', () => {
    // AsyncLocalStorage hands such work the closed scope; its tensors must not join it (nothing
    // would ever dispose them) but go to the backstop (found by a user trial).
    const script = `
      import { scope, memory, add, tensor } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const settle = async () => { for (let i = 0; i < 20; i++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
      const a = tensor([1]);
      await settle();
      const base = memory().liveTensors;
      scope(() => { setTimeout(() => { for (let i = 0; i < 1000; i++) add(a, a); }, 1); });
      await scope(async () => { (async () => { await new Promise((r) => setTimeout(r, 2)); for (let i = 0; i < 500; i++) add(a, a); })(); });
      await new Promise((r) => setTimeout(r, 20));
      await settle();
      console.log(JSON.stringify({ left: memory().liveTensors - base }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ left: 0 });
  });

  it('warns once when a synchronous loop leaves more tensors to the collector than any step holds (Note [backstop pressure])', () => {
    const run = (body: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `
        import { scope, add, tensor } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
        const a = tensor([1]);
        for (let i = 0; i < 101000; i++) ${body};`], { env: process.env, encoding: 'utf8' });
    const leaky = run('add(a, a)');
    expect(leaky.status, leaky.stderr).toBe(0);
    expect(leaky.stderr.match(/NUTSHELL_BACKSTOP_PRESSURE/g)).toHaveLength(1);
    const scoped = run('scope(() => { add(add(a, a), a); })');
    expect(scoped.stderr).not.toMatch(/NUTSHELL_BACKSTOP_PRESSURE/);
  });

  it('warns by size too: 300 undisposed 4 MiB tensors pass 1 GiB long before 100k tensors', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { zeros } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      for (let i = 0; i < 300; i++) zeros([1 << 20]);`], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/NUTSHELL_BACKSTOP_PRESSURE.*\d+ tensors \(10\d\d MiB\).*itemSync\(\)/s);
  });
});
