// LBFGS against torch.optim.LBFGS (test/fixtures/lbfgs.json and lbfgs-state.safetensors, written by
// scripts/fixtures_lbfgs.py): Rosenbrock, least squares, logistic regression and a wiggly function,
// with and without 'strong_wolfe', a few step(closure) calls each, chosen to run every branch of
// the algorithm; then the async API, refusals, checkpoints and memory.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  add, backends, binaryCrossEntropyWithLogits, matmul, mean, memory, mul, narrow, readSafetensorsFile, scope, sin, square, sub, sum, t as transpose, tensor, type Tensor,
} from '@nutshell/tensor';
import * as optim from '../src/index.js';
import { LBFGS, type LBFGSOptions } from '../src/index.js';

interface Problem {
  params: number[][];
  shapes: number[][];
  data: Record<string, number[]>;
}
interface Run {
  problem: string;
  options: Record<string, unknown>;
  steps: number;
  start: number[][] | null;
  losses: number[];
  params: number[][][];
  n_iter: number[];
  func_evals: number[];
  /** How far PyTorch's own values move when its loss changes by an ulp or two (see the fixture script). */
  loss_spread: number[];
  spread: number[][][];
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/lbfgs.json', import.meta.url)), 'utf8')) as {
  problems: Record<string, Problem>;
  runs: Record<string, Run>;
  resume: { run: string; after: number };
};
const statePath = fileURLToPath(new URL('./fixtures/lbfgs-state.safetensors', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nutshell-lbfgs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const camel = (o: Record<string, unknown>): LBFGSOptions => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

/** The problem's parameters (from `values`, default its initial ones) and its loss as a function of them, PyTorch's ops in PyTorch's order. */
function setup(name: string, values?: number[][], device: 'cpu' | 'cuda' = 'cpu') {
  const p = fixture.problems[name];
  const params = p.shapes.map((shape, i) => tensor(values?.[i] ?? p.params[i], { shape, requiresGrad: true, device }));
  const data = (k: string) => tensor(p.data[k], { shape: p.data[`${k}_shape`], device });
  let loss: () => Tensor;
  if (name === 'rosenbrock') {
    const [x] = params;
    loss = () => scope(() => {
      const x0 = narrow(x, 0, 0, 1);
      const x1 = narrow(x, 0, 1, 1);
      return sum(add(square(sub(1, x0)), mul(100, square(sub(x1, square(x0))))));
    });
  } else if (name === 'lstsq') {
    const [W, b] = params;
    const X = data('X');
    const Y = data('Y');
    loss = () => scope(() => mean(square(sub(add(matmul(X, transpose(W)), b), Y))));
  } else if (name === 'logistic') {
    const [w, b] = params;
    const X = data('X');
    const y = data('y');
    loss = () => scope(() => binaryCrossEntropyWithLogits(add(matmul(X, w), b), y));
  } else {
    const [x] = params;
    const [A, w] = [p.data.A[0], p.data.w[0]];
    loss = () => scope(() => sum(add(mul(x, x), mul(A, sin(mul(w, x))))));
  }
  return { params, loss };
}

/**
 * Within 1e-5 relative (1e-6 absolute for parameters, 1e-8 for losses) of PyTorch, plus twice the
 * spread of PyTorch's own values under a one-ulp change of the loss (L-BFGS amplifies rounding).
 */
function expectNear(actual: ArrayLike<number>, expected: readonly number[], spread: readonly number[], atol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [x, y] = [actual[i], expected[i]];
    const tol = atol + 1e-5 * Math.abs(y) + 2 * spread[i];
    if (!(Math.abs(x - y) <= tol)) throw new Error(`${what}: element ${i} is ${x}, expected ${y} (|diff| ${Math.abs(x - y)} > ${tol})`);
  }
}

/** PyTorch's closure: zero_grad, loss, backward, return the loss. Counts its calls. */
function closureFor(opt: { zeroGrad(): void }, loss: () => Tensor) {
  const c = () => {
    c.calls += 1;
    opt.zeroGrad();
    const l = loss();
    l.backward();
    return l;
  };
  c.calls = 0;
  return c;
}

const values = (ps: Tensor[]) => ps.map((p) => Array.from(p.dataSync()));

describe('LBFGS follows PyTorch', () => {
  for (const [name, run] of Object.entries(fixture.runs)) {
    it(`${name}: ${run.steps} steps, ${JSON.stringify(run.options)}`, async () => {
      const { params, loss } = setup(run.problem, run.start ?? undefined);
      const opt = new LBFGS(params, camel(run.options));
      const closure = closureFor(opt, loss);
      for (let k = 0; k < run.steps; k++) {
        const got = await scope(() => opt.step(closure));
        const what = `${name} step ${k + 1}`;
        expect(typeof got).toBe('number');
        expectNear([got], [run.losses[k]], [run.loss_spread[k]], 1e-8, `${what} loss`);
        values(params).forEach((v, i) => expectNear(v, run.params[k][i], run.spread[k][i], 1e-6, `${what} param ${i}`));
        const st = opt.state.get(params[0])!;
        expect([st.nIter, st.funcEvals], `${what} n_iter, func_evals`).toEqual([run.n_iter[k], run.func_evals[k]]);
      }
      expect(closure.calls).toBe(run.func_evals[run.steps - 1]);
    });
  }

  it("resumes from PyTorch's own state (its state_dict laid out as saveOptimizer writes it)", async () => {
    const { run: name, after } = fixture.resume;
    const run = fixture.runs[name];
    const { params, loss } = setup(run.problem, run.params[after - 1]);
    const opt = new LBFGS(params, { lr: 0.5 }); // the file's options replace these
    optim.loadOptimizer(opt, statePath);
    expect(opt.paramGroups[0].options).toMatchObject(camel(run.options));
    expect(opt.paramGroups[0].lr).toBe(run.options.lr);
    const st = opt.state.get(params[0])!;
    expect([st.nIter, st.funcEvals]).toEqual([run.n_iter[after - 1], run.func_evals[after - 1]]);
    expect(st.oldDirs!.length).toBe(2);
    const closure = closureFor(opt, loss);
    for (let k = after; k < run.steps; k++) {
      const got = await scope(() => opt.step(closure));
      expectNear([got], [run.losses[k]], [run.loss_spread[k]], 1e-8, `resumed step ${k + 1} loss`);
      values(params).forEach((v, i) => expectNear(v, run.params[k][i], run.spread[k][i], 1e-6, `resumed step ${k + 1} param ${i}`));
      expect([opt.state.get(params[0])!.nIter, opt.state.get(params[0])!.funcEvals]).toEqual([run.n_iter[k], run.func_evals[k]]);
    }
  });

  it.skipIf(!backends().cuda.available)('on cuda: the same trajectory as on cpu', async () => {
    for (const name of ['rosenbrock_wolfe', 'lstsq']) {
      const run = fixture.runs[name];
      const traj = async (device: 'cpu' | 'cuda') => {
        const { params, loss } = setup(run.problem, undefined, device);
        const opt = new LBFGS(params, camel(run.options));
        const closure = closureFor(opt, loss);
        const out: number[][] = [];
        for (let k = 0; k < run.steps; k++) {
          out.push([await scope(() => opt.step(closure)), ...values(params).flat()]);
        }
        return out;
      };
      const [cpu, cuda] = [await traj('cpu'), await traj('cuda')];
      cuda.forEach((row, k) => expectNear(row, cpu[k], [run.loss_spread[k], ...run.spread[k].flat()], 1e-6, `${name} cuda step ${k + 1}`));
    }
  });
});

describe('LBFGS.step is async', () => {
  it('resolves to the first loss as a number; an async closure works the same', async () => {
    const run = fixture.runs.lstsq_wolfe_tolerance_grad;
    const a = setup(run.problem);
    const b = setup(run.problem);
    const optA = new LBFGS(a.params, camel(run.options));
    const optB = new LBFGS(b.params, camel(run.options));
    const sync = closureFor(optA, a.loss);
    const asyncClosure = async () => {
      await new Promise((r) => setTimeout(r, 1));
      optB.zeroGrad();
      const l = b.loss();
      l.backward();
      return l;
    };
    for (let k = 0; k < 2; k++) {
      const [la, lb] = [await scope(() => optA.step(sync)), await scope(() => optB.step(asyncClosure))];
      expect(la).toBe(lb);
      expect(values(b.params)).toEqual(values(a.params));
    }
  });

  it('keeps the event loop turning while a long step runs', async () => {
    const { params, loss } = setup('logistic');
    const opt = new LBFGS(params, { maxIter: 60, toleranceGrad: -1, toleranceChange: -1, lineSearchFn: 'strong_wolfe' });
    const closure = closureFor(opt, loss);
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks += 1;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const pending = scope(() => opt.step(closure));
    const ticksAtCall = ticks;
    await pending;
    running = false;
    expect(ticksAtCall).toBe(0); // step returned at once
    expect(closure.calls).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(50); // the loop turned between the reads
  });

  it('refuses a second step while one is running', async () => {
    const { params, loss } = setup('rosenbrock');
    const opt = new LBFGS(params);
    const closure = closureFor(opt, loss);
    const first = scope(() => opt.step(closure));
    await expect(opt.step(closure)).rejects.toThrow(/^LBFGS: step\(\) called while another step\(\) of this optimiser is running \(await each step before the next\)$/);
    expect(() => opt.dispose()).toThrow(/^LBFGS: dispose\(\) while a step\(\) is running \(await it first\)$/);
    expect(() => opt.loadStateDict(opt.stateDict())).toThrow(/^loadStateDict: a step\(\) of this LBFGS is running \(await it first\)$/);
    await first;
    await expect(scope(() => opt.step(closure))).resolves.toBeTypeOf('number');
  });

  it('memory stays flat over repeated steps (the history holds historySize pairs)', async () => {
    const { params, loss } = setup('logistic');
    const opt = new LBFGS(params, { maxIter: 4, historySize: 3, toleranceGrad: -1, toleranceChange: -1 });
    const losses: Tensor[] = [];
    // No scope: the closure's own work is scoped, its losses are disposed here, so anything
    // LBFGS itself left behind would show in the count.
    const closure = () => {
      opt.zeroGrad();
      const l = loss();
      l.backward();
      losses.push(l);
      return l;
    };
    const live: number[] = [];
    for (let k = 0; k < 6; k++) {
      await opt.step(closure);
      for (const l of losses.splice(0)) l.dispose();
      live.push(memory().liveTensors);
    }
    expect(opt.state.get(params[0])!.oldDirs!.length).toBe(3);
    expect(new Set(live.slice(2)).size).toBe(1);
    const before = memory().liveTensors;
    opt.dispose();
    expect(memory().liveTensors).toBe(before - (2 + 3 * 3 + 1)); // d, prevFlatGrad, 3 × (y, s, ro), H_diag
    await expect(opt.step(closure)).rejects.toThrow(/^LBFGS: step\(\) after dispose\(\)$/);
  });
});

describe('LBFGS under a schedule', () => {
  it('an lr scheduler drives its lr as any optimiser\'s (schedulers take LBFGS)', async () => {
    const run = fixture.runs.lstsq_wolfe_tolerance_grad;
    const a = setup(run.problem);
    const opt = new LBFGS(a.params, camel(run.options));
    const sched = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const lr0 = opt.paramGroups[0].lr;
    await scope(() => opt.step(closureFor(opt, a.loss)));
    sched.step();
    expect(opt.paramGroups[0].lr).toBe(lr0 * 0.5);
  });
});

describe('LBFGS refusals', () => {
  const p = () => tensor([1, 2], { requiresGrad: true });

  it('options: unknown ones refused as by the other optimisers; ranges checked; PyTorch defaults', () => {
    expect(() => new LBFGS([p()], { maxIters: 5 } as never)).toThrow(/^LBFGS: unknown option 'maxIters' \(it takes 'lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'\); did you mean 'maxIter'\?$/);
    expect(() => new LBFGS([p()], { max_iter: 5 } as never)).toThrow(/^LBFGS: unknown option 'max_iter' .*; did you mean 'maxIter'\?$/);
    expect(() => new LBFGS([p()], { lineSearchFn: 'backtracking' } as never)).toThrow(/^LBFGS: lineSearchFn expected null or 'strong_wolfe' \(the only line search PyTorch's LBFGS has\), got 'backtracking'$/);
    expect(() => new LBFGS([p()], { historySize: 0 })).toThrow(/^LBFGS: historySize expected an integer >= 1, got 0$/);
    expect(() => new LBFGS([p()], { maxIter: 2.5 })).toThrow(/^LBFGS: maxIter expected an integer >= 1, got 2.5$/);
    expect(() => new LBFGS([p()], { lr: -1 })).toThrow(/^LBFGS: lr expected lr >= 0, got -1$/);
    expect(() => new LBFGS([p()], { toleranceGrad: NaN })).toThrow(/^LBFGS: toleranceGrad expected a number, got NaN$/);
    expect({ ...new LBFGS([p()]).paramGroups[0].options }).toEqual({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
    expect(new LBFGS([p()], { maxIter: 10 }).paramGroups[0].maxEval).toBe(12); // max_iter * 5 // 4
    expect(new LBFGS([p()], { maxIter: 10, maxEval: null }).paramGroups[0].maxEval).toBe(12);
  });

  it('one param group only, as PyTorch', () => {
    expect(() => new LBFGS([{ params: [p()] }, { params: [p()], lr: 0.1 }])).toThrow(/^LBFGS: LBFGS doesn't support per-parameter options \(parameter groups\): got 2 groups, it takes one$/);
    const opt = new LBFGS([{ params: [p()], lr: 0.5, name: 'mine' }]);
    expect(opt.paramGroups[0].lr).toBe(0.5);
    expect(() => opt.addParamGroup({ params: [p()] })).toThrow(/^LBFGS.addParamGroup: LBFGS doesn't support per-parameter options/);
    expect(() => new LBFGS([{ params: [p()], history_size: 3 }])).toThrow(/^LBFGS: param group option 'history_size' is spelled 'historySize' here$/);
    expect(() => new LBFGS([p(), tensor([1], { dtype: 'int32' })])).toThrow(/^LBFGS: can only optimise float32 tensors, got int32$/);
    expect(() => new LBFGS([])).toThrow(/^LBFGS: got an empty parameter list$/);
  });

  it('bad closures: none, not a function, not returning a tensor, not one element', async () => {
    const x = p();
    const opt = new LBFGS([x]);
    await expect((opt.step as (c?: unknown) => Promise<number>)()).rejects.toThrow(/^LBFGS: step expected a closure that clears the gradients, computes the loss, calls backward and returns the loss \(LBFGS evaluates it several times per step\), got no closure$/);
    await expect(opt.step(3 as never)).rejects.toThrow(/got number$/);
    await expect(opt.step((() => 1) as never)).rejects.toThrow(/^LBFGS: step's closure must return the loss tensor \(after calling backward on it\), got number$/);
    await expect(opt.step((async () => undefined) as never)).rejects.toThrow(/^LBFGS: step's closure must return the loss tensor \(after calling backward on it\), got undefined$/);
    await expect(opt.step(() => mul(x, 2))).rejects.toThrow(/^LBFGS: step's closure must return the loss, a tensor of one element, got shape \[2\]$/);
    expect(() => (opt.step as (...a: unknown[]) => unknown)(() => sum(x), 1)).toThrow(/^LBFGS.step: takes at most 1 argument, got 2/);
    expect(opt.state.size).toBe(0);
    expect(Array.from(x.dataSync())).toEqual([1, 2]);
  });

  it('a closure that throws part-way leaves parameters and state as they were before the step', async () => {
    for (const lineSearchFn of [null, 'strong_wolfe'] as const) {
      const { params, loss } = setup('rosenbrock');
      const opt = new LBFGS(params, { lineSearchFn, historySize: 4 });
      const closure = closureFor(opt, loss);
      await scope(() => opt.step(closure));
      const before = values(params);
      const st = opt.state.get(params[0])!;
      const [d, hist] = [Array.from(st.d!.dataSync()), st.oldDirs!.map((t) => t)];
      let calls = 0;
      const failing = () => {
        if (++calls === 4) throw new Error('data went away');
        return closure();
      };
      await expect(scope(() => opt.step(failing))).rejects.toThrow('data went away');
      expect(values(params)).toEqual(before);
      const after = opt.state.get(params[0])!;
      expect(after).toBe(st);
      expect(Array.from(after.d!.dataSync())).toEqual(d);
      expect(after.oldDirs).toEqual(hist);
      expect(after.oldDirs!.every((t) => !t.isDisposed)).toBe(true);
      await scope(() => opt.step(closure)); // and it goes on
    }
  });
});

describe('LBFGS checkpoints', () => {
  it("saveOptimizer / loadOptimizer: resumes exactly, with PyTorch's state names", async () => {
    const run = fixture.runs.rosenbrock_wolfe;
    const path = join(dir, 'lbfgs.safetensors');
    const train = async (stopAt: number | null) => {
      const { params, loss } = setup(run.problem);
      let opt = new LBFGS(params, camel(run.options));
      for (let k = 0; k < run.steps; k++) {
        if (k === stopAt) {
          await optim.saveOptimizer(opt, path);
          opt.dispose();
          opt = new LBFGS(params); // the file's options replace the constructor's
          optim.loadOptimizer(opt, path);
        }
        await scope(() => opt.step(closureFor(opt, loss)));
      }
      return values(params);
    };
    expect(await train(2)).toEqual(await train(null));
    const names = (file: string) => [...new Set([...readSafetensorsFile(file).tensors.keys()].map((k) => k.replace(/\.\d+$/, '')))].sort();
    expect(names(path)).toEqual(names(statePath));
    expect(names(path)).toEqual(['state.0.H_diag', 'state.0.d', 'state.0.func_evals', 'state.0.n_iter', 'state.0.old_dirs', 'state.0.old_stps', 'state.0.prev_flat_grad', 'state.0.prev_loss', 'state.0.ro', 'state.0.t']);
    const file = readSafetensorsFile(path);
    expect(file.metadata.optimizer).toBe('LBFGS');
    expect(JSON.parse(file.metadata.param_groups)).toEqual([{ lr: 1, max_iter: 3, max_eval: 3, tolerance_grad: 1e-7, tolerance_change: 1e-9, history_size: 100, line_search_fn: 'strong_wolfe', params: [0] }]);
    expect(file.tensors.get('state.0.n_iter')!.dtype).toBe('int64');
    // another optimiser's file, and LBFGS's file into another optimiser, are refused
    expect(() => optim.loadOptimizer(new optim.SGD([tensor([1, 2], { requiresGrad: true })]), path)).toThrow(/holds LBFGS state, not SGD's$/);
  });

  it('stateDict shares the live state; loadStateDict checks everything before it changes anything', async () => {
    const { params, loss } = setup('lstsq');
    const opt = new LBFGS(params, { maxIter: 3, historySize: 2 });
    for (let k = 0; k < 2; k++) await scope(() => opt.step(closureFor(opt, loss)));
    const sd = opt.stateDict();
    expect(sd.state[0].oldDirs!.length).toBe(2);
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['d', 'funcEvals', 'hDiag', 'nIter', 'oldDirs', 'oldStps', 'prevFlatGrad', 'prevLoss', 'ro', 't']);
    expect(sd.state[0].d).toBe(opt.state.get(params[0])!.d);
    expect(sd.state[0].d!.shape).toEqual([3 * 5 + 3 + 2]);
    const fresh = new LBFGS(params, { maxIter: 3, historySize: 2 });
    expect(() => fresh.loadStateDict({ ...sd, state: { 0: { ...sd.state[0], d: tensor([1, 2]) } } })).toThrow(/^loadStateDict: state 'd' has shape \[2\] float32 saved but LBFGS here needs \[20\] float32/);
    expect(() => fresh.loadStateDict({ ...sd, state: { 1: sd.state[0] } })).toThrow(/^loadStateDict: state for parameter 1; LBFGS keeps its whole state under parameter 0$/);
    expect(() => fresh.loadStateDict({ ...sd, state: { 0: { ...sd.state[0], expAvg: 1 } as never } })).toThrow(/^loadStateDict: unknown LBFGS state 'expAvg'/);
    expect(() => fresh.loadStateDict({ ...sd, paramGroups: [{ ...sd.paramGroups[0], historySize: 1 }] })).toThrow(/^loadStateDict: state holds 2 history pairs, more than historySize 1$/);
    expect(() => fresh.loadStateDict({ ...sd, paramGroups: [...sd.paramGroups, sd.paramGroups[0]] })).toThrow(/^loadStateDict: the saved state has 2 param groups; LBFGS has exactly one$/);
    expect(fresh.state.size).toBe(0);
    fresh.loadStateDict(sd);
    expect(fresh.state.get(params[0])!.d).not.toBe(sd.state[0].d); // its own copies
    expect(Array.from(fresh.state.get(params[0])!.d!.dataSync())).toEqual(Array.from(sd.state[0].d!.dataSync()));
  });
});
