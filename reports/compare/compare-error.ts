/**
 * A comparison the user asked for that cannot be made (bad metric, missing series, unknown
 * baseline). The CLI maps it onto a usage error; reports/ never imports the harness's errors.
 */
export class CompareError extends Error {
  /** what to do about it */
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = 'CompareError';
    this.hint = hint;
  }
}
