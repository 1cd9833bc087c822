// The state argument of the recurrent layers and LSTMCell is an object ({ h0, c0 }, { h, c }).
// PyTorch passes a tuple or a bare tensor there; either would otherwise read as "no state" and
// start silently from zeros, so they are refused with the form this API takes. LSTMCell's own
// result ([h, c] that also has fields h and c, namedTuple from @nutshell/tensor) is taken as it is, so a loop can
// hand one step's result to the next: `state = cell.forward(x, state)`.
import { ValueError } from '@nutshell/tensor';

export function checkState(owner: string, state: unknown, keys: readonly string[]): void {
  const form = `{ ${keys.join(', ')} }`;
  if (state === undefined) return;
  if ((state as { isTensor?: boolean } | null)?.isTensor) throw new ValueError(`${owner}: state expected an object ${form}, got a Tensor (pass { ${keys[0]}: tensor })`);
  if (Array.isArray(state)) {
    if (keys.every((k) => Object.hasOwn(state, k))) return;
    throw new ValueError(`${owner}: state expected an object ${form}, got an array (PyTorch's (${keys.join(', ')}) tuple is ${form} here)`);
  }
  if (state === null || typeof state !== 'object') throw new ValueError(`${owner}: state expected an object ${form}, got ${state === null ? 'null' : typeof state}`);
  for (const key of Object.keys(state)) {
    if (!keys.includes(key)) throw new ValueError(`${owner}: state has an unknown entry '${key}' (it takes ${keys.map((k) => `'${k}'`).join(', ')})`);
  }
}
