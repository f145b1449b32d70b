/** A plain HTML table whose every cell is escaped text: the one way report.html builds tables. */
import { escapeHtml } from './escape.ts';

/** A cell: text, or text with a class (e.g. `num` for right-aligned figures, `level-critical`). */
export type Cell = string | { text: string; className?: string; title?: string };

/** One row with an optional class for the whole row. */
export interface Row { cells: Cell[]; className?: string }

/** `<table>` with a header row; `numeric` marks columns to right-align. */
export function htmlTable(headers: string[], rows: Row[], opts: { numeric?: number[]; className?: string } = {}): string {
  const numeric = new Set(opts.numeric ?? []);
  const th = headers.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => {
    const tds = r.cells.map((c, i) => renderCell(c, numeric.has(i))).join('');
    return `<tr${r.className ? ` class="${escapeHtml(r.className)}"` : ''}>${tds}</tr>`;
  });
  const cls = opts.className ? ` class="${escapeHtml(opts.className)}"` : '';
  return `<table${cls}><thead><tr>${th}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

function renderCell(c: Cell, numeric: boolean): string {
  const cell = typeof c === 'string' ? { text: c } : c;
  const classes = [numeric ? 'num' : '', cell.className ?? ''].filter((x) => x !== '').join(' ');
  const cls = classes ? ` class="${escapeHtml(classes)}"` : '';
  const title = cell.title ? ` title="${escapeHtml(cell.title)}"` : '';
  return `<td${cls}${title}>${escapeHtml(cell.text)}</td>`;
}
