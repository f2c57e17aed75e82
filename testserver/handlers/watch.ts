/**
 * `?watch=true` lists: a chunked stream of `{"type","object"}` events. Without a resourceVersion the
 * current objects come first as ADDED (like a watch from "any"), then live changes until
 * `timeoutSeconds` or the client goes away.
 */
import type { ServerResponse } from 'node:http';
import type { KObject } from '../api';
import type { ApiRequest, ApiResponse, Services } from '../http';
import type { ResourceType } from '../resources';
import type { StoreEvent } from '../store';
import { fieldSelector, labelSelector, toTable, wantsTable } from '../tables';

export function watchObjects(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const labels = labelSelector(req.query.get('labelSelector'));
  const fields = fieldSelector(req.query.get('fieldSelector'));
  const ns = rt.namespaced && req.info.namespace ? req.info.namespace : undefined;
  const matches = (o: KObject): boolean =>
    (ns === undefined || o.metadata.namespace === ns) && (!labels || labels(o)) && (!fields || fields(o));
  const sinceRv = Number(req.query.get('resourceVersion') ?? '0');
  const timeoutSeconds = Number(req.query.get('timeoutSeconds') ?? '1800');
  return {
    status: 200,
    stream: (res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      const asTable = wantsTable(String(req.headers.accept ?? ''));
      const send = (type: string, object: KObject): void => {
        const payload = asTable ? toTable(rt, [object], { resourceVersion: object.metadata.resourceVersion }, req.query.get('includeObject'), svc.ctx.now()) : object;
        res.write(`${JSON.stringify({ type, object: payload })}\n`);
      };
      if (!sinceRv) for (const o of svc.ctx.store.all(rt, ns)) if (matches(o)) send('ADDED', o);
      const listener = (e: StoreEvent): void => {
        if (e.rt === rt && matches(e.obj)) send(e.type, e.obj);
      };
      const unsubscribe = svc.ctx.store.onChange(listener);
      // Send the head now (subscribed), as the apiserver does, so clients see the watch is established.
      res.flushHeaders();
      const stop = (): void => {
        clearTimeout(timer);
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      const timer = setTimeout(stop, Math.max(1, timeoutSeconds) * 1000);
      timer.unref();
      res.on('close', stop);
    },
  };
}
