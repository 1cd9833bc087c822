// Note [p.data]: PyTorch's `p.data` is the tensor without its graph, and EMA and weight-surgery
// code writes through it (`ema.data.mul_(d).add_(p.data, { alpha: 1 - d })`). Here `data` is the
// asynchronous read, so `p.data.mul_` is a property of that function: undefined, and the call
// fails as "p.data.mul_ is not a function". Each Tensor member read off the `data` function
// refuses, naming what to write instead.
import { ValueError } from './errors.js';

const FUNCTION_OWN = new Set(Object.getOwnPropertyNames(Function.prototype).concat(['length', 'name', 'prototype', 'arguments', 'caller']));

export function trapDataHabit(proto: object, fieldNames: readonly string[]): void {
  const read = (proto as { data: object }).data;
  for (const name of [...Object.getOwnPropertyNames(proto), ...fieldNames]) {
    if (FUNCTION_OWN.has(name) || Object.prototype.hasOwnProperty.call(read, name)) continue;
    Object.defineProperty(read, name, {
      configurable: true,
      get(): never {
        const inPlace = name.endsWith('_') ? `, or write in place under noGrad(() => t.${name}(…))` : '';
        throw new ValueError(`t.data.${name}: data() reads the values here (await t.data()); PyTorch's t.data is t.detach()${inPlace}`);
      },
    });
  }
}
