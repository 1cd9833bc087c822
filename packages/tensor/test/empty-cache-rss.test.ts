// emptyCache() gives the cpu's freed memory back to the system (Note [host caching allocator] in
// native/src/cpu/backend.cc): blocks below glibc's mmap threshold stay in its heaps after free(),
// counted in RSS, until malloc_trim. Measured in a child process, whose RSS is its own.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('emptyCache on cpu', () => {
  it('returns many freed mid-sized tensors to the system (user trial AN: 4.45 GB stayed resident)', () => {
    const script = `
      import * as T from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const rss = () => process.memoryUsage().rss / 2 ** 20;
            T.ones([8]).dataSync();
      const before = rss();
      T.scope(() => {
        // 2,600 steps of two 237 KB tensors (1.2 GB: past the cache's 1 GiB, so some are freed at
        // once), made on the stream's worker and freed from the JS thread when the scope ends, as
        // a long decode loop in one scope makes them. Without malloc_trim, 890 MiB stayed.
        for (let i = 0; i < 2600; i++) T.randn([32, 29, 64]).tanh();
        T.ones([1]).dataSync();
      });
      const freed = rss() - before;
      T.emptyCache();
      console.log(JSON.stringify({ freed, after: rss() - before }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { freed, after } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { freed: number; after: number };
    expect(freed, 'freed but still resident before emptyCache').toBeGreaterThan(300);
    expect(after, `RSS growth after emptyCache (MiB; ${freed.toFixed(0)} before it)`).toBeLessThan(100);
  });
});
