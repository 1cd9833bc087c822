// What readCsv and parseCsv return: the numeric columns as one row-major float32 matrix (what a
// model takes) and the text columns as string arrays. The table is also `{ data, shape }`, so it
// goes straight into a TensorDataset or tensor(table.data, { shape: table.shape }).
import { type Tensor, tensor } from '@nutshell/tensor';
import { ValueError } from '@nutshell/tensor/errors';
import type { NDArray } from '../ndarray.js';
import { findColumn } from './columns.js';
import type { CsvColumn } from './options.js';

/** @internal The parts the reader assembles. */
export interface CsvTableParts {
  readonly columns: readonly string[];
  /** The file position of each of `columns`. */
  readonly positions: readonly number[];
  readonly numericColumns: readonly string[];
  readonly data: Float32Array;
  readonly rows: number;
  readonly text: ReadonlyMap<string, string[]>;
}

export class CsvTable implements NDArray<Float32Array> {
  /** Every column read, numeric and text, in the order asked for (file order by default). */
  readonly columns: readonly string[];
  readonly rows: number;
  /** The columns of `data`, in order. */
  readonly numericColumns: readonly string[];
  /** The columns kept as text (the `strings` option). */
  readonly stringColumns: readonly string[];
  /** The numeric columns, row-major: row r, column c at `data[r * numericColumns.length + c]`. */
  readonly data: Float32Array;
  /** `[rows, numericColumns.length]`: the shape of `data`. */
  readonly shape: readonly [number, number];
  /** File position → index in `columns`, so a column is named by position as in the options. */
  private readonly byPosition: ReadonlyMap<number, number>;
  private readonly text: ReadonlyMap<string, string[]>;

  /** @internal Made by readCsv and parseCsv. */
  constructor(parts: CsvTableParts) {
    this.columns = parts.columns;
    this.rows = parts.rows;
    this.numericColumns = parts.numericColumns;
    this.stringColumns = parts.columns.filter((c) => parts.text.has(c));
    this.data = parts.data;
    this.shape = [parts.rows, parts.numericColumns.length];
    this.byPosition = new Map(parts.positions.map((p, i) => [p, i]));
    this.text = parts.text;
  }

  /** One numeric column (a copy), by name or file position. */
  numeric(column: CsvColumn): Float32Array {
    const k = this.numericIndex('CsvTable.numeric', 'column', column);
    const width = this.numericColumns.length;
    const out = new Float32Array(this.rows);
    for (let r = 0; r < this.rows; r++) out[r] = this.data[r * width + k];
    return out;
  }

  /** One text column (a copy), by name or file position. */
  strings(column: CsvColumn): string[] {
    const where = 'CsvTable.strings';
    const name = this.columns[findColumn(where, 'column', column, this.columns, this.byPosition)];
    const values = this.text.get(name);
    if (!values) throw new ValueError(`${where}: column '${name}' was read as numbers; use numeric('${name}'), or list it in readCsv's strings option to keep its text`);
    return values.slice();
  }

  /**
   * Numeric columns as one row-major `{ data, shape: [rows, k] }`: all of them (sharing `data`) or
   * these, in this order (a copy) — features and targets, say.
   */
  matrix(columns?: readonly CsvColumn[]): NDArray<Float32Array> {
    if (columns === undefined) return { data: this.data, shape: [...this.shape] };
    const where = 'CsvTable.matrix';
    if (!Array.isArray(columns)) throw new ValueError(`${where}: columns expected an array of column names or positions, got ${typeof columns}`);
    const picks = columns.map((c, i) => this.numericIndex(where, `columns[${i}]`, c));
    const width = this.numericColumns.length;
    const k = picks.length;
    const out = new Float32Array(this.rows * k);
    for (let r = 0; r < this.rows; r++) {
      for (let j = 0; j < k; j++) out[r * k + j] = this.data[r * width + picks[j]];
    }
    return { data: out, shape: [this.rows, k] };
  }

  /** A float32 tensor [rows, k] of the numeric columns: all of them, or these in this order. */
  toTensor(columns?: readonly CsvColumn[]): Tensor {
    const { data, shape } = this.matrix(columns);
    return tensor(data, { shape: [...shape], dtype: 'float32' });
  }

  private numericIndex(where: string, what: string, column: CsvColumn): number {
    const name = this.columns[findColumn(where, what, column, this.columns, this.byPosition)];
    const k = this.numericColumns.indexOf(name);
    if (k < 0) throw new ValueError(`${where}: ${what} '${name}' holds text (it is in the strings option); use strings('${name}')`);
    return k;
  }
}
