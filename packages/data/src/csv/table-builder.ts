// Turns records into a CsvTable: the first record fixes the names and the field count, the
// selection is resolved against it, and each later record's selected cells are stored as they
// come (numbers straight into a growing float32 matrix), so no record is kept after it is read.
import { DataError, ValueError } from '@nutshell/tensor/errors';
import { findColumn, headerNames } from './columns.js';
import { cellNumber } from './numbers.js';
import type { CsvSettings } from './options.js';
import { CsvTable } from './table.js';

/** Longer cells are cut in messages. */
const shownCell = (cell: string): string => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

export class TableBuilder {
  private width = -1;
  /** The line whose field count every record must match. */
  private widthLine = 0;
  private names: string[] = [];
  private selected: number[] = [];
  /** File positions of the numeric columns, in table order, and their names. */
  private numericAt: number[] = [];
  private numericNames: string[] = [];
  /** File positions of the text columns and their values. */
  private textAt: number[] = [];
  private textValues: string[][] = [];
  private data = new Float32Array(0);
  private rows = 0;

  constructor(
    private readonly settings: CsvSettings,
    /** The function and the file, for messages: 'readCsv: data.csv'. */
    private readonly where: string,
  ) {}

  readonly record = (fields: readonly string[], line: number): void => {
    if (this.width < 0) {
      this.begin(fields, line);
      if (this.settings.header) return;
    }
    if (fields.length !== this.width) this.ragged(fields, line);
    const numericAt = this.numericAt;
    const k = numericAt.length;
    if (k > 0) {
      if ((this.rows + 1) * k > this.data.length) this.grow();
      const data = this.data;
      const base = this.rows * k;
      for (let j = 0; j < k; j++) {
        const cell = fields[numericAt[j]];
        const value = cellNumber(cell);
        if (value === undefined) {
          throw new DataError(
            `${this.where}: line ${line}, column '${this.numericNames[j]}': ${shownCell(cell)} is not a number; ` +
              'expected a number, or an empty or NaN cell (list the column in the strings option to keep it as text)',
          );
        }
        data[base + j] = value;
      }
    }
    for (let j = 0; j < this.textAt.length; j++) this.textValues[j].push(fields[this.textAt[j]]);
    this.rows++;
  };

  /** The table read; `source` is what was read, for the message about an empty one. */
  finish(source: 'file' | 'text'): CsvTable {
    if (this.width < 0) {
      throw new DataError(`${this.where}: the ${source} is empty; expected ${this.settings.header ? 'a header line' : 'at least one line'}`);
    }
    const columns = this.selected.map((p) => this.names[p]);
    const text = new Map(this.textAt.map((p, j) => [this.names[p], this.textValues[j]]));
    const data = this.data.slice(0, this.rows * this.numericAt.length);
    return new CsvTable({ columns, positions: this.selected, numericColumns: this.numericNames, data, rows: this.rows, text });
  }

  /** Names, field count and selection from the first record. */
  private begin(fields: readonly string[], line: number): void {
    const { header, columns, strings } = this.settings;
    this.width = fields.length;
    this.widthLine = line;
    this.names = header ? headerNames(fields) : fields.map((_, i) => String(i));
    const where = this.where;
    const selected = columns ? columns.map((c, i) => findColumn(where, `columns[${i}]`, c, this.names)) : this.names.map((_, i) => i);
    selected.forEach((p, i) => {
      const first = selected.indexOf(p);
      if (first !== i) throw new ValueError(`${where}: columns[${i}] names column '${this.names[p]}' again (as columns[${first}] does); each column is read once`);
    });
    const text = new Set<number>();
    strings.forEach((c, i) => {
      const p = findColumn(where, `strings[${i}]`, c, this.names);
      if (!selected.includes(p)) throw new ValueError(`${where}: strings[${i}] '${this.names[p]}' is not among the columns read (columns: ${selected.map((s) => `'${this.names[s]}'`).join(', ')})`);
      text.add(p);
    });
    this.selected = selected;
    this.numericAt = selected.filter((p) => !text.has(p));
    this.numericNames = this.numericAt.map((p) => this.names[p]);
    this.textAt = selected.filter((p) => text.has(p));
    this.textValues = this.textAt.map(() => []);
    this.data = new Float32Array(1024 * this.numericAt.length);
  }

  private ragged(fields: readonly string[], line: number): never {
    const got = fields.length;
    const by = this.settings.header ? `the header on line ${this.widthLine}` : `line ${this.widthLine}, the first`;
    const hint = got === this.width + 1 && fields[got - 1] === '' ? ' (a delimiter at the end of the line?)' : '';
    throw new DataError(`${this.where}: line ${line} has ${got} fields; expected ${this.width}, as ${by} has${hint}`);
  }

  /** Doubles the matrix: amortised, a copy per doubling rather than a list of rows. */
  private grow(): void {
    const bigger = new Float32Array(Math.max(this.data.length * 2, 1024 * this.numericAt.length));
    bigger.set(this.data);
    this.data = bigger;
  }
}
