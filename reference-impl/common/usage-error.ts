/**
 * A mistake on a component's command line. The entry point prints it and exits 2; `caplab serve`
 * turns it into the matching CaplabError code, which the reference code cannot import itself.
 */
export type UsageErrorKind = 'unknown-component' | 'bad-flag';

export class UsageError extends Error {
  readonly kind: UsageErrorKind;

  constructor(kind: UsageErrorKind, message: string) {
    super(message);
    this.name = 'UsageError';
    this.kind = kind;
  }
}
