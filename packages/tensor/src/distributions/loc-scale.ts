// The (loc, scale) parameters Normal, Laplace and LogNormal share: a real location and a positive
// scale, numbers checked at once, broadcast together, tensors checked when validation is on.
import type { Device } from '../device.js';
import { checkOptions } from '../options.js';
import { scope } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { expand } from '../ops/table/shape.js';
import { Distribution, type DistributionOptions } from './distribution.js';
import { type Param, broadcastParams } from './params.js';
import { type Checks, checkNumber, checksOf, notPositive, notReal, refuseViolations } from './validation.js';

export interface LocScale {
  loc: Tensor;
  scale: Tensor;
  batchShape: number[];
  checks: Checks;
}

/** Checks and broadcasts `loc` and `scale` for the distribution `cls` (its name in every refusal). */
export function locScaleParams(cls: string, loc: Param, scale: Param, options: DistributionOptions): LocScale {
  checkOptions(cls, options, ['validateArgs']);
  const checks = checksOf(cls, options.validateArgs);
  checkNumber(cls, 'loc', loc, (v) => !Number.isNaN(v), 'a real number', checks);
  checkNumber(cls, 'scale', scale, (v) => v > 0, 'a number > 0', checks);
  const { tensors, batchShape } = broadcastParams(cls, [['loc', loc], ['scale', scale]]);
  if (checks.tensors) {
    refuseViolations(cls, () => [
      { name: 'loc', bad: notReal(tensors[0]), expected: 'real values (not NaN)' },
      { name: 'scale', bad: notPositive(tensors[1]), expected: 'values > 0' },
    ]);
  }
  return { loc: tensors[0], scale: tensors[1], batchShape, checks };
}

/** A distribution of a real location and a positive scale, both broadcast to batchShape, with a reparameterised sample (Normal, Laplace). */
export abstract class LocScaleDistribution extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  protected constructor(cls: string, loc: Param, scale: Param, options: DistributionOptions) {
    const p = locScaleParams(cls, loc, scale, options);
    super(p.batchShape, [], p.checks);
    this.loc = p.loc;
    this.scale = p.scale;
  }

  get device(): Device {
    return this.loc.device;
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** The same class with loc and scale expanded (Note [expanded distributions]). */
  protected override expandTo(batchShape: number[]): Distribution {
    const cls = this.constructor as new (loc: Tensor, scale: Tensor, options: DistributionOptions) => Distribution;
    return scope(() => new cls(expand(this.loc, batchShape), expand(this.scale, batchShape), { validateArgs: this.validateArgs }));
  }
}
