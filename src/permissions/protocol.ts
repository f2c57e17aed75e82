/**
 * The permissions view's message protocol, imported by the extension host (panel.ts) and the webview
 * bundle (webview/permissions.ts). One constant per method pairs its Params and Result types (as
 * rust-analyzer's lsp_ext.ts does); requests and responses carry ids.
 *
 *   webview                                        host
 *   ready ────────────────────────────────────────▶  (only now does the host post)
 *         ◀────────────────────────────────────────  show {target, l10n, matrix?}
 *   request {id, method, params} ─────────────────▶  runs the method's handler
 *         ◀────────────────────────────────────────  response {id, ok: true, result} | {id, ok: false, error}
 *
 * Every inbound message is untrusted (the webview renders cluster data) and checked with exact-key
 * guards before the host acts; the host checks its own messages on the way in too. Pure: no
 * `vscode`, no DOM.
 */
import type { PermissionMatrix } from './matrix';
import type { WhoCanReport } from './whoCan';

/** A method: its name and the guard of its params; `R` is carried in the type only. */
export interface Method<P, R> {
  readonly name: string;
  readonly parseParams: (v: unknown) => P | undefined;
  /** Never set: names the result type so `request(method, …)` is typed end to end. */
  readonly resultType?: R;
}
export type ParamsOf<M> = M extends Method<infer P, unknown> ? P : never;
export type ResultOf<M> = M extends Method<unknown, infer R> ? R : never;

export type ViewTab = 'matrix' | 'whoCan';
export type ExportFormat = 'markdown' | 'yaml' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['markdown', 'yaml', 'csv'];

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

export interface WhoCanInput {
  verb: string;
  /** As typed: `serviceaccounts/token`, `deployments.apps`. */
  resource: string;
  /** One object, or '' for any. */
  name: string;
}

/** What the view is about; every request names its context, so a restored view needs no host state. */
export interface ViewTarget {
  context: string;
  serviceAccount?: ServiceAccountRef;
  /** '' is all namespaces. */
  namespace: string;
  tab: ViewTab;
  query: WhoCanInput;
}

export interface NamespacesParams {
  context: string;
}
export interface NamespacesResult {
  namespaces: string[];
  /** False when the caller may not list namespaces: the view then takes a typed name. */
  listable: boolean;
}
export interface ServiceAccountsParams {
  context: string;
  namespace: string;
}
export interface ServiceAccountsResult {
  names: string[];
  listable: boolean;
}
export interface MatrixParams {
  context: string;
  serviceAccount: ServiceAccountRef;
  namespace: string;
}
export interface MatrixResult {
  matrix: PermissionMatrix;
}
export interface WhoCanParams extends WhoCanInput {
  context: string;
  namespace: string;
}
export interface WhoCanResult {
  report: WhoCanReport;
}
export interface ExportParams {
  what: ViewTab;
  format: ExportFormat;
}
export interface ExportResult {
  /** The untitled document's name, e.g. `permissions-demo-ci-deployer.md`. */
  document: string;
}

// ---- guards ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasExactly = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).length === keys.length && keys.every((k) => k in o);
/** C0 control characters and DEL: never in names a person reads. */
const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
/** Context names come from kubeconfig files: any printable text, bounded. */
const isContext = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 253 && !hasControl(v);
/** A DNS-1123 name (namespaces, ServiceAccounts, object names). */
const isDnsName = (v: unknown): v is string => typeof v === 'string' && v.length <= 253 && /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/.test(v);
export const isNamespaceOrAll = (v: unknown): v is string => v === '' || isDnsName(v);
const isVerb = (v: unknown): v is string => typeof v === 'string' && /^(?:\*|[a-z]{1,63})$/i.test(v);
const isResourceText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 300 && !hasControl(v);
const isObjectNameOrNone = (v: unknown): v is string => v === '' || (typeof v === 'string' && v.length <= 253 && !hasControl(v) && !v.includes('/'));
const isSaRef = (v: unknown): v is ServiceAccountRef => isObj(v) && hasExactly(v, ['namespace', 'name']) && isDnsName(v.namespace) && isDnsName(v.name) && v.name !== '';

/** Which field of a typed question the host would refuse, so the webview can say so instead of sending it. */
export function whoCanInputProblem(q: WhoCanInput): keyof WhoCanInput | undefined {
  if (!isVerb(q.verb)) return 'verb';
  if (!isResourceText(q.resource)) return 'resource';
  if (!isObjectNameOrNone(q.name)) return 'name';
  return undefined;
}

export const isExportFormat = (v: unknown): v is ExportFormat => (EXPORT_FORMATS as readonly unknown[]).includes(v);
const isTab = (v: unknown): v is ViewTab => v === 'matrix' || v === 'whoCan';

function method<P, R>(name: string, parseParams: (v: unknown) => P | undefined): Method<P, R> {
  return { name, parseParams };
}

export const Methods = {
  namespaces: method<NamespacesParams, NamespacesResult>('namespaces', (v) => (isObj(v) && hasExactly(v, ['context']) && isContext(v.context) ? { context: v.context } : undefined)),
  serviceAccounts: method<ServiceAccountsParams, ServiceAccountsResult>('serviceAccounts', (v) =>
    isObj(v) && hasExactly(v, ['context', 'namespace']) && isContext(v.context) && isDnsName(v.namespace) && v.namespace !== '' ? { context: v.context, namespace: v.namespace } : undefined,
  ),
  matrix: method<MatrixParams, MatrixResult>('matrix', (v) =>
    isObj(v) && hasExactly(v, ['context', 'serviceAccount', 'namespace']) && isContext(v.context) && isSaRef(v.serviceAccount) && isNamespaceOrAll(v.namespace)
      ? { context: v.context, serviceAccount: { namespace: v.serviceAccount.namespace, name: v.serviceAccount.name }, namespace: v.namespace }
      : undefined,
  ),
  whoCan: method<WhoCanParams, WhoCanResult>('whoCan', (v) =>
    isObj(v) &&
    hasExactly(v, ['context', 'namespace', 'verb', 'resource', 'name']) &&
    isContext(v.context) &&
    isNamespaceOrAll(v.namespace) &&
    isVerb(v.verb) &&
    isResourceText(v.resource) &&
    isObjectNameOrNone(v.name)
      ? { context: v.context, namespace: v.namespace, verb: v.verb, resource: v.resource, name: v.name }
      : undefined,
  ),
  export: method<ExportParams, ExportResult>('export', (v) =>
    isObj(v) && hasExactly(v, ['what', 'format']) && isTab(v.what) && isExportFormat(v.format) ? { what: v.what, format: v.format } : undefined,
  ),
} as const;

export type MethodName = keyof typeof Methods;
const METHOD_NAMES = Object.keys(Methods) as MethodName[];
const isMethodName = (v: unknown): v is MethodName => (METHOD_NAMES as unknown[]).includes(v);

/** Request ids count up from 1 in the webview. */
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** Webview → host. `params` is checked by the method's own guard. */
export type WebviewMessage = { type: 'ready' } | { [M in MethodName]: { type: 'request'; id: number; method: M; params: ParamsOf<(typeof Methods)[M]> } }[MethodName];

/** The message if `v` is exactly a ready or a well-formed request of a known method; else undefined. */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'ready') return hasExactly(v, ['type']) ? { type: 'ready' } : undefined;
  if (v.type !== 'request' || !hasExactly(v, ['type', 'id', 'method', 'params']) || !isId(v.id) || !isMethodName(v.method)) return undefined;
  const params = (Methods[v.method] as Method<unknown, unknown>).parseParams(v.params);
  return params === undefined ? undefined : ({ type: 'request', id: v.id, method: v.method, params } as WebviewMessage);
}

/** Host → webview. */
export type HostMessage =
  | { type: 'show'; target: ViewTarget; l10n?: Record<string, string>; matrix?: PermissionMatrix; report?: WhoCanReport }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

const isQuery = (v: unknown): v is WhoCanInput => isObj(v) && typeof v.verb === 'string' && typeof v.resource === 'string' && typeof v.name === 'string';
export const isViewTarget = (v: unknown): v is ViewTarget =>
  isObj(v) && isContext(v.context) && (v.serviceAccount === undefined || isSaRef(v.serviceAccount)) && isNamespaceOrAll(v.namespace) && isTab(v.tab) && isQuery(v.query);
const isBundle = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((s) => typeof s === 'string');

/** A matrix as the webview draws it: the arrays it walks are arrays. */
export const isMatrix = (v: unknown): v is PermissionMatrix =>
  isObj(v) && typeof v.context === 'string' && typeof v.namespace === 'string' && isObj(v.serviceAccount) && Array.isArray(v.verbs) && Array.isArray(v.rows) && Array.isArray(v.nonResource) && Array.isArray(v.fallbacks) && Array.isArray(v.notes);
export const isReport = (v: unknown): v is WhoCanReport =>
  isObj(v) && typeof v.context === 'string' && isObj(v.query) && Array.isArray(v.paths) && Array.isArray(v.notes) && Array.isArray(v.forbidden);

/** Host messages are checked too: a malformed one must not break the page. */
export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObj(v)) return false;
  if (v.type === 'show') return isViewTarget(v.target) && (v.l10n === undefined || isBundle(v.l10n)) && (v.matrix === undefined || isMatrix(v.matrix)) && (v.report === undefined || isReport(v.report));
  if (v.type === 'response') return isId(v.id) && (v.ok === true ? 'result' in v : v.ok === false && typeof v.error === 'string');
  return false;
}

/** The result guard per method, used by the webview client before it resolves a request. */
export const resultGuards: { [M in MethodName]: (v: unknown) => v is ResultOf<(typeof Methods)[M]> } = {
  namespaces: (v): v is NamespacesResult => isObj(v) && Array.isArray(v.namespaces) && v.namespaces.every((n) => typeof n === 'string') && typeof v.listable === 'boolean',
  serviceAccounts: (v): v is ServiceAccountsResult => isObj(v) && Array.isArray(v.names) && v.names.every((n) => typeof n === 'string') && typeof v.listable === 'boolean',
  matrix: (v): v is MatrixResult => isObj(v) && isMatrix(v.matrix),
  whoCan: (v): v is WhoCanResult => isObj(v) && isReport(v.report),
  export: (v): v is ExportResult => isObj(v) && typeof v.document === 'string',
};

/** What the webview keeps in `vscode.setState` to draw at once after a reload. */
export interface ViewState {
  version: 1;
  target: ViewTarget;
  l10n?: Record<string, string>;
  matrix?: PermissionMatrix;
  report?: WhoCanReport;
}

export function isViewState(v: unknown): v is ViewState {
  return isObj(v) && v.version === 1 && isViewTarget(v.target) && (v.l10n === undefined || isBundle(v.l10n)) && (v.matrix === undefined || isMatrix(v.matrix)) && (v.report === undefined || isReport(v.report));
}
