// Worker threads that make batches. Batch k goes to worker k mod n, so the work spreads evenly
// and each reply is matched to its request by id. A worker holds the event loop open only while
// it owes a reply (ref/unref), so a forgotten loader never keeps a process alive; close()
// terminates every worker and resolves after each has exited.
import { Worker } from 'node:worker_threads';
import { BackendError } from '@nutshell/tensor/errors';
import type { BatchSource } from './batch-source.js';
import { type BatchReply, type BatchRequest, type WorkerInit, reviveError } from './messages.js';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  exited: Promise<void>;
  /** Why this worker can take no more requests, once it has failed or exited. */
  failure?: Error;
}

/** Workers alive right now, over all pools (for tests and leak checks). */
let liveTotal = 0;
export const liveWorkerCount = (): number => liveTotal;

const workerUrl = new URL('./worker.js', import.meta.url);

export class WorkerPool implements BatchSource {
  private readonly slots: Slot[];
  private nextId = 0;
  private closing = false;
  private liveHere = 0;
  private readonly abandonedBelow = new Int32Array(new SharedArrayBuffer(4));
  /** Requests the workers skipped because they were abandoned (see abandon()). */
  skipped = 0;
  /** Epochs now iterating over this pool (two iterators of one loader may share it). */
  activeRuns = 0;

  constructor(count: number, init: Omit<WorkerInit, 'abandonedBelow'>) {
    const withCancel: WorkerInit = { ...init, abandonedBelow: this.abandonedBelow.buffer as SharedArrayBuffer };
    this.slots = Array.from({ length: count }, (_, i) => this.spawn(i, withCancel));
  }

  /**
   * Gives up every request made so far (an epoch left early, its workers kept): the ones still
   * queued in a worker are skipped unmade, so the next epoch's first batch does not wait for
   * them; their promises are rejected (nobody awaits them).
   */
  abandon(): void {
    Atomics.store(this.abandonedBelow, 0, this.nextId);
    const abandoned = () => new BackendError('DataLoader: the batch was abandoned (the epoch ended early)');
    for (const slot of this.slots) {
      for (const p of slot.pending.values()) p.reject(abandoned());
      slot.pending.clear();
      slot.worker.unref();
    }
  }

  /** Workers of this pool that are still running. */
  get live(): number {
    return this.liveHere;
  }

  /** Whether a worker failed or exited, so the pool cannot serve every batch. */
  get failed(): boolean {
    return this.closing || this.slots.some((s) => s.failure !== undefined);
  }

  private spawn(index: number, init: WorkerInit): Slot {
    const where = `DataLoader worker ${index}`;
    const worker = new Worker(workerUrl, { workerData: init, name: where });
    const pending = new Map<number, Pending>();
    const slot = { worker, pending } as Slot;
    const failAll = (err: Error) => {
      slot.failure ??= err;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    liveTotal++;
    this.liveHere++;
    worker.unref();
    worker.on('message', (reply: BatchReply) => {
      if ('skipped' in reply) {
        this.skipped++;
        return;
      }
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) worker.unref();
      if (reply.ok) p.resolve(reply.result);
      else if ('error' in reply) p.reject(reviveError(reply.error, where));
    });
    // An uncaught exception in the worker (not a dataset error: those are replies).
    worker.on('error', (err) => failAll(reviveError({ name: err.name, message: err.message, stack: err.stack }, where)));
    slot.exited = new Promise<void>((resolve) => {
      worker.once('exit', (code) => {
        liveTotal--;
        this.liveHere--;
        if (!this.closing) failAll(new BackendError(`${where} exited unexpectedly (code ${code})`));
        resolve();
      });
    });
    return slot;
  }

  request(batch: number, indices: Int32Array, epoch: number): Promise<unknown> {
    const slot = this.slots[batch % this.slots.length];
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.closing) return reject(new BackendError('DataLoader: a batch was asked of a closed worker pool'));
      if (slot.failure) return reject(slot.failure);
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      // A copy: `indices` is usually a view of the epoch's whole order, which must stay here.
      const req: BatchRequest = { id, epoch, indices: indices.slice() };
      slot.worker.postMessage(req, [req.indices.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    // A batch still awaited (DataLoader.close() during an epoch) fails rather than never settling.
    const closed = () => new BackendError('DataLoader: the worker pool was closed while a batch was being made (close() during an epoch)');
    for (const slot of this.slots) {
      for (const p of slot.pending.values()) p.reject(closed());
      slot.pending.clear();
      void slot.worker.terminate();
    }
    await Promise.all(this.slots.map((s) => s.exited));
  }
}
