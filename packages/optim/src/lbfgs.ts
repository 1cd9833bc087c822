// Note [lbfgs]: torch.optim.LBFGS step for step (torch/optim/lbfgs.py, itself a port of minFunc and
// torch7's optim.lbfgs / lswolfe): the two-loop recursion over a history of (y, s) pairs, the first
// step scaled by min(1, 1/|g|₁), and optionally the strong-Wolfe line search with cubic
// interpolation. Everything works on flat views of the parameters: the gradients concatenated into
// one vector, the direction and the history as vectors of that length, so one code path runs on cpu
// and cuda with tensor ops and nothing loops over parameter values in JS.
//
// The algorithm branches on scalars (ys > 1e-10, the directional derivative, the Wolfe tests, the
// loss itself): PyTorch reads them with float(); here each is read with `await` — off the JS thread —
// so step() is async and the event loop keeps turning while L-BFGS runs its up to maxIter iterations
// and maxEval closure calls. The recursion's coefficients (ro, al, be, H_diag) stay 0-d tensors on
// the device as in PyTorch, so the two-loop recursion reads nothing back.
//
// Scalars PyTorch holds as float32 tensors (dot products, ro, H_diag, the first step length) are
// float32 here too: comparisons a float32 tensor takes part in are made in float32 (Math.fround),
// as PyTorch's tensor-with-Python-float comparisons are, so branch decisions agree with PyTorch's.
//
// LBFGS is not an Optimizer subclass: its step is async (a Promise of the loss), and a class whose
// step(closure) returned a Promise where Optimizer's returns the closure's value would not be an
// Optimizer that code written for Optimizer could call. It has the same surface otherwise
// (paramGroups with their options as properties, state, stateDict/loadStateDict, zeroGrad, dispose),
// and saveOptimizer/loadOptimizer take it.
import {
  ValueError,
  abs,
  add,
  cat,
  checkOptions,
  clone,
  copyInto,
  div,
  keep,
  matmul,
  max,
  mul,
  narrow,
  neg,
  noGrad,
  reshape,
  sameShape,
  sub,
  sum,
  withGradEnabled,
  isTensor,
  zeroGrads,
  zeros,
  type Tensor,
  type ZeroGradOptions,
} from '@nutshell/tensor';
import { SCHEDULER_KEYS, checkGroupKey, checkRange, exposeOptions, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface LBFGSOptions {
  /** Step length (default 1, as PyTorch's). */
  lr?: number;
  /** Iterations per step() (default 20). */
  maxIter?: number;
  /** Closure evaluations per step() (default floor(maxIter · 5/4), from the constructor's maxIter). */
  maxEval?: number | null;
  /** Stop when max |gradient| is at most this (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss, the step or the directional derivative changes less than this (default 1e-9). */
  toleranceChange?: number;
  /** How many (y, s) pairs the inverse-Hessian approximation keeps (default 100). */
  historySize?: number;
  /** null (a fixed step of lr, the default) or 'strong_wolfe'. */
  lineSearchFn?: 'strong_wolfe' | null;
}

/** The options of LBFGS's one param group, every one set. */
export interface LBFGSGroupOptions {
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

/**
 * LBFGS's state, PyTorch's entries in this API's spelling (kept for the first parameter, as
 * PyTorch keeps it): `funcEvals`, `nIter` (counts over all steps), and once a step has iterated,
 * the direction `d` and step length `t` of the last iteration, the history `oldDirs` (y = g − g_prev)
 * and `oldStps` (s = t·d) as flat vectors with `ro` = 1/(y·s) as 0-d tensors, `hDiag` (PyTorch's
 * H_diag: 1, then a 0-d tensor), `prevFlatGrad` and `prevLoss`.
 */
export interface LBFGSState {
  funcEvals: number;
  nIter: number;
  d?: Tensor;
  t?: number;
  oldDirs?: Tensor[];
  oldStps?: Tensor[];
  ro?: Tensor[];
  hDiag?: Tensor | number;
  prevFlatGrad?: Tensor;
  prevLoss?: number;
}

export interface LBFGSStateDict {
  state: Record<number, LBFGSState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/**
 * Recomputes the loss: clears the gradients, runs the model, calls backward and returns the loss
 * tensor (one element). It may be async. step() calls it with gradients recorded.
 */
export type LBFGSClosure = () => Tensor | Promise<Tensor>;

const NAME = 'LBFGS';
const OPTION_KEYS = ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'] as const;
const STATE_KEYS = new Set(['funcEvals', 'nIter', 'd', 't', 'oldDirs', 'oldStps', 'ro', 'hDiag', 'prevFlatGrad', 'prevLoss']);
const f32 = Math.fround;

/** Reads a one-element tensor off the JS thread and disposes it. */
async function readScalar(t: Tensor): Promise<number> {
  try {
    return await t.item();
  } finally {
    t.dispose();
  }
}

/** max |x| as a 0-d tensor (the temporary |x| disposed). */
function maxAbs(x: Tensor): Tensor {
  const a = abs(x);
  const m = max(a);
  a.dispose();
  return m;
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'an object') : typeof v);

/**
 * L-BFGS (torch.optim.LBFGS): one param group, parameters on one device. `step(closure)` is async
 * and resolves to the loss of its first closure call as a number (PyTorch's step returns that loss
 * tensor; its value has been read already, so here it is the number):
 *
 * ```js
 * const opt = new LBFGS(model.parameters(), { lineSearchFn: 'strong_wolfe' });
 * const closure = () => { opt.zeroGrad(); const loss = mseLoss(model.forward(x), y); loss.backward(); return loss; };
 * for (let i = 0; i < 10; i++) console.log(await scope(() => opt.step(closure)));
 * ```
 *
 * The closure's tensors (up to maxEval evaluations per step) belong to the caller: run each step in
 * `scope()` (as above) or scope the closure's own work. A step whose closure throws leaves the
 * parameters and the state as they were before that step.
 */
export class LBFGS {
  readonly paramGroups: ParamGroup<LBFGSGroupOptions>[] = [];
  /** PyTorch's layout: the whole state under the first parameter. */
  readonly state = new Map<Tensor, LBFGSState>();
  readonly defaults: LBFGSGroupOptions;
  private stepping = false;
  private disposed = false;

  constructor(params: ParamsArg<LBFGSOptions>, options: LBFGSOptions = {}) {
    checkOptions(NAME, options ?? {}, OPTION_KEYS);
    options ??= {};
    const maxIter = options.maxIter ?? 20;
    this.defaults = {
      lr: options.lr ?? 1,
      maxIter,
      // PyTorch's max_iter * 5 // 4, from the constructor's max_iter.
      maxEval: options.maxEval ?? (Number.isInteger(maxIter) ? Math.floor((maxIter * 5) / 4) : maxIter),
      toleranceGrad: options.toleranceGrad ?? 1e-7,
      toleranceChange: options.toleranceChange ?? 1e-9,
      historySize: options.historySize ?? 100,
      lineSearchFn: options.lineSearchFn ?? null,
    };
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      const what = params !== null && typeof params === 'object' && typeof (params as { parameters?: unknown }).parameters === 'function' ? 'a module (pass model.parameters())' : describe(params);
      throw new ValueError(`${NAME}: params expected an iterable of tensors or of param groups, got ${what}`);
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(`${NAME}: got an empty parameter list`);
    const grouped = (list[0] as { params?: unknown } | null)?.params !== undefined;
    if (grouped && list.length !== 1) throw new ValueError(`${NAME}: LBFGS doesn't support per-parameter options (parameter groups): got ${list.length} groups, it takes one`);
    const group = grouped ? (list[0] as { params: Iterable<Tensor> }) : { params: list as Tensor[] };
    const { params: ps, ...rest } = group;
    if (typeof (ps as Iterable<Tensor>)?.[Symbol.iterator] !== 'function') throw new ValueError(`${NAME}: a param group's params expected an iterable of tensors, got ${describe(ps)}`);
    const tensors = [...ps];
    if (tensors.length === 0) throw new ValueError(`${NAME}: got an empty parameter list`);
    const seen = new Set<Tensor>();
    for (const p of tensors) {
      if (!p?.isTensor) throw new ValueError(`${NAME}: params must be tensors, got ${describe(p)}`);
      if (p.dtype !== 'float32') throw new ValueError(`${NAME}: can only optimise float32 tensors, got ${p.dtype}`);
      if (!p.isLeaf) throw new ValueError(`${NAME}: can only optimise leaf tensors, got one computed by an op (pass the leaf, or x.detach().requiresGrad_())`);
      if (seen.has(p)) throw new ValueError(`${NAME}: a parameter appears twice in the parameter list`);
      if (p.device !== tensors[0].device) throw new ValueError(`${NAME}: all parameters must be on one device (as PyTorch's LBFGS), got ${tensors[0].device} and ${p.device}`);
      seen.add(p);
    }
    for (const key of Object.keys(rest)) checkGroupKey(NAME, key, OPTION_KEYS);
    const merged = { ...this.defaults, ...rest } as LBFGSGroupOptions;
    this.validate(merged);
    this.paramGroups.push(exposeOptions({ params: tensors, options: merged } as ParamGroup<LBFGSGroupOptions>));
  }

  /** PyTorch's LBFGS takes one param group only; a second is refused here (PyTorch fails at the next step). */
  addParamGroup(group: { params: Iterable<Tensor>; [option: string]: unknown }): void {
    void group;
    throw new ValueError(`${NAME}.addParamGroup: LBFGS doesn't support per-parameter options (parameter groups): it has its one group already`);
  }

  private validate(o: LBFGSGroupOptions): void {
    checkRange(NAME, 'lr', o.lr, o.lr >= 0, 'lr >= 0');
    checkRange(NAME, 'maxIter', o.maxIter, Number.isInteger(o.maxIter) && o.maxIter >= 1, 'an integer >= 1');
    checkRange(NAME, 'maxEval', o.maxEval, Number.isInteger(o.maxEval) && o.maxEval >= 1, 'an integer >= 1');
    checkRange(NAME, 'toleranceGrad', o.toleranceGrad, true, 'a number');
    checkRange(NAME, 'toleranceChange', o.toleranceChange, true, 'a number');
    checkRange(NAME, 'historySize', o.historySize, Number.isInteger(o.historySize) && o.historySize >= 1, 'an integer >= 1');
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
      throw new ValueError(`${NAME}: lineSearchFn expected null or 'strong_wolfe' (the only line search PyTorch's LBFGS has), got ${typeof o.lineSearchFn === 'string' ? `'${o.lineSearchFn}'` : describe(o.lineSearchFn)}`);
    }
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  /**
   * One L-BFGS step: up to maxIter iterations and maxEval calls of `closure`, as PyTorch's
   * LBFGS.step(closure). Resolves to the loss of the first closure call (a number). The closure is
   * called with gradients recorded and must return the loss tensor after calling backward; it may
   * be async. Refused while another step of this optimiser is still running.
   */
  async step(closure: LBFGSClosure): Promise<number> {
    if (this.disposed) throw new ValueError(`${NAME}: step() after dispose()`);
    if (typeof closure !== 'function') {
      throw new ValueError(`${NAME}: step expected a closure that clears the gradients, computes the loss, calls backward and returns the loss (LBFGS evaluates it several times per step), got ${closure === undefined ? 'no closure' : describe(closure)}`);
    }
    if (this.stepping) throw new ValueError(`${NAME}: step() called while another step() of this optimiser is running (await each step before the next)`);
    this.stepping = true;
    try {
      return await noGrad(() => this.run(closure));
    } finally {
      this.stepping = false;
    }
  }

  /** Calls the closure with gradients recorded and reads its loss (PyTorch's float(closure())). */
  private async evaluate(closure: LBFGSClosure): Promise<number> {
    let loss: unknown = withGradEnabled(true, closure);
    if (loss instanceof Promise) loss = await loss;
    if (!(loss as Tensor | null)?.isTensor) {
      throw new ValueError(`${NAME}: step's closure must return the loss tensor (after calling backward on it), got ${describe(loss)}`);
    }
    const t = loss as Tensor;
    if (t.numel !== 1) throw new ValueError(`${NAME}: step's closure must return the loss, a tensor of one element, got shape [${t.shape.join(',')}]`);
    return t.item();
  }

  /** The gradients of all parameters as one vector (zeros for a parameter without one): PyTorch's _gather_flat_grad. */
  private gatherFlatGrad(): Tensor {
    const views = this.params.map((p) => (p.grad ? reshape(p.grad, [p.numel]) : zeros([p.numel], { device: p.device })));
    const flat = cat(views);
    this.params.forEach((p, i) => {
      if (views[i] !== p.grad) views[i].dispose();
    });
    return flat;
  }

  /** p += t · d over the flat vector d (PyTorch's _add_grad). */
  private addGrad(t: number, d: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel;
      const part = narrow(d, 0, offset, n);
      const shaped = reshape(part, p.shape);
      const step = mul(shaped, t);
      const next = add(p, step);
      copyInto(p, next);
      for (const x of new Set([part, shaped, step, next])) x.dispose();
      offset += n;
    }
  }

  private setParams(values: readonly Tensor[]): void {
    this.params.forEach((p, i) => copyInto(p, values[i]));
  }

  /** Loss and flat gradient at x + t·d, the parameters put back to x after (PyTorch's _directional_evaluate). */
  private async directionalEvaluate(closure: LBFGSClosure, x: readonly Tensor[], t: number, d: Tensor): Promise<[number, Tensor]> {
    this.addGrad(t, d);
    try {
      const loss = await this.evaluate(closure);
      return [loss, this.gatherFlatGrad()];
    } finally {
      this.setParams(x);
    }
  }

  private async run(closure: LBFGSClosure): Promise<number> {
    const group = this.paramGroups[0];
    this.validate(group.options);
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group.options;
    const params = this.params;
    const saved: LBFGSState = this.state.get(params[0]) ?? { funcEvals: 0, nIter: 0 };
    let funcEvals = saved.funcEvals;
    let stateNIter = saved.nIter;

    // evaluate initial f(x) and df/dx
    const origLoss = await this.evaluate(closure);
    let loss = origLoss;
    let currentEvals = 1;
    funcEvals += 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond: boolean;
    try {
      optCond = (await readScalar(maxAbs(flatGrad))) <= f32(toleranceGrad);
    } catch (err) {
      flatGrad.dispose();
      throw err;
    }
    if (optCond) {
      flatGrad.dispose();
      this.state.set(params[0], { ...saved, funcEvals, nIter: stateNIter });
      return origLoss;
    }

    // The step works on its own copies of the state and commits them at the end (or, when the
    // closure throws, drops them and puts the parameters back): tensors of the saved state are
    // never disposed before the commit, tensors made by this step are disposed once unused.
    const old = new Set<Tensor>(stateTensors(saved));
    const drop = (v: Tensor | number | undefined): void => {
      if (typeof v === 'object' && !old.has(v)) v.dispose();
    };
    let d = saved.d;
    let t = saved.t;
    let oldDirs = [...(saved.oldDirs ?? [])];
    let oldStps = [...(saved.oldStps ?? [])];
    let ro = [...(saved.ro ?? [])];
    let hDiag = saved.hDiag;
    let prevFlatGrad = saved.prevFlatGrad;
    let prevLoss = saved.prevLoss;
    const x0 = params.map((p) => keep(clone(p)));
    let done = false;
    try {
      let nIter = 0;
      // optimize for a max of maxIter iterations
      while (nIter < maxIter) {
        nIter += 1;
        stateNIter += 1;

        // compute the descent direction
        if (stateNIter === 1) {
          drop(d);
          d = keep(neg(flatGrad));
          for (const v of [...oldDirs, ...oldStps, ...ro]) drop(v);
          oldDirs = [];
          oldStps = [];
          ro = [];
          drop(hDiag);
          hDiag = 1;
        } else {
          if (!d || t === undefined || !prevFlatGrad || hDiag === undefined) throw new ValueError(`${NAME}: the state has nIter ${saved.nIter} but no direction (a damaged state dict?)`);
          // update the memory
          const y = sub(flatGrad, prevFlatGrad);
          const s = mul(d, t);
          const ysT = matmul(y, s);
          let ys: number;
          try {
            ys = await ysT.item();
          } catch (err) {
            for (const v of [y, s, ysT]) v.dispose();
            throw err;
          }
          if (ys > f32(1e-10)) {
            // shift the history by one (limited memory)
            while (oldDirs.length >= historySize) {
              drop(oldDirs.shift());
              drop(oldStps.shift());
              drop(ro.shift());
            }
            oldDirs.push(keep(y));
            oldStps.push(keep(s));
            ro.push(keep(div(1, ysT)));
            // the scale of the initial Hessian approximation
            const yy = matmul(y, y);
            drop(hDiag);
            hDiag = keep(div(ysT, yy));
            yy.dispose();
          } else {
            y.dispose();
            s.dispose();
          }
          ysT.dispose();

          // the two-loop recursion: the approximate inverse Hessian times the gradient
          const numOld = oldDirs.length;
          const al: Tensor[] = new Array(numOld);
          let q = neg(flatGrad);
          for (let i = numOld - 1; i >= 0; i--) {
            const sq = matmul(oldStps[i], q);
            al[i] = mul(sq, ro[i]);
            const yal = mul(oldDirs[i], al[i]);
            const next = sub(q, yal);
            for (const v of [sq, yal, q]) v.dispose();
            q = next;
          }
          // multiply by the initial Hessian; r is the direction
          let r = mul(q, hDiag);
          q.dispose();
          for (let i = 0; i < numOld; i++) {
            const yr = matmul(oldDirs[i], r);
            const be = mul(yr, ro[i]);
            const coef = sub(al[i], be);
            const upd = mul(oldStps[i], coef);
            const next = add(r, upd);
            for (const v of [yr, be, coef, upd, r]) v.dispose();
            r = next;
          }
          for (const a of al) a.dispose();
          drop(d);
          d = keep(r);
        }

        const pf = keep(clone(flatGrad));
        drop(prevFlatGrad);
        prevFlatGrad = pf;
        prevLoss = loss;

        // the step length: the first ever scaled by the gradient's 1-norm
        if (stateNIter === 1) {
          const inv = f32(1 / (await readScalar(sumAbs(flatGrad))));
          t = inv < 1 ? f32(inv * f32(lr)) : lr;
        } else {
          t = lr;
        }

        // the directional derivative
        const gtd = await readScalar(matmul(flatGrad, d));
        if (gtd > f32(-toleranceChange)) break;

        let lsFuncEvals = 0;
        if (lineSearchFn !== null) {
          const xInit = params.map((p) => keep(clone(p)));
          const dir = d;
          try {
            const found = await strongWolfe((step) => this.directionalEvaluate(closure, xInit, step, dir), t, dir, loss, flatGrad, gtd, toleranceChange, maxEval - currentEvals);
            loss = found.f;
            if (found.g !== flatGrad) {
              flatGrad.dispose();
              flatGrad = found.g;
            }
            t = found.t;
            lsFuncEvals = found.evals;
          } finally {
            for (const x of xInit) x.dispose();
          }
          this.addGrad(t, d);
          optCond = (await readScalar(maxAbs(flatGrad))) <= f32(toleranceGrad);
        } else {
          // no line search: move with a fixed step
          this.addGrad(t, d);
          if (nIter !== maxIter) {
            // re-evaluate the function only if not in the last iteration (in a stochastic
            // setting there is no use in evaluating it there)
            loss = await this.evaluate(closure);
            flatGrad.dispose();
            flatGrad = this.gatherFlatGrad();
            optCond = (await readScalar(maxAbs(flatGrad))) <= f32(toleranceGrad);
            lsFuncEvals = 1;
          }
        }
        currentEvals += lsFuncEvals;
        funcEvals += lsFuncEvals;

        // check the conditions
        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        // lack of progress
        const moved = mul(d, t);
        const movedMax = maxAbs(moved);
        moved.dispose();
        if ((await readScalar(movedMax)) <= f32(toleranceChange)) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      done = true;
    } finally {
      flatGrad.dispose();
      const next: LBFGSState = { funcEvals, nIter: stateNIter, d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss };
      if (done) {
        const kept = new Set(stateTensors(next));
        for (const v of old) if (!kept.has(v)) v.dispose();
        this.state.set(params[0], next);
      } else {
        // the closure (or a read) failed: back to where the step started
        this.setParams(x0);
        for (const v of stateTensors(next)) if (!old.has(v)) v.dispose();
      }
      for (const x of x0) x.dispose();
    }
    return origLoss;
  }

  /** Clears gradients: disposes them (setToNone, the default) or writes zeros; PyTorch's zero_grad(False) is zeroGrad(false). */
  zeroGrad(options: ZeroGradOptions | boolean = {}): void {
    zeroGrads(`${NAME}.zeroGrad`, this.params, options);
  }

  /** Frees the state tensors (history, direction) now instead of at garbage collection; no step afterwards. */
  dispose(): void {
    if (this.stepping) throw new ValueError(`${NAME}: dispose() while a step() is running (await it first)`);
    for (const st of this.state.values()) for (const v of stateTensors(st)) v.dispose();
    this.state.clear();
    this.disposed = true;
  }

  /** The state (shared live tensors, as PyTorch's state_dict) and the group's options, by parameter index. */
  stateDict(): LBFGSStateDict {
    const group = this.paramGroups[0];
    const paramGroups = [{ ...(group.options as unknown as Record<string, unknown>), params: group.params.map((_, i) => i) }];
    const state: LBFGSStateDict['state'] = {};
    const st = this.state.get(group.params[0]);
    if (st) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(st)) if (v !== undefined) copy[k] = Array.isArray(v) ? [...v] : v;
      state[0] = copy as unknown as LBFGSState;
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state dict (this API's or PyTorch's layout, through loadOptimizer): checked whole
   * before anything changes. PyTorch's `al` (scratch of the recursion, rewritten before it is
   * read) is accepted and ignored; lists missing from a file (it cannot hold an empty list) are empty.
   */
  loadStateDict(saved: LBFGSStateDict): void {
    const where = 'loadStateDict';
    if (this.stepping) throw new ValueError(`${where}: a step() of this LBFGS is running (await it first)`);
    if (saved === null || typeof saved !== 'object' || !Array.isArray(saved.paramGroups) || saved.state === null || typeof saved.state !== 'object') {
      throw new ValueError(`${where}: expected { state, paramGroups }, got ${describe(saved)}`);
    }
    if (saved.paramGroups.length !== 1) throw new ValueError(`${where}: the saved state has ${saved.paramGroups.length} param groups; LBFGS has exactly one`);
    const mine = this.paramGroups[0];
    const g = saved.paramGroups[0];
    if (!Array.isArray(g.params) || g.params.length !== mine.params.length) throw new ValueError(`${where}: group 0 has ${g.params?.length} params saved, ${mine.params.length} here`);
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(g)) {
      if (key === 'params') continue;
      if (!SCHEDULER_KEYS.has(key)) checkGroupKey(`${where}: group 0`, key, OPTION_KEYS);
      options[key] = value;
    }
    const merged = { ...mine.options, ...options } as LBFGSGroupOptions;
    this.validate(merged);
    const n = mine.params.reduce((a, p) => a + p.numel, 0);
    const device = mine.params[0].device;
    let next: LBFGSState | undefined;
    for (const [idx, st] of Object.entries(saved.state)) {
      if (idx !== '0') throw new ValueError(`${where}: state for parameter ${idx}; LBFGS keeps its whole state under parameter 0`);
      next = checkState(where, st as unknown as Record<string, unknown>, n, merged.historySize);
    }
    // Checked; now copies onto the parameters' device, owned by the optimiser.
    const own = (v: Tensor): Tensor =>
      noGrad(() => {
        const moved = v.device === device ? v : v.to(device);
        return keep(moved === v ? clone(v) : moved);
      });
    let copy: LBFGSState | undefined;
    if (next) {
      copy = { ...next };
      if (next.d) copy.d = own(next.d);
      if (next.prevFlatGrad) copy.prevFlatGrad = own(next.prevFlatGrad);
      if (typeof next.hDiag === 'object') copy.hDiag = own(next.hDiag);
      if (next.oldDirs) copy.oldDirs = next.oldDirs.map(own);
      if (next.oldStps) copy.oldStps = next.oldStps.map(own);
      if (next.ro) copy.ro = next.ro.map(own);
    }
    mine.options = merged;
    exposeOptions(mine);
    const prev = this.state.get(mine.params[0]);
    if (prev) for (const v of stateTensors(prev)) v.dispose();
    this.state.delete(mine.params[0]);
    if (copy) this.state.set(mine.params[0], copy);
  }
}

/** sum |x| as a 0-d tensor. */
function sumAbs(x: Tensor): Tensor {
  const a = abs(x);
  const s = sum(a);
  a.dispose();
  return s;
}

function stateTensors(st: LBFGSState): Tensor[] {
  const out: Tensor[] = [];
  for (const v of [st.d, st.prevFlatGrad, st.hDiag, ...(st.oldDirs ?? []), ...(st.oldStps ?? []), ...(st.ro ?? [])]) if (typeof v === 'object') out.push(v);
  return out;
}

/** A saved LBFGS state, checked: entries, types, shapes (flat vectors of the parameters' total size), history lengths. */
function checkState(where: string, st: Record<string, unknown>, n: number, historySize: number): LBFGSState {
  if (st === null || typeof st !== 'object') throw new ValueError(`${where}: state of parameter 0 expected an object, got ${describe(st)}`);
  const out: Record<string, unknown> = {};
  const flat = (k: string, v: unknown): Tensor => {
    if (!isTensor(v)) throw new ValueError(`${where}: state '${k}' expected a Tensor, got ${describe(v)}`);
    if (v.dtype !== 'float32' || !sameShape(v.shape, [n])) {
      throw new ValueError(`${where}: state '${k}' has shape [${v.shape.join(',')}] ${v.dtype} saved but LBFGS here needs [${n}] float32 (the parameters' total size; a different model?)`);
    }
    return v;
  };
  const scalarTensor = (k: string, v: unknown): Tensor => {
    if (!isTensor(v) || v.numel !== 1 || v.dtype !== 'float32') throw new ValueError(`${where}: state '${k}' expected a one-element float32 tensor, got ${isTensor(v) ? `shape [${v.shape.join(',')}] ${v.dtype}` : describe(v)}`);
    return v;
  };
  const list = <T>(k: string, v: unknown, each: (name: string, e: unknown) => T): T[] => {
    if (!Array.isArray(v)) throw new ValueError(`${where}: state '${k}' expected an array of tensors, got ${describe(v)}`);
    for (let i = 0; i < v.length; i++) if (!(i in v)) throw new ValueError(`${where}: state '${k}' has no entry ${i} (of ${v.length})`);
    return v.map((e, i) => each(`${k}[${i}]`, e));
  };
  for (const [k, v] of Object.entries(st)) {
    if (k === 'al') continue; // PyTorch's scratch of the two-loop recursion
    if (!STATE_KEYS.has(k)) throw new ValueError(`${where}: unknown LBFGS state '${k}' (it keeps ${[...STATE_KEYS].join(', ')})`);
    if (v === undefined) continue;
    switch (k) {
      case 'funcEvals':
      case 'nIter':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError(`${where}: state '${k}' expected an integer >= 0, got ${typeof v === 'number' ? v : describe(v)}`);
        out[k] = v;
        break;
      case 't':
      case 'prevLoss':
        if (typeof v !== 'number') throw new ValueError(`${where}: state '${k}' expected a number, got ${describe(v)}`);
        out[k] = v;
        break;
      case 'd':
      case 'prevFlatGrad':
        out[k] = flat(k, v);
        break;
      case 'hDiag':
        out[k] = typeof v === 'number' ? v : scalarTensor(k, v);
        break;
      case 'oldDirs':
      case 'oldStps':
        out[k] = list(k, v, flat);
        break;
      case 'ro':
        out[k] = list(k, v, scalarTensor);
        break;
    }
  }
  const state = out as unknown as LBFGSState;
  state.funcEvals ??= 0;
  state.nIter ??= 0;
  if (state.nIter > 0) {
    for (const k of ['d', 't', 'hDiag', 'prevFlatGrad'] as const) {
      if (state[k] === undefined) throw new ValueError(`${where}: state has nIter ${state.nIter} but no '${k}' (every LBFGS state that has iterated has d, t, hDiag and prevFlatGrad)`);
    }
    state.oldDirs ??= [];
    state.oldStps ??= [];
    state.ro ??= [];
  }
  const lengths = [state.oldDirs, state.oldStps, state.ro].map((l) => l?.length ?? 0);
  if (lengths[0] !== lengths[1] || lengths[0] !== lengths[2]) throw new ValueError(`${where}: state's history lists differ in length (oldDirs ${lengths[0]}, oldStps ${lengths[1]}, ro ${lengths[2]})`);
  if (lengths[0] > historySize) throw new ValueError(`${where}: state holds ${lengths[0]} history pairs, more than historySize ${historySize}`);
  return state;
}

// ---- the strong-Wolfe line search (PyTorch's _strong_wolfe and _cubic_interpolate) ----

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to the
 * bounds (the interval by default); the midpoint when the cubic has none. The slopes are float32
 * values and PyTorch computes with them as float32 tensors: so here.
 */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [xminBound, xmaxBound] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = f32(f32(g1 + g2) - f32((3 * (f1 - f2)) / (x1 - x2)));
  const d2Square = f32(f32(d1 * d1) - f32(g1 * g2));
  if (d2Square >= 0) {
    const d2 = f32(Math.sqrt(d2Square));
    const minPos =
      x1 <= x2
        ? f32(x2 - f32(f32(x2 - x1) * f32(f32(f32(g2 + d2) - d1) / f32(f32(g2 - g1) + f32(2 * d2)))))
        : f32(x1 - f32(f32(x1 - x2) * f32(f32(f32(g1 + d2) - d1) / f32(f32(g1 - g2) + f32(2 * d2)))));
    return Math.min(Math.max(minPos, xminBound), xmaxBound);
  }
  return (xminBound + xmaxBound) / 2;
}

interface LineSearchResult {
  f: number;
  g: Tensor;
  t: number;
  evals: number;
}

/**
 * PyTorch's _strong_wolfe: bracket a step satisfying the strong Wolfe conditions, then zoom in by
 * cubic interpolation. `obj(t)` is the loss and flat gradient at x + t·d. The gradient tensors it
 * makes are disposed here except the one returned (which may be `g` itself, the caller's).
 */
async function strongWolfe(
  obj: (t: number) => Promise<[number, Tensor]>,
  t: number,
  d: Tensor,
  f: number,
  g: Tensor,
  gtd: number,
  toleranceChange: number,
  maxLs: number,
  c1 = 1e-4,
  c2 = 0.9,
): Promise<LineSearchResult> {
  const made: Tensor[] = [];
  let result: Tensor | undefined;
  try {
    const dNorm = await readScalar(maxAbs(d));
    const evaluate = async (at: number): Promise<[number, Tensor, number]> => {
      const [fv, gv] = await obj(at);
      made.push(gv);
      return [fv, gv, await readScalar(matmul(gv, d))];
    };
    // Armijo's sufficient decrease, PyTorch's f_new > f + c1·t·gtd (a float32 tensor on the right).
    const armijoFails = (fNew: number, at: number): boolean => f32(fNew) > f32(f32(f) + f32(f32(c1 * at) * gtd));
    const curvatureHolds = (gtdNew: number): boolean => Math.abs(gtdNew) <= f32(f32(-c2) * gtd);

    let [fNew, gNew, gtdNew] = await evaluate(t);
    let lsFuncEvals = 1;

    // bracket an interval containing a point satisfying the Wolfe criteria
    let tPrev = 0;
    let fPrev = f;
    let gPrev = g;
    let gtdPrev = gtd;
    let done = false;
    let lsIter = 0;
    let bracket: number[] = [];
    let bracketF: number[] = [];
    let bracketG: Tensor[] = [];
    let bracketGtd: number[] = [];
    while (lsIter < maxLs) {
      if (armijoFails(fNew, t) || (lsIter > 1 && fNew >= fPrev)) {
        [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
        break;
      }
      if (curvatureHolds(gtdNew)) {
        [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
        done = true;
        break;
      }
      if (gtdNew >= 0) {
        [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
        break;
      }
      // interpolate
      const minStep = t + 0.01 * (t - tPrev);
      const maxStep = t * 10;
      const tmp = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
      // next step
      tPrev = tmp;
      fPrev = fNew;
      gPrev = gNew;
      gtdPrev = gtdNew;
      [fNew, gNew, gtdNew] = await evaluate(t);
      lsFuncEvals += 1;
      lsIter += 1;
    }
    // reached the maximum number of iterations?
    if (lsIter === maxLs) {
      [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
    }

    // zoom: refine the bracket until a point satisfies the criteria
    let insufProgress = false;
    let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
    while (!done && lsIter < maxLs) {
      // the bracket is too small
      if (f32(Math.abs(bracket[1] - bracket[0]) * dNorm) < f32(toleranceChange)) break;
      // compute a new trial value
      t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
      // Test that we are making sufficient progress: if t is too close to the boundary, mark it
      // as insufficient progress, and if we made insufficient progress last time as well, or t is
      // at a boundary, move t to 0.1·|bracket| away from the nearest boundary point.
      const bMax = Math.max(bracket[0], bracket[1]);
      const bMin = Math.min(bracket[0], bracket[1]);
      const eps = 0.1 * (bMax - bMin);
      if (Math.min(bMax - t, t - bMin) < eps) {
        // interpolation close to the boundary
        if (insufProgress || t >= bMax || t <= bMin) {
          // evaluate at 0.1 away from the boundary
          t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
          insufProgress = false;
        } else {
          insufProgress = true;
        }
      } else {
        insufProgress = false;
      }
      // evaluate the new point
      [fNew, gNew, gtdNew] = await evaluate(t);
      lsFuncEvals += 1;
      lsIter += 1;

      if (armijoFails(fNew, t) || fNew >= bracketF[lowPos]) {
        // Armijo condition not satisfied or not lower than the lowest point
        bracket[highPos] = t;
        bracketF[highPos] = fNew;
        bracketG[highPos] = gNew;
        bracketGtd[highPos] = gtdNew;
        [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
      } else {
        if (curvatureHolds(gtdNew)) {
          // the Wolfe conditions are satisfied
          done = true;
        } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
          // the old high becomes the new low
          bracket[highPos] = bracket[lowPos];
          bracketF[highPos] = bracketF[lowPos];
          bracketG[highPos] = bracketG[lowPos];
          bracketGtd[highPos] = bracketGtd[lowPos];
        }
        // the new point becomes the new low
        bracket[lowPos] = t;
        bracketF[lowPos] = fNew;
        bracketG[lowPos] = gNew;
        bracketGtd[lowPos] = gtdNew;
      }
    }
    result = bracketG[lowPos];
    return { f: bracketF[lowPos], g: result, t: bracket[lowPos], evals: lsFuncEvals };
  } finally {
    for (const x of made) if (x !== result) x.dispose();
  }
}
