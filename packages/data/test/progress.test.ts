// progress() and ProgressBar (PyTorch users' tqdm): the line (count, rate, time, ETA, postfix), a
// redrawn line on a terminal and plain lines in a log, the iterable wrapper over sync and async
// iterables of known and unknown length, closing on break and error, and the refusals.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValueError } from '@nutshell/tensor';
import { DataLoader, ProgressBar, progress, type Dataset } from '@nutshell/data';

/** A stream that records what is written; a terminal when `tty`. */
const sink = (tty = false, columns?: number) => {
  const writes: string[] = [];
  const stream = { isTTY: tty, columns, write: (s: string) => writes.push(s) };
  return { writes, stream, lines: () => writes.join('').split('\n').slice(0, -1) };
};

beforeEach(() => {
  vi.stubEnv('CI', ''); // the terminal tests need a terminal style; CI set means a log
  vi.useFakeTimers({ toFake: ['performance'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});
const advance = (seconds: number) => vi.advanceTimersByTime(seconds * 1000);

describe('ProgressBar', () => {
  it('shows step, rate, ETA and postfix, one line per tenth in a log', () => {
    const { writes, stream } = sink();
    const bar = new ProgressBar({ total: 100, desc: 'epoch 1', unit: 'img', stream });
    for (let i = 0; i < 100; i++) {
      advance(0.01);
      bar.setPostfix({ loss: 2 - i / 100, acc: i / 100 });
      bar.update(1, 64);
    }
    bar.close();
    expect(writes.length).toBe(11);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes[0]).toBe('epoch 1 ░░░░░░░░░░░░░░░░░░░░░░░░ 1/100  6400 img/s  0:00<0:00  loss 2  acc 0\n');
    expect(writes.at(-1)).toBe('epoch 1 ████████████████████████ 100/100  6400 img/s  0:01<0:00  loss 1.010  acc 0.9900\n');
    expect(writes[5]).toMatch(/^epoch 1 █{12}░{12} 50\/100 {2}6400 img\/s {2}0:00<0:00 {2}loss 1\.510 {2}acc 0\.4900\n$/);
  });

  it('a log line waits for the step\'s setPostfix when the loop updates first (user trial AK: lines showed the previous lr)', () => {
    const { writes, stream } = sink();
    const bar = new ProgressBar({ total: 4, stream, logEvery: 0.5, width: 0 });
    for (let i = 1; i <= 4; i++) {
      bar.update();
      bar.setPostfix({ step: i });
    }
    bar.close();
    // 1/4 is written before the loop's order is known; then each line carries its own step.
    const brief = (w: string) => [w.split('  ')[0], /step \d/.exec(w)?.[0]].filter(Boolean).join('  ');
    expect(writes.map(brief)).toEqual(['1/4', '2/4  step 2', '4/4  step 4']);
    const other = sink();
    const hand = new ProgressBar({ total: 4, stream: other.stream, logEvery: 0.5, width: 0 });
    for (let i = 1; i <= 3; i++) {
      hand.update();
      hand.setPostfix({ step: i });
    }
    hand.update(); // 4/4 waits for a setPostfix that does not come: close writes it
    expect(other.writes.length).toBe(2);
    hand.write('done');
    expect(other.writes.slice(2).map((w) => brief(w.trim()))).toEqual(['4/4  step 3', 'done']);
  });

  it('rate, elapsed and ETA from the clock; slow steps as seconds per step', () => {
    const { stream } = sink();
    const bar = new ProgressBar({ total: 200, stream, width: 10 });
    advance(30);
    bar.update(50);
    expect(bar.toString()).toBe('███░░░░░░░ 50/200  1.7 it/s  0:30<1:30'); // 2.5 cells round up
    advance(3600);
    bar.update(50);
    expect(bar.toString()).toBe('█████░░░░░ 100/200  36.3 s/it  1:00:30<1:00:30');
    expect(bar.n).toBe(100);
    expect(bar.total).toBe(200);
    expect(bar.elapsed).toBeCloseTo(3630);
  });

  it('postfix values: 4 significant digits, whole numbers and large values whole, strings as they are; merged, undefined removes', () => {
    const bar = new ProgressBar({ total: 1, stream: sink().stream, width: 0, postfix: { lr: 0.001 } });
    bar.setPostfix({ loss: 0.123456, step: 12, big: 1234.56, tiny: 1.23456e-7, nan: NaN, mode: 'warmup' });
    expect(bar.toString()).toMatch(/ {2}lr 0\.001000 {2}loss 0\.1235 {2}step 12 {2}big 1235 {2}tiny 1\.235e-7 {2}nan NaN {2}mode warmup$/);
    bar.setPostfix({ lr: 0.0005, tiny: undefined, big: undefined });
    expect(bar.postfix).toEqual({ lr: 0.0005, loss: 0.123456, step: 12, nan: NaN, mode: 'warmup' });
    expect(bar.toString()).toMatch(/ {2}lr 0\.0005000 {2}loss 0\.1235 {2}step 12 {2}nan NaN {2}mode warmup$/);
  });

  it('redraws one line on a terminal, at most every minInterval, and ends it on close', () => {
    const { writes, stream } = sink(true);
    const bar = new ProgressBar({ total: 10, desc: 'train', stream, width: 10 });
    expect(writes).toEqual(['\rtrain ░░░░░░░░░░ 0/10  ? it/s  0:00<--:--\x1b[K']); // drawn at once
    bar.update(); // within 0.1 s of the last draw: not drawn
    expect(writes.length).toBe(1);
    advance(0.2);
    bar.update();
    expect(writes.at(-1)).toBe('\rtrain ██░░░░░░░░ 2/10  10 it/s  0:00<0:00\x1b[K');
    bar.write('a message');
    expect(writes.slice(-2)).toEqual(['\r\x1b[Ka message\n', '\rtrain ██░░░░░░░░ 2/10  10 it/s  0:00<0:00\x1b[K']);
    bar.close({ loss: 0.5 });
    expect(writes.at(-1)).toBe('\rtrain ██░░░░░░░░ 2/10  10 it/s  0:00<0:00  loss 0.5000\x1b[K\n');
    const n = writes.length;
    bar.update();
    bar.close();
    expect(writes.length).toBe(n); // closed: nothing more
    expect(bar.closed).toBe(true);
  });

  it('a terminal line is cut to the terminal width; a backed-up stream skips redraws', () => {
    const { writes, stream } = sink(true, 30);
    const bar = new ProgressBar({ total: 10, desc: 'a long description', stream });
    expect(writes[0]).toBe('\ra long description ░░░░░░░░░░\x1b[K');
    (stream as { writableNeedDrain?: boolean }).writableNeedDrain = true;
    advance(1);
    bar.update();
    expect(writes.length).toBe(1);
    bar.close(); // the final line is written anyway
    expect(writes.length).toBe(2);
  });

  it('CI set means a log, even on a terminal', () => {
    vi.stubEnv('CI', 'true');
    const { writes, stream } = sink(true);
    const bar = new ProgressBar({ total: 4, stream });
    expect(writes).toEqual([]);
    bar.update();
    expect(writes.length).toBe(1);
    expect(writes[0]).not.toContain('\r');
  });

  it('a log: lines per logEvery; the final line only when something changed since the last', () => {
    const { writes, stream } = sink();
    const bar = new ProgressBar({ total: 8, stream, logEvery: 0.25 });
    for (let i = 0; i < 8; i++) bar.update();
    expect(writes.length).toBe(5); // 1/8 (the first step), 2/8, 4/8, 6/8, 8/8
    expect(writes.map((w) => w.split('  ')[0].split(' ').at(-1))).toEqual(['1/8', '2/8', '4/8', '6/8', '8/8']);
    bar.close();
    expect(writes.length).toBe(5);
    const other = sink();
    const bar2 = new ProgressBar({ total: 8, stream: other.stream });
    for (let i = 0; i < 8; i++) bar2.update();
    bar2.close({ test: 0.25 }); // new values: one more line with them
    expect(other.writes.length).toBe(9);
    expect(other.writes.at(-1)).toMatch(/8\/8 .* {2}test 0\.2500\n$/);
    bar2.close({ val: 1 }); // closed, but new values are still written
    expect(other.writes.length).toBe(10);
    expect(other.writes.at(-1)).toMatch(/test 0\.2500 {2}val 1\n$/);
  });

  it('unknown total: count, rate and time, no bar or ETA; a log line every logInterval seconds', () => {
    const { writes, stream } = sink();
    const bar = new ProgressBar({ desc: 'reading', unit: 'row', stream });
    for (let i = 0; i < 100; i++) {
      advance(1);
      bar.update(10);
    }
    // the first step, then every 30 s (at 31, 61 and 91 s)
    expect(writes).toEqual([
      'reading 10/?  10 row/s  0:01\n',
      'reading 310/?  10 row/s  0:31\n',
      'reading 610/?  10 row/s  1:01\n',
      'reading 910/?  10 row/s  1:31\n',
    ]);
    bar.close();
    expect(writes.at(-1)).toBe('reading 1000/?  10 row/s  1:40\n');
    const timed = sink();
    const known = new ProgressBar({ total: 1000, stream: timed.stream, logInterval: 5 });
    for (let i = 0; i < 20; i++) {
      advance(1);
      known.update();
    }
    expect(timed.writes.length).toBe(4); // 1, 6, 11, 16 s: no tenth was passed
  });

  it('disable writes nothing but still counts; using closes', () => {
    const { writes, stream } = sink(true);
    {
      using bar = new ProgressBar({ total: 3, stream, disable: true });
      bar.update(2);
      expect(bar.n).toBe(2);
    }
    expect(writes).toEqual([]);
    const log = sink();
    let kept: ProgressBar;
    {
      using bar = new ProgressBar({ total: 3, stream: log.stream });
      kept = bar;
    }
    expect(kept.closed).toBe(true);
    expect(log.writes).toEqual(['0/3  ? it/s  0:00<--:--\n'.replace(/^/, '░'.repeat(24) + ' ')]);
  });

  it('refuses bad options and arguments, naming the option, what was expected and what came', () => {
    const stream = sink().stream;
    const cases: [() => unknown, RegExp][] = [
      [() => new ProgressBar({ total: -1, stream }), /^ProgressBar: total expected a non-negative finite number \(leave it out when the length is unknown\), got -1$/],
      [() => new ProgressBar({ total: Infinity, stream }), /^ProgressBar: total expected a non-negative finite number .*, got Infinity$/],
      [() => new ProgressBar({ total: '10' as never, stream }), /^ProgressBar: total expected a non-negative finite number .*, got '10'$/],
      [() => new ProgressBar({ width: 2.5, stream }), /^ProgressBar: width expected a non-negative integer \(0: no bar\), got 2\.5$/],
      [() => new ProgressBar({ unit: '', stream }), /^ProgressBar: unit expected a non-empty string, got ''$/],
      [() => new ProgressBar({ desc: 3 as never, stream }), /^ProgressBar: desc expected a string, got 3$/],
      [() => new ProgressBar({ logEvery: 0, stream }), /^ProgressBar: logEvery expected a fraction of the total in \(0, 1\], got 0$/],
      [() => new ProgressBar({ logInterval: 0, stream }), /^ProgressBar: logInterval expected a positive number of seconds \(Infinity: never\), got 0$/],
      [() => new ProgressBar({ minInterval: -1, stream }), /^ProgressBar: minInterval expected a non-negative number of seconds, got -1$/],
      [() => new ProgressBar({ disable: 1 as never, stream }), /^ProgressBar: disable expected a boolean, got 1$/],
      [() => new ProgressBar({ stream: {} as never }), /^ProgressBar: stream expected a writable stream \(an object with write\(text\)\), got object$/],
      [() => new ProgressBar({ totl: 3 } as never), /^ProgressBar: unknown option 'totl' \(it takes 'total', 'desc', .*\); did you mean 'total'\?$/],
      [() => new ProgressBar({ label: 'x' } as never), /^ProgressBar: unknown option 'label' .*; did you mean 'desc'\?$/],
      [() => new ProgressBar({ file: stream } as never), /; did you mean 'stream'\?$/],
      [() => new ProgressBar({ min_interval: 1 } as never), /; did you mean 'minInterval'\?$/],
      [() => new ProgressBar({ total: 2, stream }).update(-1), /^ProgressBar\.update: n expected a non-negative finite number, got -1$/],
      [() => new ProgressBar({ total: 2, stream }).update(1, NaN), /^ProgressBar\.update: items expected a non-negative finite number, got NaN$/],
      [() => new ProgressBar({ stream }).setPostfix({ loss: Promise.resolve(1) } as never), /^ProgressBar\.setPostfix: postfix 'loss' expected a number or a string \(undefined removes it\), got a Promise \(await it first\)$/],
      [() => new ProgressBar({ stream }).setPostfix({ loss: { isTensor: true } } as never), /got a Tensor \(read it first: loss: await t\.item\(\)\)$/],
      [() => new ProgressBar({ stream }).setPostfix({ ok: true } as never), /postfix 'ok' expected a number or a string .*, got true$/],
      [() => new ProgressBar({ stream }).setPostfix(0.5 as never), /^ProgressBar\.setPostfix: postfix expected an object of numbers or strings \(\{ loss: 0\.25 \}\), got 0\.5$/],
      [() => new ProgressBar({ stream, postfix: { loss: null } as never }), /^ProgressBar: postfix 'loss' expected a number or a string .*, got null$/],
      [() => new ProgressBar({ stream }).close({ acc: [1] } as never), /^ProgressBar\.close: postfix 'acc' .*, got an array$/],
      [() => { new ProgressBar({ stream }).desc = 1 as never; }, /^ProgressBar\.desc: desc expected a string, got 1$/],
      [() => (new ProgressBar({ stream }) as unknown as { set_postfix: unknown }).set_postfix, /^ProgressBar\.set_postfix: this API spells it setPostfix$/],
      [() => (progress([1], { stream }) as unknown as { set_description: unknown }).set_description, /^ProgressBar\.set_description: this API spells it desc \(a property/],
    ];
    for (const [f, message] of cases) {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(ValueError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('progress(iterable)', () => {
  const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

  it('wraps a DataLoader: its length is the total; items per element give the rate; closes at the end', async () => {
    const { writes, stream } = sink();
    const loader = new DataLoader(range(10), { batchSize: 4, collate: (xs: number[]) => xs });
    const seen: number[][] = [];
    const bar = progress(loader, { desc: 'epoch 1', unit: 'sample', items: (b) => b.length, stream });
    expect(bar.total).toBe(3);
    for await (const batch of bar) {
      advance(1);
      seen.push(batch);
      bar.setPostfix({ last: batch.at(-1)! });
    }
    expect(seen).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(bar.closed).toBe(true);
    expect(bar.n).toBe(3);
    // 1/3 (the first step, a tenth 3), 2/3 (tenth 6), 3/3 (tenth 10); close adds nothing new
    expect(writes.map((w) => w.replace(/[█░]+ /, ''))).toEqual([
      'epoch 1 1/3  4.0 sample/s  0:01<0:02  last 3\n',
      'epoch 1 2/3  4.0 sample/s  0:02<0:01  last 7\n',
      'epoch 1 3/3  3.3 sample/s  0:03<0:00  last 9\n',
    ]);
    await loader.close();
  });

  it('an array with for…of and for await; a Set by its size; a generator of unknown length', async () => {
    const stream = sink().stream;
    const out: string[] = [];
    for (const x of progress(['a', 'b'], { stream })) out.push(x);
    for await (const x of progress(['c'], { stream })) out.push(x);
    const set = progress(new Set([1, 2, 3]), { stream });
    expect(set.total).toBe(3);
    function* gen() {
      yield 1;
      yield 2;
    }
    const g = progress(gen(), { stream });
    expect(g.total).toBeUndefined();
    expect([...g]).toEqual([1, 2]);
    expect(g.n).toBe(2);
    expect(g.toString()).toMatch(/^2\/\? {2}/);
    async function* agen() {
      yield 'd';
    }
    const a = progress(agen(), { stream, total: 5 });
    for await (const x of a) out.push(x);
    expect(a.toString()).toMatch(/ 1\/5 /);
    expect(out).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts a step once the body has run; break and errors close the bar and stop the source', async () => {
    const { writes, stream } = sink();
    const loader = new DataLoader(range(100), { batchSize: 10, collate: (xs: number[]) => xs });
    const bar = progress(loader, { stream });
    for await (const b of bar) {
      expect(bar.n).toBe(b[0] / 10); // not yet counted
      if (b[0] === 30) break;
    }
    expect(bar.closed).toBe(true);
    expect(bar.n).toBe(3);
    expect(writes.at(-1)).toMatch(/ 3\/10 /);
    let finished = false;
    function* source() {
      try {
        yield 1;
        yield 2;
      } finally {
        finished = true;
      }
    }
    const failing = progress(source(), { stream });
    expect(() => {
      for (const x of failing) if (x === 1) throw new Error('boom');
    }).toThrow('boom');
    expect(failing.closed).toBe(true);
    expect(finished).toBe(true);
  });

  it('refusals: not an iterable (a Dataset named), a second pass, for…of over an async source, a bar made by hand, bad items', async () => {
    const stream = sink().stream;
    expect(() => progress(range(3) as never)).toThrow(
      /^progress: iterable expected an iterable or async iterable \(a DataLoader, an array, a generator\), got object: a Dataset is not iterable; wrap a DataLoader over it/,
    );
    expect(() => progress(5 as never)).toThrow(/^progress: iterable expected .*, got 5$/);
    expect(() => progress([1], { total: -2, stream })).toThrow(/^progress: total expected a non-negative finite number/);
    expect(() => progress([1], { items: 2 as never, stream })).toThrow(/^progress: items expected a function \(element\) => number, got 2$/);
    expect(() => progress([1], { unit_scale: 2 } as never)).toThrow(/^progress: unknown option 'unit_scale' .*'items'/);
    expect(() => progress([1], { desk: 'x' } as never)).toThrow(/^progress: unknown option 'desk' \(it takes 'total', 'desc', .*'items'\); did you mean 'desc'\?$/);
    const once = progress([1, 2], { stream });
    expect([...once]).toEqual([1, 2]);
    expect(() => [...once]).toThrow(/^ProgressBar: already iterated; make a bar per pass/);
    async function* agen() {
      yield 1;
    }
    expect(() => {
      for (const _ of progress(agen(), { stream }) as unknown as Iterable<number>) void _;
    }).toThrow(/^progress: the wrapped iterable is asynchronous .*for await/);
    const loader = new DataLoader(range(3), { collate: (xs: number[]) => xs });
    expect(() => {
      for (const _ of progress(loader, { stream }) as unknown as Iterable<number[]>) void _;
    }).toThrow(/^DataLoader: iterate it with for await/); // the loader's own words
    const byHand = new ProgressBar({ stream });
    await expect(async () => {
      for await (const _ of byHand) void _;
    }).rejects.toThrow(/^ProgressBar: nothing to iterate: this bar is driven by hand .*progress\(iterable, options\)$/);
    const badItems = progress([1], { items: () => -1, stream });
    expect(() => [...badItems]).toThrow(/^progress: items\(element\) expected to return a non-negative finite number, got -1$/);
  });
});
