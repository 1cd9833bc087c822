import { Canvas } from './canvas.js';
import { type Color, type Rgb, TEXT, toRgb } from './color.js';
import { fit } from './frame.js';
import { checkImage, imageOfTensor, imagesOfBatch, isTensorLike, type RasterImage, type TensorLike } from './raster.js';
import { checkClassImage, modesOf, type NormalizeMode, pixelsOf } from './image-normalize.js';
import { PlotError } from './errors.js';
import { checkKeys } from './options.js';

export interface ImageGridOptions {
  /** Images per row; default ceil(sqrt(n)), a near-square grid. */
  columns?: number;
  /** Integer magnification of every image; default makes the largest about 96 pixels (at most 16×). */
  scale?: number;
  /**
   * How values become grey levels. 'each': every image stretched over its own min..max (shows
   * the pattern of each conv filter); 'all': one min..max for all (shows which filters are
   * strong); 'none': floats as 0..1 and bytes as 0..255, clamped (for real images); [lo, hi]:
   * lo..hi as black..white, clamped ([-1, 1] for a generator's tanh output). The alpha of RGBA
   * images is scaled with the colours, so use 'none' for those. 'classes': one-channel images of
   * class indices (segmentation masks and predictions), 0 black (background), 1 … 18 colours of
   * their own (CLASS_PALETTE, reused beyond), anything else (an ignore label such as 255) grey;
   * integer or bool data, or floats holding whole numbers (other floats are refused).
   *
   * A list of modes sets them image by image: one per image, or one per column when it has as
   * many entries as there are columns (an image, its true mask and the predicted mask in
   * columns of three: ['each', 'classes', 'classes']). Under 'all' the images drawn with 'all'
   * share one range. Two numbers are a range, [lo, hi], not a list.
   */
  normalize?: NormalizeMode | readonly NormalizeMode[];
  title?: string;
  /** A caption under each image (a class name, a prediction). */
  labels?: string[];
  /** Pixels between images. */
  padding?: number;
  /** Behind and between the images; RGBA images are composited over it. */
  background?: Color;
}

const OPTIONS = ['columns', 'scale', 'normalize', 'title', 'labels', 'padding', 'background'];
/** torchvision's make_grid / save_image keywords, spelt differently here. */
const RENAMED: Record<string, string> = { nrow: 'columns', value_range: 'normalize: [lo, hi]', valueRange: 'normalize: [lo, hi]', pad_value: 'background', padValue: 'background' };

/**
 * A grid of small images in one PNG: learned conv filters, a batch of samples with predictions.
 * `images` is a list of images or tensors ([C, H, W] or [H, W]), or one tensor as torchvision's
 * make_grid takes it ([N, C, H, W] a batch, [C, H, W] one image); tensors are read back synchronously.
 */
export function imageGrid(input: (RasterImage | TensorLike)[] | TensorLike, options: ImageGridOptions = {}): Buffer {
  checkKeys(options, OPTIONS, 'imageGrid', { renamed: RENAMED });
  const images = isTensorLike(input) ? imagesOfBatch(input, 'imageGrid') : input;
  if (!Array.isArray(images) || images.length === 0) throw new PlotError('imageGrid: images must be a non-empty array or a batch tensor');
  const rasters = images.map((img, i) => (isTensorLike(img) ? imageOfTensor(img, `imageGrid: images[${i}]`) : img));
  return gridOf(rasters, options);
}

function gridOf(images: RasterImage[], options: ImageGridOptions): Buffer {
  images.forEach((img, i) => checkImage(img, `imageGrid: images[${i}]`));
  const n = images.length;
  const { normalize = 'each', title, labels } = options;
  if (labels !== undefined && (!Array.isArray(labels) || labels.length !== n)) {
    throw new PlotError(`imageGrid: labels must have one entry per image (${n}), got ${labels?.length}`);
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(columns) || columns < 1) throw new PlotError(`imageGrid: columns must be a positive integer, got ${columns}`);
  const modes = modesOf(normalize, n, columns);
  modes.forEach((mode, i) => {
    if (mode === 'classes') checkClassImage(images[i], i);
  });
  const maxW = Math.max(...images.map((i) => i.width));
  const maxH = Math.max(...images.map((i) => i.height));
  const scale = options.scale ?? Math.max(1, Math.min(16, Math.round(96 / Math.max(maxW, maxH))));
  if (!Number.isInteger(scale) || scale < 1) throw new PlotError(`imageGrid: scale must be a positive integer, got ${scale}`);
  const padding = options.padding ?? 4;
  const background: Rgb = options.background !== undefined ? toRgb(options.background, 'imageGrid: background') : [255, 255, 255];

  const cellW = maxW * scale;
  const cellH = maxH * scale;
  // Captions as large as fit about eight characters under an image.
  const font = cellW >= 8 * 6 * 2 ? 2 : 1;
  const titleFont = 2;
  const labelH = labels ? 8 * font + padding : 0;
  const rows = Math.ceil(n / columns);
  const gridW = columns * cellW + (columns + 1) * padding;
  const titleW = title ? Canvas.measureText(title, titleFont).width + 4 * padding : 0;
  const width = Math.max(gridW, titleW);
  const top = title ? 8 * titleFont + 3 * padding : 0;
  const height = top + rows * (cellH + labelH) + (rows + 1) * padding;
  const canvas = new Canvas(width, height, background);
  const left = Math.floor((width - gridW) / 2);

  const allPixels = pixelsOf(images, modes);
  images.forEach((img, i) => {
    const pixels = allPixels[i];
    const col = i % columns;
    const row = Math.floor(i / columns);
    // Smaller images sit centred in their cell.
    const x0 = left + padding + col * (cellW + padding) + Math.floor((cellW - img.width * scale) / 2);
    const y0 = top + padding + row * (cellH + labelH + padding) + Math.floor((cellH - img.height * scale) / 2);
    const c = pixels.channels;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const p = (y * img.width + x) * c;
        const d = pixels.data;
        const rgb: Rgb = c === 1 ? [d[p], d[p], d[p]] : [d[p], d[p + 1], d[p + 2]];
        canvas.fillRect(x0 + x * scale, y0 + y * scale, scale, scale, rgb, c === 4 ? d[p + 3] / 255 : 1);
      }
    }
    if (labels) {
      const cx = left + padding + col * (cellW + padding) + cellW / 2;
      const ly = top + padding + row * (cellH + labelH + padding) + cellH + Math.ceil(padding / 2);
      canvas.text(fit(String(labels[i]), cellW, font), cx, ly, { scale: font, align: 'center', color: TEXT });
    }
  });
  if (title) canvas.text(fit(title, width - 2 * padding, titleFont), width / 2, 2 * padding, { scale: titleFont, align: 'center', color: TEXT });
  return canvas.toPng();
}
