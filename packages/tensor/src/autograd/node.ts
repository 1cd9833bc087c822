import type { AttrValue, OpDecl, TensorMeta } from '../ops/declare.js';
import type { Tensor } from '../tensor.js';

/** Where a gradient goes: the node that produced an input (and which of its outputs), or a leaf. */
export type Edge = { node: GraphNode; index: number } | { leaf: Tensor } | null;

/** One recorded op: what backward needs from it, and where its inputs came from. */
export class GraphNode {
  released = false;
  constructor(
    readonly decl: OpDecl<any>,
    readonly attrs: Record<string, AttrValue>,
    readonly inputMeta: TensorMeta[],
    readonly next: Edge[],
    readonly visibleOutputs: number,
    /** Saved tensors hold their own storage references (shared, not copied). */
    readonly savedInputs: (Tensor | null)[],
    readonly savedOutputs: (Tensor | null)[],
  ) {}

  get name(): string {
    return this.decl.name;
  }

  /** Frees what was saved for backward. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const t of this.savedInputs) t?.dispose();
    for (const t of this.savedOutputs) t?.dispose();
  }
}
