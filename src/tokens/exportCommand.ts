/**
 * Export Kubeconfig: a kubeconfig file that authenticates as the ServiceAccount with a token (a
 * kept one, one just minted, or a new one). The file is written only where the user says, as a new
 * file of theirs with mode 0600 (src/common/secretFile.ts), and never over an existing file or link
 * without a modal confirmation that names what is really there. Never through a symbolic link: the
 * link itself is replaced, so a link planted at the chosen name cannot send the token elsewhere.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ContextClient } from '../kube/http';
import { readRegularFile } from '../common/secretFile';
import { writeKubeconfigFile, type ExportOutcome } from './exportFile';
import { buildKubeconfig, exportedContextName } from './kubeconfigExport';
import type { MintTarget } from './mintFailure';
import { mintCommand, keptFrom } from './mintCommands';
import { isTreeNode, partialTarget } from './targets';
import type { TokenStore } from './tokenStore';

export type { ExportOutcome } from './exportFile';

interface ExportArgs {
  token?: string;
  target?: string;
  overwrite?: boolean;
}

async function caFor(client: ContextClient, services: Services, namespace: string): Promise<{ pem?: string; source: 'kubeconfig' | 'caFile' | 'configMap' | 'none' | 'insecure' }> {
  const info = client.clusterInfo();
  // The source context skips verification: so does the export (a CA next to it is refused by kubectl).
  if (info.skipTLSVerify) return { source: 'insecure' };
  if (info.caData) return { pem: Buffer.from(info.caData, 'base64').toString('utf8'), source: 'kubeconfig' };
  // A CA file is a few KB; a FIFO or device named by a kubeconfig must not hang the export.
  if (info.caFile) return { pem: (await readRegularFile(info.caFile, MAX_CA_FILE_BYTES)).text, source: 'caFile' };
  const fromCluster = await services.session.module().readRootCa(client, namespace);
  return fromCluster ? { pem: fromCluster, source: 'configMap' } : { source: 'none' };
}

const MAX_CA_FILE_BYTES = 1024 * 1024;

export async function exportKubeconfigCommand(services: Services, store: TokenStore, arg: unknown): Promise<ExportOutcome | undefined> {
  const args = (typeof arg === 'object' && arg !== null && !isTreeNode(arg) ? arg : {}) as ExportArgs;
  // The token: a kept entry, one passed by the mint result, or a new one minted now.
  let token: string | undefined;
  let target: MintTarget | undefined;
  const kept = keptFrom(store, arg);
  if (kept) {
    token = await store.token(kept.id);
    target = { context: kept.params.context, namespace: kept.params.namespace, serviceAccount: kept.params.serviceAccount };
  } else if (typeof args.token === 'string') {
    const t = partialTarget(arg);
    if (t.context && t.namespace && t.serviceAccount) target = { context: t.context, namespace: t.namespace, serviceAccount: t.serviceAccount };
    token = args.token;
  }
  if (!token || !target) {
    const minted = await mintCommand(services, store, undefined, arg, false);
    if (!minted || minted.status !== 'minted') return minted?.status === 'cancelled' || !minted ? { status: 'cancelled' } : { status: 'failed', message: 'message' in minted ? minted.message : '' };
    token = minted.token;
    target = minted.target;
  }

  const client = services.session.connections().client(target.context);
  const entry = services.session.connections().kubeconfigs.contexts.find((c) => c.name === target.context);
  const ca = await caFor(client, services, target.namespace);
  const info = client.clusterInfo();
  const text = buildKubeconfig({
    clusterName: entry?.cluster ?? target.context,
    server: client.server,
    caPem: ca.pem,
    tlsServerName: info.tlsServerName,
    insecureSkipTlsVerify: info.skipTLSVerify,
    sourceContext: target.context,
    namespace: target.namespace,
    serviceAccount: target.serviceAccount,
    token,
  });

  const w = await writeKubeconfigFile(text, {
    file: typeof args.target === 'string' ? args.target : undefined,
    overwrite: typeof args.overwrite === 'boolean' ? args.overwrite : undefined,
    title: vscode.l10n.t('Export kubeconfig for {0}/{1}', target.namespace, target.serviceAccount),
    defaultFile: path.join(os.homedir(), `${target.serviceAccount}-${target.namespace}.kubeconfig`),
  });
  if ('notWritten' in w) return w.notWritten;
  const file = w.written.path;
  const contextName = exportedContextName({ ...target, sourceContext: target.context });
  const caNote =
    ca.source === 'none'
      ? ' ' + vscode.l10n.t('No CA was found for this cluster: the file trusts the system CAs only.')
      : ca.source === 'insecure'
        ? ' ' + vscode.l10n.t('Like context "{0}", the file skips TLS verification (insecure-skip-tls-verify).', target.context)
        : '';
  // A sticky shared folder (/tmp) keeps others from replacing or reading the file, not from seeing its name.
  const sharedNote = w.written.sharedFolder === 'sticky' ? ' ' + vscode.l10n.t('The folder is shared with other users: they can see the file name, not its content.') : '';
  const open = vscode.l10n.t('Open');
  void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} (context "{1}"). It contains a credential: keep it private.', file, contextName) + caNote + sharedNote, open).then((c) => {
    if (c === open) return vscode.window.showTextDocument(vscode.Uri.file(file));
    return undefined;
  });
  return { status: 'exported', path: file, context: contextName, caSource: ca.source };
}
