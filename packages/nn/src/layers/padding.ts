// Padding layers over @nutshell/tensor's pad (modes 'constant', 'reflect', 'replicate',
// 'circular'), as torch.nn's: ZeroPad1d/2d/3d, ConstantPad1d/2d/3d, ReflectionPad1d/2d/3d,
// ReplicationPad1d/2d/3d, CircularPad1d/2d/3d.
// `padding` is one integer for every side or PyTorch's tuple, last dim first: (left, right),
// (left, right, top, bottom), (left, right, top, bottom, front, back).
import { fmtShape, pad, ShapeError, ValueError, type PadOptions, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';

const SIDES = ['left, right', 'left, right, top, bottom', 'left, right, top, bottom, front, back'];

function sides(cls: string, padding: number | readonly number[], dims: number): number[] {
  const n = 2 * dims;
  if (typeof padding === 'number' && Number.isSafeInteger(padding)) return Array(n).fill(padding);
  if (Array.isArray(padding) && padding.length === n && padding.every((p) => Number.isSafeInteger(p))) return [...padding];
  const got = Array.isArray(padding) ? `[${padding.join(', ')}]` : typeof padding === 'number' ? String(padding) : padding === null ? 'null' : typeof padding;
  throw new ValueError(`${cls}: padding expected an integer or ${n} integers (${SIDES[dims - 1]}), got ${got}`);
}

type Padding = number | readonly number[];

/** @internal Exported for index.ts's guardMethods (its forward), not re-exported. */
export abstract class PadNd extends Module {
  readonly padding: number[];

  constructor(padding: Padding, protected readonly dims: 1 | 2 | 3, protected readonly mode: NonNullable<PadOptions['mode']>, readonly value = 0) {
    super();
    positionalArgs(this.constructor.name, ['padding'], [padding]);
    this.padding = sides(this.constructor.name, padding, dims);
  }

  forward(x: Tensor): Tensor {
    if (this.mode !== 'constant' && x?.isTensor && x.shape.length !== this.dims + 1 && x.shape.length !== this.dims + 2) {
      const layout = ['C, L', 'C, H, W', 'C, D, H, W'][this.dims - 1];
      throw new ShapeError(`${this.constructor.name}: input expected [N, ${layout}] or [${layout}] (${this.dims + 1}-D or ${this.dims + 2}-D), got ${fmtShape(x.shape)}`);
    }
    return pad(x, this.padding, { mode: this.mode, value: this.value });
  }

  protected override extraRepr(): string {
    return this.mode === 'constant' && !(this instanceof ZeroPadNd) ? `padding=[${this.padding.join(', ')}], value=${this.value}` : `[${this.padding.join(', ')}]`;
  }
}

abstract class ZeroPadNd extends PadNd {}

abstract class ConstantPadNd extends PadNd {
  constructor(padding: Padding, value: number, dims: 1 | 2 | 3) {
    positionalArgs(`ConstantPad${dims}d`, ['padding', 'value'], [padding, value]);
    if (typeof value !== 'number') throw new ValueError(`ConstantPad${dims}d: value expected a number, got ${value === undefined ? 'none' : value === null ? 'null' : typeof value}`);
    super(padding, dims, 'constant', value);
  }
}

/** Zeros on both ends of the last dim (torch.nn.ZeroPad1d). */
export class ZeroPad1d extends ZeroPadNd {
  constructor(padding: Padding) {
    super(padding, 1, 'constant');
  }
}
/** Zeros around the last two dims (torch.nn.ZeroPad2d). */
export class ZeroPad2d extends ZeroPadNd {
  constructor(padding: Padding) {
    super(padding, 2, 'constant');
  }
}
/** Zeros around the last three dims (torch.nn.ZeroPad3d). */
export class ZeroPad3d extends ZeroPadNd {
  constructor(padding: Padding) {
    super(padding, 3, 'constant');
  }
}

/** `value` on both ends of the last dim (torch.nn.ConstantPad1d). */
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: Padding, value: number) {
    super(padding, value, 1);
  }
}
/** `value` around the last two dims (torch.nn.ConstantPad2d). */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: Padding, value: number) {
    super(padding, value, 2);
  }
}
/** `value` around the last three dims (torch.nn.ConstantPad3d). */
export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: Padding, value: number) {
    super(padding, value, 3);
  }
}

/** The input reflected at its border, [N, C, L] or [C, L] (torch.nn.ReflectionPad1d; each pad smaller than the dim). */
export class ReflectionPad1d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 1, 'reflect');
  }
}
/** The input reflected at its border, [N, C, H, W] or [C, H, W] (torch.nn.ReflectionPad2d). */
export class ReflectionPad2d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 2, 'reflect');
  }
}
/** The input reflected at its border, [N, C, D, H, W] or [C, D, H, W] (torch.nn.ReflectionPad3d). */
export class ReflectionPad3d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 3, 'reflect');
  }
}

/** The border value repeated, [N, C, L] or [C, L] (torch.nn.ReplicationPad1d). */
export class ReplicationPad1d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 1, 'replicate');
  }
}
/** The border value repeated, [N, C, H, W] or [C, H, W] (torch.nn.ReplicationPad2d). */
export class ReplicationPad2d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 2, 'replicate');
  }
}
/** The border value repeated, [N, C, D, H, W] or [C, D, H, W] (torch.nn.ReplicationPad3d). */
export class ReplicationPad3d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 3, 'replicate');
  }
}
/** The last dim wrapped around: its last entries in front, its first behind (torch.nn.CircularPad1d). */
export class CircularPad1d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 1, 'circular');
  }
}
/** The last two dims wrapped around (torch.nn.CircularPad2d: periodic boundaries). */
export class CircularPad2d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 2, 'circular');
  }
}
/** The last three dims wrapped around (torch.nn.CircularPad3d). */
export class CircularPad3d extends PadNd {
  constructor(padding: Padding) {
    super(padding, 3, 'circular');
  }
}
