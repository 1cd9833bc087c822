// Note [arity guard] for classes: ported PyTorch code calls methods the PyTorch way —
// scheduler.step(epoch), zero_grad(False), conv_transpose(x, output_size) — and JavaScript drops
// what a method does not declare. guardMethods wraps the named public methods each class defines
// itself (not inherited ones: each class in the list guards its own) so that extra arguments
// are refused. Internal methods stay unwrapped: an override may declare fewer parameters than
// its base passes.
import { guardArity, maxArguments } from './arity.js';

type AnyClass = abstract new (...args: never[]) => unknown;

/** Guards the methods named in `names` that each class's prototype defines itself. */
export function guardMethods(names: readonly string[], classes: readonly AnyClass[]): void {
  for (const cls of classes) {
    const proto = cls.prototype as Record<string, unknown>;
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
      Object.defineProperty(guarded, 'guarded', { value: true });
      Object.defineProperty(proto, name, { ...desc, value: guarded });
    }
  }
}
