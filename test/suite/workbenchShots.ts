/**
 * Helpers for screenshots meant for people (README) and for what only the workbench shows: a
 * workbench without notification toasts, a tree path walked by its labels, a file holding a token to
 * hover, a notification's text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/tree/model';
import { captureWorkbench, until, waitFor, type ExtensionApi, type UiCapture } from './helpers';

/**
 * Clears notifications and waits until no toast is drawn. Progress toasts of finished work can
 * linger for a moment after their task ended; a screenshot taken then would show them.
 */
export async function noToasts(): Promise<void> {
  await waitFor(
    async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideToasts');
      const c = await captureWorkbench('toasts-probe', { selector: '.notification-toast' });
      return c.texts.filter((t) => t.trim() !== '').length === 0 ? true : undefined;
    },
    'the notification toasts to go away',
    20_000,
  );
}

/** The ServiceAccounts tree node at the end of `labels` (each a row label under the previous one). */
export async function walkTree(api: ExtensionApi, ...labels: string[]): Promise<TreeNode> {
  const labelOf = (n: TreeNode): string => {
    const l = api.tree.provider.getTreeItem(n).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  let node: TreeNode | undefined;
  for (const label of labels) {
    const parent = node;
    node = await until(async () => ((await api.tree.provider.getChildren(parent)) ?? []).find((c) => labelOf(c) === label), `tree node ${labels.join(' > ')}`);
  }
  return node as TreeNode;
}

/**
 * Waits until a notification containing `text` is in the notification center (toasts hide by
 * themselves, the center keeps them), captured as `test-results/ui/<name>.png`, then closes the center.
 */
export async function notificationShowing(name: string, text: string): Promise<UiCapture> {
  await vscode.commands.executeCommand('notifications.showList');
  try {
    return await waitFor(
      async () => {
        const c = await captureWorkbench(name, { selector: '.notifications-center .notification-list-item-message' });
        return c.texts.join('\n').includes(text) ? c : undefined;
      },
      `a notification saying "${text}"`,
      20_000,
    );
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

/**
 * A new YAML file (`deploy-token.yaml` in a temp folder) whose line 3 holds a fresh 2-hour token of
 * demo/ci-deployer bound to Pod web-0, under the comment `comment`. Needs testCluster() first.
 */
export async function podBoundTokenFile(api: ExtensionApi, comment: string): Promise<string> {
  const kube = api.services.session.module();
  const client = api.services.session.connections().client('test-admin');
  const { token } = await kube.requestToken(client, { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hover-token-')), 'deploy-token.yaml');
  fs.writeFileSync(file, `# ${comment}\nci:\n  token: ${token}\n`);
  return file;
}
