// Layers of the composed activations in @nutshell/tensor (ops/table/composed-activations.ts),
// under PyTorch's names, arguments and (for PReLU) parameter name and initial value.
import { celu, full, glu, hardsigmoid, hardswish, hardtanh, logSigmoid, mish, prelu, relu6, selu, silu, softsign, type Tensor } from '@nutshell/tensor';
import { ValueError } from '@nutshell/tensor';
import { Module } from '../module.js';
import { intArg, numberArg, positionalArgs } from './arg-checks.js';
import { Parameter } from '../parameter.js';

/** A layer applying one function of its input. */
function stateless(name: string, f: (x: Tensor) => Tensor): new () => Module & { forward(x: Tensor): Tensor } {
  const Layer = class extends Module {
    forward(x: Tensor): Tensor {
      return f(x);
    }
  };
  Object.defineProperty(Layer, 'name', { value: name });
  return Layer;
}

export const SiLU = stateless('SiLU', silu);
export const Mish = stateless('Mish', mish);
export const ReLU6 = stateless('ReLU6', relu6);
export const Hardsigmoid = stateless('Hardsigmoid', hardsigmoid);
export const Hardswish = stateless('Hardswish', hardswish);
export const LogSigmoid = stateless('LogSigmoid', logSigmoid);
export const SELU = stateless('SELU', selu);
export const Softsign = stateless('Softsign', softsign);

export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) {
    super();
    positionalArgs('Hardtanh', ['minVal', 'maxVal'], [minVal, maxVal]);
    numberArg('Hardtanh', 'minVal', minVal);
    numberArg('Hardtanh', 'maxVal', maxVal);
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
}
export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    positionalArgs('CELU', ['alpha'], [alpha]);
    numberArg('CELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }
}
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
    positionalArgs('GLU', ['dim'], [dim]);
    intArg('GLU', 'dim', dim);
  }
  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
}

/** Leaky relu with a learned slope: one (numParameters 1) or one per channel; `weight` starts at `init` (0.25). */
export class PReLU extends Module {
  weight: Tensor;
  constructor(readonly numParameters = 1, init = 0.25) {
    super();
    positionalArgs('PReLU', ['numParameters', 'init'], [numParameters, init]);
    if (!Number.isSafeInteger(numParameters) || numParameters < 1) throw new ValueError(`PReLU: numParameters expected a positive integer, got ${numParameters}`);
    this.weight = Parameter(full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
}
