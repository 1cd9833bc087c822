// A small vision transformer (Dosovitskiy et al., "An image is worth 16x16 words", 2021) for
// 28×28 images: the image cut into square patches, each patch a token (a linear embedding of its
// pixels plus a learned position), a learned class token in front, pre-norm transformer encoder
// layers, and a linear head on the class token's final state.
import { LayerNorm, Linear, Module, Parameter, TransformerEncoder, TransformerEncoderLayer, init } from '@nutshell/nn';
import { add, cat, expand, narrow, permute, reshape, squeeze, zeros, type Tensor } from '@nutshell/tensor';

export interface ViTOptions {
  /** Side of a square patch (divides 28; default 7: 16 patches of 49 pixels). */
  patch?: number;
  /** Width of every token (default 64). */
  dim?: number;
  heads?: number;
  layers?: number;
  dropout?: number;
  classes?: number;
}

export class VisionTransformer extends Module {
  patch_embed: Linear;
  cls_token: Tensor;
  pos_embed: Tensor;
  encoder: TransformerEncoder;
  head: Linear;
  readonly patch: number;
  readonly tokens: number;

  constructor(o: ViTOptions = {}) {
    super();
    this.patch = o.patch ?? 7;
    if (28 % this.patch !== 0) throw new Error(`VisionTransformer: patch expected a divisor of 28, got ${this.patch}`);
    const dim = o.dim ?? 64;
    this.tokens = (28 / this.patch) ** 2;
    this.patch_embed = new Linear(this.patch * this.patch, dim);
    this.cls_token = Parameter(zeros([1, 1, dim]));
    this.pos_embed = Parameter(zeros([1, this.tokens + 1, dim]));
    init.truncNormal(this.cls_token, 0, 0.02);
    init.truncNormal(this.pos_embed, 0, 0.02);
    const layer = new TransformerEncoderLayer(dim, o.heads ?? 4, { dimFeedforward: 2 * dim, dropout: o.dropout ?? 0.1, activation: 'gelu', batchFirst: true, normFirst: true });
    this.encoder = new TransformerEncoder(layer, o.layers ?? 2, { norm: new LayerNorm(dim) });
    this.head = new Linear(dim, o.classes ?? 10);
  }

  /** [N, 1, 28, 28] → [N, patches, patch²]: row-major patches, each row-major inside. */
  patches(images: Tensor): Tensor {
    const n = images.shape[0], p = this.patch, g = 28 / p;
    return reshape(permute(reshape(images, [n, g, p, g, p]), [0, 1, 3, 2, 4]), [n, g * g, p * p]);
  }

  /** The token sequence the encoder reads: the class token, then every patch, with positions. */
  embed(images: Tensor): Tensor {
    const n = images.shape[0];
    const tokens = this.patch_embed.forward(this.patches(images));
    return add(cat([expand(this.cls_token, [n, 1, this.cls_token.shape[2]]), tokens], 1), this.pos_embed);
  }

  forward(images: Tensor): Tensor {
    const states = this.encoder.forward(this.embed(images));
    return this.head.forward(squeeze(narrow(states, 1, 0, 1), 1));
  }

  /**
   * How much the class token attends to each patch in the last layer, averaged over heads:
   * [N, patches]. Runs the encoder up to that layer's attention.
   */
  classAttention(images: Tensor): Tensor {
    const layers = [...this.encoder.layers] as TransformerEncoderLayer[];
    let x = this.embed(images);
    for (const layer of layers.slice(0, -1)) x = layer.forward(x);
    const last = layers[layers.length - 1];
    const h = last.norm1.forward(x); // pre-norm: attention reads the normalised states
    const { weights } = last.self_attn.forward(h, h, h, { needWeights: true });
    return squeeze(narrow(narrow(weights!, 1, 0, 1), 2, 1, this.tokens), 1);
  }
}
