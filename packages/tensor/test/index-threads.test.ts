// The scatter-style kernels on a graph layer's shapes ([E, 64] messages aggregated along dim 0):
// the same bits at 1 and 2 threads, and the sums a plain loop gives (each output element is
// summed in index order by one thread, however the work is split).
import { afterAll, describe, expect, it } from 'vitest';
import { embedding, gather, getNumThreads, indexAdd, indexSelect, scatterReduce, scope, setNumThreads, tensor, zeros } from '../src/index.js';

const E = 40000;
const N = 500;
const F = 64;
const rows = Int32Array.from({ length: E }, (_, i) => (i * 7919) % N);
const values = Float32Array.from({ length: E * F }, (_, i) => Math.sin(0.37 * i));
const initial = getNumThreads();
afterAll(() => setNumThreads(initial));

function run(threads: number): Float32Array[] {
  setNumThreads(threads);
  return scope(() => {
    const index = tensor(rows, { dtype: 'int64' });
    const src = tensor(values, { shape: [E, F], requiresGrad: true });
    const table = tensor(values.subarray(0, N * F), { shape: [N, F], requiresGrad: true });
    const added = indexAdd(zeros([N, F]), 0, index, src);
    const spread = index.reshape([E, 1]).expand([E, F]);
    const reduced = scatterReduce(zeros([N, F]), 0, spread, src, 'sum');
    const gathered = gather(added, 0, spread);
    const looked = embedding(index, table);
    looked.mul(2).sum().backward();
    indexSelect(table, 0, index).sum().backward();
    return [added, reduced, gathered, table.grad!].map((t) => t.dataSync() as Float32Array);
  });
}

describe('scatter-style kernels over threads', () => {
  it('give the same bits at 1 and 2 threads, and indexAdd the sums of a plain loop', () => {
    const one = run(1);
    const two = run(2);
    two.forEach((t, i) => expect(Buffer.from(t.buffer).equals(Buffer.from(one[i].buffer)), `output ${i}`).toBe(true));
    const want = new Float32Array(N * F);
    for (let e = 0; e < E; e++) for (let f = 0; f < F; f++) want[rows[e] * F + f] += values[e * F + f];
    expect(Buffer.from(one[0].buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });
});
