import { pixelShuffle, pixelUnshuffle, ValueError, type Tensor } from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';

function checkFactor(cls: string, arg: string, r: number): void {
  positionalArgs(cls, [arg], [r]);
  if (!Number.isSafeInteger(r) || r < 1) throw new ValueError(`${cls}: ${arg} expected a positive integer, got ${r}`);
}

/** [*, C·r², H, W] → [*, C, H·r, W·r] (torch.nn.PixelShuffle, sub-pixel upsampling). */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
    checkFactor('PixelShuffle', 'upscaleFactor', upscaleFactor);
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  protected override extraRepr(): string {
    return `upscaleFactor=${this.upscaleFactor}`;
  }
}

/** [*, C, H·r, W·r] → [*, C·r², H, W] (torch.nn.PixelUnshuffle). */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
    checkFactor('PixelUnshuffle', 'downscaleFactor', downscaleFactor);
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
  protected override extraRepr(): string {
    return `downscaleFactor=${this.downscaleFactor}`;
  }
}
