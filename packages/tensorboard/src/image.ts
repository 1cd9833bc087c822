import { checkImage, encodePng, imageOfTensor, isTensorLike, type RasterImage, type TensorLike, toPixels } from '@nutshell/plot';
import type { EncodedImage } from './messages.js';
import { TensorBoardError } from './errors.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Summary.Image colorspace by PNG colour type: grey, RGB, palette (shown as RGB), grey+alpha, RGBA.
const COLORSPACE_OF_PNG: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/**
 * An image as TensorBoard stores it: PNG bytes plus their size and colour space. Raw pixels
 * (bytes 0..255 or floats 0..1, HWC unless layout is 'chw') are encoded with @nutshell/plot's
 * encoder; PNG files pass through after their header is read for the size.
 */
export function toSummaryImage(given: RasterImage | Uint8Array | TensorLike, where: string): EncodedImage {
  let image: RasterImage | Uint8Array;
  try {
    image = isTensorLike(given) ? imageOfTensor(given, where) : given;
  } catch (err) {
    throw new TensorBoardError((err as Error).message);
  }
  if (image instanceof Uint8Array) {
    if (!PNG_SIGNATURE.every((b, i) => image[i] === b) || image.length < 33) {
      throw new TensorBoardError(`${where}: bytes are not a PNG file (only PNG is accepted as pre-encoded image data)`);
    }
    const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const colorspace = COLORSPACE_OF_PNG[image[25]];
    if (colorspace === undefined) throw new TensorBoardError(`${where}: PNG has unknown colour type ${image[25]}`);
    return { width: view.getUint32(16), height: view.getUint32(20), colorspace, png: image };
  }
  try {
    checkImage(image, where);
  } catch (err) {
    // Same message, this package's error class.
    throw new TensorBoardError((err as Error).message);
  }
  const pixels = toPixels(image);
  // Channel counts 1, 3 and 4 are also the colorspace numbers (grey, RGB, RGBA).
  return { width: pixels.width, height: pixels.height, colorspace: pixels.channels, png: encodePng(pixels) };
}
