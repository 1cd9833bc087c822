// ctcLoss against PyTorch's F.ctc_loss (fixtures from scripts/fixtures_ctc.py): losses and the
// gradient to the logits under log_softmax (Note [ctc as ops] in ops/table/composed-ctc.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, backends, ctcLoss, grad, logSoftmax, memory, mul, randn, scope, sum, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

interface Case {
  name: string;
  T: number;
  N: number;
  C: number;
  scale: number;
  targets: number[] | number[][];
  inputLengths: number[];
  targetLengths: number[];
  options: { blank?: number; reduction?: 'mean' | 'sum' | 'none'; zeroInfinity?: boolean };
  loss: number[];
  lossShape: number[];
  grad: number[];
}
// Non-finite values are stored as strings ('inf', 'nan').
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/ctc.json', import.meta.url), 'utf8'), (_k, v: unknown) => (v === 'inf' ? Infinity : v === 'nan' ? NaN : v)) as { cases: Case[] };

const seq = (shape: number[], scale: number): Tensor =>
  tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => scale * Math.sin(0.37 * i + 0.1)), { shape, requiresGrad: true });

describe('ctcLoss matches PyTorch', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      scope(() => {
        const logits = seq([c.T, c.N, c.C], c.scale);
        const loss = ctcLoss(logSoftmax(logits, 2), tensor(c.targets, { dtype: 'int64' }), c.inputLengths, c.targetLengths, c.options);
        expect(loss.shape).toEqual(c.lossShape);
        const got = Array.from(loss.dataSync());
        c.loss.forEach((want, i) => (Number.isFinite(want) ? expect(got[i]).toBeCloseTo(want, 4) : expect(got[i]).toBe(want)));
        sum(loss).backward();
        // PyTorch's gradient of an infinite loss is NaN; ours is 0 (where() sends none through the +∞ branch).
        expectClose(logits.grad!.dataSync(), c.grad.map((g) => (Number.isNaN(g) ? 0 : g)), 1e-5, 1e-4, 'grad');
      });
    });
  }

  it('takes tensors for the lengths, int32 targets and the unbatched form', () => {
    scope(() => {
      const c = fixtures.cases.find((k) => k.name === 'padded none')!;
      const logits = seq([c.T, c.N, c.C], c.scale);
      const lp = logSoftmax(logits, 2);
      const fromTensors = ctcLoss(lp, tensor(c.targets, { dtype: 'int32' }), tensor(c.inputLengths, { dtype: 'int64' }), tensor(c.targetLengths, { dtype: 'int32' }), { reduction: 'none' });
      expectClose(fromTensors.dataSync(), c.loss, 1e-5, 1e-5, 'tensor lengths');
      // The first sequence alone, unbatched.
      const lp0 = logSoftmax(seq([c.T, c.N, c.C], c.scale), 2).narrow(1, 0, 1).reshape([c.T, c.C]);
      const single = ctcLoss(lp0, tensor((c.targets as number[][])[0]!.slice(0, c.targetLengths[0]), { dtype: 'int64' }), c.inputLengths[0]!, c.targetLengths[0]!, { reduction: 'none' });
      expect(single.shape).toEqual([]);
      expect(single.dataSync()[0]).toBeCloseTo(c.loss[0]!, 4);
    });
  });

  it('second derivatives: the recursion written with ops gives the kernels\' first-order gradient, and differentiates again', () => {
    scope(() => {
      const c = fixtures.cases.find((k) => k.name === 'padded none')!;
      const logits = seq([c.T, c.N, c.C], c.scale);
      const loss = () => sum(ctcLoss(logSoftmax(logits, 2), tensor(c.targets, { dtype: 'int64' }), c.inputLengths, c.targetLengths, { reduction: 'none' }));
      const [plain] = grad(loss(), [logits]);
      const [withGraph] = grad(loss(), [logits], { createGraph: true });
      expectClose(withGraph!.dataSync(), plain!.dataSync(), 1e-5, 1e-4, 'composed first order');
      const [second] = grad(sum(mul(withGraph!, withGraph!)), [logits]);
      expect(second!.shape).toEqual([c.T, c.N, c.C]);
      expect(Array.from(second!.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('refuses bad arguments by name', () => {
    scope(() => {
      const lp = logSoftmax(randn([5, 2, 4]), 2);
      const tg = tensor([[1, 2], [3, 0]], { dtype: 'int64' });
      expect(() => ctcLoss(lp, tg, [5, 6], [2, 1])).toThrowError(/^ctcLoss: inputLengths\[1\] expected an integer from 0 to 5, got 6$/);
      expect(() => ctcLoss(lp, tg, [5, 5], [2])).toThrowError(/^ctcLoss: targetLengths expected 2 lengths \(one per sequence\), got 1$/);
      expect(() => ctcLoss(lp, tensor([[1.5]]), [5, 5], [1, 1])).toThrowError(DTypeError);
      // Concatenated targets with lengths as a tensor (what a collate function gives) = the padded form.
      const viaTensor = ctcLoss(lp, tensor([1, 2, 3], { dtype: 'int64' }), tensor([5, 5], { dtype: 'int64' }), tensor([2, 1], { dtype: 'int64' }), { reduction: 'none' });
      expectClose(viaTensor.dataSync(), ctcLoss(lp, tg, [5, 5], [2, 1], { reduction: 'none' }).dataSync(), 1e-6, 1e-6, '1-D with tensor lengths');
      expect(() => ctcLoss(lp, tensor([1, 2], { dtype: 'int64' }), [5, 5], [2, 1])).toThrowError(/^ctcLoss: 1-D targets expected at least 3 labels \(the sum of targetLengths\), got 2$/);
      // Lengths as bigints (an int64 read) or a BigInt64Array are numbers here; as tensors they are checked by the kernel.
      expectClose(ctcLoss(lp, tg, [5n, 5n] as never, BigInt64Array.from([2n, 1n]) as never, { reduction: 'none' }).dataSync(), ctcLoss(lp, tg, [5, 5], [2, 1], { reduction: 'none' }).dataSync(), 0, 0, 'bigints');
      const lengths = (il: number[], tl: number[], targets = tg) => () => ctcLoss(lp, targets, tensor(il, { dtype: 'int64' }), tensor(tl, { dtype: 'int64' }), { reduction: 'none' }).dataSync();
      expect(lengths([6, 5], [2, 1])).toThrowError(/ctcLoss: inputLengths\[0\] expected an integer from 0 to 5 \(the steps of logProbs\), got 6/);
      expect(lengths([-3, 5], [2, 1])).toThrowError(/ctcLoss: inputLengths\[0\] expected an integer from 0 to 5 \(the steps of logProbs\), got -3/);
      expect(lengths([5, 5], [3, 1])).toThrowError(/ctcLoss: targetLengths\[0\] expected an integer from 0 to 2 \(the width of targets\), got 3/);
      expect(lengths([5, 5], [2, 2], tensor([1, 2, 3], { dtype: 'int64' }))).toThrowError(/ctcLoss: targetLengths\[1\] expected at most the labels left in the 1-D targets \(3 in all\), got 2/);
      expect(() => ctcLoss(lp, tg, [5, 5], [2, 1], { blank: 4 })).toThrowError(/^ctcLoss: blank expected an integer from 0 to 3 \(the classes\), got 4$/);
      expect(() => ctcLoss(randn([5, 4]), tg, [5], [2])).toThrowError(ShapeError);
      expect(() => ctcLoss(lp, tg, [5, 5], [2, 1], { blank_index: 0 } as never)).toThrowError(ValueError);
      // Label values live on the device: checked by the kernel, refused at the call or the next read.
      const read = (t: Tensor) => () => ctcLoss(lp, t, [5, 5], [2, 1], { reduction: 'none' }).dataSync();
      expect(read(tensor([[1, 4], [3, 0]], { dtype: 'int64' }))).toThrowError(/ctcLoss: target 4 at \[0, 1\] is out of range for 4 classes/);
      expect(read(tensor([[1, 2], [0, 0]], { dtype: 'int64' }))).toThrowError(/ctcLoss: target 0 at \[1, 0\] is the blank/);
    });
  });

  it.runIf(backends().cuda.available)('on cuda: the kernels match cpu, and a bad label is refused at the read', () => {
    scope(() => {
      const c = fixtures.cases.find((k) => k.name === 'padded none')!;
      const run = (device: 'cpu' | 'cuda') => {
        const logits = seq([c.T, c.N, c.C], c.scale).to(device).detach().requiresGrad_();
        const loss = ctcLoss(logSoftmax(logits, 2), tensor(c.targets, { dtype: 'int64' }).to(device), c.inputLengths, c.targetLengths, { reduction: 'none' });
        sum(loss).backward();
        return { loss: loss.to('cpu').dataSync(), grad: logits.grad!.to('cpu').dataSync() };
      };
      const cpu = run('cpu');
      const cuda = run('cuda');
      expectClose(cuda.loss, cpu.loss, 1e-5, 1e-5, 'loss');
      expectClose(cuda.grad, cpu.grad, 1e-5, 1e-4, 'grad');
      const lp = logSoftmax(randn([5, 2, 4]), 2).to('cuda');
      const bad = ctcLoss(lp, tensor([[1, 4], [3, 0]], { dtype: 'int64' }).to('cuda'), [5, 5], [2, 1], { reduction: 'none' });
      expect(() => bad.dataSync()).toThrowError(/ctcLoss: target 4 at \[0, 1\] is out of range for 4 classes/);
      const long = ctcLoss(lp, tensor([1, 2, 3], { dtype: 'int64' }).to('cuda'), tensor([5, 6], { dtype: 'int64' }).to('cuda'), tensor([2, 1], { dtype: 'int64' }).to('cuda'), { reduction: 'none' });
      expect(() => long.dataSync()).toThrowError(/ctcLoss: inputLengths\[1\] expected an integer from 0 to 5 \(the steps of logProbs\), got 6/);
    });
  });

  it('leaves nothing behind', () => {
    const lp = logSoftmax(randn([8, 2, 4]), 2);
    const tg = tensor([[1, 2], [3, 0]], { dtype: 'int64' });
    scope(() => ctcLoss(lp, tg, [8, 8], [2, 1]).dataSync());
    const base = memory().liveTensors;
    for (let i = 0; i < 5; i++) scope(() => ctcLoss(lp, tg, [8, 8], [2, 1]).dataSync());
    expect(memory().liveTensors).toBe(base);
  });
});
