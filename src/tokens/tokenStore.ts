import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

/** What to send to TokenRequest again to re-mint a kept token. */
export interface MintParams {
  context: string;
  namespace: string;
  serviceAccount: string;
  /** Requested lifetime in seconds. */
  expirationSeconds: number;
  /** Requested audiences; empty means the server's default (its API audiences). */
  audiences: string[];
  boundObject?: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid?: string };
  /** Mint bound to a fresh dedicated Secret, so deleting the Secret revokes the token. */
  revocable?: boolean;
}

/** Metadata of a token the user chose to keep. The token value itself lives only in SecretStorage. */
export interface KeptToken {
  /** Random id of this entry (not the jti). */
  id: string;
  params: MintParams;
  /** Cluster URL at mint time. */
  server: string;
  /** Audiences granted (the response's spec.audiences). */
  audiences: string[];
  /** JWT iat, ms since the epoch. */
  issuedAt: number;
  /** JWT exp, ms since the epoch (for pod-bound extended tokens this is the extended expiry). */
  expiresAt: number;
  /** status.expirationTimestamp, ms: what the server reported as the expiry. */
  statusExpiresAt: number;
  /** kubernetes.io.warnafter, ms, for extended tokens. */
  warnAfter?: number;
  requestedSeconds: number;
  grantedSeconds: number;
  jti?: string;
  boundObject?: { kind: string; name: string; uid?: string };
  /** Name of the Secret a revocable token is bound to. */
  revocableSecret?: string;
  revokedAt?: number;
}

const INDEX_KEY = 'k8sTokens.keptTokens';
const secretKey = (id: string): string => `k8sTokens.token.${id}`;

/**
 * Kept tokens: metadata in globalState (safe to show), values in SecretStorage (the OS keychain).
 */
export class TokenStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  list(): KeptToken[] {
    const raw = this.state.get<unknown>(INDEX_KEY, []);
    return Array.isArray(raw) ? (raw as KeptToken[]).filter((t) => typeof t?.id === 'string') : [];
  }

  get(id: string): KeptToken | undefined {
    return this.list().find((t) => t.id === id);
  }

  async keep(meta: Omit<KeptToken, 'id'>, token: string): Promise<KeptToken> {
    const entry: KeptToken = { ...meta, id: crypto.randomUUID() };
    await this.secrets.store(secretKey(entry.id), token);
    await this.state.update(INDEX_KEY, [...this.list(), entry]);
    this.changed.fire();
    return entry;
  }

  /** Replaces an entry's metadata and, when given, its token (re-mint keeps the id). */
  async update(id: string, patch: Partial<Omit<KeptToken, 'id'>>, token?: string): Promise<KeptToken | undefined> {
    const list = this.list();
    const i = list.findIndex((t) => t.id === id);
    if (i < 0) return undefined;
    if (token !== undefined) await this.secrets.store(secretKey(id), token);
    list[i] = { ...list[i], ...patch, id };
    await this.state.update(INDEX_KEY, list);
    this.changed.fire();
    return list[i];
  }

  async token(id: string): Promise<string | undefined> {
    return this.secrets.get(secretKey(id));
  }

  async forget(id: string): Promise<void> {
    await this.secrets.delete(secretKey(id));
    await this.state.update(INDEX_KEY, this.list().filter((t) => t.id !== id));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
