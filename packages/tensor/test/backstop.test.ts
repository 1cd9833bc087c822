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

  it('prints the warning during a synchronous loop that never yields, not only after it (user trial AF)', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { writeSync } from 'node:fs';
      import { add, tensor } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const a = tensor([1]);
      for (let i = 0; i < 120000; i++) add(a, a);
      writeSync(2, 'LOOP DONE\\n');`], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.match(/NUTSHELL_BACKSTOP_PRESSURE/g)).toHaveLength(1);
    expect(r.stderr.indexOf('NUTSHELL_BACKSTOP_PRESSURE')).toBeLessThan(r.stderr.indexOf('LOOP DONE'));
    expect(r.stderr).toMatch(/Wrap each step in scope\(\(\) => …\) or dispose\(\)/);
  });

  it('warns by size too: 300 undisposed 4 MiB tensors pass 1 GiB long before 100k tensors', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { zeros } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      for (let i = 0; i < 300; i++) zeros([1 << 20]);`], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/NUTSHELL_BACKSTOP_PRESSURE.*\d+ tensors \(10\d\d MiB\).*itemSync\(\)/s);
  });

  it('tells V8 about the memory of tensors left to it, not of those scope() frees (Note [external memory])', () => {
    // Each step makes 12 × 16 MiB in a scope; reported at creation, they drove V8 into a full
    // collection nearly every step (50 major GCs in 50 steps, 4× slower with a large app heap).
    // Tensors left to the collector still count: without scopes, memory stays bounded.
    const script = `
      import { scope, randn, memory } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      let majors = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++; }).observe({ entryTypes: ['gc'] });
      const x = randn([16 * 2 ** 18]);
      for (let i = 0; i < 50; i++) {
        const s = scope(() => { let y = x; for (let k = 0; k < 12; k++) y = y.mul(1.0001); return y.sum(); });
        await s.item();
        s.dispose();
      }
      await new Promise((r) => setTimeout(r, 20));
      const scoped = majors;
      let peak = 0;
      for (let i = 0; i < 200; i++) {
        x.mul(2); // 16 MiB left to the collector each step
        await new Promise((r) => setImmediate(r));
        peak = Math.max(peak, memory('cpu').liveBytes);
      }
      console.log(JSON.stringify({ scoped, peakMiB: Math.round(peak / 2 ** 20) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NUTSHELL_NUM_THREADS: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { scoped: number; peakMiB: number };
    expect(out.scoped).toBeLessThan(10);
    expect(out.peakMiB).toBeLessThan(1024); // collected along the way (272 MiB here; 2.8 GB unreported)
  });
});

