// The seeding contract every distribution keeps, checked by the distribution test files alike:
// manualSeed repeats the draws, the stream moves on between them, and a Generator of one seed
// gives the same draws wherever it is passed.
import { expect } from 'vitest';
import { Generator, manualSeed, scope, type Tensor } from '../src/index.js';

interface Sampler {
  sample(shape?: readonly number[], options?: { generator?: Generator }): Tensor;
}

const nums = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);

export function expectSeededDraws(make: () => Sampler[]): void {
  scope(() => {
    for (const d of make()) {
      manualSeed(7);
      const a = nums(d.sample([4]));
      const b = nums(d.sample([4]));
      manualSeed(7);
      expect(nums(d.sample([4])), `${d} after manualSeed`).toEqual(a);
      expect(a, `${d} moves on`).not.toEqual(b);
      expect(nums(d.sample([4], { generator: new Generator(11) }))).toEqual(nums(d.sample([4], { generator: new Generator(11) })));
    }
  });
}
