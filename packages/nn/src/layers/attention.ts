// PyTorch's nn.MultiheadAttention: the same parameters under the same names (in_proj_weight and
// in_proj_bias packing q, k, v; q/k/v_proj_weight when key or value have other widths;
// out_proj), the same mask conventions and the same returned weights, so a state dict moves
// between the two unchanged.
import {
  attentionWeights,
  checkOptions,
  DTypeError,
  linear,
  mean,
  narrow,
  permute,
  reshape,
  scope,
  ShapeError,
  squeeze,
  transpose,
  unsqueeze,
  ValueError,
  where,
  zeros,
  add,
  fmtShape,
  full,
  triu,
  type Tensor,
} from '@nutshell/tensor';
import { Module } from '../module.js';
import { positionalArgs } from './arg-checks.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { Linear } from './linear.js';

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and output are [batch, length, embed] (default false: [length, batch, embed]). */
  batchFirst?: boolean;
  /** The key's feature size (default embedDim). */
  kdim?: number;
  /** The value's feature size (default embedDim). */
  vdim?: number;
}

export interface MultiheadAttentionCall {
  /** [N, S] (or [S] unbatched): true (or −inf when float) marks a key to ignore, e.g. padding. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N·heads, L, S]: true (or −inf when float) marks a pair that may not attend. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true): [N, L, S], else [N, heads, L, S]. */
  averageAttnWeights?: boolean;
  /** Hide the future: each query sees keys at or before its position (with keyPaddingMask too; an attnMask given is taken as the causal mask, as PyTorch's hint). */
  isCausal?: boolean;
}

export interface MultiheadAttentionResult {
  output: Tensor;
  /**
   * The attention weights (after dropout, as PyTorch), or null when needWeights is false. A query
   * whose every key is masked gets zero weights and a zero output (PyTorch's fast path; its
   * needWeights path gives NaN there).
   */
  weights: Tensor | null;
}

const CALL_KEYS = ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal'] as const;

export class MultiheadAttention extends Module {
  in_proj_weight: Tensor | null = null;
  q_proj_weight: Tensor | null = null;
  k_proj_weight: Tensor | null = null;
  v_proj_weight: Tensor | null = null;
  in_proj_bias: Tensor | null;
  out_proj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    positionalArgs('MultiheadAttention', ['embedDim', 'numHeads'], [embedDim, numHeads], true);
    checkOptions('MultiheadAttention', options, ['dropout', 'bias', 'batchFirst', 'kdim', 'vdim']);
    for (const [name, v] of [['embedDim', embedDim], ['numHeads', numHeads]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(`MultiheadAttention: ${name} expected a positive integer, got ${v}`);
    }
    if (embedDim % numHeads !== 0) throw new ValueError(`MultiheadAttention: embedDim ${embedDim} expected a multiple of numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError(`MultiheadAttention: dropout expected a probability in [0, 1], got ${this.dropout}`);
    this.batchFirst = options.batchFirst ?? false;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    const bias = options.bias ?? true;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = Parameter(zeros([3 * embedDim, embedDim]));
    } else {
      this.q_proj_weight = Parameter(zeros([embedDim, embedDim]));
      this.k_proj_weight = Parameter(zeros([embedDim, this.kdim]));
      this.v_proj_weight = Parameter(zeros([embedDim, this.vdim]));
    }
    this.in_proj_bias = bias ? Parameter(zeros([3 * embedDim])) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: Xavier-uniform projections, zero biases. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) init.xavierUniform(w);
    if (this.in_proj_bias) init.zeros(this.in_proj_bias);
    if (this.out_proj.bias) init.zeros(this.out_proj.bias);
  }

  /**
   * Attention of `query` over `key`/`value` (self-attention when they are omitted): shapes
   * [L, N, E] ([N, L, E] with batchFirst) or unbatched [L, E]. Returns { output, weights }.
   */
  forward(query: Tensor, key: Tensor = query, value: Tensor = key, call: MultiheadAttentionCall = {}): MultiheadAttentionResult {
    checkOptions('MultiheadAttention.forward', call, CALL_KEYS);
    const batched = query.shape.length === 3;
    if (!batched && query.shape.length !== 2) throw new ShapeError(`MultiheadAttention: query expected [L, N, E], [N, L, E] or [L, E], got ${fmtShape(query.shape)}`);
    for (const [name, t, width] of [['query', query, this.embedDim], ['key', key, this.kdim], ['value', value, this.vdim]] as const) {
      if (t.shape.length !== query.shape.length) throw new ShapeError(`MultiheadAttention: ${name} expected ${query.shape.length} dimensions like the query, got ${fmtShape(t.shape)}`);
      if (t.shape[t.shape.length - 1] !== width) throw new ShapeError(`MultiheadAttention: ${name} expected ${width} features, got ${fmtShape(t.shape)}`);
    }
    return scope(() => {
      // Batch-first [N, L, E] inside.
      const toBatchFirst = (t: Tensor) => (!batched ? unsqueeze(t, 0) : this.batchFirst ? t : transpose(t, 0, 1));
      const [q, k, v] = [query, key, value].map(toBatchFirst);
      const [N, L] = q.shape;
      const S = k.shape[1];
      if (k.shape[0] !== N || v.shape[0] !== N || v.shape[1] !== S) {
        throw new ShapeError(`MultiheadAttention: query, key and value expected one batch size and key/value one length, got ${fmtShape(query.shape)}, ${fmtShape(key.shape)}, ${fmtShape(value.shape)}`);
      }
      const E = this.embedDim, H = this.numHeads, D = this.headDim;
      const bias = (i: number) => (this.in_proj_bias ? narrow(this.in_proj_bias, 0, i * E, E) : null);
      const weight = (i: number) => (this.in_proj_weight ? narrow(this.in_proj_weight, 0, i * E, E) : [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][i]!);
      // [N, len, E] → [N, H, len, D]
      const heads = (t: Tensor, i: number) => permute(reshape(linear(t, weight(i), bias(i)), [N, t.shape[1], H, D]), [0, 2, 1, 3]);
      const mask = this.combinedMask(call, N, L, S, batched);
      const { output, weights } = attentionWeights(heads(q, 0), heads(k, 1), heads(v, 2), {
        attnMask: mask,
        isCausal: !mask && (call.isCausal ?? false),
        dropoutP: this.dropout,
        training: this.training,
      });
      let out = this.out_proj.forward(reshape(permute(output, [0, 2, 1, 3]), [N, L, E]));
      out = !batched ? squeeze(out, 0) : this.batchFirst ? out : transpose(out, 0, 1);
      if (!(call.needWeights ?? true)) return { output: out, weights: null };
      let w = call.averageAttnWeights ?? true ? mean(weights, 1) : weights;
      if (!batched) w = squeeze(w, 0);
      return { output: out, weights: w };
    });
  }

  // One float mask [N, H, L, S] (or broadcastable) from attnMask and keyPaddingMask, whose bool
  // forms mark what to hide (MultiheadAttention's convention, the reverse of sdpa's).
  private combinedMask(call: MultiheadAttentionCall, N: number, L: number, S: number, batched: boolean): Tensor | null {
    const asFloat = (name: string, m: Tensor): Tensor => {
      if (m.dtype === 'bool') return where(m, -Infinity, 0);
      if (m.dtype !== 'float32') throw new DTypeError(`MultiheadAttention: ${name} expected bool or float32, got ${m.dtype}`);
      return m;
    };
    let mask: Tensor | null = null;
    if (call.attnMask) {
      const m = asFloat('attnMask', call.attnMask);
      const s = m.shape;
      if (s.length === 2 && s[0] === L && s[1] === S) mask = m;
      else if (s.length === 3 && s[0] === N * this.numHeads && s[1] === L && s[2] === S) mask = reshape(m, [N, this.numHeads, L, S]);
      else throw new ShapeError(`MultiheadAttention: attnMask expected [${L}, ${S}] or [${N * this.numHeads}, ${L}, ${S}], got ${fmtShape(s)}`);
    }
    if (call.keyPaddingMask) {
      const m = asFloat('keyPaddingMask', call.keyPaddingMask);
      const want = batched ? [N, S] : [S];
      if (m.shape.length !== want.length || m.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`MultiheadAttention: keyPaddingMask expected ${fmtShape(want)}, got ${fmtShape(m.shape)}`);
      }
      const padding = reshape(m, [N, 1, 1, S]);
      // isCausal reaches sdpa only when there is no mask; beside a padding mask it must join it.
      if (!mask && call.isCausal) mask = triu(full([L, S], -Infinity, { device: padding.device }), 1);
      mask = mask ? add(mask, padding) : padding;
    }
    return mask;
  }

  protected override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.dropout > 0 ? `, dropout=${this.dropout}` : ''}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}
