import { PlotError } from './errors.js';

/**
 * Refuses keys a chart does not take, naming the ones it does: a misspelt or foreign option
 * (`nrow`, `alpha`, `lines: false`) would otherwise be ignored without a word. `what` names a
 * nested object (`series[0]`); `renamed` maps other libraries' spellings (matplotlib's,
 * torchvision's) to ours for a hint.
 */
export function checkKeys(
  options: unknown,
  allowed: readonly string[],
  fn: string,
  { what, renamed = {} }: { what?: string; renamed?: Readonly<Record<string, string>> } = {},
): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new PlotError(`${fn}: ${what ?? 'options'} must be an object, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const takes = allowed.map((k) => `'${k}'`).join(', ');
    const hint = Object.hasOwn(renamed, key) ? `; did you mean ${renamed[key]}?` : '';
    throw new PlotError(what
      ? `${fn}: unknown key '${key}' in ${what} (it takes ${takes})${hint}`
      : `${fn}: unknown option '${key}' (it takes ${takes})${hint}`);
  }
}

/** A describing word for what was given in place of a value, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}
