// Runs transforms in order, all drawing from the one sample rng in turn.
import { ValueError } from '@nutshell/tensor/errors';
import { specArg } from '../worker-spec.js';
import { type Transform, defineTransform } from './transform.js';

export function compose(...transforms: Transform[]): Transform {
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new ValueError(`compose: transforms[${i}] expected a function, got ${typeof t}`);
  });
  return defineTransform(
    (x, rng) => transforms.reduce((acc, t) => t(acc, rng), x),
    // Asked only when a loader needs workers, so composing a plain function stays legal.
    () => ({ module: import.meta.url, name: 'compose', args: transforms.map((t, i) => specArg(t, 'compose', `transforms[${i}]`)) }),
  );
}
