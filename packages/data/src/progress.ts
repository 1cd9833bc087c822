// Progress bars for long work, PyTorch users' tqdm: `progress(iterable, options)` wraps any
// iterable or async iterable (a DataLoader, an array, a generator), and `new ProgressBar(options)`
// is driven by hand (update, setPostfix, close). A bar shows the count and total, the rate, the
// time taken and the ETA, and postfix values (loss, accuracy).
//
// On a terminal it redraws one line on stderr, at most every `minInterval` seconds; in a log (not
// a TTY, or CI set) it prints a plain line at every tenth of the way (every `logInterval` seconds
// when the total is unknown), so CI logs stay short and still show progress. Nothing runs on a
// timer: a bar draws only when it is updated, so it never keeps the process alive, and a redraw
// is skipped while the stream is backed up, so it never makes a loop wait for the terminal.
import { trapPyTorchSpellings } from '@nutshell/tensor';
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';
import { describe } from './ndarray.js';

/** Where a bar writes: process.stderr by default; anything with `write` (isTTY decides the style). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** The terminal's width: a longer line is cut to fit, so `\r` can redraw it. */
  columns?: number;
  /** True while earlier writes are still queued (a slow pipe): redraws are skipped meanwhile. */
  writableNeedDrain?: boolean;
}

/** A postfix value: a number (shown to 4 significant digits) or a string (shown as is). */
export type PostfixValue = number | string;

export interface ProgressBarOptions {
  /** Steps expected (the bar's 100 %). Leave it out when unknown: the bar then shows count, rate and time. */
  total?: number;
  /** Text before the bar ("epoch 1/5"); tqdm's desc. */
  desc?: string;
  /** What the rate counts (default 'it'): "3120 img/s". See update(n, items). */
  unit?: string;
  /** Values shown after the time (loss, accuracy), as setPostfix sets them. */
  postfix?: Record<string, PostfixValue | undefined>;
  /** Where to write (default process.stderr). */
  stream?: ProgressStream;
  /** The bar's width in characters (default 24; 0: no bar). */
  width?: number;
  /** On a terminal, the least time between redraws, in seconds (default 0.1). */
  minInterval?: number;
  /** In a log, a line each time this fraction of the total is passed (default 0.1: a line per tenth). */
  logEvery?: number;
  /** In a log, a line at least this often, in seconds (default 30 when the total is unknown, never otherwise). */
  logInterval?: number;
  /** Write nothing (the counts still advance): `disable: quiet`. */
  disable?: boolean;
}

export interface ProgressOptions<T> extends ProgressBarOptions {
  /**
   * How many items (of `unit`) each element counts for in the rate, e.g.
   * `(batch) => batch.image.shape[0]` with `unit: 'img'` for images/s while the bar counts batches.
   * Default: 1 per element.
   */
  items?: (element: T) => number;
}

const BAR_OPTIONS = ['total', 'desc', 'unit', 'postfix', 'stream', 'width', 'minInterval', 'logEvery', 'logInterval', 'disable'] as const;

/** tqdm's spellings (and the bar the examples had before) that are spelt differently here. */
const TQDM_SPELLINGS: Record<string, string> = {
  label: "'desc'",
  file: "'stream'",
  ncols: "'width' (the bar's width in characters)",
  mininterval: "'minInterval'",
  min_interval: "'minInterval'",
  unit_scale: "'items' (items per element, for the rate) in progress(), or update(n, items)",
  leave: "nothing: a closed bar's line always stays",
};

function checkProgressOptions(where: string, options: object, known: readonly string[]): void {
  if (options !== null && typeof options === 'object' && !Array.isArray(options)) {
    for (const key of Object.keys(options)) {
      if (!known.includes(key) && TQDM_SPELLINGS[key]) {
        throw new ValueError(`${where}: unknown option '${key}' (it takes ${known.map((k) => `'${k}'`).join(', ')}); did you mean ${TQDM_SPELLINGS[key]}?`);
      }
    }
  }
  checkOptions(where, options, known);
}

const got = (v: unknown): string => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v === 'string' ? `'${v}'` : describe(v));

function checkNumber(where: string, name: string, v: unknown, ok: (x: number) => boolean, expected: string): number {
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new ValueError(`${where}: ${name} expected ${expected}, got ${got(v)}`);
  return v;
}

function checkPostfixValue(where: string, key: string, v: unknown): void {
  if (v === undefined || typeof v === 'number' || typeof v === 'string') return;
  const read = (v as { isTensor?: boolean } | null)?.isTensor
    ? ` (read it first: ${key}: await t.item())`
    : v instanceof Promise
      ? ' (await it first)'
      : '';
  throw new ValueError(`${where}: postfix '${key}' expected a number or a string (undefined removes it), got ${got(v)}${read}`);
}

/** A postfix number as the bar shows it: integers and values ≥ 100 whole, others to 4 significant digits. */
export function formatPostfixValue(v: PostfixValue): string {
  if (typeof v === 'string') return v;
  return Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(4);
}

/** Seconds as m:ss or h:mm:ss ('--:--' when unknown). */
function formatTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const ss = String(Math.floor(s % 60)).padStart(2, '0');
  return h ? `${h}:${String(m % 60).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function formatRate(items: number, seconds: number, unit: string): string {
  if (!(items > 0) || !(seconds > 0)) return `? ${unit}/s`;
  const rate = items / seconds;
  if (rate >= 10) return `${rate.toFixed(0)} ${unit}/s`;
  if (rate >= 1) return `${rate.toFixed(1)} ${unit}/s`;
  return `${(1 / rate).toFixed(1)} s/${unit}`; // slow steps (an epoch a minute) read better as time per step
}

const formatCount = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * A progress bar driven by hand: `update(n)` per step, `setPostfix({ loss })`, `close()`. Made by
 * `progress(iterable, options)`, it is also the iterable that advances it.
 */
export class ProgressBar<T = never> implements AsyncIterable<T>, Disposable {
  #desc: string;
  #n = 0;
  #items = 0;
  #total: number | undefined;
  readonly unit: string;
  readonly #postfix = new Map<string, PostfixValue>();
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #disabled: boolean;
  readonly #width: number;
  readonly #minInterval: number;
  readonly #logEvery: number;
  readonly #logInterval: number;
  #start = performance.now();
  #lastDraw = -Infinity;
  #lastMark = -1;
  /** Something changed since the last line written (a log writes the final line only then). */
  #dirty = true;
  /**
   * Note [log lines after setPostfix]: in a log, a line due at update() waits for the step's
   * setPostfix when the loop calls update() first and setPostfix() after it (a user trial's
   * lines showed the previous step's lr); progress() and loops that set the postfix first, or
   * never, get the line at update(). Which order a loop uses is seen at its first setPostfix; a
   * waiting line is written by the next setPostfix, update, write or close.
   */
  #updateFirst: boolean | undefined;
  #updated = false;
  #lineWaiting = false;
  #closed = false;
  /** What progress() wraps, until it is iterated. */
  #source: Iterable<T> | AsyncIterable<T> | undefined;
  #itemsOf: ((element: T) => number) | undefined;
  #iterated = false;

  constructor(options: ProgressBarOptions = {}) {
    const where = (this.constructor as { where?: string }).where ?? 'ProgressBar';
    checkProgressOptions(where, options, BAR_OPTIONS);
    if (options.total !== undefined) {
      this.#total = checkNumber(where, 'total', options.total, (x) => Number.isFinite(x) && x >= 0, 'a non-negative finite number (leave it out when the length is unknown)');
    }
    this.#desc = this.#checkDesc(where, options.desc ?? '');
    this.unit = options.unit ?? 'it';
    if (typeof this.unit !== 'string' || this.unit === '') throw new ValueError(`${where}: unit expected a non-empty string, got ${got(options.unit)}`);
    this.#width = checkNumber(where, 'width', options.width ?? 24, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer (0: no bar)');
    this.#minInterval = checkNumber(where, 'minInterval', options.minInterval ?? 0.1, (x) => Number.isFinite(x) && x >= 0, 'a non-negative number of seconds');
    this.#logEvery = checkNumber(where, 'logEvery', options.logEvery ?? 0.1, (x) => x > 0 && x <= 1, 'a fraction of the total in (0, 1]');
    this.#logInterval = checkNumber(where, 'logInterval', options.logInterval ?? (this.#total === undefined ? 30 : Infinity), (x) => x > 0, 'a positive number of seconds (Infinity: never)');
    if (options.disable !== undefined && typeof options.disable !== 'boolean') throw new ValueError(`${where}: disable expected a boolean, got ${got(options.disable)}`);
    this.#disabled = options.disable ?? false;
    const stream = options.stream ?? process.stderr;
    if (typeof (stream as ProgressStream | null)?.write !== 'function') {
      throw new ValueError(`${where}: stream expected a writable stream (an object with write(text)), got ${got(stream)}`);
    }
    this.#stream = stream;
    this.#tty = Boolean(stream.isTTY) && !process.env.CI;
    if (options.postfix !== undefined) this.#mergePostfix(where, options.postfix);
    if (this.#tty) this.#render(); // a terminal shows the bar before the first (maybe slow) step
  }

  #checkDesc(where: string, desc: unknown): string {
    if (typeof desc !== 'string') throw new ValueError(`${where}: desc expected a string, got ${got(desc)}`);
    return desc;
  }

  /** Steps done so far. */
  get n(): number {
    return this.#n;
  }
  /** Steps expected, or undefined when unknown. */
  get total(): number | undefined {
    return this.#total;
  }
  /** Seconds since the bar started (its first iteration, for progress()). */
  get elapsed(): number {
    return (performance.now() - this.#start) / 1000;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** The text before the bar; settable (tqdm's set_description). */
  get desc(): string {
    return this.#desc;
  }
  set desc(desc: string) {
    this.#desc = this.#checkDesc('ProgressBar.desc', desc);
    this.#dirty = true;
  }
  /** A copy of the postfix values shown. */
  get postfix(): Readonly<Record<string, PostfixValue>> {
    return Object.fromEntries(this.#postfix);
  }

  /**
   * Advances by `n` steps (default 1) that processed `items` of `unit` (default `n`): the rate
   * counts items, the bar counts steps, so `update(1, batchSize)` with `unit: 'img'` shows
   * batches done and images per second.
   */
  update(n = 1, items: number = n): void {
    checkNumber('ProgressBar.update', 'n', n, (x) => Number.isFinite(x) && x >= 0, 'a non-negative finite number');
    checkNumber('ProgressBar.update', 'items', items, (x) => Number.isFinite(x) && x >= 0, 'a non-negative finite number');
    this.#updated = true;
    this.#writeWaitingLine();
    this.#n += n;
    this.#items += items;
    if (n || items) this.#dirty = true;
    this.#render(this.#updateFirst === true);
  }

  /**
   * Sets postfix values (loss, accuracy) shown after the time; they merge with those set before,
   * in the order first set, and `undefined` removes one. tqdm's set_postfix.
   */
  setPostfix(values: Record<string, PostfixValue | undefined>): void {
    this.#updateFirst ??= this.#updated;
    this.#mergePostfix('ProgressBar.setPostfix', values);
    if (this.#lineWaiting) this.#writeWaitingLine();
    else this.#render();
  }

  /** Writes the log line update() left waiting (Note [log lines after setPostfix]). */
  #writeWaitingLine(): void {
    if (!this.#lineWaiting) return;
    this.#lineWaiting = false;
    if (this.#disabled || this.#closed) return;
    this.#dirty = false;
    this.#stream.write(`${this.toString()}\n`);
  }

  /** Merges postfix values; true when one changed. */
  #mergePostfix(where: string, values: Record<string, PostfixValue | undefined>): boolean {
    if (values === null || typeof values !== 'object' || Array.isArray(values) || (values as { isTensor?: boolean }).isTensor) {
      throw new ValueError(`${where}: postfix expected an object of numbers or strings ({ loss: 0.25 }), got ${got(values)}`);
    }
    for (const [k, v] of Object.entries(values)) checkPostfixValue(where, k, v);
    let changed = false;
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) {
        changed = this.#postfix.delete(k) || changed;
      } else if (!this.#postfix.has(k) || !Object.is(this.#postfix.get(k), v)) {
        this.#postfix.set(k, v);
        changed = true;
      }
    }
    if (changed) this.#dirty = true;
    return changed;
  }

  /** Writes a message without breaking the bar (tqdm.write): on a terminal the bar is redrawn below it. */
  write(text: string): void {
    if (this.#disabled) return;
    this.#writeWaitingLine();
    if (this.#tty && !this.#closed) {
      this.#stream.write(`\r\x1b[K${text}\n`);
      this.#lastDraw = -Infinity;
      this.#render();
    } else {
      this.#stream.write(`${text}\n`);
    }
  }

  /**
   * Shows the final state (with `postfix` merged in) and ends the bar's line. Closing a closed
   * bar does nothing, unless it brings new postfix values: the line is then written again with them
   * (a loop over progress() closes its bar when it ends; `close({ test })` after it still shows).
   */
  close(postfix?: Record<string, PostfixValue | undefined>): void {
    const changed = postfix !== undefined && this.#mergePostfix('ProgressBar.close', postfix);
    if (this.#closed) {
      if (changed && !this.#disabled) this.#stream.write(`${this.#fit(this.toString())}\n`);
      return;
    }
    this.#closed = true;
    this.#lineWaiting = false; // the final line below is that line, as of now
    if (this.#disabled) return;
    if (this.#tty) {
      this.#stream.write(`\r${this.#fit(this.toString())}\x1b[K\n`);
    } else if (this.#dirty) {
      this.#stream.write(`${this.toString()}\n`);
    }
    this.#dirty = false;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** The bar's current line: desc, bar, n/total, rate, elapsed<ETA, postfix. */
  toString(): string {
    const seconds = this.elapsed;
    const total = this.#total;
    const head: string[] = [];
    if (this.#desc) head.push(this.#desc);
    let time: string;
    if (total === undefined) {
      head.push(`${formatCount(this.#n)}/?`);
      time = formatTime(seconds);
    } else {
      const frac = total > 0 ? Math.min(1, this.#n / total) : 1;
      if (this.#width > 0) {
        const filled = Math.round(frac * this.#width);
        head.push('█'.repeat(filled) + '░'.repeat(this.#width - filled));
      }
      head.push(`${formatCount(this.#n)}/${formatCount(total)}`);
      const eta = frac >= 1 ? 0 : frac > 0 ? (seconds / frac) * (1 - frac) : Infinity;
      time = `${formatTime(seconds)}<${formatTime(eta)}`;
    }
    const postfix = [...this.#postfix].map(([k, v]) => `${k} ${formatPostfixValue(v)}`).join('  ');
    return [head.join(' '), formatRate(this.#items, seconds, this.unit), time, postfix].filter(Boolean).join('  ');
  }

  /** Cuts a terminal line to the terminal's width, so that `\r` redraws it in place. */
  #fit(line: string): string {
    const cols = this.#tty ? this.#stream.columns : undefined;
    return cols && cols > 1 && line.length >= cols ? line.slice(0, cols - 1) : line;
  }

  /** Draws the line if it is due (close() writes the final one); in a log, `waitForPostfix` leaves a due line for the step's setPostfix. */
  #render(waitForPostfix = false): void {
    if (this.#disabled || this.#closed) return;
    const now = performance.now();
    if (this.#tty) {
      if ((now - this.#lastDraw < this.#minInterval * 1000 || this.#stream.writableNeedDrain)) return;
      this.#lastDraw = now;
      this.#stream.write(`\r${this.#fit(this.toString())}\x1b[K`);
      return;
    }
    // A log: a line when the next multiple of logEvery is passed, or logInterval seconds after the last.
    if (this.#n === 0) return;
    let due = now - this.#lastDraw >= this.#logInterval * 1000;
    if (this.#total !== undefined) {
      const frac = this.#total > 0 ? Math.min(1, this.#n / this.#total) : 1;
      const mark = Math.floor(frac * (1 / this.#logEvery) + 1e-9);
      if (mark > this.#lastMark) {
        this.#lastMark = mark;
        due = true;
      }
    }
    if (due) {
      this.#lastDraw = now;
      if (waitForPostfix) {
        this.#lineWaiting = true;
        return;
      }
      this.#dirty = false;
      this.#stream.write(`${this.toString()}\n`);
    }
  }

  /** Wires the bar to what progress() wraps. */
  protected wrap(source: Iterable<T> | AsyncIterable<T>, items: ((element: T) => number) | undefined): void {
    this.#source = source;
    this.#itemsOf = items;
  }

  #take(sync: boolean): Iterable<T> | AsyncIterable<T> {
    if (this.#source === undefined) {
      throw new ValueError('ProgressBar: nothing to iterate: this bar is driven by hand (update, close); to wrap an iterable, use progress(iterable, options)');
    }
    if (sync && !isIterable(this.#source)) {
      throw new ValueError('progress: the wrapped iterable is asynchronous (a DataLoader, an async generator): iterate it with for await (…)');
    }
    if (this.#iterated) throw new ValueError('ProgressBar: already iterated; make a bar per pass: for await (const b of progress(loader, { desc }))');
    this.#iterated = true;
    if (this.#n === 0) this.#start = performance.now();
    return this.#source;
  }

  #count(element: T): number {
    if (!this.#itemsOf) return 1;
    const k = this.#itemsOf(element);
    return checkNumber('progress', 'items(element)', k, (x) => Number.isFinite(x) && x >= 0, 'to return a non-negative finite number');
  }

  /** Iterates what progress() wraps, one step per element, and closes the bar when the loop ends (or is left). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const source = this.#take(false);
    try {
      for await (const element of source) {
        const k = this.#count(element); // before the body, which may dispose the element
        yield element;
        this.update(1, k);
      }
    } finally {
      this.close();
    }
  }

  /** The same, synchronously, for a synchronous iterable (an array, a Set, a generator). */
  protected *iterateSync(): Generator<T, void, undefined> {
    const source = this.#take(true) as Iterable<T>;
    try {
      for (const element of source) {
        const k = this.#count(element);
        yield element;
        this.update(1, k);
      }
    } finally {
      this.close();
    }
  }
}

/** What progress() returns for a synchronous iterable: a bar that `for … of` iterates too. */
export class SyncProgressBar<T> extends ProgressBar<T> implements Iterable<T> {
  [Symbol.iterator](): Generator<T, void, undefined> {
    return this.iterateSync();
  }
}

/** Makes the bar that progress() returns (the iterable is wired through the protected wrap()). */
class WrappingBar<T> extends SyncProgressBar<T> {
  static where = 'progress';
  constructor(source: Iterable<T> | AsyncIterable<T>, options: ProgressBarOptions, items: ((element: T) => number) | undefined) {
    super(options);
    this.wrap(source, items);
  }
}
Object.defineProperty(WrappingBar, 'name', { value: 'ProgressBar' }); // as errors and traps name it

// tqdm's method names (bar.set_postfix(…), bar.set_description(…)) are refused naming ours.
trapPyTorchSpellings([ProgressBar, SyncProgressBar, WrappingBar], { set_description: "desc (a property: bar.desc = '…')" });

const isIterable = (v: unknown): v is Iterable<unknown> => v != null && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => v != null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/**
 * Wraps an iterable or async iterable in a progress bar (PyTorch users' tqdm):
 *
 *     for await (const batch of progress(loader, { desc: 'epoch 1' })) { … }
 *
 * The total is `options.total`, else the iterable's `length` (a DataLoader's batches, an array)
 * or `size` (a Set, a Map); without one the bar shows count, rate and time. Each element is a
 * step, counted once the loop body has run; the bar closes when the loop ends, breaks or throws.
 * The returned bar takes setPostfix({ loss }) and write(text) inside the loop.
 */
export function progress<T>(iterable: Iterable<T>, options?: ProgressOptions<T>): SyncProgressBar<T>;
export function progress<T>(iterable: AsyncIterable<T>, options?: ProgressOptions<T>): ProgressBar<T>;
export function progress<T>(iterable: Iterable<T> | AsyncIterable<T>, options: ProgressOptions<T> = {}): ProgressBar<T> {
  const where = 'progress';
  if (!isIterable(iterable) && !isAsyncIterable(iterable)) {
    const v = iterable as unknown as { length?: unknown; get?: unknown } | null | undefined;
    const hint = v != null && typeof v.get === 'function' && typeof v.length === 'number'
      ? ': a Dataset is not iterable; wrap a DataLoader over it (new DataLoader(dataset, { batchSize }))'
      : '';
    throw new ValueError(`${where}: iterable expected an iterable or async iterable (a DataLoader, an array, a generator), got ${got(iterable)}${hint}`);
  }
  checkProgressOptions(where, options, [...BAR_OPTIONS, 'items']);
  const { items, ...barOptions } = options;
  if (items !== undefined && typeof items !== 'function') throw new ValueError(`${where}: items expected a function (element) => number, got ${got(items)}`);
  if (barOptions.total === undefined) {
    const { length, size } = iterable as { length?: unknown; size?: unknown };
    const known = typeof length === 'number' ? length : typeof size === 'number' ? size : undefined;
    if (known !== undefined && Number.isFinite(known) && known >= 0) barOptions.total = known;
  }
  return new WrappingBar(iterable, barOptions, items);
}
