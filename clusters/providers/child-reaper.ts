/**
 * The last line of defence against orphaned components: a process 'exit' hook that SIGKILLs every
 * child still registered, so a crashing caplab (an uncaught exception, process.exit) leaves none
 * behind. A SIGKILLed caplab runs no hooks; its children notice their stdin pipe close instead.
 */
const live = new Set<number>();
let installed = false;

function killAll(): void {
  for (const pid of live) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  live.clear();
}

/** Registers a child pid to be SIGKILLed if this process exits first; returns the unregister function. */
export function reapOnExit(pid: number): () => void {
  if (!installed) {
    process.on('exit', killAll);
    installed = true;
  }
  live.add(pid);
  return () => { live.delete(pid); };
}
