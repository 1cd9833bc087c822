// 10,000 malformed calls through the op table — wrong ranks and sizes, dtypes, argument counts,
// non-tensors, disposed inputs, negative or huge dimensions, wrong option types — and the process
// must survive every one, each refusal a NutshellError (never a TypeError, never an abort).
import { expect, it } from 'vitest';
import { Device, NutshellError, applyOn, dtypes, opTable, scope, tensor, type OpDecl, type Tensor } from '../src/index.js';
import { seededRandom } from '../src/testing/index.js';

const cpu = Device.of('cpu');

it('survives 10,000 malformed calls with NutshellErrors', () => {
  const rand = seededRandom(2024);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  // Huge values stay far above any machine's memory, so a call that accepts one is refused, not run.
  const weirdNumber = () => pick([0, 1, -1, 2, 3, -7, 0.5, NaN, Infinity, 1e15, -1e15, 2 ** 52, int(0, 6)]);

  const randomTensor = (): Tensor | unknown => {
    const roll = rand();
    if (roll < 0.04) return pick([null, undefined, 3, 'x', [1, 2], {}]);
    const rank = int(0, 5);
    const shape = Array.from({ length: rank }, () => int(0, 5));
    const n = shape.reduce((a, b) => a * b, 1);
    const dtype = pick(dtypes);
    const t = tensor(Array.from({ length: n }, () => (dtype === 'bool' ? int(0, 1) : dtype === 'uint8' ? int(0, 6) : int(-3, 3))), { shape, dtype });
    if (roll < 0.08) t.dispose();
    return t;
  };

  const randomAttr = (kind: unknown): unknown => {
    const roll = rand();
    if (roll < 0.15) return pick([null, 'nope', true, {}, -1, [NaN], [1e12, 1e12]]);
    if (Array.isArray(kind)) return roll < 0.8 ? pick(kind as string[]) : 'bogus';
    switch (kind) {
      case 'int': return roll < 0.7 ? int(-3, 8) : weirdNumber();
      case 'float': return roll < 0.7 ? rand() * 4 - 2 : weirdNumber();
      case 'bool': return roll < 0.8 ? rand() < 0.5 : 1;
      case 'ints': return Array.from({ length: int(0, 5) }, () => (rand() < 0.85 ? int(-2, 6) : weirdNumber()));
      case 'floats': return Array.from({ length: int(0, 4) }, () => rand() * 4 - 2);
    }
    return undefined;
  };

  let refused = 0, ran = 0;
  const unexpected: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const decl = pick(opTable) as OpDecl<any>;
    scope(() => {
      const count = decl.inputs.length + (rand() < 0.1 ? pick([-1, 1]) : 0);
      const inputs = Array.from({ length: Math.max(0, count) }, randomTensor) as Tensor[];
      const attrs: Record<string, unknown> = {};
      for (const [k, spec] of Object.entries(decl.attrs)) if (rand() < 0.7) attrs[k] = randomAttr((spec as { kind: unknown }).kind);
      if (rand() < 0.03) attrs.bogus = 1;
      try {
        const outs = applyOn(cpu, decl, inputs, attrs as never);
        for (const o of outs) o.dataSync(); // surfaces errors of queued kernels too
        ran++;
      } catch (err) {
        if (err instanceof NutshellError) refused++;
        else unexpected.push(`${decl.name}: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
      }
    });
  }
  expect(unexpected.slice(0, 20)).toEqual([]);
  expect(refused).toBeGreaterThan(5_000);
  expect(ran).toBeGreaterThan(100);
}, 120_000);
