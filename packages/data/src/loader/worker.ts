// The body of a DataLoader worker thread: rebuilds the dataset from its spec, then for each
// request makes the samples (with the same per-sample rng the main thread would use), stacks
// them, and transfers the result's buffers back.
import { parentPort, workerData } from 'node:worker_threads';
import { buffersOf, detach, stack } from '../collate/stack.js';
import type { Dataset } from '../dataset.js';
import { sampleRng } from '../rng.js';
import { build } from '../worker-spec.js';
import { type BatchReply, type BatchRequest, type WorkerInit, serialiseError } from './messages.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const dataset = build(init.spec) as Promise<Dataset<unknown>>;
dataset.catch(() => {}); // reported with each request instead

const abandonedBelow = new Int32Array(init.abandonedBelow);

port.on('message', async (req: BatchRequest) => {
  let reply: BatchReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const ds = await dataset;
    // Checked when the batch would be made (every queued request passes the await above first).
    if (req.id < Atomics.load(abandonedBelow, 0)) {
      port.postMessage({ id: req.id, ok: false, skipped: true } satisfies BatchReply);
      return;
    }
    const made = Array.from(req.indices, (i) => ds.get(i, sampleRng(init.seed, req.epoch, i)));
    // An async dataset's reads run together; a synchronous one's batch is made without yielding,
    // so requests are handled strictly one after another.
    const samples = made.some((s) => s instanceof Promise) ? await Promise.all(made) : made;
    const result = init.mode === 'stack' ? stack(samples, req.indices) : detach(samples);
    transfer = buffersOf(result);
    reply = { id: req.id, ok: true, result };
  } catch (err) {
    reply = { id: req.id, ok: false, error: serialiseError(err) };
  }
  port.postMessage(reply, transfer);
});
