// readCsv and parseCsv: what a pandas user expects of a CSV (header, RFC 4180 quoting, CRLF,
// BOM, blank lines, NaN cells, a subset of columns), every malformed file refused naming the file,
// the line and the column, chunk boundaries falling anywhere in a record, and a big file read
// without holding the event loop.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, ValueError } from '@nutshell/tensor';
import { type CsvOptions, type CsvTable, TensorDataset, parseCsv, readCsv } from '@nutshell/data';
import { tempDir } from './helpers.js';

const dir = tempDir();
let files = 0;

function file(text: string | Buffer): string {
  const path = join(dir, `t${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** readCsv and parseCsv of the same text, which must agree. */
async function both(text: string, options?: CsvOptions): Promise<CsvTable> {
  const read = await readCsv(file(text), options);
  const parsed = parseCsv(text, options);
  expect(summary(parsed)).toEqual(summary(read));
  return read;
}

const summary = (t: CsvTable) => ({
  columns: t.columns,
  rows: t.rows,
  shape: t.shape,
  data: Array.from(t.data),
  text: Object.fromEntries(t.stringColumns.map((c) => [c, t.strings(c)])),
});

async function refusal(promise: Promise<unknown>, kind: typeof DataError | typeof ValueError = DataError): Promise<string> {
  const err = await promise.then(
    () => {
      throw new Error('expected a refusal, but the read succeeded');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(kind);
  return (err as Error).message;
}

function syncRefusal(fn: () => unknown, kind: typeof DataError | typeof ValueError = DataError): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(kind);
    return (err as Error).message;
  }
  throw new Error('expected a refusal, but nothing was thrown');
}

describe('readCsv reads what pandas reads', () => {
  it('takes the header, and stores numeric columns row-major as float32', async () => {
    const t = await both('a,b,c\n1,2,3\n4.5,-6e2,0.1\n');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(t.numericColumns).toEqual(['a', 'b', 'c']);
    expect(t.stringColumns).toEqual([]);
    expect(t.rows).toBe(2);
    expect(t.shape).toEqual([2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4.5, -600, Math.fround(0.1)]);
    expect(Array.from(t.numeric('b'))).toEqual([2, -600]);
    expect(Array.from(t.numeric(2))).toEqual([3, Math.fround(0.1)]);
  });

  it('names the columns 0, 1, … with header: false', async () => {
    const t = await both('1,2\n3,4\n', { header: false });
    expect(t.columns).toEqual(['0', '1']);
    expect(t.rows).toBe(2);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(t.numeric('1'))).toEqual([2, 4]);
    expect(Array.from(t.numeric(1))).toEqual([2, 4]);
  });

  it('takes another delimiter', async () => {
    expect(Array.from((await both('a;b\n1,5;2\n', { delimiter: ';', strings: ['a'] })).data)).toEqual([2]);
    const tsv = await both('a\tb\n1\t2\n', { delimiter: '\t' });
    expect(tsv.columns).toEqual(['a', 'b']);
    expect(Array.from(tsv.data)).toEqual([1, 2]);
  });

  it('reads RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes', async () => {
    const text = 'id,name,note\n1,"Smith, J","said ""hi"""\n2,"two\nlines","a\r\nb"\n"3",plain,""\n';
    const t = await both(text, { strings: ['name', 'note'] });
    expect(t.columns).toEqual(['id', 'name', 'note']);
    expect(Array.from(t.data)).toEqual([1, 2, 3]); // a quoted number is a number
    expect(t.strings('name')).toEqual(['Smith, J', 'two\nlines', 'plain']);
    expect(t.strings('note')).toEqual(['said "hi"', 'a\r\nb', '']);
    // A quote inside an unquoted field is text, as pandas reads it.
    expect((await both('h\n5\'11"\n', { strings: ['h'] })).strings('h')).toEqual(['5\'11"']);
  });

  it('reads CRLF and LF, with or without a trailing line break, strips a BOM and skips blank lines', async () => {
    const want = { columns: ['a', 'b'], rows: 2, data: [1, 2, 3, 4] };
    for (const text of [
      'a,b\r\n1,2\r\n3,4\r\n',
      'a,b\n1,2\n3,4',
      '\uFEFFa,b\n1,2\n3,4\n',
      '\n\na,b\r\n\r\n1,2\n\n\n3,4\r\n\r\n',
      'a,b\r1,2\r3,4\r', // old Mac line ends
    ]) {
      const t = await both(text);
      expect({ columns: t.columns, rows: t.rows, data: Array.from(t.data) }, JSON.stringify(text)).toEqual(want);
    }
    // The BOM is bytes EF BB BF in the file: strip it there too, and keep the first name clean.
    const bom = await readCsv(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x,y\n1,2\n')])));
    expect(bom.columns).toEqual(['x', 'y']);
    // A line holding an empty quoted field is a row, not a blank line.
    const quotedEmpty = await both('s\n""\nv\n', { strings: ['s'] });
    expect(quotedEmpty.strings('s')).toEqual(['', 'v']);
  });

  it('reads a subset of columns, by name or position, in the order asked', async () => {
    const text = 'a,b,c,d\n1,2,3,x\n5,6,7,y\n';
    const t = await both(text, { columns: ['c', 0, 'd'], strings: ['d'] });
    expect(t.columns).toEqual(['c', 'a', 'd']);
    expect(t.numericColumns).toEqual(['c', 'a']);
    expect(t.stringColumns).toEqual(['d']);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([3, 1, 7, 5]);
    expect(t.strings('d')).toEqual(['x', 'y']);
    expect(t.strings(3)).toEqual(['x', 'y']); // positions stay the file's
    expect(Array.from(t.numeric(0))).toEqual([1, 5]);
    // Columns not read are never parsed: text in them is no error.
    expect(Array.from((await both(text, { columns: ['b'] })).data)).toEqual([2, 6]);
  });

  it('names blank and repeated header names as pandas does', async () => {
    const t = await both(',a,a,a.1,a\n0,1,2,3,4\n');
    expect(t.columns).toEqual(['Unnamed: 0', 'a', 'a.1', 'a.1.1', 'a.2']);
    expect(Array.from(t.numeric('a.1.1'))).toEqual([3]);
    expect((await both('a.1,a,a\n1,2,3\n')).columns).toEqual(['a.1', 'a', 'a.1.1']);
  });

  it('reads missing values as NaN and infinities as pandas spells them', async () => {
    const cells = ['', 'NaN', 'nan', 'NA', 'N/A', 'null', '  ', '"1e40"', 'inf', '-Infinity', ' 7 ', '+.5'];
    const t = await both(`x,y\n${cells.map((c) => `${c},0`).join('\n')}\n`);
    const x = Array.from(t.numeric('x'));
    expect(x.slice(0, 7).every(Number.isNaN)).toBe(true);
    expect(x.slice(7)).toEqual([Infinity, Infinity, -Infinity, 7, 0.5]); // 1e40 overflows float32
  });

  it('makes a tensor, or a TensorDataset, of the numeric columns', async () => {
    const t = await both('f1,f2,label,y\n1,2,cat,0.5\n3,4,dog,1.5\n5,6,cat,2.5\n', { strings: ['label'] });
    const all = t.toTensor();
    expect(all.dtype).toBe('float32');
    expect(all.shape).toEqual([3, 3]);
    expect(Array.from(await all.data())).toEqual([1, 2, 0.5, 3, 4, 1.5, 5, 6, 2.5]);
    const x = t.toTensor(['f2', 'f1']);
    expect(x.shape).toEqual([3, 2]);
    expect(Array.from(await x.data())).toEqual([2, 1, 4, 3, 6, 5]);
    for (const tt of [all, x]) tt.dispose();
    expect(t.matrix(['y'])).toEqual({ data: Float32Array.of(0.5, 1.5, 2.5), shape: [3, 1] });
    expect(t.matrix().data).toBe(t.data);
    const ds = new TensorDataset(t.matrix(['f1', 'f2']), t.numeric('y'));
    expect(ds.length).toBe(3);
    expect(Array.from(ds.get(1)[0].data)).toEqual([3, 4]);
    expect(Array.from(ds.get(1)[1].data)).toEqual([1.5]);
    expect(new TensorDataset(t).get(2)[0].shape).toEqual([3]); // the table is itself { data, shape }
  });

  it('keeps a header-only file as zero rows', async () => {
    const t = await both('a,b\n');
    expect(t.rows).toBe(0);
    expect(t.shape).toEqual([0, 2]);
    expect(t.data.length).toBe(0);
  });
});

describe('readCsv refuses a malformed file, naming the file, line and column', () => {
  it('a cell that is not a number in a numeric column', async () => {
    const path = file('a,price\n1,2\n\n3,"multi\nline"\n4,abc\n');
    const message = await refusal(readCsv(path, { columns: ['price'] }));
    expect(message).toContain(`readCsv: ${path}: line 4, column 'price': "multi\\nline" is not a number`);
    expect(message).toContain('strings option');
    expect(syncRefusal(() => parseCsv('a\n0x1F\n'))).toContain(`parseCsv: line 2, column 'a': "0x1F" is not a number`);
    expect(syncRefusal(() => parseCsv('a\n1,5\n', { delimiter: ';' }))).toContain(`line 2, column 'a': "1,5" is not a number`);
  });

  it('a ragged row, with its line counted through blank lines and quoted line breaks', async () => {
    const path = file('a,b,c\r\n1,2,3\r\n\r\n"x\ny",2,3\r\n4,5\r\n');
    expect(await refusal(readCsv(path, { strings: ['a'] }))).toBe(`readCsv: ${path}: line 6 has 2 fields; expected 3, as the header on line 1 has`);
    expect(syncRefusal(() => parseCsv('1,2\n3,4,\n', { header: false }))).toBe(
      'parseCsv: line 2 has 3 fields; expected 2, as line 1, the first has (a delimiter at the end of the line?)',
    );
  });

  it('a quote left open, or text after a closing quote', async () => {
    const path = file('a,b\n1,"open\n2,3\n');
    expect(await refusal(readCsv(path))).toBe(`readCsv: ${path}: line 2: a quoted field opened here is never closed; expected a closing " before the end of the file`);
    expect(syncRefusal(() => parseCsv('a,b\n1,"say "hi""\n'))).toContain('line 2, field 2: a closing quote is followed by "h"');
  });

  it('an empty file, a missing file', async () => {
    const empty = file('');
    expect(await refusal(readCsv(empty))).toBe(`readCsv: ${empty}: the file is empty; expected a header line`);
    expect(await refusal(readCsv(file('\n\n'), { header: false }))).toContain('the file is empty; expected at least one line');
    const missing = join(dir, 'nothing-here.csv');
    expect(await refusal(readCsv(missing))).toContain(`readCsv: cannot read ${missing}: ENOENT`);
  });
});

describe('readCsv refuses bad options, naming the option', () => {
  const path = () => file('a,b,c\n1,2,x\n');

  it('columns and strings that name no column, or one twice', async () => {
    expect(await refusal(readCsv(path(), { columns: ['a', 'z'] }), ValueError)).toContain(`columns[1] 'z' is not a column (its columns: 'a', 'b', 'c')`);
    expect(await refusal(readCsv(path(), { columns: [5] }), ValueError)).toContain('columns[0] is position 5, but the file has 3 columns (positions 0 to 2)');
    expect(await refusal(readCsv(path(), { columns: ['a', 0] }), ValueError)).toContain(`columns[1] names column 'a' again (as columns[0] does)`);
    expect(await refusal(readCsv(path(), { columns: ['a'], strings: ['c'] }), ValueError)).toContain(`strings[0] 'c' is not among the columns read (columns: 'a')`);
    expect(await refusal(readCsv(path(), { columns: [] }), ValueError)).toContain('columns expected at least one column, got []');
    expect(await refusal(readCsv(path(), { columns: [-1] }), ValueError)).toContain('columns[0] expected a column name or a 0-based position, got -1');
  });

  it('unknown options, pandas spellings, bad values', async () => {
    expect(await refusal(readCsv(path(), { sep: ';' } as CsvOptions), ValueError)).toContain("unknown option 'sep' (it takes 'header', 'delimiter', 'columns', 'strings'); did you mean 'delimiter'?");
    expect(await refusal(readCsv(path(), { usecols: ['a'] } as CsvOptions), ValueError)).toContain("did you mean 'columns'?");
    expect(await refusal(readCsv(path(), { headr: false } as CsvOptions), ValueError)).toContain("unknown option 'headr'");
    expect(await refusal(readCsv(path(), { header: 0 } as unknown as CsvOptions), ValueError)).toContain("header expected true or false, got 0 (pandas' header=None is header: false)");
    expect(await refusal(readCsv(path(), { delimiter: ';;' }), ValueError)).toContain('delimiter expected one character other than a quote or a line break, got ";;"');
    expect(await refusal(readCsv(path(), { delimiter: '"' }), ValueError)).toContain('delimiter expected one character');
    expect(await refusal(readCsv(42 as unknown as string), ValueError)).toBe('readCsv: path expected a string, got number');
    expect(syncRefusal(() => parseCsv(Buffer.from('a') as unknown as string), ValueError)).toContain('parseCsv: text expected a string, got object');
  });

  it('asking the table for a column it does not hold as asked', async () => {
    const t = await readCsv(path(), { strings: ['c'] });
    expect(syncRefusal(() => t.numeric('c'), ValueError)).toBe("CsvTable.numeric: column 'c' holds text (it is in the strings option); use strings('c')");
    expect(syncRefusal(() => t.strings('a'), ValueError)).toContain("CsvTable.strings: column 'a' was read as numbers; use numeric('a')");
    expect(syncRefusal(() => t.numeric('q'), ValueError)).toContain("CsvTable.numeric: column 'q' is not a column of the table");
    expect(syncRefusal(() => t.matrix(['a', 7]), ValueError)).toContain('CsvTable.matrix: columns[1] is position 7, but the columns read are at positions 0, 1, 2');
  });
});

describe('readCsv across chunk boundaries', () => {
  const CHUNK = 1 << 16; // readCsv's read size, in bytes

  /** Rows of 'a,b' filling exactly `bytes` bytes, header included, then `tail`; and the line the tail starts on. */
  function placed(bytes: number, tail: string): { text: string; tailLine: number } {
    // 'a,b\n', q rows '1,1\n' and one row '1,0…0\n' of m zeros: 4 + 4q + 3 + m bytes.
    const m = (bytes - 7) % 4 || 4;
    const head = `a,b\n${'1,1\n'.repeat((bytes - 7 - m) / 4)}1,${'0'.repeat(m)}\n`;
    expect(Buffer.byteLength(head)).toBe(bytes);
    return { text: head + tail, tailLine: head.split('\n').length };
  }

  it('keeps CRLF, doubled quotes, closing quotes and multi-byte characters whole when a chunk ends inside them', async () => {
    // The first chunk ends after the tail's first `at` bytes.
    const cases: [tail: string, at: number, want: string][] = [
      ['1,"x"\r\n', 6, 'x'], // between CR and LF
      ['1,"a""b"\n', 4, 'a"b'], // before a doubled quote
      ['1,"a""b"\n', 5, 'a"b'], // between its two quotes
      ['1,"ab"\n', 6, 'ab'], // between a closing quote and the line break
      ['1,"é€😀"\n', 4, 'é€😀'], // inside a two-byte character
      ['1,"é€😀"\n', 7, 'é€😀'], // inside a three-byte one
      ['1,"é€😀"\n', 10, 'é€😀'], // inside a four-byte one
      ['1,"two\r\nlines"\n', 7, 'two\r\nlines'], // between CR and LF inside quotes
    ];
    for (const [tail, at, want] of cases) {
      const { text, tailLine } = placed(CHUNK - at, tail);
      const path = file(`${text}2,last\n`);
      const b = (await readCsv(path, { strings: ['b'] })).strings('b');
      expect(b.slice(-2), JSON.stringify(tail)).toEqual([want, 'last']);
      // Lines counted through the boundary (a CRLF is one line break).
      expect(await refusal(readCsv(path))).toContain(`line ${tailLine}, column 'b'`);
      const after = tailLine + tail.split(/\r\n|\n/).length - 1;
      expect(await refusal(readCsv(file(`${text}9\n`), { strings: ['b'] }))).toContain(`line ${after} has 1 fields; expected 2`);
    }
  });

  it('reads a file of many chunks and irregular records as parseCsv reads the text', async () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const words = ['plain', 'with, comma', 'say "hi"', 'two\nlines', 'crlf\r\ninside', 'é€😀', ''];
    const quote = (s: string) => (/[",\r\n]/.test(s) || rand(3) === 0 ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = ['n,text,x'];
    for (let i = 0; i < 15_000; i++) {
      lines.push(`${i},${quote(words[rand(words.length)].repeat(1 + rand(4)))},${rand(5) === 0 ? '' : (rand(1e6) / 100).toString()}`);
      if (rand(50) === 0) lines.push('');
    }
    const text = lines.join(rand(2) ? '\r\n' : '\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * CHUNK);
    const t = await both(text, { strings: ['text'] });
    expect(t.rows).toBe(15_000);
    expect(Array.from(t.numeric('n'))).toEqual(Array.from({ length: 15_000 }, (_, i) => i));
  });
});

describe('readCsv of a big file', () => {
  it('reads 200 000 rows without holding the event loop', async () => {
    const rows = 200_000;
    const lines = ['time,open,high,low,close,volume,symbol'];
    for (let i = 0; i < rows; i++) {
      lines.push(`${i},${(i * 0.37).toFixed(3)},${(i * 0.41).toFixed(3)},${(i * 0.29).toFixed(3)},${(i * 0.33).toFixed(3)},${i * 7},S${i % 50}`);
    }
    const text = `${lines.join('\n')}\n`;
    const path = file(text);
    // What reading it in one go costs the event loop: the time parseCsv holds it.
    const start = performance.now();
    parseCsv(text, { strings: ['symbol'] });
    const blocking = performance.now() - start;

    let ticks = 0;
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
    }, 1);
    const t = await readCsv(path, { strings: ['symbol'] }).finally(() => clearInterval(ticker));
    expect(t.rows).toBe(rows);
    expect(t.shape).toEqual([rows, 6]);
    expect(Array.from(t.data.subarray(6 * 123_456, 6 * 123_457))).toEqual(
      [123_456, 123_456 * 0.37, 123_456 * 0.41, 123_456 * 0.29, 123_456 * 0.33, 123_456 * 7].map((v) => Math.fround(Number(v.toFixed(3)))),
    );
    expect(t.strings('symbol')[rows - 1]).toBe(`S${(rows - 1) % 50}`);
    // A chunk is about a millisecond of parsing; the bound leaves room for GC and a loaded machine,
    // and is relative, since a slow machine is slow at both.
    console.log(`readCsv of ${rows} rows: longest event-loop wait ${longest.toFixed(1)} ms over ${ticks} ticks; parseCsv held it ${blocking.toFixed(0)} ms`);
    expect(ticks).toBeGreaterThan(10);
    expect(longest).toBeLessThan(blocking / 2);
  });
});
