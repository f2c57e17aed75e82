/**
 * `?watch=true` lists: a chunked stream of `{"type","object"}` lines, as kube-apiserver serves them
 * from its watch cache (staging/src/k8s.io/apiserver/pkg/storage/cacher):
 *
 * - `resourceVersion` unset or "0": the current objects first as ADDED, then live changes;
 * - `resourceVersion` N: the changes after N from the history (watchCacheHistory.GetIntervalLocked),
 *   then live ones; when N is older than the history, one ERROR event carrying a 410 Expired Status
 *   `too old resource version: N (OLDEST-1)`, then the end (cacher newErrWatcher: an authorized
 *   watch that cannot start still answers 200);
 * - `allowWatchBookmarks=true`: BOOKMARK events with only `metadata.resourceVersion`, every
 *   `watchBookmarkIntervalMs` (defaultBookmarkFrequency, 1 min) and 2 s before the timeout
 *   (cacheWatcher.nextBookmarkTime);
 * - `timeoutSeconds` ends the stream (default 1800, the `--min-request-timeout`).
 * DELETED events carry the object with the resourceVersion of the deletion.
 */
import type { ServerResponse } from 'node:http';
import type { KObject } from '../api';
import type { ApiRequest, ApiResponse, Services } from '../http';
import { apiVersionOf, type ResourceType } from '../resources';
import { ApiError, badRequest } from '../status';
import type { StoreEvent } from '../store';
import { fieldSelector, labelSelector, toTable, wantsTable } from '../tables';

export function watchObjects(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const labels = labelSelector(req.query.get('labelSelector'));
  const fields = fieldSelector(req.query.get('fieldSelector'));
  const ns = rt.namespaced && req.info.namespace ? req.info.namespace : undefined;
  const matches = (o: KObject): boolean => (ns === undefined || o.metadata.namespace === ns) && (!labels || labels(o)) && (!fields || fields(o));
  const rvParam = req.query.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  const sinceRv = Number(rvParam || '0');
  const timeoutSeconds = Number(req.query.get('timeoutSeconds') ?? '1800');
  const bookmarks = req.query.get('allowWatchBookmarks') === 'true';
  const dropAfter = req.fault?.kind === 'watchDrop' ? (req.fault.afterEvents ?? 0) : undefined;
  const store = svc.ctx.store;
  return {
    status: 200,
    stream: (res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      const asTable = wantsTable(String(req.headers.accept ?? ''));
      let sent = 0;
      let dropping = false;
      // The fault: the connection breaks mid-stream, a moment after the last event went out.
      const drop = (): void => {
        if (dropping) return;
        dropping = true;
        setTimeout(() => res.socket?.destroy(), 50).unref();
      };
      const line = (type: string, object: unknown): void => {
        if (res.writableEnded || res.destroyed || dropping) return;
        sent++;
        res.write(`${JSON.stringify({ type, object })}\n`);
        if (dropAfter !== undefined && sent >= dropAfter) drop();
      };
      const send = (type: string, object: KObject): void => {
        line(type, asTable ? toTable(rt, [object], { resourceVersion: object.metadata.resourceVersion }, req.query.get('includeObject'), svc.ctx.now()) : object);
      };

      // The replay and the subscription happen in one tick: no change falls between them.
      let replay: StoreEvent[] = [];
      if (sinceRv > 0) {
        try {
          replay = store.eventsSince(rt, sinceRv);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          line('ERROR', e.toStatus());
          res.end();
          return;
        }
      }
      const listener = (e: StoreEvent): void => {
        if (e.rt === rt && matches(e.obj)) send(e.type, e.obj);
      };
      const unsubscribe = store.onChange(listener);
      // Send the head now (subscribed), as the apiserver does, so clients see the watch is established.
      res.flushHeaders();
      if (sinceRv > 0) for (const e of replay) listener(e);
      else for (const o of store.all(rt, ns)) if (matches(o)) send('ADDED', o);
      if (dropAfter !== undefined && sent >= dropAfter) drop();

      const bookmark = (): void => line('BOOKMARK', { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: store.resourceVersion() } });
      const timers: NodeJS.Timeout[] = [];
      const stop = (): void => {
        for (const t of timers) clearTimeout(t);
        clearInterval(heartbeat);
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      const timeoutMs = Math.max(1, timeoutSeconds) * 1000;
      timers.push(setTimeout(stop, timeoutMs));
      if (bookmarks && timeoutMs > 2000) timers.push(setTimeout(bookmark, timeoutMs - 2000));
      const heartbeat = setInterval(() => bookmarks && bookmark(), Math.max(10, svc.ctx.config.watchBookmarkIntervalMs));
      for (const t of [...timers, heartbeat]) t.unref();
      res.on('close', stop);
    },
  };
}
