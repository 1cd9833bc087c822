/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
export { type Dataset, type AsyncDataset, type SampleOf } from './dataset.js';
export { type NDArray, type SampleData, ndarray } from './ndarray.js';
export { Rng, rngFor, sampleRng, permutation } from './rng.js';
export { type WorkerSpec, type WorkerBuildable, build as buildFromSpec } from './worker-spec.js';

export { TensorDataset, type Column, type Rows } from './datasets/tensor-dataset.js';
export { Subset } from './datasets/subset.js';
export { ConcatDataset } from './datasets/concat.js';
export { randomSplit, type RandomSplitOptions } from './datasets/random-split.js';
export { kFold, stratifiedKFold, type KFoldOptions, type Fold } from './datasets/k-fold.js';
export { rocCurve, rocAuc, precisionRecallCurve, averagePrecision, confusionMatrix, type ConfusionMatrixOptions } from './metrics.js';
export { IdxImageDataset, type IdxImageOptions, type ImageSample } from './datasets/idx-image-dataset.js';
export { FashionMNIST } from './datasets/fashion-mnist.js';
export { MNIST } from './datasets/mnist.js';
export { CharDataset, type CharDatasetOptions, type CharSample } from './datasets/char-dataset.js';

export { DataLoader, type DataLoaderOptions } from './loader/data-loader.js';
export { type Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler } from './samplers.js';
export { collate, toTensors, type Batch } from './collate/to-tensors.js';
export { stack, type Stacked, type StackedArray, type StackedDType } from './collate/stack.js';

export { readIdx, decodeIdx } from './idx/read.js';
export { writeIdx, encodeIdx, type IdxSource, type WriteIdxOptions } from './idx/write.js';
export { type IdxArray, type IdxDType } from './idx/format.js';

export { readCsv, parseCsv } from './csv/read.js';
export { CsvTable } from './csv/table.js';
export { type CsvOptions, type CsvColumn } from './csv/options.js';

export { type Transform, defineTransform } from './transforms/transform.js';
export { compose } from './transforms/compose.js';
export { toFloat } from './transforms/to-float.js';
export { normalize } from './transforms/normalize.js';
export { randomCrop, type RandomCropOptions } from './transforms/random-crop.js';
export { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';
export { randomVerticalFlip } from './transforms/random-vertical-flip.js';
export { resize, type ResizeOptions, type Interpolation } from './transforms/resize.js';
export { centerCrop } from './transforms/center-crop.js';
export { randomResizedCrop, randomResizedCropParams, type RandomResizedCropOptions, type CropBox } from './transforms/random-resized-crop.js';
export { adjustBrightness, adjustContrast, adjustSaturation, adjustHue } from './transforms/adjust-color.js';
export { colorJitter, type ColorJitterOptions } from './transforms/color-jitter.js';
export { gaussianNoise, type GaussianNoiseOptions } from './transforms/gaussian-noise.js';
export { randomErasing, type RandomErasingOptions } from './transforms/random-erasing.js';
export { randomRotation, rotate, type RandomRotationOptions, type RotateOptions } from './transforms/random-rotation.js';

export { progress, ProgressBar, SyncProgressBar, type ProgressOptions, type ProgressBarOptions, type ProgressStream, type PostfixValue } from './progress.js';
