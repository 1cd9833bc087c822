// Reading several tensors as of one moment. A read waits for the stream to reach it and then
// copies the storage as it is, so awaiting t.data() tensor after tensor while training goes on
// returns some parameters before an optimiser step and some after (found by a user trial: a
// checkpoint held weights from 16 different steps). Copies of all of them are queued together
// instead — the stream runs them in order, before any later update — and the copies are read.
import { noGrad } from './autograd/grad-mode.js';
import type { AnyTypedArray } from './dtype.js';
import { keep } from './memory.js';
import type { Tensor } from './tensor.js';
import { clone } from './ops/table/composed-ops.js';

/** The values of `tensors`, all as of this call (costs one copy of each until the reads finish). */
export async function readTogether(tensors: readonly Tensor[]): Promise<AnyTypedArray[]> {
  const copies: Tensor[] = [];
  try {
    noGrad(() => {
      for (const t of tensors) copies.push(keep(clone(t))); // under noGrad: the copies join no graph
    });
    return await Promise.all(copies.map((c) => c.data()));
  } finally {
    for (const c of copies) c.dispose();
  }
}
