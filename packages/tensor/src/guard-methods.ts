// Note [arity guard] for classes: ported PyTorch code calls methods the PyTorch way —
// scheduler.step(epoch), zero_grad(False), conv_transpose(x, output_size) — and JavaScript drops
// what a method does not declare. guardMethods wraps the named public methods of each class and
// its bases so that extra arguments are refused. Internal methods stay unwrapped: an override
// may declare fewer parameters than its base passes.
import { guardArity, maxArguments } from './arity.js';

export type AnyClass = abstract new (...args: never[]) => unknown;

const isClass = (v: unknown): v is AnyClass => typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));

/** The classes given, and those each given module namespace exports. */
export function classesOf(classesOrModules: readonly (AnyClass | object)[]): AnyClass[] {
  return classesOrModules.flatMap((v) => (isClass(v) ? [v] : Object.values(v).filter(isClass)));
}

/** Every prototype on the chains of the given classes (unexported bases included), once each. */
export function prototypesOf(classesOrModules: readonly (AnyClass | object)[]): Set<Record<string, unknown>> {
  const protos = new Set<Record<string, unknown>>();
  for (const cls of classesOf(classesOrModules)) {
    for (let p = cls.prototype as Record<string, unknown> | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) protos.add(p);
  }
  return protos;
}

/**
 * Guards the methods named in `names` on the prototype chain (unexported bases included:
 * BatchNorm1d's forward is its base's) of each class given, or of each class a given module
 * namespace exports; each function once.
 */
export function guardMethods(names: readonly string[], classesOrModules: readonly (AnyClass | object)[]): void {
  for (const proto of prototypesOf(classesOrModules)) {
    const cls = proto.constructor as AnyClass;
    for (const name of names) {
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (!desc) continue;
      if (typeof desc.value !== 'function' || (desc.value as { guarded?: boolean }).guarded) continue;
      const fn = desc.value as (...args: unknown[]) => unknown;
      const most = maxArguments(fn);
      if (most === Infinity) continue;
      // The refusal names the class the method was called on (StepLR.step, not LRScheduler.step).
      const guarded = function (this: object, ...args: unknown[]) {
        if (args.length > most) return guardArity(`${this?.constructor?.name ?? cls.name}.${name}`, fn).apply(this, args);
        return fn.apply(this, args);
      };
      Object.defineProperty(guarded, 'name', { value: name });
      Object.defineProperty(guarded, 'length', { value: fn.length });
      Object.defineProperty(guarded, 'guarded', { value: true });
      Object.defineProperty(proto, name, { ...desc, value: guarded });
    }
  }
}
