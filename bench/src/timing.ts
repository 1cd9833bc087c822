// The one timing loop of the Node side (python/common.py has its twin): `warmup` untimed
// repetitions, then `reps` timed repetitions of `inner` calls each; a sample is the time of one
// repetition divided by `inner`, in milliseconds. Work that is only queued is counted: `sync`
// runs inside the timed region at the end of each repetition (nutshell: await the last result).
import { summarize, type Summary } from './stats.js';

export interface TimingSpec {
  /** Untimed repetitions first (JIT, primitive caches, allocator warm-up). */
  warmup: number;
  /** Timed repetitions: the median is taken over these. */
  reps: number;
  /** Calls per repetition (tiny ops: many calls so the clock's resolution does not matter). */
  inner: number;
  /**
   * Keep warming up until this much time has passed too (JIT-compiled JS paths of tiny ops need
   * thousands of calls before they reach their steady speed).
   */
  warmupMs?: number;
}

export interface Timing extends Summary {
  unit: 'ms';
  /** Per-call time of each timed repetition, in order. */
  samples: number[];
  spec: TimingSpec;
}

export interface Workload {
  /** One call of the measured work; may return a promise (awaited before the next call). */
  run: (i: number) => unknown;
  /** Waits for queued work; called once at the end of each repetition, inside the timed region. */
  sync?: () => unknown;
  /** Called after each repetition, outside the timed region (release tensors, reset grads). */
  after?: () => unknown;
}

/** A clock in milliseconds; injectable so that tests need no real time. */
export type Clock = () => number;
export const hrClock: Clock = () => Number(process.hrtime.bigint()) / 1e6;

export function checkSpec(spec: TimingSpec): void {
  for (const k of ['warmup', 'reps', 'inner'] as const) {
    const v = spec[k];
    if (!Number.isSafeInteger(v) || v < (k === 'warmup' ? 0 : 1)) throw new RangeError(`timing spec: ${k} must be an integer >= ${k === 'warmup' ? 0 : 1}, got ${v}`);
  }
  if (spec.warmupMs !== undefined && !(spec.warmupMs >= 0)) throw new RangeError(`timing spec: warmupMs must be >= 0, got ${spec.warmupMs}`);
}

const isThenable = (v: unknown): v is PromiseLike<unknown> => v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';

async function repetition(w: Workload, inner: number, clock: Clock): Promise<number> {
  const t0 = clock();
  for (let i = 0; i < inner; i++) {
    const r = w.run(i);
    if (isThenable(r)) await r;
  }
  if (w.sync) {
    const s = w.sync();
    if (isThenable(s)) await s;
  }
  const t1 = clock();
  if (w.after) {
    const a = w.after();
    if (isThenable(a)) await a;
  }
  return (t1 - t0) / inner;
}

export async function measure(w: Workload, spec: TimingSpec, clock: Clock = hrClock): Promise<Timing> {
  checkSpec(spec);
  const start = clock();
  for (let r = 0; r < spec.warmup || clock() - start < (spec.warmupMs ?? 0); r++) await repetition(w, spec.inner, clock);
  const samples: number[] = [];
  for (let r = 0; r < spec.reps; r++) samples.push(await repetition(w, spec.inner, clock));
  return { ...summarize(samples), unit: 'ms', samples, spec };
}

/** Builds a Timing from samples measured elsewhere (the python side), with the same statistics. */
export function timingFromSamples(samples: readonly number[], spec: TimingSpec): Timing {
  return { ...summarize(samples), unit: 'ms', samples: [...samples], spec };
}

/** Scales a spec for --quick: fewer repetitions, never below what a median needs. */
export function quickSpec(spec: TimingSpec, quick: boolean): TimingSpec {
  if (!quick) return spec;
  return { ...spec, warmup: Math.max(1, Math.ceil(spec.warmup / 2)), reps: Math.max(3, Math.ceil(spec.reps / 3)), inner: Math.max(1, Math.ceil(spec.inner / 2)) };
}
