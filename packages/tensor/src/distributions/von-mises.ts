// The von Mises distribution (torch.distributions.VonMises): the circular normal, density
// e^(κ·cos(x − loc)) / (2π·I₀(κ)) of an angle in radians, concentration κ > 0. logProb and the
// circular variance 1 − I₁(κ)/I₀(κ) are PyTorch's, log I₀ and log I₁ by its polynomial
// approximations (special.ts), differentiable w.r.t. loc and κ. mean and mode are loc (the
// circular mean); loc and values may be any real angle. No rsample, entropy or cdf, as in PyTorch.
//
// Note [von Mises sampler]: sample is Best & Fisher's (1979) rejection sampler, as PyTorch's:
// rounds of three uniforms until every element has accepted a proposal. PyTorch runs it in
// float64 because in float32 its proposal r = (1 + ρ²)/(2ρ) rounds to 1 once κ passes ~10⁶ (and
// ρ to 0 … below 10⁻⁴), where no proposal is ever accepted and the loop never ends. Here
// everything is float32, written in forms that keep their precision: ρ by a cancellation-free
// formula below κ = 1, δ = 1 − ρ by another above it, r − 1 = δ²/(2ρ), 1 ∓ cos(πu) as 2·sin² and
// 2·cos² of πu/2, and the angle as 2·asin(√(ε/2)) from ε = 1 − f instead of acos(f). Each four
// rounds end with one read (whether all are done), the only waits a draw costs.
import type { Device } from '../device.js';
import { ValueError } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, div, mul, sub, where } from '../ops/table/binary.js';
import { remainder } from '../ops/table/binary-math.js';
import { ge, gt, logicalAnd, logicalNot, logicalOr, lt } from '../ops/table/compare.js';
import { all, square } from '../ops/table/composed-ops.js';
import { unbind } from '../ops/table/composed-shape.js';
import { full, zeros } from '../ops/table/creation.js';
import { asin } from '../ops/table/math.js';
import { rand } from '../ops/table/random.js';
import { expand } from '../ops/table/shape.js';
import { clamp, cos, exp, log, sign, sin, sqrt } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Param, broadcastParams } from './params.js';
import { logModifiedBessel } from './special.js';
import { type Constraint, positive, real } from './transforms/constraint.js';
import { type Violation, checkNumber, checksOf, notPositive, notReal, refuseViolations } from './validation.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** Rounds of the rejection sampler between reads (Note [von Mises sampler]). */
const ROUNDS_PER_READ = 4;
/** Reads after which a sampler that has not finished is a bug, not bad luck (each round accepts with probability > 0.65). */
const MAX_READS = 64;

/** ρ and δ = 1 − ρ of Best & Fisher's proposal for concentration κ, each to float32 precision (Note [von Mises sampler]). */
function proposal(kappa: Tensor): { rho: Tensor; delta: Tensor } {
  // Below 1: ρ = 2κτ/((s + 1)(τ + √(2τ))), s = √(1 + 4κ²), τ = 1 + s (PyTorch's (τ − √(2τ))/(2κ) without the cancellation).
  const small = where(lt(kappa, 1), kappa, 1);
  const s1 = sqrt(add(mul(square(small), 4), 1));
  const t1 = add(s1, 1);
  const rhoSmall = div(mul(mul(small, t1), 2), mul(add(s1, 1), add(t1, sqrt(mul(t1, 2)))));
  // From 1 up: δ = (√(2τ) − 1 − 1/(2κ + s))/(2κ), s = 2κ·√(1 + 1/(4κ²)) (no overflow of κ²).
  const large = where(lt(kappa, 1), 1, kappa);
  const s2 = mul(mul(large, 2), sqrt(add(div(0.25, square(large)), 1)));
  const t2 = add(s2, 1);
  const deltaLarge = div(sub(sub(sqrt(mul(t2, 2)), 1), div(1, add(mul(large, 2), s2))), mul(large, 2));
  const isSmall = lt(kappa, 1);
  return { rho: where(isSmall, rhoSmall, sub(1, deltaLarge)), delta: where(isSmall, sub(1, rhoSmall), deltaLarge) };
}

export class VonMises extends Distribution {
  /** The mean direction, an angle in radians (any real), broadcast to batchShape. */
  readonly loc: Tensor;
  /** The concentration κ (> 0): 0 is uniform on the circle, large κ a normal of variance 1/κ. Broadcast to batchShape. */
  readonly concentration: Tensor;

  constructor(loc: Param, concentration: Param, options: DistributionOptions = {}) {
    checkOptions('VonMises', options, ['validateArgs']);
    const checks = checksOf('VonMises', options.validateArgs);
    checkNumber('VonMises', 'loc', loc, (v) => !Number.isNaN(v), 'a real number', checks);
    checkNumber('VonMises', 'concentration', concentration, (v) => v > 0, 'a number > 0', checks);
    const { tensors, batchShape } = broadcastParams('VonMises', [['loc', loc], ['concentration', concentration]]);
    super(batchShape, [], checks);
    [this.loc, this.concentration] = tensors;
    if (checks.tensors) {
      refuseViolations('VonMises', () => [
        { name: 'loc', bad: notReal(this.loc), expected: 'real values (not NaN)' },
        { name: 'concentration', bad: notPositive(this.concentration), expected: 'values > 0' },
      ]);
    }
  }

  get device(): Device {
    return this.loc.device;
  }

  /** κ·cos(value − loc) − log 2π − log I₀(κ). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return sub(sub(mul(this.concentration, cos(sub(v, this.loc))), LOG_2PI), logModifiedBessel(this.concentration, 0));
    });
  }

  /**
   * Angles in [−π, π) from Best & Fisher's rejection sampler (Note [von Mises sampler]): each
   * round draws three uniforms of the full shape from the generator; an element keeps the first
   * proposal it accepts. One read every four rounds.
   */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape, generator } = this.sampleArgs('sample', sampleShape, options);
    return noGrad(() =>
      scope(() => {
        const kappa = this.concentration;
        const { rho, delta } = proposal(kappa);
        const rMinus1 = div(square(delta), mul(rho, 2));
        let x = zeros(shape, { device: this.device });
        let done = full(shape, false, { device: this.device });
        for (let read = 0; ; read++) {
          [x, done] = scope(() => {
            let [xi, di] = [x, done];
            for (let k = 0; k < ROUNDS_PER_READ; k++) {
              const [u1, u2, u3] = unbind(rand([3, ...shape], { device: this.device, generator }));
              const half = mul(u1, Math.PI / 2);
              const oneMinusZ = mul(square(sin(half)), 2); // 1 − cos(πu1)
              const onePlusZ = mul(square(cos(half)), 2); // 1 + cos(πu1)
              // f = (1 + r·z)/(r + z) = 1 − ε, ε = (r − 1)(1 − z)/(r + z); c = κ·(r − f).
              const eps = clamp(div(mul(rMinus1, oneMinusZ), add(rMinus1, onePlusZ)), { min: 0, max: 2 });
              const c = mul(kappa, add(rMinus1, eps));
              const accept = logicalOr(gt(sub(mul(c, sub(2, c)), u2), 0), ge(add(sub(log(div(c, u2)), c), 1), 0));
              const angle = mul(sign(sub(u3, 0.5)), mul(asin(sqrt(div(eps, 2))), 2));
              xi = where(logicalAnd(accept, logicalNot(di)), angle, xi);
              di = logicalOr(di, accept);
            }
            return [xi, di];
          });
          if (all(done).itemSync()) break;
          if (read + 1 >= MAX_READS) {
            throw new ValueError(`VonMises.sample: no proposal accepted after ${MAX_READS * ROUNDS_PER_READ} rounds for some elements (each round accepts with probability > 0.65): concentration expected values > 0, not NaN (validateArgs: true checks it)`);
          }
        }
        return sub(remainder(add(add(x, Math.PI), this.loc), 2 * Math.PI), Math.PI);
      }),
    );
  }

  /** The circular mean: loc. */
  override get mean(): Tensor {
    return this.loc;
  }

  /** The most likely angle: loc. */
  get mode(): Tensor {
    return this.loc;
  }

  /** The circular variance 1 − I₁(κ)/I₀(κ). */
  override get variance(): Tensor {
    return scope(() => sub(1, exp(sub(logModifiedBessel(this.concentration, 1), logModifiedBessel(this.concentration, 0)))));
  }

  /** PyTorch's support: real angles (read modulo 2π). */
  override get support(): Constraint {
    return real;
  }

  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return { loc: real, concentration: positive };
  }

  /** VonMises again with the parameters expanded (PyTorch's expand). */
  protected override expandTo(batchShape: number[]): Distribution {
    return scope(() => new VonMises(expand(this.loc, batchShape), expand(this.concentration, batchShape), { validateArgs: this.validateArgs }));
  }

  protected override outsideSupport(value: Tensor): Violation[] {
    return [{ name: 'value', bad: notReal(value), expected: 'real values (not NaN)' }];
  }
}
