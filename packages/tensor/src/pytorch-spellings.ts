// Note [PyTorch spellings]: ported code calls model.state_dict(), opt.zero_grad(),
// sched.get_last_lr(), x.masked_fill(…), Embedding.from_pretrained(…) — and JavaScript answers
// "x.state_dict is not a function", or reads opt.param_groups as undefined and goes on (user
// trials hit each). Every camelCase member of the given classes (prototype chains and statics)
// gets its snake_case spelling as a getter that refuses, naming ours. Assigning to such a name
// still works (it becomes an own property), so a subclass's own `this.hidden_size = …` is left
// alone. The traps sit on an object inserted above each prototype (trapsFor), not on it. Functions
// of a module namespace (T.no_grad) cannot be trapped this way.
import { ValueError } from './errors.js';
import { type AnyClass, classesOf, prototypesOf } from './guard-methods.js';

const snakeOf = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * The object holding a prototype's traps: one inserted between it and its parent, so that the
 * prototype itself keeps only its own members. Hundreds of accessors defined on Tensor.prototype
 * turned it into a slow (dictionary) object: tiny op calls went from 2.9 to 3.2 µs and a LeNet
 * epoch lost ~10 %. A lookup that finds a method stops at the prototype, as before.
 */
const holders = new WeakMap<object, object>();
function trapsFor(proto: object): object {
  let holder = holders.get(proto);
  if (!holder) {
    holder = Object.create(Object.getPrototypeOf(proto)) as object;
    Object.setPrototypeOf(proto, holder);
    holders.set(proto, holder);
  }
  return holder;
}

function trap(target: object, owner: string, snake: string, ours: string, isStatic: boolean, answer = `this API spells it ${ours}`): void {
  if (Object.prototype.hasOwnProperty.call(target, snake)) return;
  Object.defineProperty(target, snake, {
    configurable: true,
    enumerable: false,
    get(this: object): never {
      const cls = isStatic ? owner : (this?.constructor?.name ?? owner);
      throw new ValueError(`${cls}.${snake}: ${answer}`);
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, snake, { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

/**
 * Traps the snake_case spelling of every camelCase method and accessor of the given classes (or
 * of the classes module namespaces export), and `also` on each of their prototypes: PyTorch names
 * of instance fields, or names that differ by more than case (`{ param_groups: 'paramGroups' }`).
 * `answers` traps PyTorch names that have no counterpart here with a whole answer of its own
 * (`{ to_sparse: 'there are no sparse tensors here; …' }`).
 */
export function trapPyTorchSpellings(classesOrModules: readonly (AnyClass | object)[], also: Readonly<Record<string, string>> = {}, answers: Readonly<Record<string, string>> = {}): void {
  const camel = (name: string) => /^[a-z][A-Za-z0-9]*[a-z0-9][A-Z]/.test(name);
  for (const proto of prototypesOf(classesOrModules)) {
    const owner = (proto.constructor as { name?: string })?.name ?? 'object';
    const traps = trapsFor(proto);
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (!camel(name)) continue;
      const snake = snakeOf(name);
      if (!(snake in proto)) trap(traps, owner, snake, name, false);
      // Ported code calls the in-place form (x.index_add_(…)); where ours has none, say so.
      if (!name.endsWith('_') && !(`${name}_` in proto) && !(`${snake}_` in proto) && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') {
        trap(traps, owner, `${snake}_`, name, false, `this API has no in-place ${snake}_; ${name} returns a new tensor (x = x.${name}(…))`);
      }
    }
    for (const [snake, ours] of Object.entries(also)) if (!(snake in proto)) trap(traps, owner, snake, ours, false);
    for (const [name, answer] of Object.entries(answers)) if (!(name in proto)) trap(traps, owner, name, '', false, answer);
  }
  for (const cls of classesOf(classesOrModules)) {
    for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      for (const name of Object.getOwnPropertyNames(c)) {
        if (camel(name) && typeof (c as Record<string, unknown>)[name] === 'function') trap(c, (c as { name: string }).name, snakeOf(name), name, true);
      }
    }
  }
}
