import { describe, expect, it } from 'vitest';
import { measure, quickSpec, timingFromSamples, checkSpec, type Clock } from '../src/timing.js';

/** A fake clock that advances only when the workload says so. */
function fakeClock() {
  let now = 0;
  const clock: Clock = () => now;
  return { clock, advance: (ms: number) => (now += ms) };
}

describe('measure', () => {
  it('runs warm-up repetitions untimed, then reps x inner calls, one sample per repetition', async () => {
    const { clock, advance } = fakeClock();
    const calls: number[] = [];
    let call = 0;
    // The first three calls (one warm-up repetition of 3) are slow, as a JIT would be.
    const t = await measure({ run: (i) => (calls.push(i), advance(call++ < 3 ? 100 : 2)) }, { warmup: 1, reps: 4, inner: 3 }, clock);
    expect(calls).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(t.samples).toEqual([2, 2, 2, 2]); // per call, warm-up excluded
    expect(t.median).toBe(2);
    expect(t.n).toBe(4);
    expect(t.unit).toBe('ms');
  });

  it('counts queued work: sync is inside the timed region, after() is not', async () => {
    const { clock, advance } = fakeClock();
    const order: string[] = [];
    const t = await measure(
      {
        run: () => (order.push('run'), advance(1)),
        sync: async () => (order.push('sync'), advance(9)),
        after: () => (order.push('after'), advance(1000)),
      },
      { warmup: 0, reps: 2, inner: 2 },
      clock,
    );
    expect(order).toEqual(['run', 'run', 'sync', 'after', 'run', 'run', 'sync', 'after']);
    expect(t.samples).toEqual([(1 + 1 + 9) / 2, (1 + 1 + 9) / 2]);
  });

  it('awaits a promise returned by run before the next call', async () => {
    const { clock, advance } = fakeClock();
    let inFlight = 0;
    let maxInFlight = 0;
    await measure(
      {
        run: async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 1));
          advance(1);
          inFlight--;
        },
      },
      { warmup: 1, reps: 3, inner: 2 },
      clock,
    );
    expect(maxInFlight).toBe(1);
  });

  it('takes the median, so one slow repetition does not move the figure', async () => {
    const { clock, advance } = fakeClock();
    const per = [5, 5, 500, 5, 5];
    let rep = 0;
    const t = await measure({ run: () => advance(per[rep++]) }, { warmup: 0, reps: 5, inner: 1 }, clock);
    expect(t.median).toBe(5);
    expect(t.max).toBe(500);
  });

  it('warms up for at least warmupMs as well as for `warmup` repetitions', async () => {
    const { clock, advance } = fakeClock();
    let calls = 0;
    const t = await measure({ run: () => (calls++, advance(10)) }, { warmup: 1, reps: 2, inner: 1, warmupMs: 45 }, clock);
    expect(calls).toBe(5 + 2); // 5 warm-up calls reach 50 ms >= 45 ms, then 2 timed
    expect(t.n).toBe(2);
  });

  it('refuses bad specs', async () => {
    expect(() => checkSpec({ warmup: -1, reps: 1, inner: 1 })).toThrow(/warmup/);
    expect(() => checkSpec({ warmup: 0, reps: 0, inner: 1 })).toThrow(/reps/);
    await expect(measure({ run: () => {} }, { warmup: 0, reps: 1, inner: 1.5 })).rejects.toThrow(/inner/);
  });
});

describe('specs and samples from elsewhere', () => {
  it('quick mode cuts repetitions but keeps enough for a median', () => {
    expect(quickSpec({ warmup: 3, reps: 10, inner: 2000, warmupMs: 500 }, true)).toEqual({ warmup: 2, reps: 4, inner: 1000, warmupMs: 500 });
    expect(quickSpec({ warmup: 1, reps: 3, inner: 1 }, true)).toEqual({ warmup: 1, reps: 3, inner: 1 });
    const full = { warmup: 3, reps: 10, inner: 1 };
    expect(quickSpec(full, false)).toBe(full);
  });

  it('python samples get the same statistics', () => {
    const t = timingFromSamples([3, 1, 2], { warmup: 1, reps: 3, inner: 1 });
    expect(t.median).toBe(2);
    expect(t.samples).toEqual([3, 1, 2]);
  });
});
