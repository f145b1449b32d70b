/** Column-aligned plain-text tables for the console; colour is painted after padding so ANSI codes never skew widths. */

export interface Cell { text: string; paint?: (s: string) => string }
export type CellInput = string | Cell;
export type Align = 'left' | 'right';

export interface TextTableOptions {
  /** per column; columns without one are left-aligned */
  align?: Align[];
  indent?: string;
  paintHeader?: (s: string) => string;
}

/** Lays out a header and rows into aligned lines (two spaces between columns, no trailing blanks). */
export function textTable(header: string[], rows: CellInput[][], opts: TextTableOptions = {}): string[] {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: c } : c)));
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]?.text ?? ''))));
  const indent = opts.indent ?? '  ';
  const line = (row: Cell[]): string => {
    const parts = widths.map((w, i) => {
      const cell = row[i] ?? { text: '' };
      const pad = ' '.repeat(w - width(cell.text));
      const padded = opts.align?.[i] === 'right' ? pad + cell.text : cell.text + pad;
      return cell.paint ? paintKeepingPad(cell.paint, cell.text, padded) : padded;
    });
    return (indent + parts.join('  ')).trimEnd();
  };
  const headerCells = header.map((h) => (opts.paintHeader ? { text: h, paint: opts.paintHeader } : { text: h }));
  return [line(headerCells), ...cells.map(line)];
}

function width(s: string): number {
  return [...s].length;
}

// Paint only the text, not the padding, so underlines and backgrounds do not run across gaps.
function paintKeepingPad(paint: (s: string) => string, text: string, padded: string): string {
  const at = padded.indexOf(text);
  return padded.slice(0, at) + paint(text) + padded.slice(at + text.length);
}
