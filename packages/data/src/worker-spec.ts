// Functions and class instances cannot be sent to a worker thread, so a dataset (or transform)
// that should run there says how to make itself again: which module to import, which export to
// call or construct, and with what arguments. Arguments may hold other specs (a Subset's dataset,
// a dataset's transform), marked `{ $spec }` and rebuilt first, innermost out.
import { ValueError } from '@nutshell/tensor/errors';

export interface WorkerSpec {
  /** A `file:` URL (usually the defining module's `import.meta.url`) or a package specifier. */
  readonly module: string;
  /** The export to use. */
  readonly name: string;
  /** Structured-cloneable arguments; `{ $spec: WorkerSpec }` values are rebuilt before the call. */
  readonly args: readonly unknown[];
  /** `new` the export (a class) rather than calling it (a factory). */
  readonly construct: boolean;
}

/** Anything that can be re-created in a worker. */
export interface WorkerBuildable {
  workerSpec(): WorkerSpec;
}

export const canBuildInWorker = (value: unknown): value is WorkerBuildable =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as WorkerBuildable).workerSpec === 'function';

/** Wraps a nested buildable value for another spec's args; `owner` names who needs it. */
export function specArg(value: unknown, owner: string, what: string): { $spec: WorkerSpec } {
  if (!canBuildInWorker(value)) {
    throw new ValueError(
      `${owner}: its ${what} has no workerSpec(), so it cannot be re-created in a worker thread; ` +
        `build it from @nutshell/data's transforms and datasets, give it a workerSpec() (see the README), or use workers: 0`,
    );
  }
  return { $spec: value.workerSpec() };
}

const isSpecRef = (v: unknown): v is { $spec: WorkerSpec } =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && '$spec' in v;

async function reviveValue(value: unknown): Promise<unknown> {
  if (isSpecRef(value)) return build(value.$spec);
  if (Array.isArray(value)) return Promise.all(value.map(reviveValue));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await reviveValue(v);
    return out;
  }
  return value; // typed arrays, primitives
}

/** Imports the spec's module and makes the value (in a worker; works on any thread). */
export async function build(spec: WorkerSpec): Promise<unknown> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const target = mod[spec.name];
  if (typeof target !== 'function') {
    throw new ValueError(`workerSpec: module ${spec.module} has no export '${spec.name}' that can be ${spec.construct ? 'constructed' : 'called'}`);
  }
  const args = (await reviveValue(spec.args)) as unknown[];
  return spec.construct ? new (target as new (...a: unknown[]) => unknown)(...args) : (target as (...a: unknown[]) => unknown)(...args);
}
