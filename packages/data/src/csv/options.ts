// The options of readCsv and parseCsv, checked before the file is opened: a bad option is a
// ValueError naming it, and pandas' spellings of an option are answered with ours.
import { ValueError } from '@nutshell/tensor/errors';
import { checkOptions } from '@nutshell/tensor/options';

/** A column, by its header name or by its 0-based position in the file. */
export type CsvColumn = string | number;

export interface CsvOptions {
  /** The first line holds the column names (default true); false names the columns '0', '1', … */
  header?: boolean;
  /** One character between fields (default ','; '\t' for TSV, ';' for European spreadsheets). */
  delimiter?: string;
  /** Read only these columns, in this order (pandas' usecols, but the order is kept). */
  columns?: readonly CsvColumn[];
  /** Columns kept as text; every other column read is numeric, and a cell that is not a number there is an error. */
  strings?: readonly CsvColumn[];
}

/** The options checked, with their defaults. */
export interface CsvSettings {
  readonly header: boolean;
  /** The delimiter's character code. */
  readonly delimiter: number;
  readonly columns: readonly CsvColumn[] | undefined;
  readonly strings: readonly CsvColumn[];
}

const KNOWN = ['header', 'delimiter', 'columns', 'strings'] as const;

/** pandas.read_csv's names for what these options do. */
const PANDAS: Record<string, string> = {
  sep: "'delimiter'",
  usecols: "'columns'",
  dtype: "'strings' (the columns kept as text; every other column is read as float32)",
};

function checkColumnList(where: string, name: string, value: unknown): readonly CsvColumn[] {
  if (!Array.isArray(value)) {
    throw new ValueError(`${where}: ${name} expected an array of column names or 0-based positions, got ${value === null ? 'null' : typeof value}`);
  }
  value.forEach((c: unknown, i) => {
    const ok = typeof c === 'string' || (typeof c === 'number' && Number.isInteger(c) && c >= 0);
    if (!ok) throw new ValueError(`${where}: ${name}[${i}] expected a column name or a 0-based position, got ${typeof c === 'number' ? c : typeof c}`);
  });
  return value as CsvColumn[];
}

export function checkCsvOptions(where: string, options: CsvOptions | undefined): CsvSettings {
  const given = options ?? {};
  if (typeof given === 'object' && given !== null) {
    for (const key of Object.keys(given)) {
      if (PANDAS[key]) throw new ValueError(`${where}: unknown option '${key}' (it takes ${KNOWN.map((k) => `'${k}'`).join(', ')}); did you mean ${PANDAS[key]}?`);
    }
  }
  checkOptions(where, given, KNOWN);
  const { header = true, delimiter = ',', columns, strings = [] } = given;
  if (typeof header !== 'boolean') {
    throw new ValueError(`${where}: header expected true or false, got ${JSON.stringify(header)} (pandas' header=None is header: false)`);
  }
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter)) {
    throw new ValueError(`${where}: delimiter expected one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }
  const selected = columns === undefined ? undefined : checkColumnList(where, 'columns', columns);
  if (selected?.length === 0) throw new ValueError(`${where}: columns expected at least one column, got []`);
  return { header, delimiter: delimiter.charCodeAt(0), columns: selected, strings: checkColumnList(where, 'strings', strings) };
}
