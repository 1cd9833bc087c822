import type { AttrValue, OpDecl, TensorMeta } from '../ops/declare.js';
import { ValueError } from '../errors.js';
import { shareStorage } from '../ops/apply.js';
import { asAutogradAlias } from './grad-ops.js';
import type { Tensor } from '../tensor.js';

/** Where a gradient goes: the node that produced an input (and which of its outputs), or a leaf. */
export type Edge = { node: GraphNode; index: number } | { leaf: Tensor } | null;

/**
 * One recorded op: what backward needs from it, and where its inputs came from.
 *
 * Note [graph lifetime]: a node counts who can still reach it — its live visible outputs and the
 * edges of later nodes — and frees what it saved once none can (an output disposed without a
 * backward, as in an evaluation loop that forgot noGrad), then lets go of the nodes its inputs
 * came from. Without this the saved tensors (an LSTM's workspace: megabytes per call) waited
 * for the garbage collector, which does not see native memory. backward releases the nodes it
 * walks itself, in its own order, so release() alone does not cascade.
 */
export class GraphNode {
  /** Nodes made so far: a node's serial tells work recorded after a point from work before it (checkpoint). */
  static made = 0;
  readonly serial = GraphNode.made++;
  released = false;
  private holders = 0;
  constructor(
    readonly decl: OpDecl<any>,
    readonly attrs: Record<string, AttrValue>,
    readonly inputMeta: TensorMeta[],
    readonly next: Edge[],
    readonly visibleOutputs: number,
    /** Saved tensors hold their own storage references (shared, not copied). */
    readonly savedInputs: (Tensor | null)[],
    readonly savedOutputs: (Tensor | null)[],
  ) {
    this.inputVersions = savedInputs.map((t) => (t ? t.version.n : 0));
    this.outputVersions = savedOutputs.map((t) => (t ? t.version.n : 0));
  }

  /** The version (Note [version counter]) of each saved tensor when it was saved. */
  private readonly inputVersions: number[];
  private readonly outputVersions: number[];

  /**
   * The saved tensors as the gradient rule sees them. For a graph of the gradients (Note [create
   * graph]) each is a share that stands for what it was in the graph — the input's node output or
   * leaf, this node's own output — so the rule's ops record edges back into the graph; made in
   * the caller's scope, they let go of their nodes when it ends.
   */
  unpackSaved(createGraph: boolean): { inputs: (Tensor | null)[]; outputs: (Tensor | null)[] } {
    if (!createGraph) return { inputs: this.savedInputs, outputs: this.savedOutputs };
    const alias = (t: Tensor | null, origin: Edge): Tensor | null => {
      if (!t || !origin) return t;
      const s = shareStorage(t, t.shape);
      asAutogradAlias(s, origin);
      return s;
    };
    return {
      inputs: this.savedInputs.map((t, i) => alias(t, this.next[i])),
      // A visible float32 output carries this node as its gradFn.
      outputs: this.savedOutputs.map((t, i) => alias(t, i < this.visibleOutputs && t?.dtype === 'float32' ? { node: this, index: i } : null)),
    };
  }

  /** Throws when a saved tensor was written in place after this op used it (PyTorch refuses it too). */
  checkSavedVersions(): void {
    this.checkVersions('input', this.savedInputs, this.inputVersions);
    this.checkVersions('output', this.savedOutputs, this.outputVersions);
  }

  protected checkVersions(kind: string, saved: readonly (Tensor | null)[], versions: readonly number[]): void {
    saved.forEach((t, i) => {
      if (!t || t.version.n === versions[i]) return;
      throw new ValueError(
        `backward: ${kind} ${i} of ${this.name} ([${t.shape.join(',')}] ${t.dtype}) was modified in place after ${this.name} used it ` +
          `(version ${t.version.n}, saved at version ${versions[i]}), so its gradient would be wrong; modify it after backward, or a copy of it`,
      );
    });
  }

  get name(): string {
    return this.decl.name;
  }

  /** Tensors among this node's outputs with gradient hooks or retainGrad (Note [gradient hooks]). */
  watched: Map<number, Tensor> | null = null;

  watch(index: number, t: Tensor): void {
    (this.watched ??= new Map()).set(index, t);
  }

  /** A live output or a later node's edge now reaches this node. */
  hold(): void {
    this.holders++;
  }

  /** One holder let go; with none left nothing can run backward through here (Note [graph lifetime]). */
  letGo(): void {
    if (--this.holders > 0 || this.released) return;
    this.release();
    for (const e of this.next) if (e && 'node' in e) e.node.letGo();
  }

  /** Frees what was saved for backward. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const t of this.savedInputs) t?.dispose();
    for (const t of this.savedOutputs) t?.dispose();
  }
}
