/** Options that do not fit the result or do not parse (unknown workload, component or tier; a bad load); the CLI maps it to a usage error. */
export class CapacityOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityOptionError';
  }
}
