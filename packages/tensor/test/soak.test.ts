// Memory stays flat over a long training-like loop, and seeded runs repeat bit for bit.
import { expect, it } from 'vitest';
import { conv2d, crossEntropy, linear, manualSeed, memory, noGrad, randn, randint, relu, scope, copyInto, keep, setNumThreads, type Tensor } from '../src/index.js';

function makeParams(): Tensor[] {
  return [randn([16, 8]), randn([16]), randn([4, 16]), randn([4])].map((t) => keep(t.mul(0.3)).requiresGrad_());
}

function trainStep(params: Tensor[], x: Tensor, y: Tensor): number {
  return scope(() => {
    const [w1, b1, w2, b2] = params;
    const loss = crossEntropy(linear(relu(linear(x, w1, b1)), w2, b2), y);
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        copyInto(p, p.sub(p.grad!.mul(0.05)));
        p.grad!.dispose();
        p.grad = null;
      }
    });
    return loss.itemSync();
  });
}

it('10,000 training steps keep memory() and RSS flat', () => {
  manualSeed(1);
  const params = makeParams();
  const x = keep(randn([32, 8]));
  const y = keep(randint(0, 4, [32]));
  for (let i = 0; i < 3000; i++) trainStep(params, x, y); // the JS heap settles first
  const base = memory();
  const rss0 = process.memoryUsage().rss;
  let last = 0;
  for (let i = 0; i < 10_000; i++) last = trainStep(params, x, y);
  const after = memory();
  const rssGrowthMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
  expect(after.liveTensors).toBe(base.liveTensors);
  expect(after.liveBytes).toBe(base.liveBytes);
  expect(rssGrowthMb).toBeLessThan(48); // a leak of 8 KB per step would be 80 MB
  expect(Number.isFinite(last)).toBe(true);
}, 300_000);

it('a seeded run is bit-identical twice', () => {
  const run = () => {
    manualSeed(42);
    const params = makeParams();
    const x = randn([32, 8]);
    const y = randint(0, 4, [32]);
    const losses = Array.from({ length: 20 }, () => trainStep(params, x, y));
    return { losses, params: params.map((p) => Array.from(p.dataSync())) };
  };
  expect(run()).toEqual(run());
});

// Note [threads per op] (native/src/cpu/backend.cc): the threads an op gets follow from its
// shapes alone, so reduction orders, and with them the bits, repeat from run to run — here with
// a convolution big enough to get both threads beside ops small enough to run on one.
it('a seeded conv run on two threads is bit-identical twice', () => {
  setNumThreads(2);
  try {
    const run = () => {
      manualSeed(7);
      const w = keep(randn([32, 16, 3, 3]).mul(0.1)).requiresGrad_();
      const x = randn([16, 16, 32, 32]);
      const out: number[][] = [];
      for (let step = 0; step < 4; step++) {
        scope(() => {
          const loss = relu(conv2d(x, w, null, { padding: 1 })).mean();
          loss.backward();
          out.push([loss.itemSync(), ...Array.from(w.grad!.dataSync()).slice(0, 64)]);
          noGrad(() => copyInto(w, w.sub(w.grad!.mul(0.1))));
          w.grad!.dispose();
          w.grad = null;
        });
      }
      w.dispose();
      x.dispose();
      return out;
    };
    expect(run()).toEqual(run());
  } finally {
    setNumThreads(1);
  }
}, 60_000);
