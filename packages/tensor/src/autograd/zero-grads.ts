// Clearing gradients between steps, for Module.zeroGrad and Optimizer.zeroGrad alike.
import { ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { copyInto } from '../ops/table/inplace.js';
import { zerosLike } from '../ops/table/creation.js';
import { noGrad } from './grad-mode.js';

export interface ZeroGradOptions {
  /** Dispose the gradients and set them to null (default, as PyTorch) instead of writing zeros. */
  setToNone?: boolean;
}

/**
 * Clears the gradients of `tensors`: disposed and set to null, or overwritten with zeros
 * (written, not multiplied by 0, so an inf or NaN gradient is cleared too). `options` may be
 * PyTorch's positional `set_to_none` flag.
 */
export function zeroGrads(owner: string, tensors: Iterable<Tensor>, options: ZeroGradOptions | boolean = {}): void {
  let setToNone: boolean;
  if (typeof options === 'boolean') setToNone = options;
  else {
    checkOptions(owner, options, ['setToNone']);
    setToNone = options.setToNone ?? true;
    if (typeof setToNone !== 'boolean') throw new ValueError(`${owner}: setToNone expected a boolean, got ${typeof setToNone}`);
  }
  for (const t of tensors) {
    const g = t.grad;
    if (!g) continue;
    if (setToNone) {
      g.dispose();
      t.grad = null;
    } else {
      noGrad(() => {
        const zeros = zerosLike(g);
        copyInto(g, zeros);
        zeros.dispose();
      });
    }
  }
}
