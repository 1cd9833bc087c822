// The machine a run describes: the device slug in result file names, and the versions printed.
import { cpus, availableParallelism } from 'node:os';

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu @.*$|processor|\d+-core/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function cpuModel(): string {
  return cpus()[0]?.model?.trim() || 'unknown cpu';
}

/** e.g. 'cpu-amd-epyc-9r14-2c' or 'cuda-nvidia-h100-80gb-hbm3'. */
export function deviceSlug(cuda?: string, cores = availableParallelism()): string {
  return cuda ? `cuda-${slug(cuda)}` : `cpu-${slug(cpuModel())}-${cores}c`;
}

export function isoDate(d = new Date()): string {
  return d.toISOString().slice(0, 10);
}
