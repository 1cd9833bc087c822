/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
export { Module, type RemovableHandle } from './module.js';
export { Parameter, isParameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict, Identity } from './containers.js';
export { Linear } from './layers/linear.js';
export { Conv2d, Conv1d, type Conv2dOptions, type Conv1dOptions, type ConvAlgo } from './layers/conv.js';
export { ConvTranspose2d, ConvTranspose1d, type ConvTranspose2dOptions, type ConvTranspose1dOptions } from './layers/conv-transpose.js';
export { Upsample } from './layers/upsample.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './layers/pool.js';
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, type MaxPool1dOptions, type AvgPool1dOptions } from './layers/pool1d.js';
export { ReLU, LeakyReLU, ELU, GELU, Softplus, Sigmoid, Tanh, Softmax, LogSoftmax, Flatten } from './layers/activation.js';
export { SiLU, Mish, ReLU6, Hardsigmoid, Hardswish, LogSigmoid, SELU, Softsign, Hardtanh, CELU, GLU, PReLU } from './layers/composed-activation.js';
export { Dropout } from './layers/dropout.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, type BatchNormOptions } from './layers/norm.js';
export { Embedding, type EmbeddingOptions, type EmbeddingFromPretrainedOptions } from './layers/embedding.js';
export { RNN, LSTM, GRU, type RNNOptions } from './layers/rnn.js';
export { RNNCell, LSTMCell, GRUCell } from './layers/rnn-cells.js';
export { PackedSequence, type PadSequenceOptions } from './packed-sequence.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, HuberLoss, KLDivLoss, type Reduction, type CrossEntropyOptions } from './losses/index.js';
// The functions behind the tensor package's arity guard (Note [arity guard] there): PyTorch's
// kaiming_uniform_(w, a) or clip arguments passed positionally are refused, not dropped.
import { guardAll } from '@nutshell/tensor';
import * as initFunctions from './init.js';
import * as checkpoint from './checkpoint.js';
import * as summaries from './summary.js';
import * as sequences from './packed-sequence.js';
export const init = guardAll(initFunctions);
export const { save, load, loadAsync, loadMetadata } = guardAll(checkpoint);
export const { summary } = guardAll(summaries);
export const { padSequence, packPaddedSequence, padPackedSequence, packSequence } = guardAll({
  padSequence: sequences.padSequence,
  packPaddedSequence: sequences.packPaddedSequence,
  padPackedSequence: sequences.padPackedSequence,
  packSequence: sequences.packSequence,
});
export { type StateDict } from './checkpoint.js';
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
