// What every suite shares: the context it runs in, and turning a measurement (or its absence)
// into a Row.
import type { Options } from './args.js';
import { OpMissing, type BenchDevice } from './nut.js';
import type { Impl, Row } from './results.js';
import type { Timing } from './timing.js';
import { PeerUnavailable } from './peers/torch.js';

export interface Context {
  opts: Options;
  /** Where the workloads of this pass run (PyTorch's included). */
  device: BenchDevice;
  threads: number;
  rows: Row[];
  log: (line: string) => void;
  notes: string[];
}

export interface RowBase {
  suite: string;
  workload: string;
  label: string;
  flops?: number;
  items?: Row['items'];
}

export function okRow(base: RowBase, threads: number, impl: Impl, timing: Timing, extra?: Record<string, unknown>): Row {
  return { ...base, threads, impl, status: 'ok', value: timing.median, unit: 'ms', timing, ...(extra && Object.keys(extra).length ? { extra } : {}) };
}

/** n/a for what is absent (an op not landed, a peer not installed), error for what failed. */
export function failedRow(base: RowBase, threads: number, impl: Impl, err: unknown): Row {
  const na = err instanceof OpMissing || err instanceof PeerUnavailable || (err instanceof Error && err.name === 'NotApplicable');
  const msg = err instanceof Error ? err.message : String(err);
  return { ...base, threads, impl, status: na ? 'n/a' : 'error', reason: msg.split('\n')[0].slice(0, 200) };
}

export class NotApplicable extends Error {
  override name = 'NotApplicable';
}

/** Runs one measurement; never throws (a failure becomes the row's reason). */
export async function attempt(ctx: Context, base: RowBase, impl: Impl, fn: () => Promise<{ timing: Timing; extra?: Record<string, unknown> }>): Promise<Row> {
  let row: Row;
  try {
    const { timing, extra } = await fn();
    row = okRow(base, ctx.threads, impl, timing, extra);
  } catch (err) {
    row = failedRow(base, ctx.threads, impl, err);
  }
  ctx.rows.push(row);
  ctx.log(`  ${base.label.padEnd(44)} ${impl.padEnd(9)} ${row.status === 'ok' ? `${row.value!.toPrecision(4)} ms` : `${row.status}: ${row.reason}`}`);
  return row;
}

/** Relative difference of two checksums (|a-b| / max(|b|, 1e-6)). */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
}

/** Compares checksum maps (sum, sum |.|) of nutshell and a peer; the worst relative difference of the |.| sums and of the sums. */
export function compareChecksums(mine: Record<string, [number, number]>, theirs: Record<string, [number, number]> | undefined | null): Record<string, number> | undefined {
  if (!theirs) return undefined;
  const out: Record<string, number> = {};
  for (const [k, [s, a]] of Object.entries(mine)) {
    const t = theirs[k];
    if (!t) continue;
    // The plain sum can cancel to ~0; scale its difference by the |.| sum instead.
    out[k] = Math.max(relDiff(a, t[1]), Math.abs(s - t[0]) / Math.max(Math.abs(t[1]), 1e-6));
  }
  return out;
}
