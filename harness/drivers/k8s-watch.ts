/**
 * List-then-watch on one resource with a label selector, as client-go's reflector does: the list
 * gives the state and a resourceVersion, the watch resumes from the last version it saw when the
 * stream ends, and a 410 Gone (history compacted) or a failed watch request starts over with a
 * fresh list. Every list is handed over whole (`listed`), so whoever keeps state can notice
 * objects that went away while no watch was open.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Watch, type KubeConfig } from '@kubernetes/client-node';

export interface WatchedObject {
  metadata?: { name?: string; resourceVersion?: string; [k: string]: unknown };
  status?: unknown;
  [k: string]: unknown;
}

export interface WatchHandlers {
  /** a list (the first, or a relist after 410): these are all the objects there are now */
  listed(items: WatchedObject[]): void;
  /** one watch event: ADDED, MODIFIED or DELETED */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: WatchedObject): void;
  /** a list or watch failed; the watch retries by itself */
  error(err: unknown): void;
}

export type ListFn = () => Promise<{ items?: WatchedObject[]; metadata?: { resourceVersion?: string } }>;

const RETRY_MS = 200;

export class ObjectWatch {
  private readonly stopped = new AbortController();
  private resourceVersion = '';
  private current: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly kc: KubeConfig, private readonly path: string, private readonly labelSelector: string,
    private readonly list: ListFn, private readonly handlers: WatchHandlers) {}

  /** Lists, then keeps a watch open until stop(). Resolves once the first list is in and the watch requested. */
  async start(): Promise<void> {
    await this.relist();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    this.current?.abort();
    await this.loop;
  }

  private async relist(): Promise<void> {
    const list = await this.list();
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.handlers.listed(list.items ?? []);
  }

  private async run(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      const outcome = await this.watchOnce();
      if (this.stopped.signal.aborted) return;
      if (outcome === 'ended') continue;
      if (outcome !== 'gone') this.handlers.error(outcome);
      // a failed watch or a compacted history: the state may have moved on without us, so list again
      for (;;) {
        if (this.stopped.signal.aborted) return;
        try {
          await this.relist();
          break;
        } catch (err) {
          this.handlers.error(err);
          await delay(RETRY_MS, undefined, { signal: this.stopped.signal }).catch(() => undefined);
        }
      }
    }
  }

  /** One watch request, until the stream ends: 'ended' (resume), 'gone' (410: relist) or the error. */
  private watchOnce(): Promise<'ended' | 'gone' | unknown> {
    return new Promise((resolve) => {
      let gone = false;
      const onEvent = (type: string, obj: WatchedObject & { code?: number }): void => {
        if (type === 'ERROR') {
          if (obj.code === 410) gone = true;
          return;
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.handlers.event(type, obj);
      };
      const done = (err: unknown): void => {
        this.current = undefined;
        if (gone || (err as { statusCode?: number; code?: number } | null)?.statusCode === 410) resolve('gone');
        else resolve(err ? err : 'ended');
      };
      new Watch(this.kc).watch(this.path, { labelSelector: this.labelSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, onEvent, done)
        .then((controller) => {
          this.current = controller;
          if (this.stopped.signal.aborted) controller.abort();
        }, (err: unknown) => resolve(err));
    });
  }
}
