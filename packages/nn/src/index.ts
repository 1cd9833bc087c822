/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
export { Module, MODULE_ARRAY_WARNING, type RemovableHandle } from './module.js';
export { type BackwardHook, type BackwardPreHook } from './backward-hooks.js';
export { Parameter, isParameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict, Identity } from './containers.js';
export { Linear } from './layers/linear.js';
export { Bilinear } from './layers/bilinear.js';
export { Conv2d, Conv1d, type Conv2dOptions, type Conv1dOptions, type ConvAlgo } from './layers/conv.js';
export { ConvTranspose2d, ConvTranspose1d, type ConvTranspose2dOptions, type ConvTranspose1dOptions } from './layers/conv-transpose.js';
export { Conv3d, ConvTranspose3d, type Conv3dOptions, type ConvTranspose3dOptions } from './layers/conv3d.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, type FixedModeUpsampleOptions } from './layers/upsample.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './layers/pool.js';
export { MaxUnpool2d, type MaxUnpool2dOptions } from './layers/pool.js';
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, type MaxPool1dOptions, type AvgPool1dOptions } from './layers/pool1d.js';
export { MaxPool3d, MaxUnpool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, type MaxPool3dOptions, type MaxUnpool3dOptions, type AvgPool3dOptions } from './layers/pool3d.js';
export { ReLU, LeakyReLU, ELU, GELU, Softplus, Sigmoid, Tanh, Softmax, LogSoftmax, Flatten } from './layers/activation.js';
export { SiLU, Mish, ReLU6, Hardsigmoid, Hardswish, LogSigmoid, SELU, Softsign, Hardtanh, CELU, GLU, PReLU } from './layers/composed-activation.js';
export { Dropout } from './layers/dropout.js';
export { Dropout1d, Dropout2d, Dropout3d } from './layers/channel-dropout.js';
export { RMSNorm, type RMSNormOptions } from './layers/rms-norm.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, type InstanceNormOptions } from './layers/instance-norm.js';
export { PixelShuffle, PixelUnshuffle } from './layers/pixel-shuffle.js';
export { Unflatten } from './layers/unflatten.js';
export { CosineSimilarity, PairwiseDistance } from './layers/distance.js';
export {
  ZeroPad1d,
  ZeroPad2d,
  ZeroPad3d,
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
  CircularPad1d,
  CircularPad2d,
  CircularPad3d,
} from './layers/padding.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm, GroupNorm, type BatchNormOptions } from './layers/norm.js';
export { Embedding, type EmbeddingOptions, type EmbeddingFromPretrainedOptions } from './layers/embedding.js';
export { EmbeddingBag, type EmbeddingBagOptions, type EmbeddingBagFromPretrainedOptions } from './layers/embedding-bag.js';
export { RNN, LSTM, GRU, type RNNOptions, type LSTMOptions, type LSTMResult, type RecurrentOutput } from './layers/rnn.js';
export { RNNCell, LSTMCell, GRUCell, type LSTMCellResult } from './layers/rnn-cells.js';
export { PackedSequence, type PadSequenceOptions, type PaddedResult, type Lengths } from './packed-sequence.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, HuberLoss, KLDivLoss, type Reduction, type CrossEntropyOptions } from './losses/index.js';
export {
  GaussianNLLLoss,
  PoissonNLLLoss,
  MarginRankingLoss,
  HingeEmbeddingLoss,
  CosineEmbeddingLoss,
  TripletMarginLoss,
  TripletMarginWithDistanceLoss,
  SoftMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  CTCLoss,
} from './losses/more.js';
// The functions behind the tensor package's arity guard (Note [arity guard] there): PyTorch's
// kaiming_uniform_(w, a) or clip arguments passed positionally are refused, not dropped.
import { guardAll } from '@nutshell/tensor';
import * as paramVector from './param-vector.js';
import * as initFunctions from './init.js';
import * as checkpoint from './checkpoint.js';
import * as summaries from './summary.js';
import * as sequences from './packed-sequence.js';
export const init = guardAll(initFunctions);
export const { save, load, loadAsync, loadMetadata } = guardAll(checkpoint);
export const { summary } = guardAll(summaries);
export const { padSequence, packPaddedSequence, padPackedSequence, packSequence, unpadSequence, unpackSequence } = guardAll({
  padSequence: sequences.padSequence,
  packPaddedSequence: sequences.packPaddedSequence,
  padPackedSequence: sequences.padPackedSequence,
  packSequence: sequences.packSequence,
  unpadSequence: sequences.unpadSequence,
  unpackSequence: sequences.unpackSequence,
});
export { type StateDict, type SaveOptions } from './checkpoint.js';
export { type SpectralNormOptions } from './spectral-norm.js';
import * as spectral from './spectral-norm.js';
export const { spectralNorm, removeSpectralNorm } = guardAll({ spectralNorm: spectral.spectralNorm, removeSpectralNorm: spectral.removeSpectralNorm });
export { type WeightNormOptions } from './weight-norm.js';
import * as weightNorms from './weight-norm.js';
export const { weightNorm, removeWeightNorm } = guardAll({ weightNorm: weightNorms.weightNorm, removeWeightNorm: weightNorms.removeWeightNorm });
import * as bilinearLayer from './layers/bilinear.js';
export const { bilinear } = guardAll({ bilinear: bilinearLayer.bilinear });
export const { parametersToVector, vectorToParameters } = guardAll(paramVector);
import * as fusion from './fusion.js';
export const { fuseConvBnEval, fuseLinearBnEval, fuseForInference } = guardAll({ fuseConvBnEval: fusion.fuseConvBnEval, fuseLinearBnEval: fusion.fuseLinearBnEval, fuseForInference: fusion.fuseForInference });
export { type ModelSummary, type LayerSummary } from './summary.js';
export { type Nonlinearity, type KaimingOptions } from './init.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCall, type MultiheadAttentionResult } from './layers/attention.js';
export { TransformerEncoderLayer, TransformerEncoder, type TransformerEncoderLayerOptions, type TransformerEncoderLayerCall, type TransformerEncoderCall } from './layers/transformer.js';
export {
  TransformerDecoderLayer,
  TransformerDecoder,
  Transformer,
  type TransformerDecoderLayerOptions,
  type TransformerDecoderLayerCall,
  type TransformerDecoderCall,
  type TransformerOptions,
  type TransformerCall,
} from './layers/transformer-decoder.js';

// Public methods behind the arity guard (Note [arity guard] in the tensor package): PyTorch's
// conv_transpose(x, output_size) on a layer that takes no second input, or
// model.train(True, extra), is refused instead of dropped.
import { guardMethods, trapPyTorchSpellings } from '@nutshell/tensor';
import { Module as ModuleClass } from './module.js';
import * as containers from './containers.js';
import * as linear from './layers/linear.js';
import * as conv from './layers/conv.js';
import * as convTranspose from './layers/conv-transpose.js';
import * as upsample from './layers/upsample.js';
import * as pool from './layers/pool.js';
import * as pool1d from './layers/pool1d.js';
import * as pool3d from './layers/pool3d.js';
import * as activation from './layers/activation.js';
import * as composedActivation from './layers/composed-activation.js';
import * as dropout from './layers/dropout.js';
import * as norm from './layers/norm.js';
import * as embedding from './layers/embedding.js';
import * as embeddingBag from './layers/embedding-bag.js';
import * as rnn from './layers/rnn.js';
import * as rnnCells from './layers/rnn-cells.js';
import * as losses from './losses/index.js';
import * as moreLosses from './losses/more.js';
import * as attention from './layers/attention.js';
import * as transformer from './layers/transformer.js';
import * as transformerDecoder from './layers/transformer-decoder.js';
import * as channelDropout from './layers/channel-dropout.js';
import * as rmsNorm from './layers/rms-norm.js';
import * as instanceNorm from './layers/instance-norm.js';
import * as pixelShuffle from './layers/pixel-shuffle.js';
import * as unflatten from './layers/unflatten.js';
import * as distance from './layers/distance.js';
import * as padding from './layers/padding.js';
const moduleClasses = [ModuleClass, containers, linear, bilinearLayer, conv, convTranspose, upsample, pool, pool1d, pool3d, activation, composedActivation, dropout, norm, embedding, embeddingBag, rnn, rnnCells, losses, moreLosses, attention, transformer, transformerDecoder, channelDropout, rmsNorm, instanceNorm, pixelShuffle, unflatten, padding, distance];
guardMethods(
  [
    'forward', 'train', 'eval', 'parameters', 'namedParameters', 'buffers', 'namedBuffers', 'children', 'namedChildren', 'modules', 'namedModules',
    'stateDict', 'loadStateDict', 'to', 'zeroGrad', 'requiresGrad_', 'apply', 'registerBuffer', 'registerForwardHook', 'registerForwardPreHook', 'registerFullBackwardHook', 'registerFullBackwardPreHook',
    'getSubmodule', 'getParameter', 'clone', 'dispose', 'push', 'append', 'at', 'set', 'get', 'has', 'delete', 'keys', 'values', 'items', 'resetParameters',
  ],
  moduleClasses,
);
// model.state_dict(), Embedding.from_pretrained(…): refused, naming ours (Note [PyTorch spellings]).
trapPyTorchSpellings(moduleClasses);
