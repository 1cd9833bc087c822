// Note [foreach steps]: the default foreach step (one call per group and device) against one call
// per parameter (foreach: false) — the same arithmetic, so the same bits — over parameters of
// several shapes, one of which gets its first gradient late (a first step inside a later step).
import { describe, expect, it } from 'vitest';
import { Generator, backends, noGrad, profile, randn, scope, tensor, type Tensor } from '@nutshell/tensor';
import * as optim from '../src/index.js';

type Make = (params: Tensor[], foreach: boolean) => optim.Optimizer<{ lr: number }>;
const configs: [string, Make][] = [
  ['SGD nesterov', (ps, foreach) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01, foreach })],
  ['SGD plain', (ps, foreach) => new optim.SGD(ps, { lr: 0.05, foreach })],
  ['Adam amsgrad', (ps, foreach) => new optim.Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1, foreach })],
  ['AdamW', (ps, foreach) => new optim.AdamW(ps, { lr: 0.01, foreach })],
  ['RMSprop centered momentum', (ps, foreach) => new optim.RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5, foreach })],
  ['Adagrad', (ps, foreach) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1, foreach })],
  ['NAdam', (ps, foreach) => new optim.NAdam(ps, { lr: 0.01, weightDecay: 0.1, foreach })],
  ['RAdam decoupled', (ps, foreach) => new optim.RAdam(ps, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true, foreach })],
  ['Adamax', (ps, foreach) => new optim.Adamax(ps, { lr: 0.01, weightDecay: 0.01, foreach })],
  ['Adadelta', (ps, foreach) => new optim.Adadelta(ps, { lr: 0.5, weightDecay: 0.01, foreach })],
];
const shapes = [[3, 4], [7], [2, 3, 5], [1], [64, 65]];

// Runs `steps` steps from fixed values and gradients; parameter 1 has no gradient before step 3.
function trajectory(make: Make, foreach: boolean, device: 'cpu' | 'cuda', count = shapes.length, steps = 6): Float32Array[] {
  return scope(() => {
    const ps = Array.from({ length: count }, (_, i) => randn(shapes[i % shapes.length], { generator: new Generator(100 + i), device, requiresGrad: true }));
    const opt = make(ps, foreach);
    for (let t = 0; t < steps; t++) {
      noGrad(() => {
        ps.forEach((p, i) => {
          p.grad?.dispose();
          p.grad = i === 1 && t < 2 ? null : randn(p.shape, { generator: new Generator(1000 * t + i), device });
        });
      });
      opt.step();
    }
    return ps.map((p) => p.dataSync() as Float32Array);
  });
}

const gpu = backends().cuda.available;

describe('foreach steps', () => {
  for (const [name, make] of configs) {
    it(`${name}: foreach gives the bits of one op per parameter`, () => {
      const a = trajectory(make, true, 'cpu');
      const b = trajectory(make, false, 'cpu');
      a.forEach((x, i) => expect(Array.from(x), `parameter ${i}`).toEqual(Array.from(b[i])));
    });

    it(`${name}: a model of 150 parameter tensors steps in chunks, as one op per parameter (found by a user trial: it failed)`, () => {
      const a = trajectory(make, true, 'cpu', 150, 2);
      const b = trajectory(make, false, 'cpu', 150, 2);
      a.forEach((x, i) => expect(Array.from(x), `parameter ${i}`).toEqual(Array.from(b[i])));
    });

    it.skipIf(!gpu)(`${name}: on cuda, 40 parameters (two launches of the multi-tensor kernel) match cpu`, () => {
      const onGpu = trajectory(make, true, 'cuda', 40, 3);
      const onCpu = trajectory(make, false, 'cpu', 40, 3);
      onGpu.forEach((x, i) => x.forEach((v, k) => expect(Math.abs(v - onCpu[i][k]), `parameter ${i} element ${k}`).toBeLessThan(1e-5 + 1e-5 * Math.abs(onCpu[i][k]))));
    });
  }

  it('one foreach call per group, more only where step counts differ', async () => {
    const ps = shapes.map((s, i) => randn(s, { generator: new Generator(i), requiresGrad: true }));
    const opt = new optim.Adam([{ params: ps.slice(0, 3) }, { params: ps.slice(3), lr: 0.1 }]);
    const setGrads = (except = -1) =>
      noGrad(() =>
        ps.forEach((p, i) => {
          p.grad?.dispose();
          p.grad = i === except ? null : tensor(new Float32Array(p.numel).fill(0.5), { shape: p.shape });
        }),
      );
    setGrads();
    const first = await profile(() => opt.step());
    expect(first.ops.find((r) => r.op === 'adamStepForeach')?.calls).toBe(2);
    expect(first.ops.find((r) => r.op === 'adamStep')).toBeUndefined();
    setGrads(4); // parameter 4 misses step 2: from then on its step count is its own
    await profile(() => opt.step());
    setGrads();
    const third = await profile(() => opt.step());
    expect(third.ops.find((r) => r.op === 'adamStepForeach')?.calls).toBe(3);
  });
});
