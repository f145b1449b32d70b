/**
 * A watch: one JSON object per line on a chunked 200 response, `{"type":..., "object":...}` with
 * type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. Without a resourceVersion (or with "0") it
 * starts with an ADDED for every current object; with one it replays the changes after it from the
 * store's ring, or sends an ERROR event carrying a 410 Expired Status when they are gone (the
 * client relists). Objects that leave or enter a selector are sent as DELETED / ADDED. The
 * stream ends cleanly after timeoutSeconds (with a last BOOKMARK when bookmarks are on).
 */
import type { ServerResponse } from 'node:http';
import { kindKeyOf, type KubeObject, type ObjectStore, type StoreChange } from './object-store.ts';
import { asVersion } from './resource-api.ts';
import { groupVersion, type ResourceType } from './resource-registry.ts';
import type { Selector } from './selectors.ts';
import { ApiError, statusObject } from './status-errors.ts';

export interface WatchRequest {
  type: ResourceType;
  /** undefined = all namespaces */
  namespace: string | undefined;
  selectors: Selector[];
  resourceVersion: string | null;
  timeoutSeconds: number;
  allowBookmarks: boolean;
  bookmarkIntervalMs: number;
  /** turns each event's object into what the client asked for (e.g. a Table row) */
  render: (obj: KubeObject) => unknown;
}

/** An open watch; `end` closes it cleanly, as the apiserver does at its timeout. */
export interface OpenWatch { end(): void }

/** Starts streaming; validates the request first so a bad resourceVersion is a 400, not a broken stream. */
export function serveWatch(res: ServerResponse, store: ObjectStore, req: WatchRequest): OpenWatch {
  const kindKey = kindKeyOf(req.type.group, req.type.plural);
  const rv = req.resourceVersion;
  let since: number | undefined;
  if (rv !== null && rv !== '' && rv !== '0') {
    since = Number(rv);
    if (!Number.isInteger(since) || since < 0) throw new ApiError('BadRequest', `invalid resourceVersion "${rv}": must be a non-negative integer`);
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  const inScope = (obj: KubeObject) => req.namespace === undefined || (obj.metadata.namespace ?? '') === req.namespace;
  const matches = (obj: KubeObject | undefined) => obj !== undefined && inScope(obj) && req.selectors.every((s) => s(obj));
  const send = (type: string, object: unknown) => { if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`); };
  const sendChange = (change: StoreChange) => {
    if (change.kindKey !== kindKey) return;
    const now = matches(change.object);
    const before = change.type === 'MODIFIED' && matches(change.previous);
    if (change.type === 'MODIFIED' && before && !now) send('DELETED', req.render(asVersion(req.type, change.object)));
    else if (change.type === 'MODIFIED' && !before && now) send('ADDED', req.render(asVersion(req.type, change.object)));
    else if (now) send(change.type, req.render(asVersion(req.type, change.object)));
  };
  const bookmark = () => send('BOOKMARK', {
    kind: req.type.kind, apiVersion: groupVersion(req.type.group, req.type.version), metadata: { resourceVersion: String(store.resourceVersion) },
  });

  let ended = false;
  let timeout: NodeJS.Timeout | undefined;
  let bookmarks: NodeJS.Timeout | undefined;
  let unsubscribe = () => {};
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    clearTimeout(timeout);
    clearInterval(bookmarks);
    if (!res.writableEnded) res.end();
  };
  res.once('close', end);

  if (since === undefined) {
    for (const obj of store.list(kindKey, req.type.namespaced ? req.namespace : undefined)) if (matches(obj)) send('ADDED', req.render(asVersion(req.type, obj)));
  } else {
    const changes = store.changesSince(kindKey, since);
    if (changes === 'gone') {
      send('ERROR', statusObject('Failure', `too old resource version: ${since} (${store.oldestResumable})`, 'Expired', 410));
      end();
      return { end };
    }
    for (const change of changes) sendChange(change);
  }
  unsubscribe = store.subscribe(sendChange);
  timeout = setTimeout(() => { if (req.allowBookmarks) bookmark(); end(); }, req.timeoutSeconds * 1000);
  if (req.allowBookmarks) bookmarks = setInterval(bookmark, req.bookmarkIntervalMs);
  return { end };
}
