// A mixture of distributions of one family (torch.distributions.MixtureSameFamily): a Categorical
// over K components picks which of the component distribution's K rightmost batch entries a draw
// comes from — a Gaussian mixture is MixtureSameFamily(new Categorical(weights),
// new Normal(locs, scales)) with locs and scales [..., K]. batchShape is the component's without
// its last dim, eventShape the component's. logProb is the logsumexp over components of their
// logProb plus the log weights; mean and variance the law of total expectation and variance; cdf
// the weighted sum of the components' cdfs (where they have one). No rsample, as PyTorch's (a
// discrete pick has no reparameterisation).
//
// The mixture's batch shape broadcasts into the component's batch (right-aligned, as the check
// PyTorch makes): Categorical(weights [K]) mixes every batch entry alike. PyTorch's sample fails
// for a mixture batch shorter than the component's ("Index tensor must have the same number of
// dimensions") and its mean misaligns a mixture of 2+ batch dims against a longer component
// batch; here both follow the right-aligned broadcast.
import type { Device } from '../device.js';
import { DeviceError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, mul, sub } from '../ops/table/binary.js';
import { square } from '../ops/table/composed-ops.js';
import { gather } from '../ops/table/index-ops.js';
import { logsumexp, sum } from '../ops/table/reduce.js';
import { logSoftmax } from '../ops/table/softmax.js';
import { expand, reshape, squeeze, unsqueeze } from '../ops/table/shape.js';
import { Categorical } from './categorical.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { type Violation, checksOf } from './validation.js';
import { type Constraint } from './transforms/constraint.js';

const describe = (v: unknown): string => (v === null ? 'null' : ((v as object)?.constructor?.name ?? typeof v));

export class MixtureSameFamily extends Distribution {
  /** The Categorical over the K components (PyTorch's mixture_distribution). */
  readonly mixtureDistribution: Categorical;
  /** The components: its last batch dim (K) indexes them (PyTorch's component_distribution). */
  readonly componentDistribution: Distribution;

  constructor(mixtureDistribution: Categorical, componentDistribution: Distribution, options: DistributionOptions = {}) {
    const cls = 'MixtureSameFamily';
    if (!(mixtureDistribution instanceof Categorical)) throw new ValueError(`${cls}: mixtureDistribution expected a Categorical, got ${describe(mixtureDistribution)}`);
    if (!(componentDistribution instanceof Distribution)) throw new ValueError(`${cls}: componentDistribution expected a Distribution, got ${describe(componentDistribution)}`);
    checkOptions(cls, options, ['validateArgs']);
    const checks = checksOf(cls, options.validateArgs);
    const mixBatch = mixtureDistribution.batchShape;
    const compBatch = componentDistribution.batchShape;
    const k = mixtureDistribution.numCategories;
    if (compBatch.length === 0 || compBatch[compBatch.length - 1] !== k) {
      throw new ShapeError(
        `${cls}: componentDistribution expected a batchShape whose last dim is the mixture's ${k} components, got ${fmtShape(compBatch)} (${componentDistribution})`,
      );
    }
    const batchShape = compBatch.slice(0, -1);
    let fits = mixBatch.length <= batchShape.length;
    try {
      fits &&= fmtShape(broadcastShapes(cls, mixBatch, batchShape)) === fmtShape(batchShape);
    } catch {
      fits = false;
    }
    if (!fits) {
      throw new ShapeError(`${cls}: mixtureDistribution's batchShape ${fmtShape(mixBatch)} expected to broadcast to the component's batchShape without its last dim, ${fmtShape(batchShape)}`);
    }
    if (mixtureDistribution.device !== componentDistribution.device) {
      throw new DeviceError(`${cls}: componentDistribution expected the mixture's device ${mixtureDistribution.device}, got one on ${componentDistribution.device}`);
    }
    super(batchShape, componentDistribution.eventShape, checks);
    this.mixtureDistribution = mixtureDistribution;
    this.componentDistribution = componentDistribution;
  }

  get device(): Device {
    return this.componentDistribution.device;
  }

  /**
   * Draws of sampleShape + batchShape + eventShape: the mixture's component indices, then every
   * component's draw, and of those the picked one (PyTorch's order of draws from the generator).
   */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const { shape } = this.sampleArgs('sample', sampleShape, options);
    const batch = this.batchShape;
    const event = this.eventShape;
    const samples = shape.slice(0, shape.length - batch.length - event.length);
    return noGrad(() =>
      scope(() => {
        const picks = this.mixtureDistribution.sample(samples, options);
        // [...S, ...mixBatch] → [...S, ...batch, 1, 1 (per event dim)], then the event's size.
        const mixBatch = this.mixtureDistribution.batchShape;
        const aligned = reshape(picks, [...samples, ...Array<number>(batch.length - mixBatch.length).fill(1), ...mixBatch]);
        const index = reshape(expand(aligned, [...samples, ...batch]), [...samples, ...batch, 1, ...event.map(() => 1)]);
        const draws = this.componentDistribution.sample(samples, options);
        const dim = samples.length + batch.length;
        return squeeze(gather(draws, dim, expand(index, [...samples, ...batch, 1, ...event])), dim);
      }),
    );
  }

  /** logsumexp over the components of their logProb at `value` + the mixture's log weights. */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const x = this.pad(this.valueArg('logProb', value));
      const perComponent = this.componentDistribution.logProb(x);
      return logsumexp(add(perComponent, logSoftmax(this.mixtureDistribution.logits, -1)), -1);
    });
  }

  /** Σ weight·component cdf (scalar events; the components must have a cdf). */
  override cdf(value: Tensor | number): Tensor {
    const event = this.eventShape;
    if (event.length > 0) throw new ValueError(`${this.name}.cdf: not defined for components of eventShape ${fmtShape(event)} (only for scalar events, as PyTorch's)`);
    return scope(() => {
      const x = this.pad(this.valueArg('cdf', value));
      return sum(mul(this.componentDistribution.cdf(x), this.mixtureDistribution.probs), -1);
    });
  }

  /** Σ weight·component mean. */
  override get mean(): Tensor {
    return scope(() => sum(mul(this.paddedProbs(), this.componentDistribution.mean), this.componentDim()));
  }

  /** The law of total variance: Σ weight·component variance + Σ weight·(component mean − mean)². */
  override get variance(): Tensor {
    return scope(() => {
      const probs = this.paddedProbs();
      const dim = this.componentDim();
      const meanCondVar = sum(mul(probs, this.componentDistribution.variance), dim);
      const varCondMean = sum(mul(probs, square(sub(this.componentDistribution.mean, this.pad(this.mean)))), dim);
      return add(meanCondVar, varCondMean);
    });
  }

  override toString(): string {
    return `MixtureSameFamily(${this.mixtureDistribution.toString()}, ${this.componentDistribution.toString()})`;
  }

  /** The value checked against the component's support at every component (PyTorch's MixtureSameFamilyConstraint). */
  protected override outsideSupport(value: Tensor): Violation[] {
    // outsideSupport is protected on Distribution; the mixture asks its component, as PyTorch's
    // constraint asks the component's support.
    return (this.componentDistribution as unknown as { outsideSupport(v: Tensor): Violation[] }).outsideSupport(this.pad(value));
  }

  /** The dim of the components in the component's batch + event: −1 − event dims. */
  private componentDim(): number {
    return -1 - this.eventShape.length;
  }

  /** `x` with a component dim of size 1 before its event dims (PyTorch's _pad). */
  private pad(x: Tensor): Tensor {
    return unsqueeze(x, this.componentDim());
  }

  /** The mixture's probs [...mixBatch, K] with a 1 per event dim, to weigh [...batch, K, ...event]. */
  private paddedProbs(): Tensor {
    const probs = this.mixtureDistribution.probs;
    return reshape(probs, [...probs.shape, ...this.eventShape.map(() => 1)]);
  }

  /** PyTorch's support: the components'. */
  override get support(): Constraint {
    return this.componentDistribution.support;
  }
}
