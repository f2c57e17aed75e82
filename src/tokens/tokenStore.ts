import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { KeptToken } from '../common/keptToken';

export type { KeptToken, MintParams } from '../common/keptToken';

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
