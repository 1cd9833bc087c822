// Flags, device choice and the run folder every example uses.
import { mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { backends, setDefaultDevice } from '@nutshell/tensor';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

const runFolders: string[] = [];

/**
 * An example's CLI reports a failure as one line (`NUTSHELL_DEBUG=1` for the stack) and removes
 * the run folder it made if nothing was written there.
 */
let reporting = false;

function reportFailures(name: string): void {
  if (reporting) return; // once per process, however many times the flags are parsed
  reporting = true;
  const fail = (err: unknown) => {
    const e = err as Error;
    console.error(`${name}: ${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(err)}`);
    if (process.env.NUTSHELL_DEBUG) console.error(e?.stack);
    for (const dir of runFolders) {
      try {
        if (readdirSync(dir).length === 0) rmdirSync(dir);
      } catch {
        // already gone
      }
    }
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/** Parses `--flag value` options (after `npm start --`), with --help listing them. */
export function parseFlags<T extends FlagSpec>(name: string, spec: T, help: Record<string, string>): Record<keyof T, string | boolean | undefined> {
  reportFailures(name);
  const options: FlagSpec = { ...spec, help: { type: 'boolean' } };
  // `--epochs -1` would read as an option named 1: keep a negative number with its flag, so its
  // own check can refuse it by name.
  const args = process.argv.slice(2).reduce<string[]>((out, a) => {
    const prev = out[out.length - 1];
    if (/^-\d/.test(a) && prev?.startsWith('--') && !prev.includes('=') && options[prev.slice(2)]?.type === 'string') out[out.length - 1] = `${prev}=${a}`;
    else out.push(a);
    return out;
  }, []);
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    console.error(`${name}: ${(err as Error).message} (--help lists the options)`);
    process.exit(2);
  }
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

/**
 * runs/<example>-<timestamp>/ under the current folder (or NUTSHELL_RUNS), created: a new folder
 * for every run, with -2, -3 … when another run took the same second's name.
 */
export function runFolder(example: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const base = resolve(process.env.NUTSHELL_RUNS ?? 'runs', `${example}-${stamp}`);
  mkdirSync(dirname(base), { recursive: true });
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      mkdirSync(dir); // not recursive: fails when the folder exists, so no two runs share one
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    runFolders.push(dir);
    return dir;
  }
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

/** --data, --subset and --seed, read the same way by every Fashion-MNIST example (absent: the trainer's defaults). */
export const dataFlags = (flags: Record<string, string | boolean | undefined>): { data?: string; subset?: number; seed?: number } => ({
  data: flags.data as string | undefined,
  subset: flags.subset === undefined ? undefined : intFlag(flags.subset, 'subset', 0),
  seed: flags.seed === undefined ? undefined : Number(flags.seed),
});
