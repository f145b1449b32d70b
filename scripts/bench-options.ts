/** Command-line numbers of the benchmark scripts: `--name value`, positive, with a default. */
export function positiveOption(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number`);
  return value;
}
