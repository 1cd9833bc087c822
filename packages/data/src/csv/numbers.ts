// A cell of a numeric column to its number. Missing values are NaN, as pandas reads them; anything
// else that is not a decimal number is refused by the caller rather than read as NaN, since a
// stray word in a column of features would otherwise train on silently.

/** Cells read as NaN: pandas' default `na_values`, so a file pandas reads reads the same here. */
export const MISSING = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

/** Infinities as pandas spells them, case aside (Number() knows only 'Infinity'). */
const INFINITIES = new Map([
  ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity],
  ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity],
]);

/** Number() also reads 0x1f, 0b101 and 0o17, which no CSV writer means as numbers (pandas keeps them as text). */
const RADIX_PREFIX = /^\s*[+-]?0[xXbBoO]/;

/** The number in a cell, NaN for a missing value, or undefined when the cell is not a number. */
export function cellNumber(cell: string): number | undefined {
  if (cell.length === 0) return NaN;
  const value = Number(cell);
  if (value !== value) {
    const trimmed = cell.trim();
    if (MISSING.has(trimmed)) return NaN;
    return INFINITIES.get(trimmed.toLowerCase());
  }
  // Number('  ') is 0: a cell of spaces is as empty as '' to a reader of the file.
  if (value === 0 && cell.trim().length === 0) return NaN;
  if (hasRadixPrefix(cell)) return undefined;
  return value;
}

/** RADIX_PREFIX without a regex for the common cells (no leading space): this runs on every cell. */
function hasRadixPrefix(cell: string): boolean {
  let i = 0;
  let c = cell.charCodeAt(0);
  if (c <= 32) return RADIX_PREFIX.test(cell);
  if (c === 43 || c === 45) c = cell.charCodeAt(++i); // + -
  if (c !== 48) return false; // 0
  const r = cell.charCodeAt(i + 1) | 32; // lower case
  return r === 120 || r === 98 || r === 111; // x b o
}
