// PyTorch's nn.TransformerEncoderLayer and nn.TransformerEncoder, with the same submodule names
// (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2; layers.i, norm), so
// their state dicts load into each other.
import { add, checkOptions, gelu, relu, ValueError, type Tensor } from '@nutshell/tensor';
import { ModuleList } from '../containers.js';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';

export interface TransformerEncoderLayerOptions {
  /** The feed-forward block's hidden width (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default 'relu'): 'relu', 'gelu' or a function of a tensor, as PyTorch's callable. */
  activation?: Activation;
  layerNormEps?: number;
  /** [batch, length, features] (default false: [length, batch, features]). */
  batchFirst?: boolean;
  /** Layer norm before attention and feed-forward (pre-norm) instead of after (default false). */
  normFirst?: boolean;
  bias?: boolean;
}

export interface TransformerEncoderLayerCall {
  /** [L, L] or [N·heads, L, L]: true (or −inf) marks a pair that may not attend (PyTorch's src_mask). */
  srcMask?: Tensor | null;
  /** [N, L]: true marks padding, which no position attends to. */
  srcKeyPaddingMask?: Tensor | null;
  /** Hide the future (when no mask is given). */
  isCausal?: boolean;
}

/** TransformerEncoder.forward's options: PyTorch names the attention mask `mask` there. */
export interface TransformerEncoderCall extends Omit<TransformerEncoderLayerCall, 'srcMask'> {
  mask?: Tensor | null;
}

export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

const LAYER_KEYS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias'] as const;

/**
 * A transformer layer's options (the encoder's and the decoder's are the same), checked against
 * `layer`'s name and given PyTorch's defaults. Shared with ./transformer-decoder.ts.
 */
export function layerSettings(layer: string, options: TransformerEncoderLayerOptions) {
  checkOptions(layer, options, LAYER_KEYS);
  const activation = options.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu' && typeof activation !== 'function') {
    throw new ValueError(`${layer}: activation expected 'relu', 'gelu' or a function of a tensor, got ${typeof activation === 'string' ? `'${activation}'` : typeof activation}`);
  }
  return {
    p: options.dropout ?? 0.1,
    bias: options.bias ?? true,
    eps: options.layerNormEps ?? 1e-5,
    activation,
    normFirst: options.normFirst ?? false,
    ff: options.dimFeedforward ?? 2048,
    batchFirst: options.batchFirst ?? false,
  };
}

/** linear2(dropout(activation(linear1(x)))): the feed-forward block before its residual dropout. */
export function feedForwardBlock(layer: { linear1: Linear; dropout: Dropout; linear2: Linear; activation: Activation }, x: Tensor): Tensor {
  const act = typeof layer.activation === 'function' ? layer.activation : layer.activation === 'gelu' ? gelu : relu;
  return layer.linear2.forward(layer.dropout.forward(act(layer.linear1.forward(x))));
}

/** `n` deep copies of `layer` (Module.clone): weights, train/eval mode, frozen parameters — PyTorch's _get_clones. */
export function copiesOf<T extends Module>(layer: T, n: number): T[] {
  return Array.from({ length: n }, () => layer.clone());
}

/** Self-attention and a feed-forward block, each with a residual connection and layer norm. */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: Activation;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerEncoderLayerOptions = {}) {
    super();
    positionalArgs('TransformerEncoderLayer', ['dModel', 'nhead'], [dModel, nhead], true);
    const { p, bias, eps, activation, normFirst, ff, batchFirst } = layerSettings('TransformerEncoderLayer', options);
    this.activation = activation;
    this.normFirst = normFirst;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst });
    this.linear1 = new Linear(dModel, ff, { bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias });
    this.norm1 = new LayerNorm(dModel, { eps, bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
  }

  forward(src: Tensor, call: TransformerEncoderLayerCall = {}): Tensor {
    checkOptions('TransformerEncoderLayer.forward', call, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const attend = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, { attnMask: call.srcMask, keyPaddingMask: call.srcKeyPaddingMask, isCausal: call.isCausal, needWeights: false }).output,
      );
    const feedForward = (x: Tensor) => this.dropout2.forward(feedForwardBlock(this, x));
    if (this.normFirst) {
      const x = add(src, attend(this.norm1.forward(src)));
      return add(x, feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(add(src, attend(src)));
    return this.norm2.forward(add(x, feedForward(x)));
  }

  protected override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}${this.normFirst ? ', normFirst=true' : ''}`;
  }
}

/**
 * `numLayers` encoder layers in a row, then an optional norm. Like PyTorch it copies the layer it
 * is given: every layer starts from that layer's weights.
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  /** enableNestedTensor and maskCheck are PyTorch's fast-path switches: taken, and change nothing here. */
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean } = {}) {
    super();
    positionalArgs('TransformerEncoder', ['encoderLayer', 'numLayers'], [encoderLayer, numLayers], true);
    checkOptions('TransformerEncoder', options, ['norm', 'enableNestedTensor', 'maskCheck']);
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new ValueError('TransformerEncoder: encoderLayer expected a TransformerEncoderLayer');
    if (!Number.isSafeInteger(numLayers) || numLayers < 1) throw new ValueError(`TransformerEncoder: numLayers expected a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(copiesOf(encoderLayer, numLayers));
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, call: TransformerEncoderCall = {}): Tensor {
    checkOptions('TransformerEncoder.forward', call, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const { mask, ...rest } = call;
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { ...rest, srcMask: mask });
    return this.norm ? this.norm.forward(x) : x;
  }
}
