// Zalando's Fashion-MNIST: 70 000 28×28 grey images of clothing in 10 classes, in MNIST's format.
// Debian ships it as `dataset-fashion-mnist` (in /usr/share/datasets/fashion-mnist).
import { IdxImageDataset, type IdxImageOptions, readLabels } from './idx-image-dataset.js';
import type { IdxImageSource } from './mnist-files.js';

const source: IdxImageSource = {
  name: 'FashionMNIST',
  folder: 'fashion-mnist',
  systemRoot: '/usr/share/datasets/fashion-mnist',
  howToGet:
    'Install it with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu), or pass { root } (or set NUTSHELL_DATA) ' +
    'to a folder with the IDX files from https://github.com/zalandoresearch/fashion-mnist.',
};

const classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

export class FashionMNIST extends IdxImageDataset {
  static readonly classes: readonly string[] = classes;
  readonly classes: readonly string[] = classes;
  protected readonly exportName = 'FashionMNIST';
  protected readonly moduleUrl = import.meta.url;

  constructor(options: IdxImageOptions = {}) {
    super(source, classes.length, options);
  }

  /** A split's labels alone, without reading the images. */
  static readLabels(options: Pick<IdxImageOptions, 'root' | 'train'> = {}): Uint8Array {
    return readLabels(source, options);
  }
}
