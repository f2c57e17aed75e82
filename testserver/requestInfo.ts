/**
 * `RequestInfoFactory.NewRequestInfo` from k8s.io/apiserver: turns a path and method into
 * the attributes that authorization and routing use.
 */

export interface RequestInfo {
  resourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (unsupported; make the request a 404). */
  extraParts: string[];
}

const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    resourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    extraParts: [],
  };
  const parts = path.replace(/^\/+|(?<!\/)\/+$/g, '').split('/');
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info;
  info.apiPrefix = parts[0];
  let current = parts.slice(1);
  if (parts[0] === 'apis') {
    if (current.length < 3) return info;
    info.apiGroup = current[0];
    current = current.slice(1);
  } else if (current.length < 2) {
    return info;
  }
  info.apiVersion = current[0];
  current = current.slice(1);
  info.resourceRequest = true;
  if (current[0] === 'namespaces') {
    if (current.length > 1) {
      info.namespace = current[1];
      if (current.length > 2 && !namespaceSubresources.has(current[2])) current = current.slice(2);
    }
  }
  info.resource = current[0] ?? '';
  info.name = current[1] ?? '';
  info.subresource = current[2] ?? '';
  info.extraParts = current.slice(3);
  switch (method) {
    case 'POST':
      info.verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      info.verb = info.name ? 'get' : query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
  }
  return info;
}
