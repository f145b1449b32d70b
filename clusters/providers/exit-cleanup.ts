/**
 * Last-resort cleanup for what outlives caplab: a kind cluster is a Docker container that nothing
 * else would remove if caplab exits without running down() (a second SIGINT exits at once). An
 * `exit` hook can only run synchronous code, so it runs the delete command with spawnSync.
 */
import { spawnSync } from 'node:child_process';

/** Registers `command args` to run when the process exits; returns a function that unregisters it. */
export type ExitCleanup = (command: string, args: readonly string[]) => () => void;

export const exitCleanup: ExitCleanup = (command, args) => {
  const hook = (): void => { spawnSync(command, [...args], { stdio: 'ignore', timeout: 60_000 }); };
  process.once('exit', hook);
  return () => { process.off('exit', hook); };
};
