// Note [weight reparametrisations]: spectralNorm and weightNorm are PyTorch's classic hook form of
// a reparametrised weight (torch.nn.utils.spectral_norm, torch.nn.utils.weight_norm), and share
// this one mechanism. The parameter `<name>` leaves the module; its pieces are registered under
// PyTorch's names (weight_orig/_u/_v, weight_g/_v), the original tensor among them, so an
// optimiser made before keeps stepping it. A forward pre-hook sets `<name>` to a plain tensor —
// not a parameter or a buffer, so it is in neither parameters() nor the state dict, which
// therefore loads in PyTorch — computed from the pieces before every forward, recorded so that
// gradients reach the pieces. The previous forward's weight is disposed then (a graph that saved
// it holds its own reference). Removal computes the weight once more without a graph, drops the
// pieces and makes `<name>` a parameter again, as PyTorch's remove_* do.
import { ValueError, keep, noGrad, scope, type Tensor } from '@nutshell/tensor';
import type { Module, RemovableHandle } from './module.js';
import { Parameter, isParameter } from './parameter.js';

/** One reparametrised weight of a module. */
export interface Reparametrisation {
  /** What it is called in messages: 'spectral norm', 'weight norm'. */
  readonly kind: string;
  /** The parameter it replaces ('weight'). */
  readonly name: string;
  /** The weight from the module's pieces (recorded unless under noGrad); `training`: the forward is a training one. */
  compute(module: Module, training: boolean): Tensor;
  /** Takes the pieces off the module (buffers disposed; parameters left to whoever holds them, as PyTorch). */
  dropPieces(module: Module): void;
}

interface Attached {
  r: Reparametrisation;
  handle: RemovableHandle;
}

const attached = new WeakMap<Module, Map<string, Attached>>();

const fields = (module: Module) => module as unknown as Record<string, unknown>;

/** The parameter `fn` is to reparametrise, refused when it is not one (already reparametrised, say). */
export function parameterToReparametrise(fn: string, module: Module, name: unknown): Tensor {
  if (typeof name !== 'string') throw new ValueError(`${fn}: name expected a string (the parameter's name), got ${name === null ? 'null' : typeof name}`);
  const weight = fields(module)[name];
  if (!isParameter(weight)) {
    const on = attached.get(module)?.get(name);
    throw new ValueError(`${fn}: ${module.constructor.name} has no parameter '${name}'${on ? ` (it has ${on.r.kind} already)` : ''}`);
  }
  return weight;
}

/** The weight the pieces give now, kept past the caller's scope. */
function computed(module: Module, r: Reparametrisation, training: boolean): Tensor {
  return scope(() => keep(r.compute(module, training)));
}

/**
 * Installs `r` on `module` once its pieces are registered (and `<name>` deleted): `<name>` holds
 * `initial` until the first forward, then what the pre-hook computes before each forward.
 */
export function attachReparametrisation(module: Module, r: Reparametrisation, initial: Tensor): void {
  fields(module)[r.name] = initial;
  const handle = module.registerForwardPreHook((mod) => {
    const m = fields(mod);
    const previous = m[r.name] as Tensor | undefined;
    m[r.name] = computed(mod, r, mod.training);
    // The last forward's weight: a graph that saved it keeps its own hold on it.
    previous?.dispose();
  });
  if (!attached.has(module)) attached.set(module, new Map());
  attached.get(module)!.set(r.name, { r, handle });
}

/** Undoes attachReparametrisation: `<name>` a parameter again, holding the weight as the pieces give it now. */
export function detachReparametrisation(fn: string, module: Module, name: string, kind: string): void {
  const entry = attached.get(module)?.get(name);
  if (!entry || entry.r.kind !== kind) throw new ValueError(`${fn}: ${module.constructor.name}.${name} has no ${kind}`);
  entry.handle.remove();
  const m = fields(module);
  const w = noGrad(() => computed(module, entry.r, false));
  (m[name] as Tensor | undefined)?.dispose();
  entry.r.dropPieces(module);
  delete m[name];
  m[name] = Parameter(w);
  attached.get(module)!.delete(name);
}

/**
 * Gives `copy` (a clone of `original`) the same reparametrisations, on its own pieces: without
 * its pre-hook a cloned weight-normed module kept the weight of the moment it was cloned
 * (AveragedModel's EMA copies were stale). Forward hooks in general are not copied by clone();
 * these are part of what the weight is.
 */
export function copyReparametrisations(original: Module, copy: Module): void {
  for (const { r } of attached.get(original)?.values() ?? []) attachReparametrisation(copy, r, fields(copy)[r.name] as Tensor);
}
