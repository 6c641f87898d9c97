/** Plain-text (Markdown-compatible) tables, so output can be pasted into the README as is. */

/**
 * Prints rows under a header as a Markdown table; columns whose first data cell looks numeric are
 * right-aligned.
 */
export function printTable(header, rows, out = process.stdout) {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && /^[\d.,%×+-]+(?:\s?\S{0,3})$/.test(String(rows[0][i] ?? '')));
  const line = (r) =>
    `| ${r.map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i]))).join(' | ')} |`;
  out.write(`${line(cells[0])}\n`);
  out.write(`|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|\n`);
  for (const r of cells.slice(1)) out.write(`${line(r)}\n`);
}

/** A titled block of `key: value` lines, e.g. the closing RESULT block. */
export function printBlock(title, lines, out = process.stdout) {
  out.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
  for (const l of lines) out.write(`${l}\n`);
}
