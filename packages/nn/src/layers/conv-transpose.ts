import { ShapeError, ValueError, convTranspose1d, convTranspose2d, type Tensor } from '@nutshell/tensor';
import { ConvLayer, pair, type ConvAlgo, type Pair } from './conv.js';


export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** The padding of the convolution this transposes: a number, [h, w] or [top, left, bottom, right]. */
  padding?: Pair | [number, number, number, number];
  /** Extra rows/columns at the bottom/right of the output (smaller than the stride or the dilation). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  /** As Conv2d's (cuDNN's backward-data algorithms on cuda). */
  algo?: ConvAlgo;
}

export const TRANSPOSED_OPTIONS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'algo'];

/**
 * The outputPadding that makes a transposed convolution's output `outputSize` (PyTorch's
 * forward(input, output_size)): given as the spatial sizes, or as the whole output shape (N and
 * C, or C alone for an unbatched input, in front). Each size
 * must lie in [smallest, smallest + stride − 1], the sizes the convolution it transposes maps
 * back to the same input size.
 */
export function outputPaddingFor(
  layer: string,
  x: Tensor,
  outputSize: readonly number[],
  stride: number[],
  padding: number[], // per dim, the two sides summed
  kernel: number[],
  dilation: number[],
): number[] {
  const k = kernel.length;
  // The whole output shape is accepted too (PyTorch's output_size=y.shape): N and C, or C alone for an unbatched input.
  const leading = x.shape.length > k + 1 ? 2 : 1;
  if (!Array.isArray(outputSize) || (outputSize.length !== k && outputSize.length !== k + leading) || !outputSize.every((v) => Number.isInteger(v))) {
    throw new ValueError(`${layer}.forward: outputSize expected ${k} (or ${k + leading}, with ${leading === 2 ? 'N and C' : 'C'}) integers, got ${JSON.stringify(outputSize)}`);
  }
  const want = outputSize.slice(-k);
  const input = x.shape.slice(-k);
  return want.map((size, i) => {
    const smallest = (input[i] - 1) * stride[i] - padding[i] + dilation[i] * (kernel[i] - 1) + 1;
    const largest = smallest + stride[i] - 1;
    if (size < smallest || size > largest) {
      throw new ShapeError(`${layer}.forward: outputSize [${want}] is not reachable from input [${input}]: dim ${i} expected ${smallest} to ${largest}, got ${size}`);
    }
    return size - smallest;
  });
}

/**
 * 2-D transposed convolution over [N, C, H, W] (PyTorch's ConvTranspose2d: upsampling in
 * decoders, autoencoders, GANs); weight [in, out/groups, kH, kW] and bias [out], as PyTorch.
 */
export class ConvTranspose2d extends ConvLayer<ConvTranspose2dOptions> {
  readonly kernelSize: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, (groups) => [inChannels, outChannels / groups, ...pair(kernelSize)], options, TRANSPOSED_OPTIONS);
    this.kernelSize = pair(kernelSize);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<ConvTranspose2dOptions, 'bias'>): Tensor {
    return convTranspose2d(x, weight, bias, options);
  }

  /** `outputSize` ([H, W] or [N, C, H, W]) picks the outputPadding, as PyTorch's forward(input, output_size). */
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    if (outputSize === undefined) return super.forward(x);
    const { bias: _, ...options } = this.options;
    const p = options.padding ?? 0;
    const sides = typeof p === 'number' ? [2 * p, 2 * p] : p.length === 2 ? [2 * p[0], 2 * p[1]] : [p[0] + p[2], p[1] + p[3]];
    const outputPadding = outputPaddingFor('ConvTranspose2d', x, outputSize, pair(options.stride ?? 1), sides, this.kernelSize, pair(options.dilation ?? 1));
    return this.run(x, this.weight, this.bias, { ...options, outputPadding: outputPadding as [number, number] });
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${o.stride ? `, stride=${o.stride}` : ''}${o.padding ? `, padding=${o.padding}` : ''}${o.outputPadding ? `, outputPadding=${o.outputPadding}` : ''}`;
  }
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number | [number, number];
  outputPadding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  algo?: ConvAlgo;
}

/** 1-D transposed convolution over [N, C, L]; weight [in, out/groups, k]. */
export class ConvTranspose1d extends ConvLayer<ConvTranspose1dOptions> {
  constructor(inChannels: number, outChannels: number, readonly kernelSize: number, options: ConvTranspose1dOptions = {}) {
    super('ConvTranspose1d', inChannels, outChannels, kernelSize, (groups) => [inChannels, outChannels / groups, kernelSize], options, TRANSPOSED_OPTIONS);
  }

  protected run(x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<ConvTranspose1dOptions, 'bias'>): Tensor {
    return convTranspose1d(x, weight, bias, options);
  }

  /** `outputSize` ([L] or [N, C, L]) picks the outputPadding, as PyTorch's forward(input, output_size). */
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    if (outputSize === undefined) return super.forward(x);
    const { bias: _, ...options } = this.options;
    const p = options.padding ?? 0;
    const sides = typeof p === 'number' ? [2 * p] : [p[0] + p[1]];
    const [outputPadding] = outputPaddingFor('ConvTranspose1d', x, outputSize, [options.stride ?? 1], sides, [this.kernelSize], [options.dilation ?? 1]);
    return this.run(x, this.weight, this.bias, { ...options, outputPadding });
  }
}
