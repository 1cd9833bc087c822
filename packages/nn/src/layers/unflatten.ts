import { ValueError, unflatten, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';

/** Splits dim `dim` into `unflattenedSize` (one entry may be −1): torch.nn.Unflatten, Flatten's inverse. */
export class Unflatten extends Module {
  readonly unflattenedSize: number[];
  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    positionalArgs('Unflatten', ['dim', 'unflattenedSize'], [dim, unflattenedSize]);
    if (!Number.isSafeInteger(dim)) throw new ValueError(`Unflatten: dim expected an integer, got ${dim}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((s) => Number.isSafeInteger(s) && s >= -1)) {
      throw new ValueError(`Unflatten: unflattenedSize expected a non-empty array of sizes (one may be -1), got ${Array.isArray(unflattenedSize) ? `[${unflattenedSize.join(', ')}]` : String(unflattenedSize)}`);
    }
    this.unflattenedSize = [...unflattenedSize];
  }
  forward(x: Tensor): Tensor {
    return unflatten(x, this.dim, this.unflattenedSize);
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(', ')}]`;
  }
}
