/**
 * The message protocol of the "Minted token" panel, imported by the extension host
 * (resultPanel.ts) and the webview bundle (webview/mintResult.ts).
 *
 *   webview                              host
 *   ready  ─────────────────────────────▶  (only now does the host post)
 *          ◀─────────────────────────────  result {result, l10n}
 *   action {action} ────────────────────▶  runs it on the host (copy, keep, decode, export, revoke, close)
 *          ◀─────────────────────────────  actionDone {action, ok, message?} (and a new result)
 *   action {action: 'reveal'} ──────────▶  asks the user (modal, "Keep Hidden" first)
 *          ◀─────────────────────────────  revealed {value} | actionDone {ok: false}
 *          ◀─────────────────────────────  conceal (panel hidden)
 *
 * The webview never holds the token except after a confirmed reveal, and never stores it.
 * Messages from the webview are untrusted and checked with `parseResultMessage`. Pure.
 */

/** What the panel shows of a mint: metadata and explanations, never the token value. */
export interface MintResultView {
  context: string;
  namespace: string;
  serviceAccount: string;
  server: string;
  /** Lifetime asked for and granted, seconds. */
  requestedSeconds: number;
  grantedSeconds: number;
  /** JWT iat / exp and status.expirationTimestamp, ms. */
  issuedAt: number;
  expiresAt: number;
  statusExpiresAt: number;
  warnAfter?: number;
  /** Audiences requested (empty: the server's default) and granted. */
  requestedAudiences: string[];
  audiences: string[];
  /** The object the token is bound to (for a revocable token: its Secret). */
  binding?: { kind: string; name: string };
  revocable: boolean;
  /** Why the grant differs from the request, most important first (src/tokens/grant.ts), already translated. */
  notes: string[];
  clamped: boolean;
  extended: boolean;
  /** What happened to the token since. */
  kept: boolean;
  copied: boolean;
  exported: boolean;
  revoked: boolean;
}

export const RESULT_ACTIONS = ['copy', 'keep', 'decode', 'exportKubeconfig', 'revoke', 'reveal', 'close'] as const;
export type ResultAction = (typeof RESULT_ACTIONS)[number];

/** Host → webview. */
export type ResultHostMessage =
  | { type: 'result'; result: MintResultView; l10n?: Record<string, string> }
  | { type: 'actionDone'; action: ResultAction; ok: boolean; message?: string }
  | { type: 'revealed'; value: string }
  | { type: 'conceal' };

/** Webview → host. */
export type ResultWebviewMessage = { type: 'ready' } | { type: 'action'; action: ResultAction };

/** What the webview keeps in setState to redraw after being hidden: metadata only. */
export interface ResultState {
  version: 1;
  result: MintResultView;
  l10n?: Record<string, string>;
}

// ---- runtime guards ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const hasOnly = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));
const isBundle = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every(isStr);

export function isResultAction(v: unknown): v is ResultAction {
  return (RESULT_ACTIONS as readonly unknown[]).includes(v);
}

/** The message, if `v` is exactly one of the webview → host messages; otherwise undefined. */
export function parseResultMessage(v: unknown): ResultWebviewMessage | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'ready') return hasOnly(v, ['type']) ? { type: 'ready' } : undefined;
  if (v.type === 'action') return hasOnly(v, ['type', 'action']) && isResultAction(v.action) ? { type: 'action', action: v.action } : undefined;
  return undefined;
}

export function isMintResultView(v: unknown): v is MintResultView {
  if (!isObj(v)) return false;
  const b = v.binding;
  return (
    [v.context, v.namespace, v.serviceAccount, v.server].every(isStr) &&
    [v.requestedSeconds, v.grantedSeconds, v.issuedAt, v.expiresAt, v.statusExpiresAt].every(isNum) &&
    (v.warnAfter === undefined || isNum(v.warnAfter)) &&
    isStrArray(v.requestedAudiences) &&
    isStrArray(v.audiences) &&
    (b === undefined || (isObj(b) && isStr(b.kind) && isStr(b.name))) &&
    isStrArray(v.notes) &&
    [v.revocable, v.clamped, v.extended, v.kept, v.copied, v.exported, v.revoked].every(isBool)
  );
}

export function isResultHostMessage(v: unknown): v is ResultHostMessage {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'result':
      return isMintResultView(v.result) && (v.l10n === undefined || isBundle(v.l10n));
    case 'actionDone':
      return isResultAction(v.action) && isBool(v.ok) && (v.message === undefined || isStr(v.message));
    case 'revealed':
      return isStr(v.value);
    case 'conceal':
      return true;
    default:
      return false;
  }
}

export function isResultState(v: unknown): v is ResultState {
  return isObj(v) && v.version === 1 && isMintResultView(v.result) && (v.l10n === undefined || isBundle(v.l10n));
}
