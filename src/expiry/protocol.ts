/**
 * The dashboard's message protocol, imported by both the extension host (dashboardPanel.ts) and
 * the webview bundle (webview/dashboard.ts), so both sides agree on every message at compile time.
 *
 *   webview                              host
 *   ready  ─────────────────────────────▶  (only now does the host post)
 *          ◀─────────────────────────────  tokens {tokens, settings, l10n}
 *   rendered {ids} ─────────────────────▶  (acknowledges what is on screen)
 *   action {action, id} ────────────────▶  runs k8sTokens.<action>Token(id)
 *          ◀─────────────────────────────  actionDone {id, action, ok}
 *   reveal {id} ────────────────────────▶  asks the user (modal, "Keep Hidden" first), reads SecretStorage
 *          ◀─────────────────────────────  revealed {id, value} | revealFailed {id, message}
 *          ◀─────────────────────────────  conceal (panel hidden)
 *
 * Messages from the webview are untrusted (its script could be subverted by rendered data), so the
 * host checks each with `parseWebviewMessage` before acting. Pure: no `vscode`, no DOM.
 */

/** What the dashboard shows of a kept token: metadata only, never the token value. */
export interface DashboardToken {
  id: string;
  context: string;
  namespace: string;
  serviceAccount: string;
  server: string;
  audiences: string[];
  binding?: { kind: string; name: string };
  revocable: boolean;
  issuedAt: number;
  expiresAt: number;
  statusExpiresAt: number;
  warnAfter?: number;
  requestedSeconds: number;
  grantedSeconds: number;
  revokedAt?: number;
}

export interface DashboardSettings {
  notifyBeforeMinutes: number;
}

/** Actions offered per row; each runs the token command of the same name with the kept id. */
export const TOKEN_ACTIONS = ['remint', 'copy', 'revoke', 'forget', 'exportKubeconfig'] as const;
export type TokenAction = (typeof TOKEN_ACTIONS)[number];

/** Host → webview. */
export type HostMessage =
  | { type: 'tokens'; tokens: DashboardToken[]; settings: DashboardSettings; l10n?: Record<string, string> }
  | { type: 'actionDone'; id: string; action: TokenAction; ok: boolean; message?: string }
  | { type: 'revealed'; id: string; value: string }
  | { type: 'revealFailed'; id: string; message: string }
  | { type: 'conceal' };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'rendered'; ids: string[] }
  | { type: 'action'; action: TokenAction; id: string }
  | { type: 'reveal'; id: string };

/**
 * What the webview keeps in `vscode.setState`, to draw at once after a reload or when the panel
 * is restored. Metadata only: a revealed value is never put here.
 */
export interface DashboardState {
  version: 1;
  tokens: DashboardToken[];
  settings: DashboardSettings;
  l10n?: Record<string, string>;
}

// ---- runtime guards ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptNum = (v: unknown): boolean => v === undefined || isNum(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
/** Kept ids are UUIDs; anything else (too long, odd characters) is not ours. */
const isId = (v: unknown): v is string => isStr(v) && /^[\w-]{1,64}$/.test(v);
const hasOnly = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));

/**
 * Whether a row offers `action`. Revoke only for a token bound to its own Secret: no other token
 * can be revoked on its own (issue 12 bug 1). The webview draws by it and the host refuses by it.
 */
export function offersAction(t: Pick<DashboardToken, 'revocable'>, action: TokenAction): boolean {
  return action !== 'revoke' || t.revocable;
}

export function isTokenAction(v: unknown): v is TokenAction {
  return (TOKEN_ACTIONS as readonly unknown[]).includes(v);
}

/**
 * The message, if `v` is exactly one of the webview → host messages (no extra keys, ids shaped like
 * ours, at most 500 rendered ids); otherwise undefined.
 */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return hasOnly(v, ['type']) ? { type: 'ready' } : undefined;
    case 'rendered':
      return hasOnly(v, ['type', 'ids']) && Array.isArray(v.ids) && v.ids.length <= 500 && v.ids.every(isId) ? { type: 'rendered', ids: [...v.ids] } : undefined;
    case 'action':
      return hasOnly(v, ['type', 'action', 'id']) && isTokenAction(v.action) && isId(v.id) ? { type: 'action', action: v.action, id: v.id } : undefined;
    case 'reveal':
      return hasOnly(v, ['type', 'id']) && isId(v.id) ? { type: 'reveal', id: v.id } : undefined;
    default:
      return undefined;
  }
}

export function isDashboardToken(v: unknown): v is DashboardToken {
  if (!isObj(v)) return false;
  const b = v.binding;
  return (
    isId(v.id) &&
    isStr(v.context) &&
    isStr(v.namespace) &&
    isStr(v.serviceAccount) &&
    isStr(v.server) &&
    isStrArray(v.audiences) &&
    (b === undefined || (isObj(b) && isStr(b.kind) && isStr(b.name))) &&
    typeof v.revocable === 'boolean' &&
    isNum(v.issuedAt) &&
    isNum(v.expiresAt) &&
    isNum(v.statusExpiresAt) &&
    isOptNum(v.warnAfter) &&
    isNum(v.requestedSeconds) &&
    isNum(v.grantedSeconds) &&
    isOptNum(v.revokedAt)
  );
}

const isSettings = (v: unknown): v is DashboardSettings => isObj(v) && isNum(v.notifyBeforeMinutes);
const isBundle = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every(isStr);

/** Host → webview messages are checked too: a malformed one must not break the page. */
export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'tokens':
      return Array.isArray(v.tokens) && v.tokens.every(isDashboardToken) && isSettings(v.settings) && (v.l10n === undefined || isBundle(v.l10n));
    case 'actionDone':
      return isId(v.id) && isTokenAction(v.action) && typeof v.ok === 'boolean' && (v.message === undefined || isStr(v.message));
    case 'revealed':
      return isId(v.id) && isStr(v.value);
    case 'revealFailed':
      return isId(v.id) && isStr(v.message);
    case 'conceal':
      return true;
    default:
      return false;
  }
}

export function isDashboardState(v: unknown): v is DashboardState {
  return isObj(v) && v.version === 1 && Array.isArray(v.tokens) && v.tokens.every(isDashboardToken) && isSettings(v.settings) && (v.l10n === undefined || isBundle(v.l10n));
}
