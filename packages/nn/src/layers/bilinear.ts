// PyTorch's nn.Bilinear and F.bilinear: y[…, o] = Σᵢⱼ x1[…, i] · A[o, i, j] · x2[…, j] + b[o], one
// einsum (x1 against the weight as one matmul, then a batched product with x2), so gradients to
// both inputs, the weight and the bias come from its parts. The batch dims of x1 and x2 must be the
// same, as PyTorch's (no broadcasting, which einsum's '...' alone would allow).
import { ShapeError, ValueError, add, checkOptions, einsum, fmtShape, isTensor, zeros, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { positionalArgs } from './arg-checks.js';

const describe = (v: unknown): string => (v === null ? 'null' : v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : typeof v);

/** F.bilinear's checks and product; `owner` names the caller in refusals ('bilinear', 'Bilinear'). */
function bilinearOf(owner: string, x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null | undefined): Tensor {
  for (const [name, t] of [['input1', x1], ['input2', x2], ['weight', weight]] as const) {
    if (!isTensor(t)) throw new ValueError(`${owner}: ${name} expected a Tensor, got ${describe(t)}`);
  }
  if (bias !== null && bias !== undefined && !isTensor(bias)) throw new ValueError(`${owner}: bias expected a Tensor or null, got ${describe(bias)}`);
  if (weight.ndim !== 3) throw new ShapeError(`${owner}: weight expected 3 dimensions [out, in1, in2], got ${fmtShape(weight.shape)}`);
  const [out, in1, in2] = weight.shape;
  if (x1.ndim === 0 || x2.ndim === 0) throw new ShapeError(`${owner}: input${x1.ndim === 0 ? 1 : 2} expected at least 1 dimension ([…, in${x1.ndim === 0 ? 1 : 2}Features]), got a 0-d tensor`);
  if (x1.ndim !== x2.ndim) throw new ShapeError(`${owner}: input1 ${fmtShape(x1.shape)} and input2 ${fmtShape(x2.shape)} expected the same number of dimensions, got ${x1.ndim} and ${x2.ndim}`);
  for (let d = 0; d < x1.ndim - 1; d++) {
    if (x1.shape[d] !== x2.shape[d]) throw new ShapeError(`${owner}: input1 ${fmtShape(x1.shape)} and input2 ${fmtShape(x2.shape)} expected the same batch dims, got ${x1.shape[d]} and ${x2.shape[d]} at dim ${d}`);
  }
  if (x1.shape[x1.ndim - 1] !== in1) throw new ShapeError(`${owner}: input1 ${fmtShape(x1.shape)} expected last dim ${in1} (weight ${fmtShape(weight.shape)}), got ${x1.shape[x1.ndim - 1]}`);
  if (x2.shape[x2.ndim - 1] !== in2) throw new ShapeError(`${owner}: input2 ${fmtShape(x2.shape)} expected last dim ${in2} (weight ${fmtShape(weight.shape)}), got ${x2.shape[x2.ndim - 1]}`);
  if (bias && !(bias.ndim === 1 && bias.shape[0] === out)) throw new ShapeError(`${owner}: bias expected shape [${out}] (weight ${fmtShape(weight.shape)}), got ${fmtShape(bias.shape)}`);
  const y = einsum('...i,oij,...j->...o', x1, weight, x2);
  return bias ? add(y, bias) : y;
}

/**
 * PyTorch's F.bilinear: y = x1ᵀ A x2 + b for inputs [..., in1] and [..., in2] (the same batch
 * dims), weight [out, in1, in2], bias [out] or null → [..., out].
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return bilinearOf('bilinear', input1, input2, weight, bias);
}

function featureCount(name: string, v: unknown, least: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < least) {
    throw new ValueError(`Bilinear: ${name} expected ${least > 0 ? 'a positive integer' : 'an integer >= 0'}, got ${typeof v === 'number' ? v : describe(v)}`);
  }
}

/**
 * y = x1ᵀ A x2 + b (PyTorch's nn.Bilinear): weight [outFeatures, in1Features, in2Features], bias
 * [outFeatures], both uniform in ±1/√in1Features at first, as PyTorch's.
 */
export class Bilinear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    positionalArgs('Bilinear', ['in1Features', 'in2Features', 'outFeatures'], [in1Features, in2Features, outFeatures], true);
    checkOptions('Bilinear', options, ['bias']);
    // in1Features sets the init's bound, 1/√in1Features (PyTorch divides by zero at 0).
    featureCount('in1Features', in1Features, 1);
    featureCount('in2Features', in2Features, 0);
    featureCount('outFeatures', outFeatures, 0);
    if (options.bias !== undefined && typeof options.bias !== 'boolean') throw new ValueError(`Bilinear: bias expected a boolean, got ${describe(options.bias)}`);
    this.weight = Parameter(zeros([outFeatures, in1Features, in2Features]));
    this.bias = options.bias ?? true ? Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    init.uniform(this.weight, -bound, bound);
    if (this.bias) init.uniform(this.bias, -bound, bound);
  }

  forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinearOf('Bilinear', input1, input2, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
