#!/usr/bin/env node
// A dependency-free check of the cuda backend (no vitest needed), run by scripts/gpu-test:
//   1. cpu↔cuda parity of every sample of every op in the table (the same comparison as the
//      op-table test: forward outputs, tolerance 10× the declaration's golden tolerance);
//   2. larger shapes than the samples, which reach the paths samples do not (split reductions,
//      warp-per-row losses, tiled transposes, sorted index accumulation, 64-bit-sized grids are
//      out of reach but multi-block grids are not), determinism (same bits twice), random numbers
//      identical to cpu's, and a device-side error reported with the op's name;
//   3. a short LeNet-style training run on cuda, step by step against the same run on cpu.
// Imports the built packages (packages/*/dist). Prints one line per failure and ends with
// "N passed, N failed". Exit code: 0 all passed, 1 failures, 2 cuda unavailable.
import * as T from '../packages/tensor/dist/index.js';
import { concreteSamples, expectClose, inputTensors } from '../packages/tensor/dist/testing/index.js';
import { native, opId } from '../packages/tensor/dist/native.js';
import * as nn from '../packages/nn/dist/index.js';
import * as optim from '../packages/optim/dist/index.js';

const { applyOn, backends, Device, opTable, scope, tensor } = T;

// GPU_PARITY_SELFTEST=1 runs every check with cpu standing in for cuda (to test this script).
const target = process.env.GPU_PARITY_SELFTEST ? 'cpu' : 'cuda';
const cuda = backends().cuda;
if (target === 'cuda' && !cuda.available) {
  console.log(`cuda unavailable: ${cuda.reason}`);
  console.log('0 passed, 0 failed');
  process.exit(2);
}
console.log(`${target}: ${Object.entries(target === 'cuda' ? cuda.facts : backends().cpu.facts).map(([k, v]) => `${k} ${v}`).join(', ')}`);

const cpu = Device.of('cpu');
const gpu = Device.of(target);
let passed = 0;
let failed = 0;
const only = process.env.GPU_PARITY_ONLY ? new RegExp(process.env.GPU_PARITY_ONLY) : null;

function check(name, fn) {
  if (only && !only.test(name)) return;
  const t0 = performance.now();
  try {
    fn();
    passed++;
    if (process.env.GPU_PARITY_VERBOSE) console.log(`ok   ${name} (${(performance.now() - t0).toFixed(1)} ms)`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---- 1. every op sample ----

const tol = (decl) => decl.test?.goldenTolerance ?? 1e-4;
for (const decl of opTable) {
  if (!decl.view && !native().hasKernel(opId(decl.name), gpu.typeId)) {
    check(`${decl.name}: has a cuda kernel`, () => {
      throw new Error('no cuda kernel registered');
    });
    continue;
  }
  for (const sample of concreteSamples(decl)) {
    // Declared exceptions, as the op-table test honours them (e.g. a forced algorithm cuDNN lacks).
    const noParity = decl.test?.noParity ?? decl.test?.samples.find((s) => s.name === sample.name)?.noParity;
    if (noParity) {
      if (!only || only.test(`${decl.name}/${sample.name}`)) console.log(`skip ${decl.name}/${sample.name}: ${noParity}`);
      continue;
    }
    check(`${decl.name}/${sample.name}: cuda matches cpu`, () => {
      scope(() => {
        const onCpu = applyOn(cpu, decl, inputTensors(sample, false), sample.attrs);
        const onGpu = applyOn(gpu, decl, inputTensors(sample, false, target), sample.attrs);
        if (onCpu.length !== onGpu.length) throw new Error(`${onGpu.length} outputs on cuda, ${onCpu.length} on cpu`);
        onCpu.forEach((o, j) => {
          const g = onGpu[j];
          if (g.dtype !== o.dtype || g.shape.join() !== o.shape.join()) {
            throw new Error(`output ${j}: ${g.dtype} [${g.shape}] on cuda, ${o.dtype} [${o.shape}] on cpu`);
          }
          expectClose(g.dataSync(), o.dataSync(), tol(decl) * 10, tol(decl) * 10, `output ${j}`);
        });
      });
    });
  }
}

// ---- 2. larger shapes, determinism, random numbers, device-side errors ----

const gen = (seed) => new T.Generator(seed);
const randnBoth = (shape, seed) => {
  const c = T.randn(shape, { generator: gen(seed) });
  return [c, c.to(target)];
};
const close = (g, c, atol, rtol, what) => expectClose(g.dataSync(), c.dataSync(), atol, rtol, what);
const sameBits = (a, b, what) => {
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) throw new Error(`${what}: element ${i} is ${x[i]} vs ${y[i]}`);
  }
};

const bigReductions = [
  ['sum of 2^22 elements (split rows)', [1 << 22], { dim: undefined }],
  ['sum over a long middle dim', [3, 100000, 5], { dim: 1 }],
  ['sum of short rows', [200000, 7], { dim: 1 }],
  ['sum over dims 0 and 2 (straddled, read in place)', [64, 33, 65], { dim: [0, 2] }],
  ['sum over dims 0, 2 and 3 of a conv gradient (straddled, chunked)', [64, 6, 28, 28], { dim: [0, 2, 3] }],
  ['sum over dims 0 and 2 of 4 (moved)', [16, 33, 9, 65], { dim: [0, 2] }],
];
for (const [name, shape, opts] of bigReductions) {
  check(`large: ${name}`, () =>
    scope(() => {
      const [c, g] = randnBoth(shape, 7);
      const want = T.sum(c, opts);
      const got = T.sum(g, opts);
      close(got, want, 1e-2, 1e-4, name);
      sameBits(got, T.sum(g, opts), `${name} (twice)`);
    }),
  );
}
check('large: mean/var/std/logsumexp/argmax over a middle dim', () =>
  scope(() => {
    const [c, g] = randnBoth([4, 5000, 33], 3);
    close(T.mean(g, { dim: 1 }), T.mean(c, { dim: 1 }), 1e-5, 1e-4, 'mean');
    close(T.variance(g, { dim: 1 }), T.variance(c, { dim: 1 }), 1e-5, 1e-4, 'var');
    close(T.std(g, { dim: [0, 1] }), T.std(c, { dim: [0, 1] }), 1e-5, 1e-4, 'std');
    close(T.logsumexp(g, { dim: 1 }), T.logsumexp(c, { dim: 1 }), 1e-4, 1e-5, 'logsumexp');
    close(T.argmax(g, { dim: 1 }), T.argmax(c, { dim: 1 }), 0, 0, 'argmax');
    close(T.max(g), T.max(c), 0, 0, 'max');
  }),
);
check('large: broadcasting add/mul/where over 4-D', () =>
  scope(() => {
    const [ac, ag] = randnBoth([8, 1, 300, 70], 1);
    const [bc, bg] = randnBoth([5, 1, 70], 2);
    close(T.add(ag, bg), T.add(ac, bc), 1e-6, 1e-6, 'add');
    close(T.mul(ag, bg), T.mul(ac, bc), 1e-6, 1e-6, 'mul');
    close(T.where(T.gt(ag, 0), ag, bg), T.where(T.gt(ac, 0), ac, bc), 0, 0, 'where');
  }),
);
check('large: transpose and permute (tiled)', () =>
  scope(() => {
    const [c, g] = randnBoth([3, 517, 1029], 4);
    close(T.transpose(g, 1, 2), T.transpose(c, 1, 2), 0, 0, 'transpose');
    close(T.permute(g, [2, 0, 1]), T.permute(c, [2, 0, 1]), 0, 0, 'permute');
  }),
);
check('large: cross entropy, warp rows and strided classes, forward and backward', () =>
  scope(() => {
    for (const shape of [[512, 1000], [16, 10, 31, 17]]) {
      const [xc, xg] = randnBoth(shape, 5);
      const t = T.randint(0, shape[1], [shape[0], ...shape.slice(2)], { generator: gen(6) });
      xc.requiresGrad_();
      xg.requiresGrad_();
      const lc = T.crossEntropy(xc, t, { labelSmoothing: 0.1 });
      const lg = T.crossEntropy(xg, t.to(target), { labelSmoothing: 0.1 });
      close(lg, lc, 1e-5, 1e-4, `loss ${shape}`);
      lc.backward();
      lg.backward();
      close(xg.grad, xc.grad, 1e-6, 1e-3, `grad ${shape}`);
    }
  }),
);
check('large: 3-d max and average pooling (cuDNN Nd average, our max kernel), forward and backward', () =>
  scope(() => {
    const [xc, xg] = randnBoth([2, 8, 12, 40, 40], 15);
    const cases = [
      ['max 2', (x) => T.maxPool3d(x, 2)],
      ['max 3 s2 p1 ceil', (x) => T.maxPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true })],
      ['avg 2 (cuDNN)', (x) => T.avgPool3d(x, 2)],
      ['avg 3 s1 p1 exclude (cuDNN)', (x) => T.avgPool3d(x, 3, { stride: 1, padding: 1, countIncludePad: false })],
      ['avg 3 s2 p1 ceil (ours)', (x) => T.avgPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true })],
    ];
    for (const [name, f] of cases) {
      const c = xc.detach().requiresGrad_();
      const g = xg.detach().requiresGrad_();
      const yc = f(c);
      const yg = f(g);
      close(yg, yc, 1e-6, 1e-5, name);
      T.sum(T.mul(yc, yc)).backward();
      T.sum(T.mul(yg, yg)).backward();
      close(g.grad, c.grad, 1e-5, 1e-4, `${name} grad`);
    }
  }),
);
check('large: embedding backward with repeated indices is cpu-exact and repeatable', () =>
  scope(() => {
    const idx = T.randint(0, 50, [20000], { generator: gen(8) });
    const [gc, gg] = randnBoth([20000, 64], 9);
    const op = T.opTable.find((d) => d.name === 'embeddingBackward');
    const attrs = { numWeights: 50, paddingIdx: 3 };
    const want = applyOn(cpu, op, [gc, idx], attrs)[0];
    const got = applyOn(gpu, op, [gg, idx.to(target)], attrs)[0];
    sameBits(got, want, 'embeddingBackward vs cpu');
    sameBits(got, applyOn(gpu, op, [gg, idx.to(target)], attrs)[0], 'embeddingBackward twice');
  }),
);
check("large: scatterReduce of a graph's edges into its nodes (every reduce) is cpu-exact and repeatable", () =>
  scope(() => {
    // 24k edges × 64 features into 2000 nodes, the index one node id per row (a GNN's segment
    // reductions): amax/amin on atomics that do not depend on order, the others in line order.
    const rows = T.randint(0, 2000, [24000, 1], { generator: gen(10) });
    const idx = rows.expand([24000, 64]).contiguous();
    const [sc, sg] = randnBoth([24000, 64], 11);
    const [xc, xg] = randnBoth([2000, 64], 12);
    for (const reduce of ['sum', 'prod', 'mean', 'amax', 'amin']) {
      for (const includeSelf of [true, false]) {
        const want = T.scatterReduce(xc, 0, idx, sc, reduce, { includeSelf });
        const got = T.scatterReduce(xg, 0, idx.to(target), sg, reduce, { includeSelf });
        sameBits(got, want, `scatterReduce ${reduce} includeSelf ${includeSelf} vs cpu`);
        sameBits(got, T.scatterReduce(xg, 0, idx.to(target), sg, reduce, { includeSelf }), `scatterReduce ${reduce} twice`);
      }
    }
  }),
);
check('random: rand/randint/dropout masks are bit-identical to cpu for one seed and offset', () =>
  scope(() => {
    for (const n of [1, 5, 4099, 1 << 20]) {
      sameBits(T.rand([n], { generator: gen(11), device: target }), T.rand([n], { generator: gen(11) }), `rand ${n}`);
      sameBits(T.randint(-7, 1000, [n], { generator: gen(12), device: target }), T.randint(-7, 1000, [n], { generator: gen(12) }), `randint ${n}`);
      close(T.randn([n], { generator: gen(13), device: target }), T.randn([n], { generator: gen(13) }), 1e-5, 1e-5, `randn ${n}`);
    }
    const g1 = gen(14);
    const g2 = gen(14);
    T.rand([3], { generator: g1 });
    T.rand([3], { generator: g2, device: target }); // both now at offset 3: unaligned draws
    sameBits(T.rand([1001], { generator: g2, device: target }), T.rand([1001], { generator: g1 }), 'rand at offset 3');
  }),
);
check('errors: an out-of-range class target is reported with the op name when read', () =>
  scope(() => {
    const x = T.randn([4, 3], { device: target, generator: gen(1) });
    const t = tensor([0, 1, 7, 2], { dtype: 'int64', device: target });
    let message = '';
    try {
      T.crossEntropy(x, t).dataSync(); // cpu refuses at the call (an inline op), cuda at the read
    } catch (err) {
      message = err.message;
    }
    if (!/crossEntropy: target 7 at position 2 is out of range for 3 classes/.test(message)) throw new Error(`got "${message}"`);
  }),
);
check('errors: once a check has been seen, an op on the marked output refuses at the call; a good op after it runs', () =>
  scope(() => {
    const x = T.randn([4, 3], { device: target, generator: gen(1) });
    let loss = null;
    try {
      loss = T.nllLoss(T.logSoftmax(x, 1), tensor([0, 5, 1, 2], { dtype: 'int64', device: target }));
      loss.dataSync();
    } catch {
      // the read reports it on cuda (checked above for crossEntropy); cpu refuses at the call
    }
    if (loss) {
      let message = '';
      try {
        T.mul(loss, 2);
      } catch (err) {
        message = err.message;
      }
      if (!/^mul: nllLoss: target 5 at position 1 is out of range/.test(message)) throw new Error(`got "${message}"`);
    }
    const fine = T.nllLoss(T.logSoftmax(x, 1), tensor([0, 2, 1, 2], { dtype: 'int64', device: target }));
    if (!Number.isFinite(fine.dataSync()[0])) throw new Error('a good nllLoss after a refused one did not run');
  }),
);
check('memory: 200 steps of a small loop keep cuda memory flat', () => {
  const before = T.memory(target).liveBytes;
  for (let i = 0; i < 200; i++) {
    scope(() => {
      const x = T.randn([64, 128], { device: target });
      T.sum(T.mul(T.exp(x), 2)).dataSync();
    });
  }
  const after = T.memory(target).liveBytes;
  if (after !== before) throw new Error(`live bytes ${before} → ${after}`);
});

// ---- 3. a LeNet-style training run, cuda against cpu ----

check('training: 6 SGD steps of a LeNet-style model match cpu step by step', () => {
  class Net extends nn.Module {
    constructor() {
      super();
      this.conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
      this.conv2 = new nn.Conv2d(6, 16, 5);
      this.pool = new nn.MaxPool2d(2);
      this.fc1 = new nn.Linear(16 * 5 * 5, 120);
      this.fc2 = new nn.Linear(120, 84);
      this.fc3 = new nn.Linear(84, 10);
    }
    forward(x) {
      x = this.pool.forward(T.relu(this.conv1.forward(x)));
      x = this.pool.forward(T.relu(this.conv2.forward(x)));
      x = T.flatten(x, 1);
      x = T.relu(this.fc1.forward(x));
      x = T.relu(this.fc2.forward(x));
      return this.fc3.forward(x);
    }
  }
  T.manualSeed(0);
  const onCpu = new Net();
  const onGpu = new Net();
  onGpu.loadStateDict(onCpu.stateDict());
  onGpu.to(target);
  const optCpu = new optim.SGD(onCpu.parameters(), { lr: 0.05, momentum: 0.9 });
  const optGpu = new optim.SGD(onGpu.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = T.randn([32, 1, 28, 28], { generator: gen(21) });
  const y = T.randint(0, 10, [32], { generator: gen(22) });
  const xg = x.to(target);
  const yg = y.to(target);
  const losses = [];
  for (let step = 0; step < 6; step++) {
    const [lc, lg] = scope(() => {
      optCpu.zeroGrad();
      optGpu.zeroGrad();
      const a = T.crossEntropy(onCpu.forward(x), y);
      const b = T.crossEntropy(onGpu.forward(xg), yg);
      a.backward();
      b.backward();
      optCpu.step();
      optGpu.step();
      return [a.itemSync(), b.itemSync()];
    });
    losses.push(`${lc.toFixed(5)}/${lg.toFixed(5)}`);
    if (!Number.isFinite(lg) || Math.abs(lg - lc) > 2e-3 * Math.max(1, Math.abs(lc))) {
      throw new Error(`step ${step}: loss ${lg} on cuda, ${lc} on cpu (cpu/cuda so far: ${losses.join(' ')})`);
    }
  }
  console.log(`     training losses cpu/cuda: ${losses.join(' ')}`);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
