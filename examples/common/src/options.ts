// What every example's train() takes besides its own hyperparameters.

export interface RunOptions {
  seed?: number;
  /** Where the example's PNGs, event files and checkpoints go (created by the caller). */
  runDir: string;
  /** No progress bar, summary or per-epoch lines. */
  quiet?: boolean;
  /** Where log lines go (default: stdout). */
  log?: (line: string) => void;
}

/** An example on Fashion-MNIST. */
export interface FashionRunOptions extends RunOptions {
  /** Data folder (default: the Debian package's, or NUTSHELL_DATA). */
  data?: string;
  /** Train on the first n training images and test on the first n/6 test images. */
  subset?: number;
}
