// TransformedDistribution (torch.distributions.TransformedDistribution): the distribution of
// y = f(x) for x drawn from a base distribution and f a list of transforms applied in order,
// log p(y) = log p_base(f⁻¹(y)) − log|det ∂y/∂x| (PyTorch's formula and event-dim bookkeeping).
// SAC's squashed Gaussian is new TransformedDistribution(new Normal(mu, sigma), [new TanhTransform({ cacheSize: 1 })]);
// a logistic distribution is Uniform(0, 1) through [new SigmoidTransform().inv, new AffineTransform(a, b)].
//
// As in PyTorch the event dims are the most the base and the transforms need: a base with fewer
// event dims than the transforms' domain has its rightmost batch dims read as event dims
// (PyTorch's Independent), and transforms whose parameters broadcast the base's shape give the
// broadcast batch shape. PyTorch expands the base distribution to that shape; here baseDist keeps
// the base's own batch shape and the draws are made of the broadcast shape (extra independent
// draws of the base), which is what the expanded base (baseDist.expand(shape)) gives. cdf and icdf need transforms with a sign (monotone): a decreasing map turns cdf into
// 1 − cdf, as PyTorch's _monotonize_cdf. Not defined, as in PyTorch: entropy, mean, variance.
import type { Device } from '../device.js';
import { DeviceError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { PROMISE_HINT } from '../ops/check-args.js';
import { add, mul, sub } from '../ops/table/binary.js';
import { permute, reshape } from '../ops/table/shape.js';
import { neg } from '../ops/table/unary.js';
import { Distribution, type DistributionOptions, type SampleOptions } from './distribution.js';
import { Independent, sumRightmost } from './independent.js';
import type { Constraint } from './transforms/constraint.js';
import { ComposeTransform, Transform, applyKeepingCaches, multiplySigns } from './transforms/transform.js';
import { type Violation, checksOf, notProbability, refuseViolations } from './validation.js';

const describe = (v: unknown): string => (v === null ? 'null' : v instanceof Promise ? PROMISE_HINT : Array.isArray(v) ? 'an array' : typeof v === 'object' || typeof v === 'function' ? ((v as object).constructor?.name ?? typeof v) : typeof v);

export class TransformedDistribution extends Distribution {
  /**
   * The base distribution (PyTorch's base_dist): the one given, or Independent of it where the
   * transforms' domain has more event dims than its eventShape. Not expanded to the transforms'
   * broadcast shape (see the file's note).
   */
  readonly baseDist: Distribution;
  /** The transforms, applied in order. */
  readonly transforms: readonly Transform[];
  /** The distribution given (baseDist without the Independent). */
  readonly #base: Distribution;
  readonly #device: Device;
  /** How many of the base's rightmost batch dims are read as event dims. */
  readonly #reinterpreted: number;
  /** The base's batch shape broadcast to what the transforms need (draws are of this shape). */
  readonly #drawBatch: readonly number[];

  constructor(baseDistribution: Distribution, transforms: Transform | readonly Transform[], options: DistributionOptions = {}) {
    const cls = 'TransformedDistribution';
    if (!(baseDistribution instanceof Distribution)) throw new ValueError(`${cls}: baseDistribution expected a Distribution, got ${describe(baseDistribution)}`);
    let list: Transform[];
    if (transforms instanceof Transform) list = [transforms];
    else if (Array.isArray(transforms)) {
      transforms.forEach((t, i) => {
        if (!(t instanceof Transform)) throw new ValueError(`${cls}: transforms[${i}] expected a Transform, got ${describe(t)}`);
      });
      list = [...(transforms as Transform[])];
    } else throw new ValueError(`${cls}: transforms expected a Transform or an array of Transforms, got ${describe(transforms)}`);
    checkOptions(cls, options, ['validateArgs'], { validate_args: 'validateArgs' });
    const checks = checksOf(cls, options.validateArgs);
    // A base made from numbers (0-d cpu parameters) takes the transforms' device, as PyTorch's
    // td(Normal(0., 1.), AffineTransform(loc_cuda, scale_cuda)) scores cuda values: its draws are
    // moved there (Note [cpu scalars on other devices]).
    const device = (baseDistribution.madeFromNumbers ? list.flatMap((t) => t.paramTensors())[0]?.device : undefined) ?? baseDistribution.device;
    for (const t of list) {
      for (const p of t.paramTensors()) {
        if (p.device !== device) throw new DeviceError(`${cls}: ${t} expected parameters on the base distribution's device ${device}, got one on ${p.device}`);
      }
    }

    const baseBatch = baseDistribution.batchShape;
    const baseEvent = baseDistribution.eventShape;
    const baseShape = [...baseBatch, ...baseEvent];
    const composed = new ComposeTransform(list);
    const domainDim = composed.domain.eventDim;
    if (baseShape.length < domainDim) {
      throw new ShapeError(`${cls}: baseDistribution expected batchShape + eventShape of at least ${domainDim} dims (the transforms' domain ${composed.domain.name}), got ${fmtShape(baseShape)}`);
    }
    const forwardShape = composed.forwardShape(baseShape);
    const expandedBase = composed.inverseShape(forwardShape);
    const drawBatch = expandedBase.slice(0, expandedBase.length - baseEvent.length);
    const reinterpreted = domainDim - baseEvent.length;
    const codomainDim = composed.codomain.eventDim;
    const eventDim = Math.max(codomainDim, baseEvent.length + codomainDim - domainDim);
    const cut = forwardShape.length - eventDim;
    super(forwardShape.slice(0, cut), forwardShape.slice(cut), checks);
    this.#base = baseDistribution;
    this.#device = device;
    this.#reinterpreted = Math.max(reinterpreted, 0);
    this.#drawBatch = Object.freeze(drawBatch);
    this.baseDist = reinterpreted > 0 ? new Independent(baseDistribution, reinterpreted) : baseDistribution;
    this.transforms = Object.freeze(list);
  }

  get device(): Device {
    return this.#device;
  }

  /** @internal The base as given, how many of its batch dims are event dims here, and the batch shape of the draws (for KL). */
  get baseAndReinterpreted(): { base: Distribution; reinterpreted: number; drawBatch: number[] } {
    return { base: this.#base, reinterpreted: this.#reinterpreted, drawBatch: [...this.#drawBatch] };
  }

  /** The base's. */
  override get hasRsample(): boolean {
    return this.#base.hasRsample;
  }

  /** The base's draws carried through the transforms, without gradients (cached transforms keep theirs: Note [transform caches]). */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => applyKeepingCaches(this.transforms, () => this.transformed(this.draw('sample', sampleShape, options))));
  }

  /** The base's reparameterised draws carried through the transforms: gradients reach the base's and the transforms' parameters. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    if (!this.#base.hasRsample) {
      throw new ValueError(`TransformedDistribution.rsample: the base ${this.#base.constructor.name} has no reparameterised sampler (hasRsample is false); sample() draws without gradients`);
    }
    return applyKeepingCaches(this.transforms, () => this.transformed(this.draw('rsample', sampleShape, options)));
  }

  /**
   * The base's logProb at x = f⁻¹(value) less each transform's log|det J| at its (x, y), each summed
   * over the event dims it does not already cover (PyTorch's bookkeeping).
   */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      let y = this.valueArg('logProb', value);
      let eventDim = this.eventShape.length;
      let logProb: Tensor | undefined;
      for (const t of [...this.transforms].reverse()) {
        const x = t.inv.forward(y);
        eventDim += t.domain.eventDim - t.codomain.eventDim;
        const term = sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domain.eventDim);
        logProb = logProb ? sub(logProb, term) : neg(term);
        y = x;
      }
      const base = sumRightmost(this.#base.logProb(y), eventDim - this.#base.eventShape.length);
      return logProb ? add(logProb, base) : base;
    });
  }

  /** The base's cdf at f⁻¹(value), as 1 − it where f decreases (the transforms' signs). */
  override cdf(value: Tensor | number): Tensor {
    return scope(() => {
      const sign = this.sign('cdf');
      let x = this.valueArg('cdf', value, () => []);
      for (const t of [...this.transforms].reverse()) x = t.inv.forward(x);
      // PyTorch checks the base's support here when this distribution validates (whatever the base's own setting).
      if (this.checks.tensors) {
        const base = this.#base as unknown as { outsideSupport(v: Tensor): Violation[] };
        refuseViolations('TransformedDistribution.cdf', () => base.outsideSupport(x).map((v) => ({ ...v, name: `${v.name} carried back to the base` })));
      }
      return monotonize(this.#base.cdf(x), sign);
    });
  }

  /** f(the base's icdf), at 1 − value where f decreases. */
  override icdf(value: Tensor | number): Tensor {
    return scope(() => {
      const sign = this.sign('icdf');
      const u = monotonize(this.valueArg('icdf', value, (v) => [{ name: 'value', bad: notProbability(v), expected: 'probabilities in [0, 1]' }]), sign);
      return this.transformed(this.#base.icdf(u));
    });
  }

  /** PyTorch's support: the last transform's codomain, with as many event dims as eventShape (the base's where there are no transforms). */
  override get support(): Constraint {
    if (this.transforms.length === 0) return this.#base.support.independent(this.#reinterpreted);
    const codomain = this.transforms[this.transforms.length - 1].codomain;
    return codomain.independent(Math.max(0, this.eventShape.length - codomain.eventDim));
  }

  override toString(): string {
    return `TransformedDistribution(${this.#base.toString()}, [${this.transforms.map(String).join(', ')}])`;
  }

  /** The last transform's codomain (the base's support where there are none, which the base checks). */
  protected override outsideSupport(value: Tensor): Violation[] {
    if (this.transforms.length === 0) return [];
    return this.transforms[this.transforms.length - 1].codomain.violations(value);
  }

  /** x carried through the transforms in order. */
  private transformed(x: Tensor): Tensor {
    return this.transforms.reduce((z, t) => t.forward(z), x);
  }

  /**
   * Draws of the base of shape sampleShape + the broadcast batch + the base's eventShape: a draw of
   * sampleShape + the new leading dims, and, for the base's size-1 dims the transforms broadcast,
   * those sizes drawn as sample dims and moved into place.
   */
  private draw(method: 'sample' | 'rsample', sampleShape: readonly number[], options: SampleOptions): Tensor {
    const z = this.drawOnBase(method, sampleShape, options);
    if (z.device === this.#device) return z;
    // A base made from numbers, transforms on another device (see the constructor).
    if (z.requiresGrad) {
      throw new DeviceError(`TransformedDistribution.rsample: the base's parameters are on ${z.device} and the transforms' on ${this.#device}; make the base's there too (moving a draw would drop its gradient)`);
    }
    return z.to(this.#device);
  }

  private drawOnBase(method: 'sample' | 'rsample', sampleShape: readonly number[], options: SampleOptions): Tensor {
    const base = this.#base;
    const batch = base.batchShape;
    const target = this.#drawBatch;
    const lead = target.slice(0, target.length - batch.length);
    const tail = target.slice(target.length - batch.length);
    const grow = tail.map((d, i) => (batch[i] === d ? 1 : d));
    if (grow.every((d) => d === 1)) return base[method]([...sampleShape, ...lead], options);
    return scope(() => {
      // [...sample, ...lead, ...grow, ...batch, ...event]: each grown dim next to its size-1 batch dim, then merged.
      const z = base[method]([...sampleShape, ...lead, ...grow], options);
      const front = sampleShape.length + lead.length;
      const k = batch.length;
      const order = [...Array(front).keys()];
      for (let i = 0; i < k; i++) order.push(front + i, front + k + i);
      for (let i = front + 2 * k; i < z.shape.length; i++) order.push(i);
      return reshape(permute(z, order), [...sampleShape, ...target, ...base.eventShape]);
    });
  }

  /** The product of the transforms' signs, or a refusal naming one that has none. */
  private sign(method: string): number | Tensor {
    return this.transforms.reduce<number | Tensor>((s, t) => {
      let ts: number | Tensor;
      try {
        ts = t.sign;
      } catch {
        throw new ValueError(`TransformedDistribution.${method}: needs monotone transforms, each with a sign (PyTorch's rule); ${t} has none`);
      }
      return multiplySigns(s, ts);
    }, 1);
  }
}

/** sign·(value − ½) + ½: value where sign is 1, 1 − value where it is −1. */
function monotonize(value: Tensor, sign: number | Tensor): Tensor {
  if (sign === 1) return value;
  return add(mul(sub(value, 0.5), sign), 0.5);
}
