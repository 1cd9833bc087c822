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

/** Edits turning a into b (Levenshtein), for a did-you-mean. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}

/**
 * Throws a ValueError when `options` has a key outside `known`, with a did-you-mean where one is
 * likely: PyTorch's name for it (`spellings`, then the shared `renamed`), its camelCase, or a
 * known key within two edits (createGraf).
 */
export function checkOptions(fn: string, options: object, known: readonly string[], spellings: Readonly<Record<string, string>> = {}): void {
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
    const spelt = spellings[key] !== undefined && known.includes(spellings[key]) ? spellings[key] : undefined;
    const near = camel !== key && known.includes(camel) ? camel : known.find((k) => editDistance(camel.toLowerCase(), k.toLowerCase()) <= Math.min(2, Math.floor(k.length / 3)));
    const hint = seeded || (spelt ? `; did you mean '${spelt}'?` : renamed[key] ? `; did you mean ${renamed[key]}?` : near ? `; did you mean '${near}'?` : '');
    throw new ValueError(`${fn}: unknown option '${key}' (it takes ${known.map((k) => `'${k}'`).join(', ')})${hint}`);
  }
}
