// profile(fn): where the time of a piece of work goes, per op. Two clocks per op: the kernel's
// time on the device's stream (native: core/op_profile.h on cpu; on cuda the stream time between
// two events around the op, Note [cuda op profile] in cuda/backend.cc) and the time the JS thread
// spent inside the op call (validation, shape rules, allocation, enqueueing — and the kernel
// itself when a tiny op ran inline), with the time it waited for queue space when 1024 ops were
// already queued (Note [queue bound]) counted apart. A call number far above the kernel number
// means the op is overhead-bound; a large wait means the JS thread is far ahead of the device, as
// it should be.
import { ValueError } from './errors.js';
import { cudaAvailable, cudaDeviceCount, native } from './native.js';
import { tensor } from './creation.js';

export interface OpProfileRow {
  op: string;
  calls: number;
  /** Time the kernels of this op ran on their device's stream (cpu and cuda together), ms. */
  kernelMs: number;
  /** Time the JS thread spent inside calls of this op, waits for queue space excluded, ms. */
  callMs: number;
  /** Time calls of this op waited for queue space (the device was busy with earlier ops), ms. */
  waitMs: number;
}

export interface ProfileReport<R> {
  result: R;
  /** Wall time of the profiled work, including waiting for its queued kernels, ms. */
  wallMs: number;
  /** One row per op that ran, most kernel time first. */
  ops: OpProfileRow[];
  /** The rows as an aligned text table with totals. */
  table(): string;
}

const CPU = 0;
const CUDA = 1;
let callTimes: Map<string, { calls: number; ms: number }> | null = null;

/** apply's hook: null unless a profile is running (so an unprofiled op pays one null check). */
export function opCallTimes(): Map<string, { calls: number; ms: number }> | null {
  return callTimes;
}

type Kernels = { ops: { op: string; calls: number; ns: number; waitNs: number }[] };
// The backends whose kernels are timed: cpu, and cuda where it can run.
const timedBackends = (): number[] => (cudaAvailable() ? [CPU, CUDA] : [CPU]);
function control(name: string): Kernels['ops'] {
  return timedBackends().flatMap((type) => (JSON.parse(native().control(type, name, '{}')) as Kernels).ops);
}

/**
 * Runs fn (sync or async) with per-op timing on; waits for its queued kernels before reporting.
 * Counts the ops of this thread's cpu stream (each worker_thread has its own) and of the whole
 * process on cuda: ops that other code runs meanwhile are counted too.
 */
export async function profile<R>(fn: () => R | Promise<R>): Promise<ProfileReport<Awaited<R>>> {
  if (callTimes) throw new ValueError('profile: a profile is already running (profiles do not nest)');
  const calls = new Map<string, { calls: number; ms: number }>();
  await drainStreams();
  control('profileReset');
  control('profileStart');
  callTimes = calls;
  const start = performance.now();
  let result: Awaited<R>;
  try {
    result = await fn();
    await drainStreams();
  } finally {
    callTimes = null;
    control('profileStop');
  }
  const wallMs = performance.now() - start;
  const rows = new Map<string, OpProfileRow>();
  for (const [op, c] of calls) rows.set(op, { op, calls: c.calls, kernelMs: 0, callMs: c.ms, waitMs: 0 });
  const kernelNs = new Map<string, { calls: number; ns: number; waitNs: number }>();
  for (const k of control('profileRead')) {
    const sum = kernelNs.get(k.op) ?? { calls: 0, ns: 0, waitNs: 0 };
    kernelNs.set(k.op, { calls: sum.calls + k.calls, ns: sum.ns + k.ns, waitNs: sum.waitNs + k.waitNs });
  }
  for (const [op, k] of kernelNs) {
    const row = rows.get(op) ?? { op, calls: k.calls, kernelMs: 0, callMs: 0, waitMs: 0 };
    row.kernelMs = k.ns / 1e6;
    row.waitMs = k.waitNs / 1e6;
    row.callMs = Math.max(0, row.callMs - row.waitMs);
    rows.set(op, row);
  }
  const ops = [...rows.values()].sort((a, b) => b.kernelMs - a.kernelMs || b.callMs - a.callMs);
  return { result, wallMs, ops, table: () => formatProfile(ops, wallMs) };
}

// A read waits for everything queued before it on that device, off the JS thread.
async function drainStreams(): Promise<void> {
  for (const device of ['cpu', ...Array.from({ length: cudaDeviceCount() }, (_, i) => `cuda:${i}`)]) {
    const probe = tensor(new Float32Array(1), { device });
    try {
      await probe.data();
    } finally {
      probe.dispose();
    }
  }
}

export function formatProfile(ops: readonly OpProfileRow[], wallMs: number): string {
  const ms = (v: number) => v.toFixed(v < 10 ? 3 : 1);
  const kernel = ops.reduce((a, r) => a + r.kernelMs, 0);
  const call = ops.reduce((a, r) => a + r.callMs, 0);
  const wait = ops.reduce((a, r) => a + r.waitMs, 0);
  const lines: string[][] = [['op', 'calls', 'kernel ms', 'call ms', 'queue wait ms', 'kernel µs/call', 'call µs/call']];
  for (const r of ops) {
    lines.push([r.op, String(r.calls), ms(r.kernelMs), ms(r.callMs), ms(r.waitMs), (1e3 * r.kernelMs / r.calls).toFixed(1), (1e3 * r.callMs / r.calls).toFixed(1)]);
  }
  lines.push(['total', String(ops.reduce((a, r) => a + r.calls, 0)), ms(kernel), ms(call), ms(wait), '', '']);
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const text = lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  return [...text, `wall ${ms(wallMs)} ms (kernels ${((100 * kernel) / wallMs).toFixed(0)}% of it)`].join('\n');
}
