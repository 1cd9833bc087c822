// The base of the distributions (torch.distributions.Distribution): batch and event shapes,
// the sample shapes derived from them, and the checks every method shares. A distribution holds
// its parameters as tensors made in the scope it was built in; returned from a scope, it keeps
// them (the scope searches class instances). mean, mode and stddev may be the distribution's own
// tensors: dispose the distribution's results only where a method made them.
import type { Device } from '../device.js';
import { DeviceError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import { checkOptions } from '../options.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { PROMISE_HINT } from '../ops/check-args.js';
import { full } from '../ops/table/creation.js';
import { expand as expandTensor, reshape } from '../ops/table/shape.js';
import { Generator, defaultGenerator } from '../ops/table/random.js';
import { sqrt } from '../ops/table/unary.js';
import type { Constraint } from './transforms/constraint.js';
import { type Checks, type Violation, refuseViolations } from './validation.js';

export interface SampleOptions {
  /** The stream to draw from (default: the shared default generator, which manualSeed seeds). */
  generator?: Generator;
}

export interface EnumerateSupportOptions {
  /** Expand the values over the batch dims (default true), as PyTorch's enumerate_support(expand=…). */
  expand?: boolean;
}

export interface DistributionOptions {
  /** Read tensor parameters (and values given to logProb, cdf) back to check them (Note [distribution argument checks]). */
  validateArgs?: boolean;
}

let makeExpanded: ((base: Distribution, batchShape: readonly number[]) => Distribution) | undefined;
/** @internal expanded.ts gives the wrapper Distribution.expand falls back on (Note [expanded distributions]). */
export function registerExpanded(make: (base: Distribution, batchShape: readonly number[]) => Distribution): void {
  makeExpanded = make;
}

export abstract class Distribution {
  private readonly _batchShape: readonly number[];
  private readonly _eventShape: readonly number[];
  /** What this distribution checks (Note [distribution argument checks]). */
  protected readonly checks: Checks;

  protected constructor(batchShape: readonly number[], eventShape: readonly number[], checks: Checks) {
    this._batchShape = Object.freeze([...batchShape]);
    this._eventShape = Object.freeze([...eventShape]);
    this.checks = checks;
  }

  /** The shape of independent, differently parameterised draws. */
  get batchShape(): number[] {
    return [...this._batchShape];
  }

  /** The shape of one draw (dims summed over by logProb): [] for a scalar distribution. */
  get eventShape(): number[] {
    return [...this._eventShape];
  }

  /** Whether rsample gives draws differentiable w.r.t. the parameters. */
  get hasRsample(): boolean {
    return false;
  }

  /** Whether enumerateSupport lists the values a draw can take (PyTorch's has_enumerate_support). */
  get hasEnumerateSupport(): boolean {
    return false;
  }

  /**
   * Every value a draw can take, along a new first dim (PyTorch's enumerate_support): shape
   * [n, ...batchShape, ...eventShape], or with expand false [n, 1 for each batch dim,
   * ...eventShape]; `d.logProb(d.enumerateSupport())` scores each value in every batch element
   * (exact marginalisation over a discrete latent). `expand` may be given as PyTorch's keyword,
   * `{ expand: false }`. The finite discrete distributions have it.
   */
  enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    this.enumerateArgs(expand);
    throw new ValueError(`${this.name}.enumerateSupport: not defined for ${this.name} (hasEnumerateSupport is false)`);
  }

  /** Whether logProb, cdf … read their values back to check them (validateArgs: true). */
  get validateArgs(): boolean {
    return this.checks.tensors;
  }

  abstract get device(): Device;

  /** sampleShape + batchShape + eventShape: the shape sample(sampleShape) returns. */
  extendedShape(sampleShape: readonly number[] = []): number[] {
    return [...checkShape(`${this.name}.extendedShape`, sampleShape, 'sampleShape'), ...this._batchShape, ...this._eventShape];
  }

  /** Draws of shape sampleShape + batchShape + eventShape, without gradients. */
  sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('sample', sampleShape, options);
    return noGrad(() => this.rsample(sampleShape, options));
  }

  /** Reparameterised draws: gradients reach the parameters through them (where hasRsample). */
  rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    throw new ValueError(`${this.name}.rsample: ${this.name} has no reparameterised sampler (hasRsample is false); sample() draws without gradients`);
  }

  /** The log of the density (or mass) at `value`, of shape broadcast(value's batch dims, batchShape). */
  abstract logProb(value: Tensor | number): Tensor;

  /**
   * This distribution with its batch dims expanded to `batchShape` (PyTorch's expand): new dims
   * in front, size-1 dims widened, draws independent along them (Note [expanded distributions]).
   */
  expand(batchShape: readonly number[]): Distribution {
    const where = `${this.name}.expand`;
    const shape = checkShape(where, batchShape, 'batchShape');
    const from = this._batchShape;
    const lead = shape.length - from.length;
    if (lead < 0 || from.some((d, i) => d !== 1 && d !== shape[lead + i])) {
      throw new ShapeError(`${where}: batchShape ${fmtShape(shape)} does not expand ${fmtShape(from)} (each existing dim must equal the new one or be 1; new dims go in front)`);
    }
    if (lead === 0 && from.every((d, i) => d === shape[i])) return this;
    return this.expandTo(shape);
  }

  /** The distribution of batch shape `batchShape` (checked to expand this one's); a class that can make itself again with expanded parameters does so. */
  protected expandTo(batchShape: number[]): Distribution {
    return makeExpanded!(this, batchShape);
  }

  /**
   * @internal Whether its parameters are 0-d cpu tensors (numbers given), which take part in ops
   * on any device (Note [cpu scalars on other devices]).
   */
  get madeFromNumbers(): boolean {
    return this.device.type === 'cpu' && this._batchShape.length === 0 && this._eventShape.length === 0;
  }

  /** The set draws lie in (PyTorch's support), a D.constraints Constraint: what bijectTo(d.support) maps the reals onto. */
  get support(): Constraint {
    throw new ValueError(`${this.name}.support: not defined for ${this.name}`);
  }

  /** The constraints the parameters meet, by name (PyTorch's arg_constraints): transformTo(d.argConstraints.scale) keeps an optimised scale positive. */
  get argConstraints(): Readonly<Record<string, Constraint>> {
    return {};
  }

  entropy(): Tensor {
    throw new ValueError(`${this.name}.entropy: not defined for ${this.name}`);
  }

  cdf(_value: Tensor | number): Tensor {
    throw new ValueError(`${this.name}.cdf: not defined for ${this.name}`);
  }

  /** The inverse of cdf: the value below which a draw falls with probability `value` (in [0, 1]). */
  icdf(_value: Tensor | number): Tensor {
    throw new ValueError(`${this.name}.icdf: not defined for ${this.name}`);
  }

  get mean(): Tensor {
    throw new ValueError(`${this.name}.mean: not defined for ${this.name}`);
  }

  get variance(): Tensor {
    throw new ValueError(`${this.name}.variance: not defined for ${this.name}`);
  }

  get stddev(): Tensor {
    return scope(() => sqrt(this.variance));
  }

  toString(): string {
    return `${this.name}(batchShape: ${fmtShape(this._batchShape)}, eventShape: ${fmtShape(this._eventShape)})`;
  }

  /** The class's name, for messages (Independent's shows its base's too). */
  protected get name(): string {
    return this.constructor.name;
  }

  /** enumerateSupport's expand, given as a boolean or as PyTorch's keyword ({ expand }). */
  protected enumerateArgs(expand: unknown): boolean {
    const where = `${this.name}.enumerateSupport`;
    let value = expand;
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      checkOptions(where, value as object, ['expand']);
      value = (value as EnumerateSupportOptions).expand ?? true;
    }
    if (typeof value !== 'boolean') throw new ValueError(`${where}: expand expected a boolean (or { expand }), got ${value === null ? 'null' : typeof value}`);
    return value;
  }

  /**
   * The support's values `values` [n, ...eventShape] laid out as enumerateSupport returns them:
   * a size-1 dim per batch dim after the first, expanded to batchShape where `expand`.
   */
  protected enumerated(values: Tensor, expand: boolean): Tensor {
    return scope(() => {
      const [n, ...event] = values.shape;
      const lifted = reshape(values, [n, ...this._batchShape.map(() => 1), ...event]);
      return expand ? expandTensor(lifted, [n, ...this._batchShape, ...event]) : lifted;
    });
  }

  /** Checks a sample call's arguments; returns the draws' shape and the generator. */
  protected sampleArgs(method: string, sampleShape: unknown, options: SampleOptions): { shape: number[]; generator: Generator } {
    const where = `${this.name}.${method}`;
    if (!Array.isArray(sampleShape)) {
      const hint = typeof sampleShape === 'number' ? ` (write [${sampleShape}], as PyTorch's sample((${sampleShape},)))` : '';
      throw new ShapeError(`${where}: sampleShape expected an array of non-negative integers, got ${sampleShape === null ? 'null' : typeof sampleShape}${hint}`);
    }
    checkOptions(where, options, ['generator']);
    const generator = options.generator ?? defaultGenerator;
    if (!(generator instanceof Generator)) throw new ValueError(`${where}: option 'generator' expected a Generator, got ${typeof generator}`);
    return { shape: this.extendedShape(checkShape(where, sampleShape, 'sampleShape')), generator };
  }

  /**
   * A value for logProb or cdf as a tensor on this distribution's device (a number becomes a 0-d
   * tensor), whose shape ends in eventShape and broadcasts with batchShape (PyTorch's
   * _validate_sample); with validateArgs, one read checks it lies in the support (or, given
   * `outside`, meets those constraints instead: icdf's probabilities).
   */
  protected valueArg(method: string, value: unknown, outside?: (value: Tensor) => Violation[]): Tensor {
    const where = `${this.name}.${method}`;
    if (typeof value !== 'number' && !(value as Tensor | null | undefined)?.isTensor) {
      throw new ValueError(`${where}: value expected a tensor or a number, got ${value === null ? 'null' : value instanceof Promise ? PROMISE_HINT : typeof value}`);
    }
    const v = typeof value === 'number' ? full([], value, { device: this.device }) : (value as Tensor);
    // Made from numbers, it scores a value on any device, as PyTorch's.
    if (v.device !== this.device && !this.madeFromNumbers) throw new DeviceError(`${where}: value expected a tensor on the distribution's device ${this.device}, got one on ${v.device}`);
    const event = this._eventShape;
    const tail = v.shape.slice(v.shape.length - event.length);
    if (v.shape.length < event.length || tail.some((d, i) => d !== event[i])) {
      throw new ShapeError(`${where}: value ${fmtShape(v.shape)} expected to end in the eventShape ${fmtShape(event)}`);
    }
    const expected = [...this._batchShape, ...event];
    for (let i = 1; i <= Math.min(v.shape.length, expected.length); i++) {
      const a = v.shape[v.shape.length - i];
      const b = expected[expected.length - i];
      if (a !== b && a !== 1 && b !== 1) {
        throw new ShapeError(`${where}: value ${fmtShape(v.shape)} expected to broadcast with batchShape + eventShape ${fmtShape(expected)}`);
      }
    }
    if (this.checks.tensors) refuseViolations(where, () => (outside ?? ((x: Tensor) => this.outsideSupport(x)))(v));
    return v;
  }

  /** Where `value` lies outside the support (read only with validateArgs). */
  protected outsideSupport(_value: Tensor): Violation[] {
    return [];
  }
}
