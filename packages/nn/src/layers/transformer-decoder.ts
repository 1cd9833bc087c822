// PyTorch's nn.TransformerDecoderLayer, nn.TransformerDecoder and nn.Transformer, with the same
// submodule names (self_attn, multihead_attn, linear1, dropout, linear2, norm1..3, dropout1..3;
// layers.i, norm; encoder.*, decoder.*), so their state dicts load into each other. The options,
// the feed-forward block and the layer copies are the encoder's (./transformer.ts).
import { add, checkOptions, fmtShape, full, ShapeError, triu, ValueError, type DeviceLike, type Tensor } from '@nutshell/tensor';
import { ModuleList } from '../containers.js';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import * as init from '../init.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';
import { copiesOf, feedForwardBlock, layerSettings, TransformerEncoder, TransformerEncoderLayer, type Activation, type TransformerEncoderLayerOptions } from './transformer.js';

/** The decoder layer takes the encoder layer's options (PyTorch's are the same). */
export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;

export interface TransformerDecoderLayerCall {
  /** [T, T] or [N·heads, T, T]: true (or −inf) marks a target pair that may not attend (PyTorch's tgt_mask). */
  tgtMask?: Tensor | null;
  /** [T, S] or [N·heads, T, S]: true (or −inf) marks a target–memory pair that may not attend. */
  memoryMask?: Tensor | null;
  /** [N, T]: true marks target padding, which no target position attends to. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S]: true marks memory padding, which no target position attends to. */
  memoryKeyPaddingMask?: Tensor | null;
  /** The self-attention hides the future (when no tgtMask is given, it is made). */
  tgtIsCausal?: boolean;
  /** The cross-attention is causal too (rarely wanted; as tgtIsCausal, for memoryMask). */
  memoryIsCausal?: boolean;
}

/** TransformerDecoder.forward's options: the layer's. */
export type TransformerDecoderCall = TransformerDecoderLayerCall;

const DECODER_CALL_KEYS = ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal'] as const;

function checkHeads(layer: string, dModel: number, nhead: number): void {
  for (const [name, v] of [['dModel', dModel], ['nhead', nhead]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(`${layer}: ${name} expected a positive integer, got ${v}`);
  }
  if (dModel % nhead !== 0) throw new ValueError(`${layer}: dModel ${dModel} expected a multiple of nhead ${nhead}`);
}

/** tgt and memory (or src and tgt): 3-d (2-d unbatched) alike, dModel features, one batch size. */
function checkPair(layer: string, names: [string, string], a: Tensor, b: Tensor, dModel: number, batchFirst: boolean): void {
  for (const [name, t] of [[names[0], a], [names[1], b]] as const) {
    if (!t?.isTensor) throw new ValueError(`${layer}: ${name} expected a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.shape.length !== 2 && t.shape.length !== 3) {
      throw new ShapeError(`${layer}: ${name} expected ${batchFirst ? '[N, L, E]' : '[L, N, E]'} or unbatched [L, E], got ${fmtShape(t.shape)}`);
    }
    if (t.shape[t.shape.length - 1] !== dModel) throw new ShapeError(`${layer}: ${name} expected ${dModel} features (dModel) in its last dimension, got ${fmtShape(t.shape)}`);
  }
  if (a.shape.length !== b.shape.length) throw new ShapeError(`${layer}: ${names[0]} ${fmtShape(a.shape)} and ${names[1]} ${fmtShape(b.shape)} expected the same number of dimensions`);
  const batch = batchFirst ? 0 : 1;
  if (a.shape.length === 3 && a.shape[batch] !== b.shape[batch]) {
    throw new ShapeError(`${layer}: ${names[0]} ${fmtShape(a.shape)} and ${names[1]} ${fmtShape(b.shape)} expected one batch size (dim ${batch})`);
  }
}

/** Self-attention, attention over the encoder's output (memory) and a feed-forward block, each with a residual connection and layer norm. */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly normFirst: boolean;
  readonly activation: Activation;
  readonly batchFirst: boolean;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerDecoderLayerOptions = {}) {
    super();
    positionalArgs('TransformerDecoderLayer', ['dModel', 'nhead'], [dModel, nhead], true);
    const { p, bias, eps, activation, normFirst, ff, batchFirst } = layerSettings('TransformerDecoderLayer', options);
    checkHeads('TransformerDecoderLayer', dModel, nhead);
    this.activation = activation;
    this.normFirst = normFirst;
    this.batchFirst = batchFirst;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst });
    this.linear1 = new Linear(dModel, ff, { bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias });
    this.norm1 = new LayerNorm(dModel, { eps, bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias });
    this.norm3 = new LayerNorm(dModel, { eps, bias });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
  }

  /** tgt [T, N, E] ([N, T, E] with batchFirst, [T, E] unbatched) attending to memory [S, N, E]; returns tgt's shape. */
  forward(tgt: Tensor, memory: Tensor, call: TransformerDecoderLayerCall = {}): Tensor {
    checkOptions('TransformerDecoderLayer.forward', call, DECODER_CALL_KEYS);
    checkPair('TransformerDecoderLayer', ['tgt', 'memory'], tgt, memory, this.dModel, this.batchFirst);
    const selfAttend = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, { attnMask: call.tgtMask, keyPaddingMask: call.tgtKeyPaddingMask, isCausal: call.tgtIsCausal, needWeights: false }).output,
      );
    const crossAttend = (x: Tensor) =>
      this.dropout2.forward(
        this.multihead_attn.forward(x, memory, memory, { attnMask: call.memoryMask, keyPaddingMask: call.memoryKeyPaddingMask, isCausal: call.memoryIsCausal, needWeights: false }).output,
      );
    const feedForward = (x: Tensor) => this.dropout3.forward(feedForwardBlock(this, x));
    if (this.normFirst) {
      let x = add(tgt, selfAttend(this.norm1.forward(tgt)));
      x = add(x, crossAttend(this.norm2.forward(x)));
      return add(x, feedForward(this.norm3.forward(x)));
    }
    let x = this.norm1.forward(add(tgt, selfAttend(tgt)));
    x = this.norm2.forward(add(x, crossAttend(x)));
    return this.norm3.forward(add(x, feedForward(x)));
  }

  protected override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}${this.normFirst ? ', normFirst=true' : ''}`;
  }
}

/**
 * `numLayers` decoder layers in a row, then an optional norm. Like PyTorch it copies the layer it
 * is given: every layer starts from that layer's weights.
 */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    positionalArgs('TransformerDecoder', ['decoderLayer', 'numLayers'], [decoderLayer, numLayers], true);
    checkOptions('TransformerDecoder', options, ['norm']);
    if (!(decoderLayer instanceof TransformerDecoderLayer)) throw new ValueError('TransformerDecoder: decoderLayer expected a TransformerDecoderLayer');
    if (!Number.isSafeInteger(numLayers) || numLayers < 1) throw new ValueError(`TransformerDecoder: numLayers expected a positive integer, got ${numLayers}`);
    if (options.norm != null && !(options.norm instanceof Module)) throw new ValueError('TransformerDecoder: norm expected a Module (e.g. a LayerNorm) or null');
    this.layers = new ModuleList(copiesOf(decoderLayer, numLayers));
    this.norm = options.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, call: TransformerDecoderCall = {}): Tensor {
    checkOptions('TransformerDecoder.forward', call, DECODER_CALL_KEYS);
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, call);
    return this.norm ? this.norm.forward(x) : x;
  }
}

export interface TransformerOptions {
  /** The model width (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** The feed-forward blocks' hidden width (default 2048). */
  dimFeedforward?: number;
  /** Dropout in every layer (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default 'relu'): 'relu', 'gelu' or a function of a tensor. */
  activation?: Activation;
  /** Used instead of the encoder built from the options; forward gives it (src, { mask, srcKeyPaddingMask, isCausal }). */
  customEncoder?: Module | null;
  /** Used instead of the decoder built from the options; forward gives it (tgt, memory, TransformerDecoderCall). */
  customDecoder?: Module | null;
  layerNormEps?: number;
  /** [batch, length, features] (default false: [length, batch, features]). */
  batchFirst?: boolean;
  /** Pre-norm layers (default false). */
  normFirst?: boolean;
  bias?: boolean;
}

export interface TransformerCall {
  /** The encoder's self-attention mask [S, S] (PyTorch's src_mask). */
  srcMask?: Tensor | null;
  /** The decoder's self-attention mask [T, T], e.g. Transformer.generateSquareSubsequentMask(T). */
  tgtMask?: Tensor | null;
  /** The decoder's attention mask over the encoder output [T, S]. */
  memoryMask?: Tensor | null;
  /** [N, S]: true marks source padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** [N, T]: true marks target padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S]: true marks memory padding (usually srcKeyPaddingMask again). */
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

const TRANSFORMER_KEYS = [
  'dModel',
  'nhead',
  'numEncoderLayers',
  'numDecoderLayers',
  'dimFeedforward',
  'dropout',
  'activation',
  'customEncoder',
  'customDecoder',
  'layerNormEps',
  'batchFirst',
  'normFirst',
  'bias',
] as const;
const TRANSFORMER_CALL_KEYS = [
  'srcMask',
  'tgtMask',
  'memoryMask',
  'srcKeyPaddingMask',
  'tgtKeyPaddingMask',
  'memoryKeyPaddingMask',
  'srcIsCausal',
  'tgtIsCausal',
  'memoryIsCausal',
] as const;

/**
 * PyTorch's nn.Transformer: a TransformerEncoder (with a final LayerNorm) and a
 * TransformerDecoder (with one), every weight matrix Xavier-uniform initialised as PyTorch's
 * _reset_parameters. The options are PyTorch's keyword arguments, with its defaults.
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}) {
    super();
    if (typeof options === 'number') {
      throw new ValueError(`Transformer: expected an options object { dModel, nhead, numEncoderLayers, … }, got ${options} (PyTorch's positional d_model, nhead, … are named options here)`);
    }
    checkOptions('Transformer', options, TRANSFORMER_KEYS);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...rest } = options;
    checkHeads('Transformer', dModel, nhead);
    for (const [name, v] of [['numEncoderLayers', numEncoderLayers], ['numDecoderLayers', numDecoderLayers]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(`Transformer: ${name} expected a positive integer, got ${v}`);
    }
    for (const [name, m] of [['customEncoder', customEncoder], ['customDecoder', customDecoder]] as const) {
      if (m != null && !(m instanceof Module)) throw new ValueError(`Transformer: ${name} expected a Module or null`);
    }
    const layerOptions: TransformerEncoderLayerOptions = rest;
    const { eps, bias, batchFirst } = layerSettings('Transformer', layerOptions);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = batchFirst;
    this.encoder =
      customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, { norm: new LayerNorm(dModel, { eps, bias }) });
    this.decoder =
      customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, { norm: new LayerNorm(dModel, { eps, bias }) });
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: Xavier-uniform for every parameter with more than one dimension. */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.shape.length > 1) init.xavierUniform(p);
  }

  /**
   * src [S, N, E] through the encoder, tgt [T, N, E] through the decoder attending to the
   * encoder's output ([N, ·, E] with batchFirst; [·, E] unbatched). Returns [T, N, E].
   */
  forward(src: Tensor, tgt: Tensor, call: TransformerCall = {}): Tensor {
    checkOptions('Transformer.forward', call, TRANSFORMER_CALL_KEYS);
    checkPair('Transformer', ['src', 'tgt'], src, tgt, this.dModel, this.batchFirst);
    const memory = this.encoder.forward(src, { mask: call.srcMask, srcKeyPaddingMask: call.srcKeyPaddingMask, isCausal: call.srcIsCausal }) as Tensor;
    return this.decoder.forward(tgt, memory, {
      tgtMask: call.tgtMask,
      memoryMask: call.memoryMask,
      tgtKeyPaddingMask: call.tgtKeyPaddingMask,
      memoryKeyPaddingMask: call.memoryKeyPaddingMask,
      tgtIsCausal: call.tgtIsCausal,
      memoryIsCausal: call.memoryIsCausal,
    }) as Tensor;
  }

  /** [sz, sz] float32: −∞ above the diagonal, 0 elsewhere (each position sees itself and the past), as PyTorch's. */
  static generateSquareSubsequentMask(sz: number, options: { device?: DeviceLike } = {}): Tensor {
    checkOptions('Transformer.generateSquareSubsequentMask', options, ['device']);
    if (!Number.isSafeInteger(sz) || sz < 0) throw new ValueError(`Transformer.generateSquareSubsequentMask: sz expected a non-negative integer, got ${sz}`);
    return triu(full([sz, sz], -Infinity, { device: options.device }), 1);
  }

  protected override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}
