// Options objects of the user functions, checked the way PyTorch checks keyword arguments: a key
// the function does not take is an error naming it (a misspelt `keepDim` would otherwise be
// ignored and the result silently wrong).
import { ValueError } from './errors.js';

/** What PyTorch users write that is spelt differently here. */
const renamed: Record<string, string> = {
  keepDim: "'keepdim'",
  axis: "'dim'",
  dims: "'dim'",
  unbiased: "'correction' (unbiased: false is correction: 0)",
  num_workers: "'workers'",
  collate_fn: "'collate'",
};

/** Throws a ValueError when `options` has a key outside `known`. */
export function checkOptions(fn: string, options: object, known: readonly string[]): void {
  if ((options as { isTensor?: boolean } | null)?.isTensor) {
    const elementwise = fn === 'max' || fn === 'min' ? `; the elementwise ${fn} of two tensors is ${fn === 'max' ? 'maximum' : 'minimum'}(a, b)` : '';
    throw new ValueError(`${fn}: options expected an object with ${known.map((k) => `'${k}'`).join(', ')}, got a Tensor${elementwise}`);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const got = Array.isArray(options) ? 'an array' : typeof options === 'string' ? `string '${options}'` : String(options);
    throw new ValueError(`${fn}: options expected an object with ${known.map((k) => `'${k}'`).join(', ')}, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    // PyTorch's snake_case keyword for an option spelt in camelCase here (batch_size → batchSize).
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    // PyTorch's DataLoader(generator=g) is a seed here (each epoch drawn from (seed, epoch)).
    const seeded = key === 'generator' && known.includes('seed') ? "; did you mean 'seed' (a number: each epoch's draws come from (seed, epoch))?" : '';
    const hint = seeded || (renamed[key] ? `; did you mean ${renamed[key]}?` : camel !== key && known.includes(camel) ? `; did you mean '${camel}'?` : '');
    throw new ValueError(`${fn}: unknown option '${key}' (it takes ${known.map((k) => `'${k}'`).join(', ')})${hint}`);
  }
}
