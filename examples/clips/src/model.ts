// Two models over clips [N, 1, 9, 36, 36] with the same two heads (garment class, direction):
// - ClipNet: 3-d convolutions (Conv3d + BatchNorm3d + ReLU, MaxPool3d), whose kernels span
//   neighbouring frames, so they can respond to motion;
// - FrameNet: the same stack in 2-d run on every frame alone, averaged over time — it sees each
//   frame perfectly well and the order of frames not at all, the baseline that shows what the
//   third dimension buys.
import { AdaptiveAvgPool2d, AdaptiveAvgPool3d, BatchNorm2d, BatchNorm3d, Conv2d, Conv3d, Flatten, Linear, MaxPool2d, MaxPool3d, Module, ReLU, Sequential } from '@nutshell/nn';
import { mean, reshape, type Tensor } from '@nutshell/tensor';
import { directions } from './clips.js';

export type ClipModelKind = 'clip' | 'frame';

export interface TwoHeads {
  /** Garment class logits [N, 10]. */
  label: Tensor;
  /** Direction logits [N, 8]. */
  direction: Tensor;
}

const block3d = (inChannels: number, outChannels: number) => [new Conv3d(inChannels, outChannels, 3, { padding: 1, bias: false }), new BatchNorm3d(outChannels), new ReLU()];
const block2d = (inChannels: number, outChannels: number) => [new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false }), new BatchNorm2d(outChannels), new ReLU()];

// The last feature maps are averaged down to 3×3 (over all frames), not to one number per channel:
// where on the garment a feature fires tells a shirt from a coat.
const GRID = 3;
const FEATURES_PER_CHANNEL = GRID * GRID;

abstract class ClipModel extends Module {
  labelHead: Linear;
  directionHead: Linear;

  protected constructor(readonly width: number) {
    super();
    this.labelHead = new Linear(FEATURES_PER_CHANNEL * 4 * width, 10);
    this.directionHead = new Linear(FEATURES_PER_CHANNEL * 4 * width, directions.length);
  }

  /** One feature vector per clip: [N, 4·width·9]. */
  protected abstract features(clips: Tensor): Tensor;

  forward(clips: Tensor): TwoHeads {
    const f = this.features(clips);
    return { label: this.labelHead.forward(f), direction: this.directionHead.forward(f) };
  }
}

export class ClipNet extends ClipModel {
  body: Sequential;

  constructor(width = 8) {
    super(width);
    this.body = new Sequential(
      ...block3d(1, width), new MaxPool3d([1, 2, 2]), //   9×18×18: space halved, every frame kept
      ...block3d(width, 2 * width), new MaxPool3d(2), //   4×9×9
      ...block3d(2 * width, 4 * width), new AdaptiveAvgPool3d([1, GRID, GRID]), new Flatten(),
    );
  }

  protected features(clips: Tensor): Tensor {
    return this.body.forward(clips) as Tensor;
  }
}

export class FrameNet extends ClipModel {
  body: Sequential;

  constructor(width = 8) {
    super(width);
    this.body = new Sequential(
      ...block2d(1, width), new MaxPool2d(2),
      ...block2d(width, 2 * width), new MaxPool2d(2),
      ...block2d(2 * width, 4 * width), new AdaptiveAvgPool2d(GRID),
    );
  }

  protected features(clips: Tensor): Tensor {
    const [n, , frames, h, w] = clips.shape;
    const perFrame = this.body.forward(reshape(clips, [n * frames, 1, h, w])) as Tensor; // [N·T, C, 3, 3]
    return mean(reshape(perFrame, [n, frames, -1]), { dim: 1 }); // over time
  }
}

export const makeModel = (kind: ClipModelKind, width?: number): ClipModel => (kind === 'clip' ? new ClipNet(width) : new FrameNet(width));
export type { ClipModel };
