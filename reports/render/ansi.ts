/** ANSI styles for the console renderer; with colour off every style is the identity, so no escape code leaks into logs. */

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string): string => `\u001b[${open}m${s}\u001b[${close}m`;

const COLORS: Palette = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
  magenta: sgr(35, 39),
  cyan: sgr(36, 39),
};

const identity = (s: string): string => s;
const PLAIN: Palette = { bold: identity, dim: identity, green: identity, yellow: identity, red: identity, magenta: identity, cyan: identity };

/** The palette for a terminal that does (or does not) want colour. */
export function palette(color: boolean): Palette {
  return color ? COLORS : PLAIN;
}
