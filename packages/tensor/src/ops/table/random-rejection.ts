// Draws that take a variable number of uniforms: Gamma(α, 1) (torch._standard_gamma), Poisson(λ)
// (torch.poisson) and Binomial(n, p) (torch.binomial). Each element owns one Philox block of the generator's stream and
// draws its rejection attempts from counters no other op uses (Note [rejection sampling] in
// native/src/core/gamma_sampling.h), so values depend only on (seed, element): the same on every
// thread count and on both backends. A Gamma draw is differentiable w.r.t. α by implicit
// reparameterisation (Note [gamma reparameterisation]): Gamma, Beta, Dirichlet, Chi2 and StudentT
// rsample through it.
import { ShapeError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { broadcastShapes, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { tensorArg } from '../check-args.js';
import { defineOp, FLOAT, type TensorMeta } from '../declare.js';
import { expandAsFloat } from './shape.js';
import { NO_GOLDEN, checkSeeded, generatorOf, seededAttrs, type Generator, type Seeded } from './random.js';
import { createOptions } from './creation.js';

/** Philox draws reserved per element: one block (Note [rejection sampling]). */
const DRAWS_PER_ELEMENT = 4;

const sameFloat = (op: string) => ([x]: readonly TensorMeta[], a: Seeded) => {
  checkSeeded(op, a);
  return [{ shape: [...x.shape], dtype: 'float32' as const }];
};

/** Samples whose values are drawn, not compared: the gradient check cannot perturb a draw. */
const drawSamples = (values: number[]) => [
  { name: 'vector', inputs: [{ shape: [values.length], fill: values, noGrad: true }], attrs: { seed: 1, offset: 0 } },
  { name: 'matrix', inputs: [{ shape: [2, 3], fill: 'positive' as const, noGrad: true }], attrs: { seed: 2, offset: 8 } },
  { name: 'scalar', inputs: [{ shape: [], fill: [2.5], noGrad: true }], attrs: { seed: 3, offset: 4 } },
  { name: 'empty', inputs: [{ shape: [0, 3], fill: [], noGrad: true }], attrs: { seed: 4, offset: 0 } },
];

export const standardGammaGradOp = defineOp({
  name: 'standardGammaGrad',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'concentration', dtypes: FLOAT },
    { name: 'sample', dtypes: FLOAT },
  ],
  attrs: {},
  outputs: ([g]) => [{ shape: [...g.shape], dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  test: {
    // PyTorch's _standard_gamma_grad is a fitted approximation (off by up to 3 % in the tails);
    // the reference is the exact derivative, −(∂P/∂α)/p, from mpmath (scripts/torch_refs/random.py).
    goldenTolerance: 1e-5,
    samples: [
      {
        name: 'branches',
        inputs: [
          { shape: [8], fill: [1, 1, 1, 1, 1, 1, 1, 1] },
          { shape: [8], fill: [0.01, 0.3, 1, 2.5, 10, 100, 0.5, 1000] },
          { shape: [8], fill: [0.5, 0.05, 2, 1.25, 20, 95, 3e-5, 1100] },
        ],
      },
      {
        name: 'scaled grad',
        inputs: [
          { shape: [2, 2], fill: [0.5, -2, 3, 1] },
          { shape: [2, 2], fill: [1.5, 4, 0.2, 7] },
          { shape: [2, 2], fill: [0.7, 6, 0.01, 5] },
        ],
      },
    ],
  },
});

export const standardGammaOp = defineOp<Seeded>({
  name: 'standardGamma',
  inputs: [{ name: 'concentration', dtypes: FLOAT }],
  attrs: { ...seededAttrs },
  outputs: sameFloat('standardGamma'),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0], outputs: [0] },
  grad: ({ grads: [g], inputs: [alpha], outputs: [x] }) => [apply(standardGammaGradOp, [g!, alpha!, x!])[0]],
  test: {
    noGolden: NO_GOLDEN,
    samples: drawSamples([0.01, 0.5, 1, 3, 1000]),
    bad: [
      { name: 'zero concentration', inputs: [{ shape: [3], fill: [1, 0, 2] }], attrs: { seed: 0, offset: 0 }, error: 'ValueError', message: /standardGamma: concentration expected finite values > 0, got 0(\.0+)? at element 1/ },
      { name: 'negative seed', inputs: [{ shape: [1], fill: [1] }], attrs: { seed: -1, offset: 0 }, error: 'ValueError', message: /standardGamma: seed expected an integer/ },
    ],
  },
});

export const poissonOp = defineOp<Seeded>({
  name: 'poisson',
  inputs: [{ name: 'rate', dtypes: FLOAT }],
  attrs: { ...seededAttrs },
  outputs: sameFloat('poisson'),
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: NO_GOLDEN,
    samples: drawSamples([0, 0.1, 3, 9.99, 10, 50, 1e4]),
    bad: [
      { name: 'negative rate', inputs: [{ shape: [2], fill: [1, -1] }], attrs: { seed: 0, offset: 0 }, error: 'ValueError', message: /poisson: rate expected finite values >= 0, got -1(\.0+)? at element 1/ },
    ],
  },
});

export const binomialOp = defineOp<Seeded>({
  name: 'binomial',
  inputs: [
    { name: 'count', dtypes: FLOAT },
    { name: 'prob', dtypes: FLOAT },
  ],
  attrs: { ...seededAttrs },
  outputs: ([n, p], a) => {
    checkSeeded('binomial', a);
    // binomial() broadcasts first; the kernel reads both elementwise.
    if (!sameShape(n.shape, p.shape)) {
      throw new ShapeError(`binomial: count ${fmtShape(n.shape)} and prob ${fmtShape(p.shape)} expected the same shape`);
    }
    return [{ shape: [...n.shape], dtype: 'float32' as const }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: NO_GOLDEN,
    samples: [
      // Both methods (n·min(p, 1 − p) below and above 10), p past ½, and the edges 0 and 1.
      { name: 'vector', inputs: [{ shape: [8], fill: [0, 5, 20, 100, 1000, 1e6, 7, 3], noGrad: true }, { shape: [8], fill: [0.3, 0, 0.4, 0.9, 0.02, 0.5, 1, 0.75], noGrad: true }], attrs: { seed: 1, offset: 0 } },
      { name: 'matrix', inputs: [{ shape: [2, 3], fill: [1, 2, 3, 40, 50, 60], noGrad: true }, { shape: [2, 3], fill: [0.1, 0.5, 0.9, 0.3, 0.6, 0.99], noGrad: true }], attrs: { seed: 2, offset: 8 } },
      { name: 'empty', inputs: [{ shape: [0, 3], fill: [], noGrad: true }, { shape: [0, 3], fill: [], noGrad: true }], attrs: { seed: 4, offset: 0 } },
    ],
    bad: [
      { name: 'fractional count', inputs: [{ shape: [3], fill: [1, 2.5, 3] }, { shape: [3], fill: [0.5, 0.5, 0.5] }], attrs: { seed: 0, offset: 0 }, error: 'ValueError', message: /^binomial: count expected whole numbers >= 0, got 2\.50* at element 1$/ },
      { name: 'negative count', inputs: [{ shape: [2], fill: [-1, 2] }, { shape: [2], fill: [0.5, 0.5] }], attrs: { seed: 0, offset: 0 }, error: 'ValueError', message: /^binomial: count expected whole numbers >= 0, got -10*\.?0* at element 0$/ },
      { name: 'prob above 1', inputs: [{ shape: [2], fill: [4, 2] }, { shape: [2], fill: [0.5, 1.5] }], attrs: { seed: 0, offset: 0 }, error: 'ValueError', message: /^binomial: prob expected values in \[0, 1\], got 1\.50* at element 1$/ },
      { name: 'shapes', inputs: [{ shape: [2] }, { shape: [3] }], attrs: { seed: 0, offset: 0 }, error: 'ShapeError', message: /^binomial: count \[2\] and prob \[3\] expected the same shape$/ },
    ],
  },
});

/**
 * Gamma(α, 1) draws, one per element of `concentration` (α > 0), torch._standard_gamma. Divide
 * by a rate for Gamma(α, rate). Differentiable w.r.t. α (implicit reparameterisation).
 */
export function standardGamma(concentration: Tensor, options: { generator?: Generator } = {}): Tensor {
  createOptions('standardGamma', options, ['generator']);
  const n = (concentration as Tensor | undefined)?.isTensor ? concentration.numel : 0;
  return generatorOf('standardGamma', options).use(n * DRAWS_PER_ELEMENT, (seed, offset) => apply(standardGammaOp, [concentration], { seed, offset })[0]);
}

/** Poisson(λ) counts as float32, one per element of `rate` (λ ≥ 0), torch.poisson. Not differentiable. */
export function poisson(rate: Tensor, options: { generator?: Generator } = {}): Tensor {
  createOptions('poisson', options, ['generator']);
  const n = (rate as Tensor | undefined)?.isTensor ? rate.numel : 0;
  return generatorOf('poisson', options).use(n * DRAWS_PER_ELEMENT, (seed, offset) => apply(poissonOp, [rate], { seed, offset })[0]);
}

/**
 * Binomial(count, prob) counts as float32, torch.binomial: `count` whole numbers ≥ 0 and `prob` in
 * [0, 1], broadcast together. Any count: small means wait for successes, large ones take Hörmann's
 * BTRS (Note [rejection sampling]). Not differentiable.
 */
export function binomial(count: Tensor, prob: Tensor, options: { generator?: Generator } = {}): Tensor {
  createOptions('binomial', options, ['generator']);
  tensorArg('binomial', 'count', count);
  tensorArg('binomial', 'prob', prob);
  const shape = broadcastShapes('binomial', count.shape, prob.shape);
  const n = shape.reduce((a, b) => a * b, 1);
  return generatorOf('binomial', options).use(n * DRAWS_PER_ELEMENT, (seed, offset) =>
    scope(() => apply(binomialOp, [expandAsFloat(count, shape), expandAsFloat(prob, shape)], { seed, offset })[0]),
  );
}
