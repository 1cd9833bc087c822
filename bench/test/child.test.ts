import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARK, runNodeWorkloads } from '../src/peers/node-child.js';
import { parseIdx } from '../src/idx.js';
import { threadEnv } from '../src/peers/torch.js';

const fake = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures', 'fake-child.mjs');

describe('workloads in child processes', () => {
  it('a crash costs only the workload that crashed; the rest run in a new process', async () => {
    const out = await runNodeWorkloads<{ id: string; samples: number[]; threads: number }>({ task: 'ops', threads: 1, ids: ['a', 'crash', 'b'] }, fake);
    expect([...out.keys()].sort()).toEqual(['a', 'b', 'crash']);
    expect(out.get('a')).toMatchObject({ samples: [1, 2, 3], threads: 1 });
    expect(out.get('b')).toMatchObject({ samples: [1, 2, 3] });
    expect((out.get('crash') as { error: string }).error).toMatch(/^crashed: nutshell process killed by SIGSEGV/);
  });

  it('the thread count reaches every library through the environment', () => {
    expect(threadEnv(2)).toEqual({ OMP_NUM_THREADS: '2', MKL_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', NUTSHELL_NUM_THREADS: '2' });
    expect(MARK.row).toBe('@@ROW@@');
  });
});

describe('IDX reader', () => {
  it('reads an unsigned-byte IDX file and refuses a truncated one', () => {
    const buf = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    const idx = parseIdx(buf);
    expect(idx.dims).toEqual([2, 3]);
    expect([...idx.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(buf.subarray(0, 15))).toThrow(/header says 6/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1]))).toThrow(/unsigned-byte/);
  });
});
