/**
 * What a reference component is to the entry point: a description, its flags, and a start
 * function. Components register in reference-impl/components.ts, one line each.
 */
import { COMMON_FLAGS, type FlagSpecs, type ParsedFlags } from './flags.ts';
import type { Logger } from './logger.ts';

/** A started component; `close` is the graceful stop that SIGTERM triggers. */
export interface RunningComponent {
  readonly component: string;
  /** base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish until the deadline (default: the
   * component's --drain-timeout), then cuts what is left. Safe to call more than once.
   */
  close(deadlineMs?: number): Promise<DrainReport>;
}

export interface DrainReport {
  /** requests still in flight at the deadline, whose connections were cut */
  abandoned: number;
}

/** The options a component's start function receives: its own flags plus COMMON_FLAGS. */
export type ComponentOptions<S extends FlagSpecs> = ParsedFlags<typeof COMMON_FLAGS & S>;

export interface ComponentDefinition<S extends FlagSpecs> {
  /** one line for `--help` */
  describe: string;
  /** the component's own flags; COMMON_FLAGS (port, host, drain-timeout) are added for it */
  flags: S;
  start(options: ComponentOptions<S>, logger: Logger): Promise<RunningComponent>;
}

/** A registry entry with its option types erased, so components of any flag shape share one table. */
export interface RegisteredComponent {
  describe: string;
  flags: FlagSpecs;
  start(options: Record<string, unknown>, logger: Logger): Promise<RunningComponent>;
}

/** Type-checks a component definition and erases its option types for the registry. */
export function defineComponent<S extends FlagSpecs>(def: ComponentDefinition<S>): RegisteredComponent {
  return {
    describe: def.describe,
    flags: { ...COMMON_FLAGS, ...def.flags },
    start: (options, logger) => def.start(options as ComponentOptions<S>, logger),
  };
}
