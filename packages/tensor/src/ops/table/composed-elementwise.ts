// Elementwise functions PyTorch users reach for, composed of declared ops (no kernel of their
// own, so both devices run them and the differentiable ones get their gradients from their
// parts): isinf, isposinf, isneginf, reciprocal, addcmul, addcdiv, and clamp's other spellings
// clampMin, clampMax and clip (tensor bounds too: Note [clamp with tensor bounds] in
// ops/clamp-bounds.ts).
import { isFloating } from '../../dtype.js';
import { DTypeError, ValueError } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { clampAs } from '../clamp-bounds.js';
import { add, div, mul } from './binary.js';
import { eq } from './compare.js';
import { full } from './creation.js';
import { abs } from './unary.js';
import type { ClampOptions } from './unary.js';

// An integer or bool tensor holds no infinity: all false, as PyTorch's.
const noneOf = (x: Tensor): Tensor => full(x.shape, 0, { dtype: 'bool', device: x.device });

/** Where x is +∞ or −∞ (bool). */
export function isinf(x: Tensor): Tensor {
  tensorArg('isinf', 'input', x);
  return isFloating(x.dtype) ? scope(() => eq(abs(x), Infinity)) : noneOf(x);
}

/** Where x is +∞ (bool). */
export function isposinf(x: Tensor): Tensor {
  tensorArg('isposinf', 'input', x);
  return isFloating(x.dtype) ? eq(x, Infinity) : noneOf(x);
}

/** Where x is −∞ (bool). */
export function isneginf(x: Tensor): Tensor {
  tensorArg('isneginf', 'input', x);
  return isFloating(x.dtype) ? eq(x, -Infinity) : noneOf(x);
}

/** 1/x (float32 for integer and bool inputs, as PyTorch's; ±∞ at 0). */
export function reciprocal(x: Tensor): Tensor {
  tensorArg('reciprocal', 'input', x);
  return div(1, x);
}

export interface AddcOptions {
  /** The factor of the product or quotient (default 1). */
  value?: number;
}

// Checks addcmul/addcdiv's arguments; returns the value.
function addcArgs(fn: string, input: Tensor, t1: Tensor, t2: Tensor, options: AddcOptions): number {
  tensorArg(fn, 'input', input);
  tensorArg(fn, 'tensor1', t1);
  tensorArg(fn, 'tensor2', t2);
  checkOptions(fn, options, ['value']);
  const value = options.value ?? 1;
  if (typeof value !== 'number') throw new ValueError(`${fn}: option 'value' expected a number, got ${value === null ? 'null' : typeof value}`);
  if (![input, t1, t2].some((t) => isFloating(t.dtype)) && !Number.isInteger(value)) {
    throw new ValueError(`${fn}: option 'value' expected an integer for integer tensors (as PyTorch), got ${value}`);
  }
  return value;
}

/**
 * input + value·tensor1·tensor2, all three broadcast (PyTorch's addcmul; the in-place form is
 * x.addcmul_(t1, t2, { value }), as in optimiser code).
 */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, options: AddcOptions = {}): Tensor {
  const value = addcArgs('addcmul', input, tensor1, tensor2, options);
  return scope(() => add(input, mul(value === 1 ? tensor1 : mul(tensor1, value), tensor2)));
}

/**
 * input + value·tensor1/tensor2, all three broadcast (PyTorch's addcdiv). As PyTorch, refuses
 * integer tensor1 and tensor2 (its integer division was removed; cast one to float32).
 */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, options: AddcOptions = {}): Tensor {
  const value = addcArgs('addcdiv', input, tensor1, tensor2, options);
  if (!isFloating(tensor1.dtype) && !isFloating(tensor2.dtype)) {
    throw new DTypeError(`addcdiv: tensor1 and tensor2 expected a float tensor between them (integer division is not supported, as in PyTorch), got ${tensor1.dtype} and ${tensor2.dtype}`);
  }
  return scope(() => add(input, div(value === 1 ? tensor1 : mul(tensor1, value), tensor2)));
}

/** clamp(x, { min }): x where x ≥ min, else min; min a number or a tensor broadcast with x. */
export function clampMin(x: Tensor, min: number | Tensor): Tensor {
  if (min === undefined || min === null) throw new ValueError(`clampMin: min expected a number or a tensor, got ${min === null ? 'null' : 'none'}`);
  return clampAs('clampMin', x, min, null);
}

/** clamp(x, { max }): x where x ≤ max, else max; max a number or a tensor broadcast with x. */
export function clampMax(x: Tensor, max: number | Tensor): Tensor {
  if (max === undefined || max === null) throw new ValueError(`clampMax: max expected a number or a tensor, got ${max === null ? 'null' : 'none'}`);
  return clampAs('clampMax', x, null, max);
}

/** PyTorch's alias of clamp: clip(x, { min, max }) or clip(x, min, max). */
export function clip(x: Tensor, minOrOptions: ClampOptions | number | Tensor | null = {}, max?: number | Tensor | null): Tensor {
  return clampAs('clip', x, minOrOptions, max);
}
