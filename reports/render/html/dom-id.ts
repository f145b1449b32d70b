/** DOM ids for report.html: derived from names in the result, so they must be made safe and unique. */

/** Lower-case letters, digits and dashes; never empty. */
export function slugId(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s === '' ? 'x' : s;
}
