// nutshell as the bench sees it: ops looked up by name at run time, so that a suite written for
// an op that has not landed yet reports "n/a: op X missing" instead of failing to compile.
import * as T from '@nutshell/tensor';
import { addon } from '@nutshell/native';
import type { Device as BenchDevice } from './args.js';

export { T };
export type Tensor = T.Tensor;

export class OpMissing extends Error {
  constructor(readonly op: string) {
    super(`op ${op} missing`);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFn = (...args: any[]) => any;

/** The exported function `name` of @nutshell/tensor, or OpMissing. */
export function op<F extends AnyFn = AnyFn>(name: string): F {
  const f = (T as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new OpMissing(name);
  return f as F;
}

export const has = (name: string): boolean => typeof (T as unknown as Record<string, unknown>)[name] === 'function';

/** Throws OpMissing for the first missing op of a workload, before anything runs. */
export function needOps(...names: string[]): void {
  for (const n of names) op(n);
}

export function setThreads(n: number): void {
  T.setNumThreads(n);
  process.env.NUTSHELL_NUM_THREADS = String(n); // for child processes
}

/** Where a bench workload runs: the cpu suites, or the same workloads on the first GPU. */
export type { BenchDevice };

/** Waits until the device's stream has drained (blocking, like torch.cuda.synchronize). */
export function synchronize(device: BenchDevice | T.Device = 'cpu'): void {
  const d = typeof device === 'string' ? T.Device.of(device, 'synchronize') : device;
  addon().synchronize(d.typeId, d.index);
}

/**
 * Deterministic values both sides of the bench can make identically (python/common.py `det`):
 * sin((i + 1) * a) * scale, computed in float64 and rounded to float32. Same inputs on both sides
 * make checksums of the outputs comparable, a cheap cross-check of nutshell's results.
 */
export function det(n: number, a: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin((i + 1) * a) * scale;
  return out;
}

export function detTensor(shape: readonly number[], a: number, scale = 1, requiresGrad = false, device: BenchDevice = 'cpu'): T.Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  return T.tensor(det(n, a, scale), { shape, requiresGrad, device });
}

/** Sum and sum of absolute values (float64) of a tensor's values: the checksum both sides print. */
export async function checksum(t: T.Tensor): Promise<[number, number]> {
  const d = (await t.data()) as Float32Array;
  let s = 0;
  let a = 0;
  for (let i = 0; i < d.length; i++) {
    s += d[i];
    a += Math.abs(d[i]);
  }
  return [s, a];
}

export function clearGrad(...ts: T.Tensor[]): void {
  for (const t of ts) {
    t.grad?.dispose();
    t.grad = null;
  }
}

export function nutshellVersions(): Record<string, string> {
  const b = T.backends();
  const v: Record<string, string> = { nutshell: b.version };
  const facts = b.cpu.facts as Record<string, unknown>;
  if (facts.onednn) v.oneDNN = String(facts.onednn);
  if (facts.isa) v['oneDNN ISA'] = String(facts.isa);
  if (b.cuda.available) {
    for (const [k, val] of Object.entries(b.cuda.facts as Record<string, unknown>)) v[`cuda ${k}`] = String(val);
  }
  return v;
}
