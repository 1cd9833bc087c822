import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeEvent } from './messages.js';
import { frameRecord } from './record.js';
import { TensorBoardError } from './errors.js';

// Distinguishes files that one process opens in the same second (addScalars opens several).
let counter = 0;

/** The name TensorFlow gives event files; TensorBoard finds files by the "tfevents" part. */
export function eventFileName(suffix = ''): string {
  const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
  return `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${counter++}${suffix}`;
}

/**
 * One event file, opened for appending, whose first record says which format it holds.
 *
 * Every record goes to the file with one synchronous write as soon as it is added. A training
 * run that crashes, or is stopped with Ctrl-C, keeps every point logged until that moment —
 * which is when one most wants to look at it — and TensorBoard shows new points without
 * waiting for a flush. A scalar record is about 50 bytes, so the write costs microseconds next to
 * a training step, and nothing is queued that could be lost or reordered. flush() adds fsync for
 * durability across a machine crash.
 */
export class EventFile {
  readonly path: string;
  private fd: number | null;

  constructor(readonly dir: string, suffix = '') {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, eventFileName(suffix));
    this.fd = openSync(this.path, 'a');
    this.write(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: 'brain.Event:2' }));
  }

  get closed(): boolean {
    return this.fd === null;
  }

  /** Appends one serialized Event as a framed record. */
  write(event: Uint8Array): void {
    if (this.fd === null) throw new TensorBoardError(`EventFile: ${this.path} is closed`);
    const record = frameRecord(event);
    let done = 0;
    while (done < record.length) done += writeSync(this.fd, record, done, record.length - done);
  }

  flush(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
