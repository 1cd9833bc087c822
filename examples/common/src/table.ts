// Small fixed-width tables for the examples' closing summaries.

/** Rows of cells as aligned text: a header, a rule, then the rows (numbers right-aligned). */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numberLike = (c: string | number | undefined) => typeof c === 'number' || /^([-+]?[\d.,]+(e[-+]?\d+)?%?|never|-|n\/a)$/.test(String(c ?? ''));
  const numeric = header.map((_, i) => rows.every((r) => numberLike(r[i])));
  const line = (r: readonly string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header.map((h, i) => (numeric[i] ? h.padStart(widths[i]) : h))), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
