// Column names and the lookup of a column by name or position, shared by the reader (the
// `columns` and `strings` options) and the table it returns (`numeric(name)`, `strings(name)`).
import { ValueError } from '@nutshell/tensor/errors';
import type { CsvColumn } from './options.js';

/**
 * The names in a header row, made unique as pandas makes them (its dedup_names), so a file pandas
 * reads has the same names here: a blank name is 'Unnamed: i' (the index column DataFrame.to_csv
 * writes), a repeated one 'a.1', 'a.2', …, suffixed again while the result is taken.
 */
export function headerNames(fields: readonly string[]): string[] {
  const counts = new Map<string, number>();
  return fields.map((field, i) => {
    let name = field === '' ? `Unnamed: ${i}` : field;
    let count = counts.get(name) ?? 0;
    while (count > 0) {
      counts.set(name, count + 1);
      name = `${name}.${count}`;
      count = counts.get(name) ?? 0;
    }
    counts.set(name, count + 1);
    return name;
  });
}

/** Names for a message: all of a narrow table, the first 20 of a wide one. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 20).map((n) => `'${n}'`).join(', ');
  return names.length > 20 ? `${shown}, … ${names.length} in all` : shown;
}

/**
 * The position in `names` of a column given by name or by its position in the file; `positions`
 * maps file positions to places in `names` when `names` is a selection of the file's columns.
 */
export function findColumn(
  where: string,
  what: string,
  column: CsvColumn,
  names: readonly string[],
  positions?: ReadonlyMap<number, number>,
): number {
  if (typeof column === 'number') {
    const found = positions ? positions.get(column) : Number.isInteger(column) && column >= 0 && column < names.length ? column : undefined;
    if (found !== undefined) return found;
    const held = positions ? `the columns read are at positions ${[...positions.keys()].join(', ')}` : `the file has ${names.length} columns (positions 0 to ${names.length - 1})`;
    throw new ValueError(`${where}: ${what} is position ${column}, but ${held}`);
  }
  if (typeof column !== 'string') throw new ValueError(`${where}: ${what} expected a column name or a 0-based position, got ${typeof column}`);
  const found = names.indexOf(column);
  if (found >= 0) return found;
  throw new ValueError(`${where}: ${what} '${column}' is not a column${positions ? ' of the table' : ''} (its columns: ${listNames(names)})`);
}
