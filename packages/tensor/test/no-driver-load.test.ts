// A machine without a CUDA driver never loads the cuda backend's libraries (cuBLAS, cuDNN: ~150 MB
// of RSS and 50–100 ms), neither for getNumThreads() nor for backends(), which reports why (a user
// trial's server paid for them through a getNumThreads() in its start-up log).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backends } from '../src/index.js';

const driverPresent = ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1', '/usr/lib/wsl/lib/libcuda.so.1'].some(existsSync) || backends().cuda.available;

describe.skipIf(driverPresent)('without a CUDA driver', () => {
  it('getNumThreads and backends load no cuda library', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { getNumThreads, backends } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const loaded = () => /libcublas|libcudnn|libnutshell_cuda/.test(readFileSync('/proc/self/maps', 'utf8'));
      const threads = getNumThreads();
      const afterThreads = loaded();
      const cuda = backends().cuda;
      console.log(JSON.stringify({ threads, afterThreads, afterBackends: loaded(), available: cuda.available, reason: cuda.reason ?? '' }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NUTSHELL_NUM_THREADS: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out.threads).toBe(1);
    expect(out.afterThreads).toBe(false);
    expect(out.afterBackends).toBe(false);
    expect(out.available).toBe(false);
  });
});
