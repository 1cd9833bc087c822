import { describe, expect, it } from 'vitest';
import { SCOPE_OPAQUE, enableGrad, isGradEnabled, noGrad, withGradEnabled, add, backends, cat, crossEntropy, emptyCache, indexSelect, l1Loss, mseLoss, memory, mul, resetPeakMemoryStats, nonzero, ones, randn, relu, scope, sum, tensor, zeros, type Tensor } from '../src/index.js';

describe('creation and reading', () => {
  it('makes tensors from nested arrays and TypedArrays and reads them back', async () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(Array.from(await a.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const b = tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(b.dtype).toBe('int32');
    expect(await b.array()).toEqual([[1, 2], [3, 4]]);
    expect(await tensor(7).item()).toBe(7);
    expect(tensor([true, false]).arraySync()).toEqual([true, false]);
    expect(tensor([1n, -2n]).dtype).toBe('int64');
  });

  it('prints like PyTorch', () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32)');
    expect(zeros([2000]).toString()).toContain('...');
  });
});

describe('reads of finished values (Note [reads of finished values])', () => {
  // Settled within microtasks: no turn of the event loop, so no trip through the thread pool
  // (a user trial's RL action step cost 4× PyTorch's on that hop).
  const settlesInMicrotasks = async (p: Promise<unknown>) => {
    let settled = false;
    p.then(() => (settled = true), () => (settled = true));
    for (let i = 0; i < 20 && !settled; i++) await Promise.resolve();
    return settled;
  };

  const turn = () => new Promise((r) => setImmediate(r));
  // A read task hands its value back a moment before its stream marks itself idle.
  const settle = () => new Promise((r) => setTimeout(r, 5));

  it('a small value already computed settles at once, with its value or its kernel error', async () => {
    const y = sum(mul(tensor([1, 2, 3]), 2));
    await y.item(); // whatever earlier tests left queued has run by now
    await settle();
    expect(await settlesInMicrotasks(y.item())).toBe(true);
    expect(await y.item()).toBe(12);
    // Too large to run inline, the bad op marks its (one-element) output instead of throwing at
    // the call; a read of a later op waits until it has run.
    const n = 4096;
    const bad = crossEntropy(zeros([n, 10]), tensor(Array.from({ length: n }, (_, i) => BigInt(i === 7 ? 12 : i % 10)), { dtype: 'int64' }));
    await add(ones([512, 512]), 1).data();
    await settle();
    const read = bad.data();
    expect(await settlesInMicrotasks(read)).toBe(true);
    await expect(read).rejects.toThrow(/out of range/);
  });

  it('reads at once give the event loop a turn at least every 16 reads (an L-BFGS step never yielded)', async () => {
    const y = sum(tensor([1, 2, 3]));
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    await turn();
    setImmediate(tick);
    for (let i = 0; i < 320; i++) await y.item();
    running = false;
    expect(turns).toBeGreaterThanOrEqual(Math.floor(320 / 17) - 1); // a turn per 17 reads, give or take the first and last
  });

  it('a large value still goes through the thread pool, and the value is right', async () => {
    const big = add(ones([512, 512]), 1);
    const read = big.data();
    expect(await settlesInMicrotasks(read)).toBe(false);
    expect((await read)[512 * 512 - 1]).toBe(2);
  });
});

describe('creation from JS data (found by a user trial)', () => {
  it('takes rows that are typed arrays (a replay buffer of Float32Array states)', () => {
    const t = tensor([Float32Array.of(1, 2), Float32Array.of(3, 4), [5, 6]]);
    expect([t.shape, Array.from(t.dataSync())]).toEqual([[3, 2], [1, 2, 3, 4, 5, 6]]);
    expect(() => tensor([Float32Array.of(1, 2), Float32Array.of(3)])).toThrow(/^tensor: ragged nested array at data\[1\] \(expected length 2, got 1\)$/);
  });

  it("noGrad without a function says what to write (PyTorch's with-block)", () => {
    expect(() => (noGrad as (f?: unknown) => unknown)()).toThrow(/^noGrad: expected the code to run as a function, noGrad\(\(\) => …\) \(PyTorch's with-block\), got nothing$/);
  });

  it("enableGrad and withGradEnabled are PyTorch's enable_grad and set_grad_enabled, async work included", async () => {
    const x = ones([2], { requiresGrad: true });
    const recorded = (y: Tensor) => y.requiresGrad;
    expect(noGrad(() => enableGrad(() => recorded(x.mul(2))))).toBe(true);
    expect(noGrad(() => recorded(x.mul(2)))).toBe(false);
    expect(withGradEnabled(false, () => recorded(x.mul(2)))).toBe(false);
    expect(noGrad(() => withGradEnabled(true, () => isGradEnabled()))).toBe(true);
    const later = await withGradEnabled(false, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return isGradEnabled();
    });
    expect(later).toBe(false);
    expect(() => (enableGrad as (f?: unknown) => unknown)(3)).toThrow(/^enableGrad: expected the code to run as a function/);
  });

  it('takes every TypedArray, in the dtype that holds its values', () => {
    scope(() => {
      const dtypeAndValues = (t: Tensor) => [t.dtype, Array.from(t.dataSync(), Number)];
      expect(dtypeAndValues(tensor(new Float64Array([1.5, -2])))).toEqual(['float32', [1.5, -2]]);
      expect(dtypeAndValues(tensor(new Int16Array([1, -2])))).toEqual(['int32', [1, -2]]);
      expect(dtypeAndValues(tensor(new Uint32Array([4e9])))).toEqual(['int64', [4e9]]);
      expect(dtypeAndValues(tensor(new Uint8ClampedArray([7])))).toEqual(['uint8', [7]]);
    });
  });

  it('refuses values out of an integer dtype’s range instead of wrapping them', () => {
    expect(() => tensor([300], { dtype: 'uint8' })).toThrow(/^tensor: element 0 \(300\) cannot be converted to uint8 without overflow$/);
    expect(() => tensor([1, 2 ** 31], { dtype: 'int32' })).toThrow(/^tensor: element 1 \(2147483648\) cannot be converted to int32 without overflow$/);
    expect(() => tensor([Number.NaN], { dtype: 'int64' })).toThrow(/cannot be converted to int64 without overflow/);
    expect(() => tensor(new BigUint64Array([2n ** 64n - 1n]))).toThrow(/cannot be converted to int64 without overflow/);
    expect(Array.from(tensor([1.7, -1.7], { dtype: 'int32' }).dataSync())).toEqual([1, -1]); // truncation, as PyTorch
  });

  it('refuses a tensor as data, gradients on integers, and a size() dim out of range', () => {
    scope(() => {
      expect(() => tensor(tensor([1]) as never)).toThrow(/^tensor: data is already a Tensor/);
      expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(/^requiresGrad_: only float32 tensors can require gradients, got int32$/);
      expect(() => tensor([[1, 2]]).size(2)).toThrow(/^size: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
      expect(tensor([[1, 2]]).size(-1)).toBe(2);
    });
  });
});

describe('ops end to end', () => {
  it('an op with more arguments than the reused call buffer holds grows it (Note [one buffer per call])', async () => {
    const parts = Array.from({ length: 600 }, (_, i) => tensor([[i, i + 0.5]]));
    const c = cat(parts, 0);
    expect(c.shape).toEqual([600, 2]);
    const d = await c.data();
    expect([d[0], d[1], d[1198], d[1199]]).toEqual([0, 0.5, 599, 599.5]);
    expect(await add(tensor([1]), tensor([2])).item()).toBe(3); // and small ops still read it right
    for (const t of [...parts, c]) t.dispose();
  });

  it('add, mul, sum with broadcasting and autograd', async () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const b = tensor([10, 20, 30], { requiresGrad: true });
    const loss = sum(mul(add(a, b), a));
    expect(await loss.item()).toBe(551);
    loss.backward();
    expect(a.grad!.arraySync()).toEqual([[12, 24, 36], [18, 30, 42]]);
    expect(b.grad!.arraySync()).toEqual([5, 7, 9]);
  });

  it('accumulates leaf gradients over two backward passes', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    sum(mul(w, w)).backward();
    sum(mul(w, 3)).backward();
    expect(w.grad!.arraySync()).toEqual([5, 7]);
  });

  it('refuses a second backward through a freed graph', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = sum(mul(w, w));
    y.backward();
    expect(() => y.backward()).toThrowError(/already freed/);
  });
});

describe('memory', () => {
  it('the cpu cache gives back blocks not reused for a while (Note [host caching allocator])', async () => {
    const { addon } = await import('@nutshell/native');
    addon().control(0, 'cacheIdleMs', '{"ms": 100}');
    try {
      await scope(async () => {
        const big = add(ones([16 * 2 ** 18]), 1); // 16 MiB, cached when freed
        await big.data();
      });
      const held = memory().reservedBytes;
      await new Promise((r) => setTimeout(r, 300));
      await add(ones([8]), 1).data(); // an allocation looks for idle blocks
      expect(held - memory().reservedBytes).toBeGreaterThanOrEqual(16 * 2 ** 20);
    } finally {
      addon().control(0, 'cacheIdleMs', '{"ms": 5000}');
    }
  });

  it('scope disposes what it does not return, and memory() sees it', () => {
    const before = memory().liveTensors;
    const kept = scope(() => {
      const x = ones([100]);
      const y = add(x, x);
      return mul(y, 2);
    });
    expect(memory().liveTensors).toBe(before + 1);
    kept.dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('scope keeps tensors held by a returned class instance, Set or Map, and walks no typed array', () => {
    class Packed {
      constructor(readonly padded: Tensor, readonly lengths: Int32Array) {}
    }
    const before = memory().liveTensors;
    const { packed, set } = scope(() => ({ packed: new Packed(add(ones([3]), 1), new Int32Array(1 << 20)), set: new Set([ones([2])]), dropped: [ones([1])].length }));
    expect(packed.padded.isDisposed).toBe(false);
    expect([...set][0]!.isDisposed).toBe(false);
    expect(memory().liveTensors).toBe(before + 2);
    packed.padded.dispose();
    [...set][0]!.dispose();
    // Data properties only (a getter is not run), and classes marked opaque are not searched.
    let ran = false;
    class Lazy {
      readonly kept = ones([1]);
      get heavy(): number {
        ran = true;
        return 1;
      }
    }
    Object.defineProperty(Lazy.prototype, 'own', { get: () => (ran = true), enumerable: true });
    const lazy = scope(() => {
      const l = new Lazy();
      Object.defineProperty(l, 'ownGetter', { get: () => (ran = true), enumerable: true });
      return l;
    });
    expect(ran).toBe(false);
    expect(lazy.kept.isDisposed).toBe(false);
    lazy.kept.dispose();
    class Opaque {
      readonly [SCOPE_OPAQUE] = true;
      readonly t = ones([1]);
    }
    expect(scope(() => new Opaque()).t.isDisposed).toBe(true);
  });

  it('a training-like loop keeps memory flat', () => {
    const w = tensor([0.5, -0.5, 0.25], { requiresGrad: true });
    const x = tensor([1, 2, 3]);
    const step = () =>
      scope(() => {
        const loss = sum(mul(mul(w, x), w));
        loss.backward();
        w.grad!.dispose();
        w.grad = null;
      });
    for (let i = 0; i < 100; i++) step();
    const base = memory();
    for (let i = 0; i < 2000; i++) step();
    const after = memory();
    expect(after.liveTensors).toBe(base.liveTensors);
    expect(after.liveBytes).toBe(base.liveBytes);
  });
});

describe('a tensor is not a number', () => {
  it('refuses number conversions (loss > 1, Number(t)) but still prints in strings (a user trial)', () => {
    const t = tensor([0.5]);
    expect(() => Number(t)).toThrowError(/^Tensor: a \[1\] float32 tensor used as a number; read it with await t\.item\(\)/);
    expect(() => (t as unknown as number) > 1).toThrowError(/used as a number/);
    expect(`${t}`).toBe(String(t));
    expect('loss ' + t).toContain('0.5');
  });

  it('nor is it JSON: JSON.stringify names the read to use instead of writing the internals (a serving trial)', () => {
    expect(() => JSON.stringify({ logits: tensor([[1, 2]]) })).toThrowError(/^Tensor: JSON\.stringify got a \[1,2\] float32 tensor; read its values first \(await t\.array\(\)/);
  });

  it('nor is the promise item() returns (Note [item is a promise]): total += loss.item() built "0[object Promise]"', async () => {
    const t = tensor([0.5]);
    let total = 0;
    expect(() => (total += t.item() as unknown as number)).toThrowError(/^item: returns a Promise, used here as a value; read the number with await t\.item\(\), or t\.itemSync\(\)/);
    expect(() => (t.item() as unknown as number) < 1).toThrowError(/item: returns a Promise/);
    expect(() => `${t.item()}`).toThrowError(/item: returns a Promise/);
    expect(total).toBe(0);
    // Still an ordinary promise to await and chain; then() hands out plain promises.
    expect(await t.item()).toBe(0.5);
    const chained = t.item().then((v) => v * 2);
    expect(Object.getPrototypeOf(chained)).toBe(Promise.prototype);
    expect(await chained).toBe(1);
    // At the call, not as a rejected promise (which went unhandled when the call was refused as a number).
    expect(() => tensor([1, 2]).item()).toThrowError(/item: expected a tensor with one element, got shape \[2\]/);
  });
});

describe('peak memory', () => {
  it('resetPeakMemoryStats starts the peak over from what is live (a VAE trial wanted the peak of one phase)', () => {
    resetPeakMemoryStats();
    const start = memory();
    expect(start.peakBytes).toBe(start.liveBytes);
    const big = zeros([1 << 20]); // 4 MiB
    big.dispose();
    const after = memory();
    expect(after.peakBytes).toBeGreaterThanOrEqual(start.liveBytes + 4 * (1 << 20));
    resetPeakMemoryStats('cpu');
    expect(memory().peakBytes).toBe(memory().liveBytes);
    expect(() => resetPeakMemoryStats('tpu' as never)).toThrowError(/^resetPeakMemoryStats: expected 'cpu', 'cuda' or 'cuda:N', got "tpu"/);
  });

  it('a chain of queued ops holds the blocks it uses, not one per queued op (Note [deferred host memory])', async () => {
    const x = randn([1 << 20]); // 4 MiB: queued, not inline
    await x.data();
    resetPeakMemoryStats();
    const base = memory().liveBytes;
    let last = relu(x);
    for (let i = 0; i < 100; i++) {
      const next = relu(last);
      last.dispose();
      last = next;
    }
    expect(memory().liveBytes).toBe(base + 4 * (1 << 20));
    // Taking bytes at the call held 100 × 4 MiB until the worker caught up.
    expect(memory().peakBytes).toBeLessThanOrEqual(base + 3 * 4 * (1 << 20));
    last.dispose();
    x.dispose();
  });
});

describe('bad input', () => {
  it('names op, argument, expected and got', () => {
    expect(() => tensor([[1, 2], [3]])).toThrowError(/tensor: ragged nested array at data\[1\] \(expected length 2, got 1\)/);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrowError(/tensor: data has 3 elements but shape \[2,2\] needs 4/);
    expect(() => tensor([1], { dtype: 'float64' as never })).toThrowError(/tensor: expected a dtype .* got "float64"/);
    expect(() => tensor([1], { device: 'tpu' })).toThrowError(/tensor: expected 'cpu', 'cuda' or 'cuda:N', got "tpu"/);
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrowError(/add: shapes \[2\] and \[3\] cannot be broadcast/);
    const t = tensor([1]);
    t.dispose();
    expect(() => t.dataSync()).toThrowError(/dataSync: tensor \[1\] float32 has been disposed/);
    expect(() => add(t, t)).toThrowError(/add: argument 'input'.*disposed/);
  });

  it('an error raised in native code prints under its class name (its stack says ValueError, not Error)', () => {
    scope(() => {
      let caught: Error | undefined;
      try {
        crossEntropy(randn([2, 3]), tensor([0n, 7n]));
      } catch (e) {
        caught = e as Error;
      }
      expect(caught?.name).toBe('ValueError');
      expect(caught?.stack?.split('\n')[0]).toMatch(/^ValueError: crossEntropy: target 7 at position 1 is out of range/);
    });
  });

  it('a cuda tensor on a machine without cuda is a DeviceError that says why', () => {
    const info = backends().cuda;
    if (info.available) return;
    expect(() => tensor([1], { device: 'cuda' })).toThrowError(expect.objectContaining({ name: 'DeviceError', message: expect.stringContaining('cuda backend unavailable') }));
  });
});

describe('event loop', () => {
  it('a long op does not stop timers from firing', async () => {
    const big = ones([4000, 4000]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = Date.now();
    const results: Tensor[] = [];
    for (let i = 0; i < 20; i++) results.push(sum(mul(big, big), { dim: 1 }));
    const enqueueMs = Date.now() - t0;
    await results[results.length - 1].data();
    clearInterval(timer);
    // Enqueueing 20 ops over 16M elements returns at once; the timer kept firing while they ran.
    expect(enqueueMs).toBeLessThan(200);
    expect(ticks).toBeGreaterThan(5);
  });
});

describe('explicit resource management', () => {
  it('`using` disposes a tensor at the end of its block', () => {
    const before = memory().liveTensors;
    {
      using t = ones([10]);
      expect(t.isDisposed).toBe(false);
      expect(memory().liveTensors).toBe(before + 1);
    }
    expect(memory().liveTensors).toBe(before);
  });
});

describe('hints for the usual async and scope slips (found by a user trial)', () => {
  it('a Promise where a tensor belongs asks whether an await is missing', () => {
    scope(() => {
      const x = tensor([1, 2, 3]);
      const pending = nonzero(x);
      expect(() => indexSelect(x, 0, pending as never)).toThrow(/^indexSelect: argument 'index' expected a Tensor, got a Promise \(did you forget await\? nonzero, unique, maskedSelect and data\(\) resolve later\)$/);
    });
  });

  it('losses refuse a target that would broadcast the input, and say float class indices must be integers', () => {
    scope(() => {
      expect(() => mseLoss(tensor([[1], [2], [3], [4]]), tensor([1, 2, 3, 4]))).toThrow(
        /^mseLoss: target \[4\] would broadcast input \[4,1\] to \[4,4\], comparing every input with every target; give them one shape \(e.g. target.reshape\(\[4,1\]\)\)$/,
      );
      expect(() => l1Loss(tensor([1, 2]), tensor([[1], [2]]))).toThrow(/^l1Loss: target \[2,1\] would broadcast input \[2\] to \[2,2\]/);
      expect(mseLoss(tensor([[1, 2], [3, 4]]), tensor([1, 2])).itemSync()).toBe(2); // a target row for every sample: fine
      expect(() => crossEntropy(randn([3, 4]), tensor([0, 2, 1]))).toThrow(/; class indices must be int64 \(tensor\(\[\.\.\.\], \{ dtype: 'int64' \}\)\)$/);
    });
  });

  it('creation functions name themselves when refusing a shape, and say sizes go in one array', () => {
    expect(() => zeros([2.5, 2])).toThrow(/^zeros: shape expected an array of non-negative integers, got \[2.5,2\]$/);
    expect(() => zeros(2 as never, 3 as never)).toThrow(/^zeros: shape expected an array of sizes, got 2 \(sizes go in one array: zeros\(\[2, …\]\)\)$/);
    expect(() => ones([1e9, 1e2])).toThrow(/^ones: output \[1000000000,100\] float32 would need 400000000000 bytes, more than the \d+ bytes of memory this process may use$/);
  });

  it('data in shared memory is copied; a transferred (detached) buffer is refused, not read as empty', () => {
    scope(() => {
      const shared = new Float32Array(new SharedArrayBuffer(12));
      shared[2] = 5;
      expect(Array.from(tensor(shared).dataSync())).toEqual([0, 0, 5]);
      const bytes = Buffer.from(new SharedArrayBuffer(2)); // a Buffer's slice would still share it
      bytes[1] = 7;
      expect(Array.from(tensor(bytes).dataSync())).toEqual([0, 7]);
      const moved = new Float32Array(4);
      structuredClone(moved.buffer, { transfer: [moved.buffer] });
      expect(() => tensor(moved)).toThrow(/^tensor: data's buffer has been transferred \(detached\): it holds nothing any more$/);
      expect(tensor(new Float32Array(0)).shape).toEqual([0]);
    });
  });

  it('memory({ wait: false }) reads the counts without waiting for queued work', () => {
    scope(() => {
      const a = randn([1024, 1024]);
      for (let k = 0; k < 5; k++) a.matmul(a);
      const start = performance.now();
      const now = memory('cpu', { wait: false });
      expect(performance.now() - start).toBeLessThan(50);
      expect(now.liveTensors).toBeGreaterThan(0);
      expect(() => memory('cpu', { sync: false } as never)).toThrow(/^memory: unknown option 'sync' \(it takes 'wait'\)$/);
    });
  });

  it("emptyCache('cuda') does nothing where cuda cannot run, as torch.cuda.empty_cache(); emptyCache() empties the cpu's cache too (user trial AM)", () => {
    if (!backends().cuda.available) expect(() => emptyCache('cuda')).not.toThrow();
    scope(() => {
      randn([1 << 20]); // 4 MiB, freed into the host cache at the scope's end
    });
    const cached = memory('cpu').reservedBytes; // live tensors of other tests count too
    emptyCache();
    expect(memory('cpu').reservedBytes).toBeLessThanOrEqual(cached - 4 * 2 ** 20);
  });

  it('a disposed tensor says a scope may have ended', () => {
    let kept: Tensor | undefined;
    scope(() => {
      kept = tensor([1]);
    });
    expect(() => kept!.dataSync()).toThrow(/has been disposed \(by dispose\(\), or by the end of the scope\(\) it was made in: return it from the scope or keep\(\) it to use it after\)$/);
  });
});
