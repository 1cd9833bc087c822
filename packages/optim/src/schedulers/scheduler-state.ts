// Note [scheduler state]: a scheduler's stateDict() uses PyTorch's attribute names (last_epoch,
// base_lrs, _step_count, _last_lr, and its settings in snake_case: step_size, T_max, eta_min …),
// so the progress of a schedule reads the same in both frameworks. _last_lr is progress too:
// getLastLr() is the lrs of the last step, as PyTorch's, not the groups' live lrs (which the
// optimiser's own state restores, or a hand-set lr changes). loadStateDict() restores the
// progress and checks the rest: settings must equal the scheduler's own (construct it with the
// saved ones; a changed setting would leave derived values stale), PyTorch bookkeeping keys with
// no meaning here are accepted and dropped, and anything else is refused — a bare assignment let
// `{ optimizer: null }` replace the optimizer.
import { ValueError } from '@nutshell/tensor';

/** Keys PyTorch's schedulers save that carry nothing this API uses. */
const TORCH_BOOKKEEPING = new Set([
  'verbose', '_get_lr_called_within_step', '_is_initial', 'lr_lambdas', '_initial_step_count', 'default_min_lr',
  // OneCycleLR's, derived from its settings
  '_schedule_phases', '_anneal_func_type', 'use_beta1',
  // CyclicLR's custom scale function, which does not serialise (PyTorch saves None for a plain function)
  '_scale_fn_custom',
]);

/** One progress field: checked with all the others before any is restored. */
export interface ProgressField {
  check(value: unknown): void;
  restore(value: unknown): void;
}

export interface StateFields {
  /** Progress by PyTorch name (last_epoch, _step_count …). */
  progress: Record<string, ProgressField>;
  /** Settings by PyTorch name: the scheduler's own values, which a saved state must equal. */
  settings: Record<string, unknown>;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Checks `state` against `fields`, then restores its progress (Note [scheduler state]). */
export function loadSchedulerState(owner: string, state: unknown, fields: StateFields): void {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new ValueError(`${owner}.loadStateDict: expected a state dict object, got ${state === null ? 'null' : Array.isArray(state) ? 'an array' : typeof state}`);
  }
  const entries = Object.entries(state as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (key in fields.progress) fields.progress[key].check(value);
    else if (key in fields.settings) {
      if (!same(value, fields.settings[key])) {
        throw new ValueError(`${owner}.loadStateDict: ${key} is ${JSON.stringify(value)} in the state but ${JSON.stringify(fields.settings[key])} here (construct the scheduler with the saved settings)`);
      }
    } else if (!TORCH_BOOKKEEPING.has(key)) {
      const known = [...Object.keys(fields.progress), ...Object.keys(fields.settings)].map((k) => `'${k}'`).join(', ');
      throw new ValueError(`${owner}.loadStateDict: unexpected entry '${key}' (it takes ${known})`);
    }
  }
  for (const [key, value] of entries) if (key in fields.progress) fields.progress[key].restore(value);
}

/** A progress field holding an integer of at least `min`. */
export function integerField(owner: string, key: string, min: number, restore: (v: number) => void): ProgressField {
  return {
    check: (value) => {
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= min)) throw new ValueError(`${owner}.loadStateDict: ${key} expected an integer >= ${min}, got ${JSON.stringify(value)}`);
    },
    restore: (value) => restore(value as number),
  };
}

/** A progress field holding one number per param group. */
export function perGroupField(owner: string, key: string, groups: number, restore: (v: number[]) => void): ProgressField {
  return {
    check: (value) => {
      if (!(Array.isArray(value) && value.length === groups && value.every((v) => typeof v === 'number'))) {
        throw new ValueError(`${owner}.loadStateDict: ${key} expected ${groups} number(s), one per param group, got ${JSON.stringify(value)}`);
      }
    },
    restore: (value) => restore([...(value as number[])]),
  };
}

/** A progress field holding any finite number (CosineAnnealingWarmRestarts' fractional T_cur). */
export function numberField(owner: string, key: string, restore: (v: number) => void): ProgressField {
  return {
    check: (value) => {
      if (!(typeof value === 'number' && Number.isFinite(value))) throw new ValueError(`${owner}.loadStateDict: ${key} expected a number, got ${JSON.stringify(value)}`);
    },
    restore: (value) => restore(value as number),
  };
}
