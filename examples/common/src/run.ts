// Flags, device choice and the run folder every example uses.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { backends, setDefaultDevice } from '@nutshell/tensor';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** Parses `--flag value` options (after `npm start --`), with --help listing them. */
export function parseFlags<T extends FlagSpec>(name: string, spec: T, help: Record<string, string>): Record<keyof T, string | boolean | undefined> {
  const options: FlagSpec = { ...spec, help: { type: 'boolean' } };
  const values = parseArgs({ options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(`usage: npm start -- [options]   (${name})\n`);
    for (const [k, s] of Object.entries(spec)) console.log(`  --${k.padEnd(14)} ${help[k] ?? ''}${s.default !== undefined ? ` (default ${s.default})` : ''}`);
    process.exit(0);
  }
  return values as Record<keyof T, string | boolean | undefined>;
}

/** cuda when it is available, else cpu; an explicit --device wins (and must be available). */
export function chooseDevice(flag?: string): string {
  const cuda = backends().cuda;
  const device = flag ?? (cuda.available ? 'cuda' : 'cpu');
  if (device.startsWith('cuda') && !cuda.available) throw new Error(`--device ${device}: cuda is unavailable (${cuda.reason})`);
  setDefaultDevice(device);
  return device;
}

/** runs/<example>-<timestamp>/ under the current folder (or NUTSHELL_RUNS); created, printed. */
export function runFolder(example: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const dir = resolve(process.env.NUTSHELL_RUNS ?? 'runs', `${example}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const inRun = (dir: string, file: string): string => join(dir, file);

export const intFlag = (v: string | boolean | undefined, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} expected a positive integer, got ${v}`);
  return n;
};
export const floatFlag = (v: string | boolean | undefined, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} expected a positive number, got ${v}`);
  return n;
};
