/**
 * The answer carrying one object: JSON, or a Table for `Accept: ...;as=Table`.
 */
import type { KObject } from '../api';
import { json, type ApiRequest, type ApiResponse, type Services } from '../http';
import type { ResourceType } from '../resources';
import { toTable, wantsTable } from '../tables';

export function renderObject(req: ApiRequest, svc: Services, rt: ResourceType, obj: KObject, status = 200): ApiResponse {
  if (wantsTable(String(req.headers.accept ?? ''))) {
    return json(status, toTable(rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, req.query.get('includeObject'), svc.ctx.now()));
  }
  return json(status, obj);
}
