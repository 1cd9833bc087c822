// Note [expanded distributions]: PyTorch's d.expand(batchShape) gives the same class with every
// parameter expanded. Classes whose parameters make them again that way do so here (the loc-scale
// family: Normal, Laplace, Cauchy, Gumbel); every other distribution is wrapped: an
// ExpandedDistribution of the new batch shape that delegates to it. Its draws are independent
// along the new dims, as PyTorch's: the base draws the new leading dims and the expanded size-1
// dims as extra sample dims, which are then moved into place. logProb, cdf and icdf broadcast the
// base's parameters against the value and are expanded to the new batch shape; entropy, mean,
// variance and mode are the base's, expanded. Read those rather than the base's parameters.
import type { Device } from '../device.js';
import { ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes } from '../shape.js';
import { expand, permute, reshape } from '../ops/table/shape.js';
import { Distribution, registerExpanded, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
import { type Constraint } from './transforms/constraint.js';

export class ExpandedDistribution extends Distribution {
  /** The distribution expanded. */
  readonly base: Distribution;

  constructor(base: Distribution, batchShape: readonly number[]) {
    super(batchShape, base.eventShape, { numbers: true, tensors: base.validateArgs });
    this.base = base;
  }

  get device(): Device {
    return this.base.device;
  }

  override get hasRsample(): boolean {
    return this.base.hasRsample;
  }

  override get hasEnumerateSupport(): boolean {
    return this.base.hasEnumerateSupport;
  }

  /** The base's values, laid out over the new batch shape (PyTorch expands the parameters, with the same result). */
  override enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    const e = this.enumerateArgs(expand);
    return scope(() => {
      const values = this.base.enumerateSupport(false);
      return this.enumerated(reshape(values, [values.shape[0], ...this.eventShape]), e);
    });
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('sample', sampleShape, options);
    return scope(() => this.placeDraws(sampleShape, (extra) => this.base.sample(extra, options)));
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return scope(() => this.placeDraws(sampleShape, (extra) => this.base.rsample(extra, options)));
  }

  logProb(value: Tensor | number): Tensor {
    return scope(() => this.toBatch(this.base.logProb(this.valueArg('logProb', value)), 0));
  }

  override cdf(value: Tensor | number): Tensor {
    return scope(() => this.toBatch(this.base.cdf(value), this.eventShape.length));
  }

  override icdf(value: Tensor | number): Tensor {
    return scope(() => this.toBatch(this.base.icdf(value), this.eventShape.length));
  }

  override entropy(): Tensor {
    return scope(() => expand(this.base.entropy(), this.batchShape));
  }

  override get mean(): Tensor {
    return scope(() => expand(this.base.mean, [...this.batchShape, ...this.eventShape]));
  }

  override get variance(): Tensor {
    return scope(() => expand(this.base.variance, [...this.batchShape, ...this.eventShape]));
  }

  /** The base's mode, expanded (where the base has one). */
  get mode(): Tensor {
    const mode = (this.base as unknown as { mode?: Tensor }).mode;
    if (mode === undefined) throw new ValueError(`${this.name}.mode: not defined for ${this.base.constructor.name}`);
    return scope(() => expand(mode, [...this.batchShape, ...this.eventShape]));
  }

  override toString(): string {
    return `${this.base.toString()}.expand(${fmtShape(this.batchShape)})`;
  }

  /** A result of the base's batch shape (and `eventDims` more) broadcast to this batch shape. */
  private toBatch(result: Tensor, eventDims: number): Tensor {
    const tail = this.eventShape.slice(this.eventShape.length - eventDims);
    const batchOf = result.shape.slice(0, result.shape.length - eventDims);
    return expand(result, [...broadcastShapes(`${this.name}`, batchOf, this.batchShape), ...tail]);
  }

  /**
   * The base's draws with the new leading dims and each expanded size-1 dim drawn as extra sample
   * dims (independent values), moved to where they belong (Note [expanded distributions]).
   */
  private placeDraws(sampleShape: readonly number[], draw: (shape: number[]) => Tensor): Tensor {
    const from = this.base.batchShape;
    const to = this.batchShape;
    const lead = to.length - from.length;
    const widened = from.map((d, i) => (d === 1 && to[lead + i] !== 1 ? i : -1)).filter((i) => i >= 0);
    const s = sampleShape.length;
    const draws = draw([...sampleShape, ...to.slice(0, lead), ...widened.map((i) => to[lead + i])]);
    if (widened.length === 0) return draws;
    // [sample, lead, widened…, base batch, event] → drop the widened size-1 base dims → permute.
    const event = this.eventShape;
    const kept = from.map((_, i) => i).filter((i) => !widened.includes(i));
    const squeezed = reshape(draws, [...sampleShape, ...to.slice(0, lead), ...widened.map((i) => to[lead + i]), ...kept.map((i) => from[i]), ...event]);
    const front = s + lead;
    const order = [...Array.from({ length: front }, (_, i) => i)];
    for (let i = 0; i < from.length; i++) {
      const w = widened.indexOf(i);
      order.push(w >= 0 ? front + w : front + widened.length + kept.indexOf(i));
    }
    for (let e = 0; e < event.length; e++) order.push(front + from.length + e);
    return permute(squeezed, order);
  }

  /** The base's support. */
  override get support(): Constraint {
    return this.base.support;
  }

  /** PyTorch's arg_constraints. */
  override get argConstraints(): Readonly<Record<string, Constraint>> {
    return this.base.argConstraints;
  }
}

registerExpanded((base, batchShape) => new ExpandedDistribution(base, batchShape));
