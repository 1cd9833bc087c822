// Moving Fashion-MNIST: each 28×28 garment drifts one pixel per frame across a 36×36 canvas for 9
// frames, in one of 8 directions (the compass points), passing the centre at the middle frame. A
// clip's labels are the garment's class and the direction. The frames of a clip and of its
// opposite (N and S) are the same nine pictures in reverse order, so only a model that sees the
// order of frames can tell the two apart; one that looks at frames one by one can at best tell
// the axis of motion from how far the positions spread (half the directions).
import { FashionMNIST, type Dataset, type NDArray } from '@nutshell/data';

export const FRAMES = 9;
export const CANVAS = 36;
const SIDE = 28;
const ROOM = CANVAS - SIDE; // 8: the garment moves at most this far

/** The 8 directions as [dy, dx] per frame, clockwise from north. */
export const directions: readonly (readonly [number, number])[] = [
  [-1, 0], [-1, 1], [0, 1], [1, 1], [1, 0], [1, -1], [0, -1], [-1, -1],
];
export const directionNames: readonly string[] = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];

export interface ClipSample {
  /** [1, FRAMES, CANVAS, CANVAS]: channels, time, height, width — Conv3d's [C, D, H, W]. */
  clip: NDArray<Float32Array>;
  label: number;
  direction: number;
}

/** Where the garment's top-left corner is in frame t when it moves by `step` (−1, 0 or 1) per frame: centred at the middle frame. */
const offset = (step: number, t: number) => ROOM / 2 + step * (t - (FRAMES - 1) / 2);

export class MovingFashion implements Dataset<ClipSample> {
  readonly length: number;
  private readonly images: FashionMNIST;

  constructor(options: { root?: string; train?: boolean; subset?: number } = {}) {
    this.images = new FashionMNIST({ ...options, format: 'uint8' });
    this.length = this.images.length;
  }

  /** The direction of clip `index`: fixed per index, so every epoch and the test set see the same clips. */
  static directionOf(index: number): number {
    return (index * 5 + 3) % directions.length;
  }

  get(index: number): ClipSample {
    const { image, label } = this.images.get(index);
    const pixels = image.data as Uint8Array;
    const direction = MovingFashion.directionOf(index);
    const [dy, dx] = directions[direction];
    const clip = new Float32Array(FRAMES * CANVAS * CANVAS);
    for (let t = 0; t < FRAMES; t++) {
      const top = offset(dy, t), left = offset(dx, t);
      const frame = t * CANVAS * CANVAS;
      for (let y = 0; y < SIDE; y++) {
        const row = frame + (top + y) * CANVAS + left;
        for (let x = 0; x < SIDE; x++) clip[row + x] = pixels[y * SIDE + x] / 255;
      }
    }
    return { clip: { data: clip, shape: [1, FRAMES, CANVAS, CANVAS] }, label, direction };
  }
}
