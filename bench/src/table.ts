// Markdown tables and number formatting for the results file and the console.

/** A GitHub-flavoured Markdown table; `align` per column ('l' default, 'r' for numbers). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const [i, r] of rows.entries()) {
    if (r.length !== headers.length) throw new RangeError(`formatTable: row ${i} has ${r.length} cells, expected ${headers.length}`);
  }
  const cells = [headers.map(esc), ...rows.map((r) => r.map(esc))];
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((r) => r[c].length)));
  const pad = (s: string, c: number) => (align[c] === 'r' ? s.padStart(widths[c]) : s.padEnd(widths[c]));
  const line = (r: readonly string[]) => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** A duration given in milliseconds, in the unit that keeps 3 significant digits readable. */
export function fmtTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms < 1e-3) return `${(ms * 1e6).toPrecision(3)} ns`;
  if (ms < 1) return `${(ms * 1e3).toPrecision(3)} µs`;
  if (ms < 1e3) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1e3).toPrecision(3)} s`;
}

export function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return 'n/a';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function fmtNumber(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(digits);
}

export const fmtPercent = (f: number | undefined): string => (f === undefined || !Number.isFinite(f) ? 'n/a' : `${(f * 100).toFixed(0)}%`);
