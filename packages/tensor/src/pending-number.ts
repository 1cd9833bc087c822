import { ValueError } from './errors.js';

/**
 * Note [item is a promise]: `loss.item()` returns a Promise here, and ported PyTorch code uses it
 * as the float PyTorch returns — `total += loss.item()` builds the string "0[object Promise]",
 * `if (loss.item() < best)` is always false, and early stopping never saves (three user trials
 * hit it in plain JavaScript, where no type checker warns). The promise item() returns refuses
 * every conversion to a primitive, naming both ways to read the value. `then` hands out plain
 * promises (species), so awaiting and chaining behave as with any promise.
 */
export class PendingNumber extends Promise<number> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  static of(value: Promise<number>): PendingNumber {
    return new PendingNumber((resolve, reject) => value.then(resolve, reject));
  }

  [Symbol.toPrimitive](): never {
    throw new ValueError('item: returns a Promise, used here as a value; read the number with await t.item(), or t.itemSync() in a script (it blocks)');
  }
}
