/**
 * Secrets of revocable tokens that were minted but not (yet) kept. While the mint result is open,
 * closing it asks what to do; this list (names only, never a token) covers the window being closed
 * or reloaded first: the next start asks instead, so such a Secret is never left behind silently.
 */
import * as vscode from 'vscode';
import { displayDate } from '../common/dates';
import type { Services } from '../services';

export interface UnkeptSecret {
  context: string;
  namespace: string;
  secret: string;
  /** When the token bound to it expires anyway, ms. */
  expiresAt: number;
}

const KEY = 'k8sTokens.unkeptRevocableSecrets';
const same = (a: UnkeptSecret, b: UnkeptSecret): boolean => a.context === b.context && a.namespace === b.namespace && a.secret === b.secret;

export class UnkeptSecrets {
  constructor(private readonly state: vscode.Memento) {}

  list(now = Date.now()): UnkeptSecret[] {
    const raw = this.state.get<unknown>(KEY, []);
    const all = Array.isArray(raw) ? (raw as UnkeptSecret[]).filter((s) => typeof s?.secret === 'string' && typeof s.expiresAt === 'number') : [];
    // Once its token has expired, a left-over Secret revokes nothing: no need to ask about it.
    return all.filter((s) => s.expiresAt > now);
  }

  async add(s: UnkeptSecret): Promise<void> {
    await this.state.update(KEY, [...this.list().filter((x) => !same(x, s)), s]);
  }

  async remove(s: UnkeptSecret): Promise<void> {
    await this.state.update(KEY, this.list().filter((x) => !same(x, s)));
  }

  /** At start: offers to delete the Secrets a closed window left behind (non-modal). */
  offerCleanup(services: Services): void {
    const left = this.list();
    if (left.length === 0) return;
    const names = left.map((s) => `${s.namespace}/${s.secret} (${s.context})`).join(', ');
    const until = displayDate(Math.max(...left.map((s) => s.expiresAt)));
    const del = vscode.l10n.t('Delete Secrets');
    const leave = vscode.l10n.t('Leave Them');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('Revocable tokens minted in an earlier session were not kept; their Secrets are still in the cluster: {0}. The tokens stay valid until {1} unless the Secrets are deleted.', names, until), leave, del)
      .then(async (choice) => {
        if (choice === leave) {
          for (const s of left) await this.remove(s);
          return;
        }
        if (choice !== del) return;
        for (const s of left) {
          try {
            const client = services.session.connections().client(s.context);
            await services.session.module().deleteSecret(client, s.namespace, s.secret);
            await this.remove(s);
          } catch (e) {
            services.errors.report(e, `delete Secret ${s.namespace}/${s.secret}`);
          }
        }
      });
  }
}
