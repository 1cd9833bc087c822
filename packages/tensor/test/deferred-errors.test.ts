// An op refused only when it runs (an index read on the device) surfaces at the read of a result
// downstream: its error names the op, and its stack is the read's, leading to the code that awaited
// it (a user trial's deferred refusal had a one-line stack that pointed nowhere).
import { describe, expect, it } from 'vitest';
import { ValueError, arange, indexSelect, randn, scope } from '../src/index.js';

async function readsAfterABadIndex(): Promise<void> {
  await scope(async () => {
    const w = randn([4, 3]);
    const index = arange(0, 200000, 1, { dtype: 'int64' }).mul(3); // out of range, known only when run
    await indexSelect(w, 0, index).mul(2).data();
  });
}

describe('errors that surface at a read', () => {
  it("carry the op's message and the read's stack (the awaiting user code included)", async () => {
    const err = await readsAfterABadIndex().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toMatch(/^indexSelect: index value \d+ is out of range for dimension 0 with size 4/);
    expect((err as Error).stack).toMatch(/readsAfterABadIndex/);
  });

  it('dataSync too', () => {
    const err = (() => {
      try {
        scope(() => indexSelect(randn([4, 3]), 0, arange(0, 200000, 1, { dtype: 'int64' }).mul(3)).dataSync());
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ValueError);
    expect(err!.stack).toMatch(/deferred-errors\.test\.ts/);
  });
});
