// Independent (torch.distributions.Independent): the rightmost `reinterpretedBatchNdims` batch
// dims of a base distribution read as event dims, so logProb and entropy sum over them. A VAE's
// diagonal Gaussian posterior is Independent(new Normal(mu, sigma), 1): one log-density per
// example, not one per latent dimension.
import type { Device } from '../device.js';
import { ValueError, fmtShape } from '../errors.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { sum } from '../ops/table/reduce.js';
import { checkOptions } from '../options.js';
import { Distribution, type DistributionOptions, type EnumerateSupportOptions, type SampleOptions } from './distribution.js';
import { type Violation, checksOf } from './validation.js';
import { type Constraint } from './transforms/constraint.js';

/** Sums the rightmost `n` dims (none: the tensor itself). */
export function sumRightmost(x: Tensor, n: number): Tensor {
  if (n === 0) return x;
  const rank = x.shape.length;
  return sum(x, Array.from({ length: n }, (_, i) => rank - n + i));
}

export class Independent extends Distribution {
  /** The distribution whose batch dims are reinterpreted (PyTorch's base_dist). */
  readonly baseDist: Distribution;
  readonly reinterpretedBatchNdims: number;
  /** Whether logProb checks values here (validateArgs given to this one, not the base). */
  private readonly checksValues: boolean;

  constructor(baseDist: Distribution, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    checkOptions('Independent', options, ['validateArgs']);
    if (!(baseDist instanceof Distribution)) {
      throw new ValueError(`Independent: baseDist expected a Distribution, got ${baseDist === null ? 'null' : (baseDist as object)?.constructor?.name ?? typeof baseDist}`);
    }
    const batch = baseDist.batchShape;
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > batch.length) {
      throw new ValueError(`Independent: reinterpretedBatchNdims expected an integer in [0, ${batch.length}] (the base's batchShape ${fmtShape(batch)}), got ${n}`);
    }
    // validateArgs defaults to the base's (PyTorch's to the global default: the same unless the
    // base was given its own). Values are checked once: by the base where it checks them, here
    // against the base's support where only this one was asked to.
    const checks = options.validateArgs === undefined ? { numbers: true, tensors: baseDist.validateArgs } : checksOf('Independent', options.validateArgs);
    super(batch.slice(0, batch.length - n), [...batch.slice(batch.length - n), ...baseDist.eventShape], checks);
    this.baseDist = baseDist;
    this.reinterpretedBatchNdims = n;
    this.checksValues = checks.tensors && !baseDist.validateArgs;
  }

  get device(): Device {
    return this.baseDist.device;
  }

  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }

  /** The base's, where no batch dims are reinterpreted (PyTorch's). */
  override get hasEnumerateSupport(): boolean {
    return this.reinterpretedBatchNdims === 0 && this.baseDist.hasEnumerateSupport;
  }

  /** The base's enumerateSupport, where no batch dims are reinterpreted (their cartesian product is not enumerated, as in PyTorch). */
  override enumerateSupport(expand: boolean | EnumerateSupportOptions = true): Tensor {
    const e = this.enumerateArgs(expand);
    if (this.reinterpretedBatchNdims > 0) {
      throw new ValueError(`${this.name}.enumerateSupport: enumeration over the cartesian product of the reinterpreted dims is not implemented (reinterpretedBatchNdims is ${this.reinterpretedBatchNdims}; PyTorch refuses it too)`);
    }
    return this.baseDist.enumerateSupport(e);
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('sample', sampleShape, options);
    return this.baseDist.sample(sampleShape, options);
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.sampleArgs('rsample', sampleShape, options);
    return this.baseDist.rsample(sampleShape, options);
  }

  /** The base's logProb summed over the reinterpreted dims (values are checked by the base). */
  logProb(value: Tensor | number): Tensor {
    return scope(() => {
      const v = this.valueArg('logProb', value);
      return sumRightmost(this.baseDist.logProb(v), this.reinterpretedBatchNdims);
    });
  }

  /** The base's support, where the base does not check values itself (read only with validateArgs). */
  protected override outsideSupport(value: Tensor): Violation[] {
    return this.checksValues ? (this.baseDist as unknown as { outsideSupport(v: Tensor): Violation[] }).outsideSupport(value) : [];
  }

  override entropy(): Tensor {
    return scope(() => sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims));
  }

  override get mean(): Tensor {
    return this.baseDist.mean;
  }

  override get variance(): Tensor {
    return this.baseDist.variance;
  }

  override get stddev(): Tensor {
    return this.baseDist.stddev;
  }

  override toString(): string {
    return `Independent(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`;
  }

  /** PyTorch's support: the base's, with the reinterpreted dims read as one event. */
  override get support(): Constraint {
    return this.baseDist.support.independent(this.reinterpretedBatchNdims);
  }
}
