// Note [thread scratch] (native/src/cpu/thread_scratch.h): an op's temporaries over 64 MiB are
// freed when it ends. A convolution oneDNN runs in its blocked layout reorders a 38 MB input and
// its 75 MB result through scratch (8 and 16 channels padded to blocks of 16); kept, they grew RSS
// by another 150 MB. Measured in a child process, whose RSS is its own.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('thread scratch', () => {
  it('frees temporaries over 64 MiB after the op', () => {
    const script = `
      import { randn, conv2d, setNumThreads } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      setNumThreads(1);
      const rss = () => process.memoryUsage().rss / 2 ** 20;
      const x = randn([128, 8, 96, 96]), w = randn([16, 8, 3, 3]);
      x.dataSync();
      const before = rss();
      const y = conv2d(x, w, undefined, { padding: 1 });
      y.dataSync();  // the 75 MB result and its 75 MB copy in JS
      console.log(JSON.stringify({ growthMiB: rss() - before }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: process.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { growthMiB } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { growthMiB: number };
    // Result and its copy: 2 × 72 MiB; kept scratch would add ~108 MiB more.
    expect(growthMiB).toBeGreaterThan(130);
    expect(growthMiB).toBeLessThan(200);
  });
});
