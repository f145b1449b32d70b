/** Waiting for work with a deadline, as every executor's graceful stop does. */
import type { Clock } from './clock.ts';

/**
 * Resolves when `work` settles, `deadline` (clock ms) passes, or `stop` aborts, whichever comes
 * first; the deadline's timer is always released, so nothing keeps the process alive after.
 */
export async function waitUntil(clock: Clock, work: Promise<unknown>, deadline: number, stop?: AbortSignal): Promise<void> {
  const timer = new AbortController();
  const onStop = (): void => timer.abort();
  stop?.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.race([work.then(() => undefined, () => undefined), clock.sleepUntil(deadline, timer.signal)]);
  } finally {
    timer.abort();
    stop?.removeEventListener('abort', onStop);
  }
}
