// The functional lstm/gru/rnn beyond the op table (which checks one layer op at a time): stacks of
// layers, both directions, batch-first, initial states given or not, unbatched input, weights by
// name or as PyTorch's flat list — forward and every gradient against torch.nn.LSTM/GRU/RNN
// (fixtures from scripts/torch_refs/rnn.py) — plus the workspace path, a finite-difference check
// of a whole stack, refusals and memory.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  apply,
  gru,
  lstm,
  memory,
  mul,
  noGrad,
  rnn,
  applyOn,
  scope,
  setNumThreads,
  sum,
  tensor,
  zeros,
  Device,
  type Tensor,
} from '../src/index.js';
// Op declarations are internal (Note [public op table]): from the op table itself.
import { lstmBackwardOp, lstmOp, rnnWorkspaceSizeOp } from '../src/ops/table/index.js';
import { readSafetensorsFile } from '../src/io/safetensors.js';
import { expectClose } from '../src/testing/index.js';
import { hashString, normal, seededRandom } from '../src/testing/rng.js';

interface Case {
  name: string;
  cell: 'lstm' | 'gru' | 'rnn';
  nonlinearity?: 'tanh' | 'relu';
  T: number;
  N: number; // 0: unbatched
  I: number;
  H: number;
  layers: number;
  bidirectional: boolean;
  batch_first: boolean;
  bias: boolean;
  states: boolean;
  params: string[];
}

const fixture = readSafetensorsFile(fileURLToPath(new URL('./fixtures/rnn-modules.safetensors', import.meta.url)));
const cases: Case[] = JSON.parse(fixture.metadata.cases);
// PyTorch's parameter names and shapes of a bidirectional stack of `layers` with G gate blocks.
function bidirectionalWeightShapes(G: number, I: number, H: number, layers: number): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (let l = 0; l < layers; l++) {
    for (const s of ['', '_reverse']) {
      shapes[`weight_ih_l${l}${s}`] = [G * H, l === 0 ? I : 2 * H];
      shapes[`weight_hh_l${l}${s}`] = [G * H, H];
      shapes[`bias_ih_l${l}${s}`] = [G * H];
      shapes[`bias_hh_l${l}${s}`] = [G * H];
    }
  }
  return shapes;
}

const raw = (c: Case, key: string) => {
  const t = fixture.tensors.get(`${c.name}/${key}`);
  if (!t) throw new Error(`fixture ${c.name}/${key} missing`);
  return t;
};
const leaf = (c: Case, key: string, requiresGrad = true) => {
  const t = raw(c, key);
  return tensor(t.data, { shape: t.shape, requiresGrad });
};

type Run = { output: Tensor; h: Tensor; c?: Tensor };

function runCase(c: Case, inputs: Map<string, Tensor>, asList = false): Run {
  const weights: Record<string, Tensor> = {};
  for (const p of c.params) weights[p] = inputs.get(p)!;
  // PyTorch's flat order: per layer, per direction: weight_ih, weight_hh, bias_ih, bias_hh.
  const list: Tensor[] = [];
  for (let l = 0; l < c.layers; l++) {
    for (const sfx of c.bidirectional ? ['', '_reverse'] : ['']) {
      for (const k of c.bias ? ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] : ['weight_ih', 'weight_hh']) list.push(weights[`${k}_l${l}${sfx}`]);
    }
  }
  const w = asList ? list : weights;
  const options = { numLayers: c.layers, bidirectional: c.bidirectional, batchFirst: c.batch_first, h0: inputs.get('h0') };
  const x = inputs.get('x')!;
  if (c.cell === 'lstm') return lstm(x, w, { ...options, c0: inputs.get('c0') });
  if (c.cell === 'gru') return gru(x, w, options);
  return rnn(x, w, { ...options, nonlinearity: c.nonlinearity });
}

function inputsOf(c: Case): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (const k of ['x', ...(c.states ? (c.cell === 'lstm' ? ['h0', 'c0'] : ['h0']) : []), ...c.params]) m.set(k, leaf(c, k));
  return m;
}

const TOL = 2e-5;

describe('rnn stacks match torch.nn.LSTM / GRU / RNN', () => {
  for (const c of cases) {
    it(`${c.name}: forward and every gradient`, () => {
      scope(() => {
        const inputs = inputsOf(c);
        const out = runCase(c, inputs);
        const results: [string, Tensor][] = [['output', out.output], ['h', out.h], ...(out.c ? [['c', out.c] as [string, Tensor]] : [])];
        let loss: Tensor | null = null;
        for (const [k, t] of results) {
          const want = raw(c, k);
          expect(t.shape, k).toEqual(want.shape);
          expectClose(t.dataSync(), want.data, TOL, TOL, `${c.name} ${k}`);
          const term = sum(mul(t, leaf(c, `up_${k}`, false)));
          loss = loss ? loss.add(term) : term;
        }
        loss!.backward();
        for (const [k, t] of inputs) {
          expect(t.grad, `gradient of ${k}`).not.toBeNull();
          expectClose(t.grad!.dataSync(), raw(c, `grad_${k}`).data, TOL, TOL, `${c.name} gradient of ${k}`);
        }
      });
    });
  }

  it('takes the weights as PyTorch’s flat list as well as by name', () => {
    scope(() => {
      const c = cases.find((k) => k.name === 'gru-two-layers-bidirectional-states')!;
      const out = runCase(c, inputsOf(c), true);
      expectClose(out.output.dataSync(), raw(c, 'output').data, TOL, TOL, 'output');
      expectClose(out.h.dataSync(), raw(c, 'h').data, TOL, TOL, 'h');
    });
  });

  it('gives the same values without a graph (inference primitives, no workspace)', () => {
    scope(() => {
      const c = cases.find((k) => k.name === 'lstm-two-layers-bidirectional-batch-first-states')!;
      const out = noGrad(() => runCase(c, inputsOf(c)));
      expect(out.output.requiresGrad).toBe(false);
      expectClose(out.output.dataSync(), raw(c, 'output').data, TOL, TOL, 'output');
      expectClose(out.c!.dataSync(), raw(c, 'c').data, TOL, TOL, 'c');
    });
  });
});

describe('rnn workspace (Note [rnn workspace])', () => {
  const c = cases.find((k) => k.name === 'lstm-one-layer-with-states')!;

  it('training keeps the workspace for backward; a direct op call recomputes; both agree', () => {
    scope(() => {
      const viaApi = inputsOf(c);
      const out = runCase(c, viaApi);
      const node = out.output.gradFn!;
      expect(node.name).toBe('lstm');
      const ws = node.savedOutputs[3]!;
      expect(ws.dtype).toBe('uint8');
      expect(ws.shape[0]).toBeGreaterThan(0);
      sum(out.output).add(sum(out.h)).add(sum(out.c!)).backward();

      const direct = inputsOf(c);
      const empty = zeros([0]);
      const slots = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((k) => direct.get(k)!);
      const [y, h, cc] = apply(lstmOp, [direct.get('x')!, direct.get('h0')!, direct.get('c0')!, ...slots, empty, empty, empty, empty]);
      expect(y.gradFn!.savedOutputs[3]!.shape).toEqual([0]);
      sum(y).add(sum(h)).add(sum(cc)).backward();
      for (const [k, t] of viaApi) expectClose(direct.get(k)!.grad!.dataSync(), t.grad!.dataSync(), 1e-6, 1e-5, `gradient of ${k}`);
    });
  });

  it('backward can run twice over one workspace (retainGraph): gradients add up', () => {
    scope(() => {
      const once = inputsOf(c);
      const out1 = runCase(c, once);
      sum(out1.output).add(sum(out1.c!)).backward();
      const twice = inputsOf(c);
      const out2 = runCase(c, twice);
      const loss = sum(out2.output).add(sum(out2.c!));
      loss.backward(undefined, { retainGraph: true });
      loss.backward();
      for (const [k, t] of once) expectClose(twice.get(k)!.grad!.dataSync(), mul(t.grad!, 2).dataSync(), 1e-6, 1e-5, `gradient of ${k}`);
    });
  });

  it('reports a positive size per mode and refuses a forward whose workspace is too small', () => {
    scope(() => {
      for (const mode of ['lstm', 'gru', 'rnnTanh', 'rnnRelu']) {
        const [n] = applyOn(Device.of('cpu'), rnnWorkspaceSizeOp, [], { mode, seqLength: 5, batch: 3, inputSize: 4, hiddenSize: 6 });
        expect(n.dtype).toBe('int64');
        expect(n.itemSync(), mode).toBeGreaterThan(0);
      }
      const inputs = inputsOf(c);
      const empty = zeros([0]);
      const slots = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((k) => inputs.get(k)!);
      const args = [inputs.get('x')!, inputs.get('h0')!, inputs.get('c0')!, ...slots, empty, empty, empty, empty];
      expect(() => apply(lstmOp, args, { workspaceBytes: 16 })[0].dataSync()).toThrow(/lstm: workspaceBytes is 16 but the layer needs \d+/);
      const [y, h, cc] = noGrad(() => apply(lstmOp, args));
      const ups = [y, h, cc].map((t) => zeros(t.shape));
      expect(() => apply(lstmBackwardOp, [...args, y, h, cc, zeros([16], { dtype: 'uint8' }), ...ups])[0].dataSync()).toThrow(
        /lstmBackward: workspace holds 16 bytes but the layer needs \d+/,
      );
    });
  });
});

describe('rnn stack gradient check', () => {
  // Directional finite differences through a whole 2-layer bidirectional LSTM and GRU (the op table
  // checks single layers): L(x ± εv) over every input at once, against the analytic gradient.
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: 2 layers, bidirectional, batch-first, with h0`, () => {
      scope(() => {
        const rand = seededRandom(hashString(`rnn-stack-gradcheck/${cell}`));
        const G = cell === 'lstm' ? 4 : 3;
        const [T, N, I, H] = [3, 2, 3, 2];
        const shapes: Record<string, number[]> = {
          x: [N, T, I],
          h0: [4, N, H],
          ...(cell === 'lstm' ? { c0: [4, N, H] } : {}),
          ...bidirectionalWeightShapes(G, I, H, 2),
        };
        const base = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => normal(rand) * 0.7)]));
        const run = (vals: Record<string, Float32Array>, grad: boolean) => {
          const t = Object.fromEntries(Object.entries(vals).map(([k, v]) => [k, tensor(v, { shape: shapes[k], requiresGrad: grad })]));
          const { x, h0, c0, ...weights } = t;
          const opts = { numLayers: 2, bidirectional: true, batchFirst: true, h0 };
          const r = cell === 'lstm' ? lstm(x, weights, { ...opts, c0 }) : gru(x, weights, opts);
          const loss = sum(mul(r.output, r.output)).add(sum(r.h)).add(r.c ? sum(mul(r.c, 0.5)) : 0);
          return { t, loss };
        };
        const { t, loss } = run(base, true);
        loss.backward();
        const eps = 1e-2;
        for (let trial = 0; trial < 3; trial++) {
          const dirs = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, Float32Array.from(v, () => normal(rand))]));
          const shifted = (sign: number) =>
            Object.fromEntries(Object.entries(base).map(([k, v]) => [k, Float32Array.from(v, (b, i) => b + sign * eps * dirs[k][i])]));
          const numeric = noGrad(() => (run(shifted(1), false).loss.itemSync() - run(shifted(-1), false).loss.itemSync()) / (2 * eps));
          let analytic = 0;
          for (const [k, v] of Object.entries(dirs)) {
            const g = t[k].grad!.dataSync() as Float32Array;
            for (let i = 0; i < v.length; i++) analytic += g[i] * v[i];
          }
          expect(Math.abs(numeric - analytic), `trial ${trial}: numeric ${numeric} vs analytic ${analytic}`).toBeLessThanOrEqual(
            1e-2 * (1 + Math.abs(numeric) + Math.abs(analytic)),
          );
        }
      });
    });
  }
});

describe('rnn threads (Note [rnn threads])', () => {
  // Big enough for two threads. A batch of 33 splits its rows (17 + 16) and every thread runs all
  // units with no meeting per step; a batch of 5 is too small for that, so the 331 hidden units
  // split (166 + 165) and the threads meet every step. Both layouts, as the rows of a step are
  // contiguous in one and strided in the other. The single-thread run is the one the PyTorch
  // fixtures check.
  const splits = [
    { split: 'batch rows', N: 33, H: 130 },
    { split: 'hidden units', N: 5, H: 331 },
  ];
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const { split, N, H } of splits) {
      for (const batchFirst of [true, false]) {
        it(`${cell}, split by ${split}, ${batchFirst ? 'batch-first' : 'time-major'}: 2 threads give 1 thread's output and gradients`, () => {
          const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
          const [T, I] = [3, 8];
          const rand = seededRandom(hashString(`rnn-threads/${cell}/${split}`));
          const shapes: Record<string, number[]> = {
            x: batchFirst ? [N, T, I] : [T, N, I],
            h0: [4, N, H],
            ...(cell === 'lstm' ? { c0: [4, N, H] } : {}),
            ...bidirectionalWeightShapes(G, I, H, 2),
          };
          // Weights at PyTorch's scale (1/√H): larger ones make the recurrence chaotic (gradients
          // near 100), which magnifies the last-bit differences of GEMMs blocked for another
          // thread count past any tolerance, where this test looks for a partition's mistakes.
          const scale = (k: string) => (k.startsWith('weight') ? 1 / Math.sqrt(H) : 0.2);
          const values = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => normal(rand) * scale(k))]));
          const run = (threads: number) =>
            scope(() => {
              setNumThreads(threads);
              const t = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tensor(v, { shape: shapes[k], requiresGrad: true })]));
              const { x, h0, c0, ...weights } = t;
              const opts = { numLayers: 2, bidirectional: true, batchFirst, h0 };
              const r = cell === 'lstm' ? lstm(x, weights, { ...opts, c0 }) : cell === 'gru' ? gru(x, weights, opts) : rnn(x, weights, opts);
              sum(mul(r.output, r.output)).add(sum(r.h)).backward();
              return { output: r.output.dataSync(), grads: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.grad!.dataSync()])) };
            });
          try {
            const one = run(1);
            const two = run(2);
            expectClose(two.output, one.output, 1e-5, 1e-5, 'output');
            for (const k of Object.keys(one.grads)) expectClose(two.grads[k], one.grads[k], 1e-4, 1e-4, `gradient of ${k}`);
          } finally {
            setNumThreads(1);
          }
        });
      }
    }
  }

  // Without a graph the forward keeps two steps of planes (Note [rnn workspace]); a backward
  // given no workspace recomputes them. Both paths, one layer through the op itself.
  for (const { split, N, H } of splits) {
    it(`lstm, split by ${split}: inference forward and recomputing backward give 1 thread's values`, () => {
      const [T, I] = [4, 8];
      const rand = seededRandom(hashString(`rnn-threads/no-workspace/${split}`));
      const values = (shape: number[], scale: number) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => normal(rand) * scale) });
      const inputs = [values([T, N, I], 0.5), values([1, N, H], 0.2), values([1, N, H], 0.2), values([4 * H, I], 1 / Math.sqrt(H)), values([4 * H, H], 1 / Math.sqrt(H)), values([4 * H], 0.1), values([4 * H], 0.1)];
      const run = (threads: number) =>
        scope(() => {
          setNumThreads(threads);
          const leaves = inputs.map((v) => tensor(v.data, { shape: v.shape, requiresGrad: true }));
          const empty = zeros([0]);
          const inference = noGrad(() => apply(lstmOp, [...leaves, empty, empty, empty, empty])[0].dataSync());
          const [y, h, c] = apply(lstmOp, [...leaves, empty, empty, empty, empty]);
          expect(y.gradFn!.savedOutputs[3]!.shape).toEqual([0]);  // no workspace kept: backward recomputes
          sum(mul(y, y)).add(sum(h)).add(sum(c)).backward();
          return { inference, grads: leaves.map((t) => t.grad!.dataSync()) };
        });
      try {
        const one = run(1);
        const two = run(2);
        expectClose(two.inference, one.inference, 1e-5, 1e-5, 'inference output');
        one.grads.forEach((g, i) => expectClose(two.grads[i], g, 1e-4, 1e-4, `gradient of input ${i}`));
      } finally {
        setNumThreads(1);
      }
    });
  }
});

describe('rnn layouts (Note [rnn input projection])', () => {
  // A step's rows are contiguous in time-major input and strided by T in batch-first input; the
  // projection and the planes read them through that stride, in both directions. Both must agree.
  it('time-major gives batch-first’s output and gradients', () => {
    scope(() => {
      const [T, N, I, H] = [9, 32, 8, 16];
      const rand = seededRandom(hashString('rnn-chunks'));
      const values = (n: number) => Float32Array.from({ length: n }, () => normal(rand) * 0.3);
      const shapes = bidirectionalWeightShapes(4, I, H, 1);
      const w = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, values(s.reduce((a, b) => a * b, 1))]));
      const xb = values(N * T * I);
      const run = (batchFirst: boolean) => {
        const weights = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, tensor(v, { shape: shapes[k], requiresGrad: true })]));
        const xbf = tensor(xb, { shape: [N, T, I] });
        const x = (batchFirst ? xbf : xbf.transpose(0, 1).contiguous()).detach().requiresGrad_();
        const r = lstm(x, weights, { bidirectional: true, batchFirst });
        const out = batchFirst ? r.output : r.output.transpose(0, 1);
        sum(mul(out, out)).add(sum(r.h)).backward();
        return { out: out.contiguous().dataSync(), dx: (batchFirst ? x.grad! : x.grad!.transpose(0, 1)).contiguous().dataSync(), weights };
      };
      const bf = run(true);
      const tm = run(false);
      expectClose(tm.out, bf.out, 1e-5, 1e-5, 'output');
      expectClose(tm.dx, bf.dx, 1e-5, 1e-5, 'gradient of x');
      for (const k of Object.keys(w)) expectClose(tm.weights[k].grad!.dataSync(), bf.weights[k].grad!.dataSync(), 1e-4, 1e-4, `gradient of ${k}`);
    });
  });
});

describe('rnn refusals', () => {
  const c = cases.find((k) => k.name === 'lstm-two-layers-bidirectional')!;
  const weights = () => Object.fromEntries(c.params.map((p) => [p, leaf(c, p, false)]));
  const x = () => leaf(c, 'x', false);
  const opts = { numLayers: 2, bidirectional: true };

  it('names a missing or unexpected weight with PyTorch’s name', () => {
    scope(() => {
      const w = weights();
      delete w.weight_hh_l1_reverse;
      expect(() => lstm(x(), w, opts)).toThrow(/^lstm: weights is missing 'weight_hh_l1_reverse' \(2 layer\(s\), 2 direction\(s\), with biases\)/);
      expect(() => lstm(x(), { ...weights(), extra: zeros([1]) }, opts)).toThrow(/^lstm: weights has an unexpected entry 'extra'/);
      expect(() => lstm(x(), {}, opts)).toThrow(/^lstm: weights is missing 'weight_ih_l0'/);
      expect(() => lstm(x(), weights(), { ...opts, numLayers: 0 })).toThrow(/^lstm: numLayers expected a positive integer, got 0/);
      expect(() => lstm(x(), [zeros([1])], opts)).toThrow(/^lstm: weights expected 16 tensors \(or 8 without biases\) for 2 layer\(s\) × 2 direction\(s\), got 1/);
    });
  });

  it('checks every weight’s shape, h0/c0 and the options', () => {
    scope(() => {
      const w = { ...weights(), weight_ih_l1: zeros([20, 4]) };
      expect(() => lstm(x(), w, opts)).toThrow(/^lstm: weight_ih_l1 expected shape \[20,10\], got \[20,4\]/);
      expect(() => lstm(x(), weights(), { ...opts, hiddenSize: 4 })).toThrow(/^lstm: hiddenSize is 4 but weight_hh_l0 has shape \[20,5\]/);
      expect(() => lstm(x(), weights(), { ...opts, h0: zeros([2, 2, 5]) })).toThrow(/^lstm: h0 expected shape \[4,2,5\], got \[2,2,5\]/);
      expect(() => lstm(x(), weights(), { ...opts, c0: zeros([4, 3, 5]) })).toThrow(/^lstm: c0 expected shape \[4,2,5\], got \[4,3,5\]/);
      expect(() => lstm(x(), weights(), { ...opts, hasBiases: false })).toThrow(/^lstm: hasBiases is false but the weights include biases/);
      expect(() => lstm(zeros([2, 2, 2, 3]), weights(), opts)).toThrow(/^lstm: input expected 2 \(unbatched\) or 3 dimensions/);
      expect(() => lstm(zeros([0, 2, 3]), weights(), opts)).toThrow(/^lstm: input expected a sequence length larger than 0, got \[0,2,3\]/);
      expect(() => rnn(x(), {}, { nonlinearity: 'gelu' as 'relu' })).toThrow(/^rnn: nonlinearity expected 'tanh' or 'relu', got "gelu"/);
      expect(() => gru(x(), weights(), opts)).toThrow(/^gru: weight_hh_l0 expected shape \[3·hidden, hidden\] with hidden > 0, got \[20,5\]/);
    });
  });
});

describe('rnn memory', () => {
  it('a training loop of forward + backward keeps memory flat', () => {
    const c = cases.find((k) => k.name === 'gru-two-layers-bidirectional-states')!;
    const params = scope(() => inputsOf(c));
    const step = () =>
      scope(() => {
        const out = runCase(c, params);
        sum(out.output).add(sum(out.h)).backward();
        for (const t of params.values()) {
          t.grad?.dispose();
          t.grad = null;
        }
      });
    // Queued kernels hold their tensors until they ran: read a value (which waits for the stream) first.
    const settled = () => {
      scope(() => params.get('x')!.sum().dataSync());
      return memory();
    };
    step();
    const before = settled();
    for (let i = 0; i < 5; i++) step();
    const after = settled();
    expect(after.liveTensors).toBe(before.liveTensors);
    expect(after.liveBytes).toBe(before.liveBytes);
    for (const t of params.values()) t.dispose();
  });
});
