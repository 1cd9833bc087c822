// Note [module backward hooks]: PyTorch's register_full_backward_hook(hook(module, gradInput,
// gradOutput)) and register_full_backward_pre_hook(hook(module, gradOutput)), as PyTorch builds
// them: the module's tensor inputs pass through an identity function on the way in, its tensor
// outputs through another on the way out (defineFunction from the tensor package). Backward meets
// the outputs' identity first: it holds the gradients of the outputs (pre-hooks may replace them)
// for the call; then the inputs' identity, whose backward has the gradients of the inputs and runs
// the hooks with both (a hook may return replacements for the inputs' gradients). When no input
// needs a gradient the inputs' identity is not in the graph, and the hooks run from the outputs'
// side with the input gradients null, as in PyTorch. Each forward call gets its own pair. The
// gradients a hook is given are its own (shares kept out of backward's scopes, which dispose the
// engine's), so Grad-CAM code may hold them after backward; dispose them, or the collector does.
import { ValueError, defineFunction, isGradEnabled, isTensor, keep, type Tensor } from '@nutshell/tensor';

export type BackwardHook<M> = (module: M, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;
export type BackwardPreHook<M> = (module: M, gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

/** Replacements a hook returned, checked against what they replace. */
function replaced(owner: string, what: string, given: unknown, current: (Tensor | null)[]): (Tensor | null)[] {
  if (!Array.isArray(given) || given.length !== current.length || !given.every((g) => g === null || isTensor(g))) {
    throw new ValueError(`${owner}: a backward hook expected to return nothing or an array of ${current.length} tensors or nulls (${what}), got ${Array.isArray(given) ? `an array of ${given.length}` : typeof given}`);
  }
  return given as (Tensor | null)[];
}

/** An identity over tensors whose backward is `backward` (a gradient that did not arrive stays null). */
function identityWithBackward(name: string, backward: (grads: (Tensor | null)[]) => (Tensor | null)[]) {
  return defineFunction({
    name,
    forward: (ctx, ...xs: Tensor[]) => {
      ctx.setMaterializeGrads(false);
      return xs;
    },
    backward: (_ctx, ...grads) => backward(grads as (Tensor | null)[]),
  });
}

/**
 * Runs `call(inputs)` (the module's forward) with its tensor inputs and outputs passed through
 * identities whose backward runs the hooks (Note [module backward hooks]). The output must be a
 * tensor or an array of tensors.
 */
export function withBackwardHooks<M>(module: M, inputs: unknown[], hooks: { full: BackwardHook<M>[]; pre: BackwardPreHook<M>[] }, call: (inputs: unknown[]) => unknown): unknown {
  if (!isGradEnabled()) return call(inputs);
  const owner = (module as { constructor: { name: string } }).constructor.name;
  const tensorAt = inputs.flatMap((v, i) => (isTensor(v) && v.requiresGrad ? [i] : []));
  const state: { gradOutput: (Tensor | null)[] | null } = { gradOutput: null };
  const own = (gs: (Tensor | null)[]) => gs.map((g) => (g ? keep(g.detach()) : null));
  // Each hook sees the gradients so far and may replace them (what: the words for them in a refusal).
  const chain = (list: ((grads: (Tensor | null)[]) => unknown)[], grads: (Tensor | null)[], what: string) => {
    let current = grads;
    for (const hook of [...list]) {
      const r = hook(current);
      if (r !== undefined) current = replaced(owner, what, r, current);
    }
    return current;
  };
  const runHooks = (gradInput: (Tensor | null)[]) =>
    chain(hooks.full.map((h) => (g: (Tensor | null)[]) => h(module, own(g), state.gradOutput ?? [])), gradInput, 'the gradients of the inputs');
  let wrapped = inputs;
  if (tensorAt.length > 0) {
    // The hooks see one gradient per positional input (null for the others), as in PyTorch.
    const enter = identityWithBackward(`${owner}BackwardHook`, (grads) => {
      const gradInput: (Tensor | null)[] = inputs.map(() => null);
      tensorAt.forEach((i, k) => (gradInput[i] = grads[k]));
      const result = runHooks(gradInput);
      return tensorAt.map((i) => result[i]);
    });
    const passed = enter(...tensorAt.map((i) => inputs[i] as Tensor));
    wrapped = [...inputs];
    tensorAt.forEach((i, k) => (wrapped[i] = passed[k]));
  }
  const output = call(wrapped);
  const outputs = isTensor(output) ? [output] : Array.isArray(output) && output.length > 0 && output.every(isTensor) && Object.keys(output).length === output.length ? (output as Tensor[]) : null;
  if (!outputs) throw new ValueError(`${owner}: backward hooks need the forward to return a tensor or an array of tensors, got ${Array.isArray(output) ? 'an array with other values or named fields' : typeof output}`);
  if (!outputs.some((t) => t.requiresGrad)) return output;
  const exit = identityWithBackward(`${owner}BackwardHook`, (grads) => {
    const gradOutput = chain(hooks.pre.map((h) => (g: (Tensor | null)[]) => h(module, own(g))), grads, 'the gradients of the outputs');
    state.gradOutput = own(gradOutput); // held past this rule, whose gradients the engine disposes
    // No input needs a gradient: the inputs' identity is not in the graph, so the hooks run here.
    if (tensorAt.length === 0 && hooks.full.length > 0) runHooks(inputs.map(() => null));
    return gradOutput;
  });
  const out = exit(...outputs);
  return isTensor(output) ? out[0] : out;
}
