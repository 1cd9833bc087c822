// LeCun's MNIST digits: 70 000 28×28 grey images in 10 classes. No system package ships it, so
// `root` (or $NUTSHELL_DATA/mnist) must hold the IDX files.
import { IdxImageDataset, type IdxImageOptions, readLabels } from './idx-image-dataset.js';
import type { IdxImageSource } from './mnist-files.js';

const source: IdxImageSource = {
  name: 'MNIST',
  folder: 'mnist',
  systemRoot: '/usr/share/datasets/mnist',
  howToGet:
    'Pass { root } (or set NUTSHELL_DATA to a folder with a mnist/ subfolder) holding the MNIST IDX files ' +
    'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not).',
};

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export class MNIST extends IdxImageDataset {
  static readonly classes: readonly string[] = classes;
  readonly classes: readonly string[] = classes;
  protected readonly exportName = 'MNIST';
  protected readonly moduleUrl = import.meta.url;

  constructor(options: IdxImageOptions = {}) {
    super(source, classes.length, options);
  }

  /** A split's labels alone, without reading the images. */
  static readLabels(options: Pick<IdxImageOptions, 'root' | 'train'> = {}): Uint8Array {
    return readLabels(source, options);
  }
}
