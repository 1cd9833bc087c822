// readCsv streams the file (64 KiB at a time, each chunk parsed before the next is read), so a
// big file never holds the event loop for longer than one chunk takes; parseCsv reads a string
// already in memory, in one go.
import { createReadStream } from 'node:fs';
import { DataError, NutshellError, ValueError } from '@nutshell/tensor/errors';
import { type CsvOptions, checkCsvOptions } from './options.js';
import { TableBuilder } from './table-builder.js';
import type { CsvTable } from './table.js';
import { CsvTokenizer } from './tokenizer.js';

/** Characters per chunk: about a millisecond of parsing, the longest the event loop waits on us. */
const CHUNK = 1 << 16;

const BOM = 0xfeff;

/** Reads a CSV file: numeric columns as a float32 matrix, the columns in `strings` as text. */
export async function readCsv(path: string, options?: CsvOptions): Promise<CsvTable> {
  if (typeof path !== 'string') throw new ValueError(`readCsv: path expected a string, got ${path === null ? 'null' : typeof path}`);
  const settings = checkCsvOptions('readCsv', options);
  const where = `readCsv: ${path}`;
  const builder = new TableBuilder(settings, where);
  const tokenizer = new CsvTokenizer(settings.delimiter, where, builder.record);
  // The decoder joins a UTF-8 character split across chunks.
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK });
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      tokenizer.push(first && chunk.charCodeAt(0) === BOM ? chunk.slice(1) : chunk);
      first = false;
    }
  } catch (err) {
    if (err instanceof NutshellError) throw err;
    throw new DataError(`readCsv: cannot read ${path}: ${(err as Error).message}`);
  }
  tokenizer.end();
  return builder.finish('file');
}

/** Reads CSV text already in memory, with readCsv's options and result. */
export function parseCsv(text: string, options?: CsvOptions): CsvTable {
  if (typeof text !== 'string') throw new ValueError(`parseCsv: text expected a string, got ${text === null ? 'null' : typeof text} (readCsv reads a file)`);
  const settings = checkCsvOptions('parseCsv', options);
  const builder = new TableBuilder(settings, 'parseCsv');
  const tokenizer = new CsvTokenizer(settings.delimiter, 'parseCsv', builder.record);
  tokenizer.push(text.charCodeAt(0) === BOM ? text.slice(1) : text);
  tokenizer.end();
  return builder.finish('text');
}
