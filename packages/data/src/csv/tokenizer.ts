// RFC 4180 records from text that arrives in chunks, as a file stream delivers it: the state of a
// half-read record (an open quote, a field cut by the chunk's end, a CR whose LF is in the next
// chunk) is kept between chunks, so no text is read twice and a record of any size costs what its
// characters cost.
import { DataError } from '@nutshell/tensor/errors';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Receives each record that is not a blank line, with the line it starts on (1-based, header included). */
export type RecordSink = (fields: readonly string[], line: number) => void;

const shown = (char: string): string => (char === '\t' ? "'\\t'" : JSON.stringify(char));

export class CsvTokenizer {
  /** Text of the current field that came in earlier chunks. */
  private field = '';
  /** Fields of the current record; reused from record to record, so the sink copies what it keeps. */
  private readonly fields: string[] = [];
  private inQuotes = false;
  /** The last character closed a quoted run: a quote now is a doubled (literal) one. */
  private afterQuote = false;
  /** The current field has begun: a quote now is text, not the start of a quoted field. */
  private fieldStarted = false;
  /** The previous chunk ended in CR, so an LF opening this chunk belongs to the same line break. */
  private endedInCR = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;

  constructor(
    private readonly delimiter: number,
    /** The function and the file, for messages: 'readCsv: data.csv'. */
    private readonly where: string,
    private readonly sink: RecordSink,
  ) {}

  push(chunk: string): void {
    const d = this.delimiter;
    const fields = this.fields;
    const n = chunk.length;
    // Locals in the per-character loop, written back after it.
    let { field, inQuotes, afterQuote, fieldStarted, line, recordLine } = this;
    let start = 0; // where this chunk's text of the current field begins
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          field += chunk.slice(start, i);
          start = i + 1;
          inQuotes = false;
          afterQuote = true;
        } else if (c === CR || (c === LF && !(i > 0 ? chunk.charCodeAt(i - 1) === CR : this.endedInCR))) {
          line++; // a line break inside quotes is text, but still a line of the file
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === QUOTE) {
          // "" inside a quoted field: one literal quote, and the quoted field goes on.
          field += '"';
          start = i + 1;
          inQuotes = true;
          continue;
        }
        if (c !== d && c !== LF && c !== CR) {
          // Most often a lone quote inside a quoted field; reading on would misplace every later field.
          throw new DataError(
            `${this.where}: line ${line}, field ${fields.length + 1}: a closing quote is followed by ${shown(chunk[i])}; ` +
              'expected the delimiter or the end of the line (a quote inside a quoted field is written twice: "")',
          );
        }
      }
      if (c === d) {
        fields.push(field + chunk.slice(start, i));
        field = '';
        fieldStarted = false;
        start = i + 1;
      } else if (c === LF || c === CR) {
        if (c === LF && (i > 0 ? chunk.charCodeAt(i - 1) === CR : this.endedInCR)) {
          start = i + 1; // the LF of a CRLF: the CR ended the line
          continue;
        }
        if (fieldStarted || fields.length > 0) {
          fields.push(field + chunk.slice(start, i));
          this.sink(fields, recordLine);
          fields.length = 0;
        } // else a blank line, skipped as pandas skips it
        field = '';
        fieldStarted = false;
        start = i + 1;
        recordLine = ++line;
      } else if (c === QUOTE && !fieldStarted) {
        inQuotes = true;
        fieldStarted = true;
        this.quoteLine = line;
        start = i + 1;
      } else {
        fieldStarted = true;
      }
    }
    if (n > 0) {
      field += chunk.slice(start);
      this.endedInCR = chunk.charCodeAt(n - 1) === CR;
    }
    this.field = field;
    this.inQuotes = inQuotes;
    this.afterQuote = afterQuote;
    this.fieldStarted = fieldStarted;
    this.line = line;
    this.recordLine = recordLine;
  }

  /** The last record, when the text does not end with a line break. */
  end(): void {
    if (this.inQuotes) {
      throw new DataError(`${this.where}: line ${this.quoteLine}: a quoted field opened here is never closed; expected a closing " before the end of the file`);
    }
    if (this.fieldStarted || this.fields.length > 0) {
      this.fields.push(this.field);
      this.sink(this.fields, this.recordLine);
      this.fields.length = 0;
      this.field = '';
      this.fieldStarted = false;
    }
  }
}
