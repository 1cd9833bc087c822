// Note [streams at exit] (native/src/cpu/stream.cc): process.exit() or an uncaught exception
// while convolutions are queued ended in SIGSEGV (oneDNN's static destructors unmapped the code a
// queued op was running) and lost the exit code (a user trial: 2 of 20 exits, 6 of 10 for a
// server). The stream is stopped at 'exit': the process ends with its own code, every time.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = (ending: string) => `
  import { conv2d, randn } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
  const x = randn([32, 16, 28, 28]), w = randn([16, 16, 3, 3]);
  await conv2d(x, w).data();
  for (let i = 0; i < 200; i++) conv2d(x, w, null, { padding: 1 }); // queued, never awaited
  ${ending}`;

const run = (ending: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', script(ending)], { env: { ...process.env, NUTSHELL_NUM_THREADS: '1' }, encoding: 'utf8' });

describe('exiting with ops queued', () => {
  it('process.exit(3) exits with 3, not a crash', () => {
    const codes = Array.from({ length: 6 }, () => run('setTimeout(() => process.exit(3), 2);')).map((r) => r.status ?? r.signal);
    expect(codes).toEqual(Array(6).fill(3));
  });

  it('an uncaught exception exits with 1', () => {
    const codes = Array.from({ length: 4 }, () => run("setTimeout(() => { throw new Error('boom'); }, 2);")).map((r) => r.status ?? r.signal);
    expect(codes).toEqual(Array(4).fill(1));
  });

  it("an 'exit' listener's own op still runs (after the stream stopped, on the JS thread)", () => {
    const r = run("process.on('exit', () => console.log(JSON.stringify(Array.from(x.sum().reshape([1]).dataSync()).length))); setTimeout(() => process.exit(0), 2);");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1');
  });
});
