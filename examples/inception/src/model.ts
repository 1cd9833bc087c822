import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, type ConvAlgo } from '@nutshell/nn';
import { cat, flatten, relu, type Tensor } from '@nutshell/tensor';

/** Convolution (no bias: the batch norm's shift replaces it) → BatchNorm2d → ReLU. */
export class ConvBN extends Module {
  conv: Conv2d;
  bn: BatchNorm2d;
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: { padding?: number; algo?: ConvAlgo } = {}) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { padding: options.padding ?? 0, bias: false, algo: options.algo });
    this.bn = new BatchNorm2d(outChannels);
  }
  forward(x: Tensor): Tensor {
    return relu(this.bn.forward(this.conv.forward(x)));
  }
}

/** Output channels of each branch: 1×1; 1×1 reduction → 3×3; 1×1 reduction → 5×5; pool → 1×1. */
export interface InceptionChannels {
  b1: number;
  b3reduce: number;
  b3: number;
  b5reduce: number;
  b5: number;
  pool: number;
}

/**
 * An Inception module (GoogLeNet, Szegedy et al. 2014, with batch norm as in Inception-v2): four
 * branches see the same input at different receptive fields: a 1×1 convolution; a 1×1
 * reduction feeding a 3×3; a 1×1 reduction feeding a 5×5; and a 3×3 max-pool (stride 1,
 * padding 1) feeding a 1×1. Every branch keeps the height and width, so their outputs are
 * concatenated along the channels. The 1×1 reductions are what make it cheap: a 5×5 on 8
 * reduced channels costs a fraction of a 5×5 on all of them.
 */
export class Inception extends Module {
  branch1: ConvBN;
  branch3reduce: ConvBN;
  branch3: ConvBN;
  branch5reduce: ConvBN;
  branch5: ConvBN;
  pool = new MaxPool2d(3, { stride: 1, padding: 1 });
  branchPool: ConvBN;
  readonly outChannels: number;

  constructor(inChannels: number, c: InceptionChannels, algo?: ConvAlgo) {
    super();
    this.branch1 = new ConvBN(inChannels, c.b1, 1, { algo });
    this.branch3reduce = new ConvBN(inChannels, c.b3reduce, 1, { algo });
    this.branch3 = new ConvBN(c.b3reduce, c.b3, 3, { padding: 1, algo });
    this.branch5reduce = new ConvBN(inChannels, c.b5reduce, 1, { algo });
    this.branch5 = new ConvBN(c.b5reduce, c.b5, 5, { padding: 2, algo });
    this.branchPool = new ConvBN(inChannels, c.pool, 1, { algo });
    this.outChannels = c.b1 + c.b3 + c.b5 + c.pool;
  }

  forward(x: Tensor): Tensor {
    return cat([
      this.branch1.forward(x),
      this.branch3.forward(this.branch3reduce.forward(x)),
      this.branch5.forward(this.branch5reduce.forward(x)),
      this.branchPool.forward(this.pool.forward(x)),
    ], 1);
  }

  protected override extraRepr(): string {
    return `out=${this.outChannels}`;
  }
}

/**
 * A small Inception network for 28×28 images:
 *   stem 3×3 conv (32) → max-pool 2 → 14×14
 *   inception3a (→ 48) → inception3b (→ 80) → max-pool 2 → 7×7
 *   inception4a (→ 128) → global average pool → linear → 10 classes
 */
export class InceptionNet extends Module {
  stem: ConvBN;
  pool = new MaxPool2d(2);
  inception3a: Inception;
  inception3b: Inception;
  inception4a: Inception;
  gap = new AdaptiveAvgPool2d(1);
  fc: Linear;

  constructor(options: { numClasses?: number; algo?: ConvAlgo } = {}) {
    super();
    const algo = options.algo;
    this.stem = new ConvBN(1, 32, 3, { padding: 1, algo });
    // Channel counts are multiples of 8 (mostly 16): oneDNN's blocked kernels are about twice as
    // fast on them as on counts like 12 or 18.
    this.inception3a = new Inception(32, { b1: 16, b3reduce: 16, b3: 16, b5reduce: 8, b5: 8, pool: 8 }, algo);
    this.inception3b = new Inception(this.inception3a.outChannels, { b1: 16, b3reduce: 16, b3: 32, b5reduce: 8, b5: 16, pool: 16 }, algo);
    this.inception4a = new Inception(this.inception3b.outChannels, { b1: 32, b3reduce: 32, b3: 48, b5reduce: 16, b5: 16, pool: 32 }, algo);
    this.fc = new Linear(this.inception4a.outChannels, options.numClasses ?? 10);
  }

  forward(x: Tensor): Tensor {
    x = this.pool.forward(this.stem.forward(x));
    x = this.inception3b.forward(this.inception3a.forward(x));
    x = this.pool.forward(x);
    x = this.inception4a.forward(x);
    return this.fc.forward(flatten(this.gap.forward(x), 1));
  }
}
