/** Turns model nodes into TreeItems: labels, descriptions, icons, tooltips, context values, commands. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, ContextValues } from '../common/commandIds';
import { neutraliseBidi, safeMessage } from '../text/displayText';
import { humanDuration, relativeTime } from '../jwt/time';
import { keptTokenState, nodeId, unusualTraits, type KeptTokenNode, type ServiceAccountNode, type Trait, type TreeNode } from './model';

const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
const None = vscode.TreeItemCollapsibleState.None;

function item(node: TreeNode, label: string, state: vscode.TreeItemCollapsibleState, contextValue: string, icon: vscode.ThemeIcon): vscode.TreeItem {
  const t = new vscode.TreeItem(label, state);
  t.id = nodeId(node);
  t.contextValue = contextValue;
  t.iconPath = icon;
  return t;
}

const warningIcon = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
const errorIcon = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));

const DAY_MS = 86_400_000;

/** What a context says about the expiry of its user's static JWT: expired, within a day, or later. */
function tokenState(expiresAt: number | undefined, now: number): { expired: boolean; soon: boolean; text: string } | undefined {
  if (expiresAt === undefined) return undefined;
  const when = relativeTime(new Date(expiresAt), now);
  if (expiresAt <= now) return { expired: true, soon: false, text: vscode.l10n.t('token expired {0}', when) };
  return { expired: false, soon: expiresAt - now < DAY_MS, text: vscode.l10n.t('token expires {0}', when) };
}

/**
 * The TreeItem of a node. Its texts come from kubeconfig files and cluster answers (context and
 * user names, error messages): bidi controls are shown as escapes so they cannot reorder a label,
 * and tooltips are bounded and redacted like any message.
 */
export function renderNode(node: TreeNode): vscode.TreeItem {
  const t = renderItem(node);
  if (typeof t.label === 'string') t.label = neutraliseBidi(t.label);
  if (typeof t.description === 'string') t.description = neutraliseBidi(t.description);
  if (typeof t.tooltip === 'string') t.tooltip = safeMessage(t.tooltip);
  return t;
}

function renderItem(node: TreeNode): vscode.TreeItem {
  switch (node.kind) {
    case 'context': {
      const e = node.entry;
      const token = tokenState(e.tokenExpiresAt, Date.now());
      const icon = token?.expired ? errorIcon : token?.soon ? warningIcon : e.isCurrent ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('server-environment');
      const t = item(node, e.name, Collapsed, ContextValues.context, icon);
      const notes = [e.isCurrent ? vscode.l10n.t('current') : '', token?.expired || token?.soon ? token.text : ''].filter((n) => n.length > 0);
      t.description = notes.length > 0 ? notes.join(' · ') : undefined;
      t.tooltip = [
        vscode.l10n.t('Context: {0}', e.name),
        vscode.l10n.t('Cluster: {0} ({1})', e.cluster, e.server ?? '?'),
        vscode.l10n.t('User: {0}', e.user),
        vscode.l10n.t('Default namespace: {0}', e.namespace ?? 'default'),
        vscode.l10n.t('Defined in: {0}', e.file),
        ...(token ? [token.expired ? vscode.l10n.t('The token of user {0} has expired: the cluster will answer 401 Unauthorized. Get a new one (re-mint it, or log in again).', e.user) : token.text] : []),
      ].join('\n');
      return t;
    }
    case 'kubeconfigProblem': {
      if (node.restricted) {
        const t = item(node, vscode.l10n.t('Restricted Mode'), None, ContextValues.info, new vscode.ThemeIcon('workspace-untrusted', new vscode.ThemeColor('list.warningForeground')));
        t.description = node.problem.message;
        t.tooltip = [node.problem.message, node.problem.file].filter((l) => l.length > 0).join('\n');
        t.command = { command: 'workbench.trust.manage', title: vscode.l10n.t('Manage Workspace Trust') };
        return t;
      }
      const t = item(node, path.basename(node.problem.file), None, ContextValues.error, errorIcon);
      t.description = node.problem.message;
      t.tooltip = `${node.problem.file}\n${node.problem.message}`;
      t.command = { command: CommandIds.retry, title: vscode.l10n.t('Retry'), arguments: [node] };
      return t;
    }
    case 'namespace': {
      const t = item(node, node.name, Collapsed, ContextValues.namespace, new vscode.ThemeIcon('symbol-namespace'));
      if (node.terminating) t.description = vscode.l10n.t('terminating');
      return t;
    }
    case 'serviceAccount':
      return serviceAccountItem(node);
    case 'keptToken':
      return keptTokenItem(node);
    case 'revocableSecret': {
      const sec = node.secret;
      const t = item(node, sec.name, None, ContextValues.revocableSecret, new vscode.ThemeIcon('lock', new vscode.ThemeColor('list.warningForeground')));
      t.description = vscode.l10n.t('revocable, not kept');
      t.tooltip = [
        vscode.l10n.t('Secret {0}/{1} binds revocable tokens of this ServiceAccount, but no token kept in this VS Code uses it (the token was not kept, or was kept elsewhere).', sec.namespace, sec.name),
        vscode.l10n.t('Tokens bound to it stay valid until they expire or the Secret is deleted.'),
        sec.creationTimestamp ? vscode.l10n.t('Created: {0}', sec.creationTimestamp) : '',
      ]
        .filter((l) => l.length > 0)
        .join('\n');
      return t;
    }
    case 'groupBindings': {
      const t = item(node, vscode.l10n.t('Via groups'), Collapsed, ContextValues.folder, new vscode.ThemeIcon('organization'));
      t.description = String(node.bindings.length);
      t.tooltip = vscode.l10n.t('Bindings that reach this ServiceAccount only through groups every ServiceAccount has (system:serviceaccounts, system:serviceaccounts:<namespace>, system:authenticated).');
      return t;
    }
    case 'folder': {
      if (node.folder === 'tokenSecrets') {
        const t = item(node, vscode.l10n.t('Token Secrets'), Collapsed, ContextValues.folder, new vscode.ThemeIcon('key'));
        const n = node.parent.tokenSecretCount;
        if (n) t.description = String(n);
        t.tooltip = vscode.l10n.t('Long-lived (legacy) token Secrets of type kubernetes.io/service-account-token that name this ServiceAccount.');
        return t;
      }
      const t = item(node, vscode.l10n.t('Bindings'), Collapsed, ContextValues.folder, new vscode.ThemeIcon('shield'));
      t.tooltip = vscode.l10n.t('RoleBindings and ClusterRoleBindings that apply to this ServiceAccount, directly or through its groups.');
      return t;
    }
    case 'tokenSecret': {
      const s = node.secret;
      const flagged = s.invalidSince !== undefined || s.lastUsed !== undefined;
      const t = item(node, s.name, None, ContextValues.tokenSecret, s.invalidSince ? errorIcon : flagged ? warningIcon : new vscode.ThemeIcon('key'));
      t.description = s.invalidSince
        ? vscode.l10n.t('invalid since {0}', s.invalidSince)
        : s.lastUsed
          ? vscode.l10n.t('last used {0}', s.lastUsed)
          : s.hasToken
            ? vscode.l10n.t('no use recorded')
            : vscode.l10n.t('waiting for the token controller');
      t.tooltip = [
        vscode.l10n.t('Legacy token Secret: the token never expires and stays valid until the Secret is deleted.'),
        s.invalidSince
          ? vscode.l10n.t('Marked invalid by the clean-up controller on {0}: the API server rejects this token; the Secret is deleted one year later.', s.invalidSince)
          : '',
        s.lastUsed ? vscode.l10n.t('Last used on {0} (kubernetes.io/legacy-token-last-used).', s.lastUsed) : '',
        node.autoGenerated ? vscode.l10n.t('Auto-generated (listed in the ServiceAccount): since Kubernetes 1.30 it is invalidated after a year without use.') : '',
      ]
        .filter((l) => l.length > 0)
        .join('\n');
      return t;
    }
    case 'binding': {
      const b = node.binding;
      const label = b.kind === 'RoleBinding' ? `${b.namespace}/${b.name}` : b.name;
      const t = item(node, label, None, ContextValues.binding, new vscode.ThemeIcon(b.kind === 'RoleBinding' ? 'shield' : 'globe'));
      const role = `${b.roleRef.kind} ${b.roleRef.name}`;
      const via = b.match.via === 'group' ? vscode.l10n.t(' (via group {0})', b.match.group) : b.match.via === 'user' ? vscode.l10n.t(' (as User)') : '';
      // Under "Via groups" the group is what tells the rows apart; a role named like its binding says nothing new.
      t.description = b.match.via === 'group' ? (b.roleRef.name === b.name ? b.match.group : `${role} · ${b.match.group}`) : `${role}${via}`;
      t.tooltip =
        b.kind === 'RoleBinding'
          ? vscode.l10n.t('RoleBinding {0} in namespace {1} grants {2} {3} in that namespace{4}.', b.name, b.namespace ?? '', b.roleRef.kind, b.roleRef.name, via)
          : vscode.l10n.t('ClusterRoleBinding {0} grants ClusterRole {1} in every namespace{2}.', b.name, b.roleRef.name, via);
      t.command = { command: CommandIds.openBindingRole, title: vscode.l10n.t('Open Role'), arguments: [node] };
      return t;
    }
    case 'error': {
      const t = item(node, node.message, None, ContextValues.error, errorIcon);
      t.tooltip = node.message + '\n' + vscode.l10n.t('Click to retry.');
      t.command = { command: CommandIds.retry, title: vscode.l10n.t('Retry'), arguments: [node] };
      return t;
    }
    case 'loadMore': {
      const t = item(node, vscode.l10n.t('Load more…'), None, ContextValues.loadMore, new vscode.ThemeIcon('ellipsis'));
      t.command = { command: CommandIds.loadMore, title: vscode.l10n.t('Load More'), arguments: [node] };
      return t;
    }
    case 'info': {
      const t = item(node, node.message, None, ContextValues.info, node.warning ? warningIcon : new vscode.ThemeIcon('info'));
      t.tooltip = node.tooltip;
      return t;
    }
  }
}

function trait(t: Trait): string {
  switch (t.kind) {
    case 'automountOff':
      return vscode.l10n.t('no automount');
    case 'kept':
      return t.count === 1 ? vscode.l10n.t('1 kept token') : vscode.l10n.t('{0} kept tokens', t.count);
    case 'tokenSecrets':
      return t.count === 1 ? vscode.l10n.t('1 token Secret') : vscode.l10n.t('{0} token Secrets', t.count);
    case 'orphanSecrets':
      return t.count === 1 ? vscode.l10n.t('1 revocable Secret') : vscode.l10n.t('{0} revocable Secrets', t.count);
  }
}

/** The row says only what is unusual (kept tokens, legacy Secrets, automount off); the tooltip says everything. */
function serviceAccountItem(node: ServiceAccountNode): vscode.TreeItem {
  const sa = node.sa;
  const t = item(node, sa.name, Collapsed, ContextValues.serviceAccount, new vscode.ThemeIcon('account'));
  const traits = unusualTraits(node);
  t.description = traits.length > 0 ? traits.map(trait).join(' · ') : undefined;
  t.tooltip = [
    `system:serviceaccount:${sa.namespace}:${sa.name}`,
    vscode.l10n.t('UID: {0}', sa.uid),
    sa.automountToken === false
      ? vscode.l10n.t('Pods do not get a token mounted unless they ask for one (automountServiceAccountToken: false).')
      : vscode.l10n.t('Pods get a token mounted automatically unless they opt out (automountServiceAccountToken unset or true).'),
    node.tokenSecretCount === undefined
      ? vscode.l10n.t('Token Secrets: unknown (Secrets could not be listed).')
      : node.tokenSecretCount === 0
        ? vscode.l10n.t('No long-lived token Secrets (good: short-lived tokens from Mint Token are the recommended way).')
        : vscode.l10n.t('Long-lived token Secrets: {0}', node.tokenSecretCount),
    node.keptCount > 0 ? vscode.l10n.t('Tokens kept in this VS Code: {0}', node.keptCount) : '',
    node.orphanRevocableCount > 0 ? vscode.l10n.t('Secrets of revocable tokens that are not kept: {0}', node.orphanRevocableCount) : '',
    sa.creationTimestamp ? vscode.l10n.t('Created: {0}', sa.creationTimestamp) : '',
  ]
    .filter((l) => l.length > 0)
    .join('\n');
  return t;
}

/** A token kept in SecretStorage: its state and expiry; the value itself is never read here. */
function keptTokenItem(node: KeptTokenNode): vscode.TreeItem {
  const k = node.token;
  const now = Date.now();
  const state = keptTokenState(k, node.secretGone, now);
  const revocable = k.revocableSecret !== undefined || k.params.revocable === true;
  const icon =
    state === 'valid'
      ? new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.green'))
      : state === 'expiring'
        ? warningIcon
        : new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  const t = item(node, vscode.l10n.t('Kept token'), None, revocable && state !== 'revoked' && state !== 'secretGone' ? `${ContextValues.keptToken}.revocable` : ContextValues.keptToken, icon);
  // Whole minutes: the row is redrawn once a minute, so seconds would only be wrong.
  const when = relativeTime(new Date(Math.abs(k.expiresAt - now) >= 60_000 ? now + Math.round((k.expiresAt - now) / 60_000) * 60_000 : k.expiresAt), now);
  const stateText =
    state === 'revoked'
      ? vscode.l10n.t('revoked')
      : state === 'secretGone'
        ? vscode.l10n.t('revoked (Secret deleted)')
        : state === 'expired'
          ? vscode.l10n.t('expired {0}', when)
          : vscode.l10n.t('expires {0}', when);
  const bound = k.boundObject ?? k.params.boundObject;
  t.description = [stateText, revocable ? vscode.l10n.t('revocable') : '', bound && !revocable ? `${bound.kind} ${bound.name}` : ''].filter((p) => p.length > 0).join(' · ');
  t.tooltip = [
    vscode.l10n.t('Token for {0}/{1}, kept in this VS Code (the value is in its secret storage).', k.params.namespace, k.params.serviceAccount),
    vscode.l10n.t('Issued: {0}', new Date(k.issuedAt).toLocaleString()),
    vscode.l10n.t('Expires: {0} ({1})', new Date(k.expiresAt).toLocaleString(), when),
    vscode.l10n.t('Lifetime: {0}', humanDuration(k.grantedSeconds)),
    vscode.l10n.t('Audiences: {0}', k.audiences.join(', ') || '—'),
    bound ? vscode.l10n.t('Bound to {0} {1}', bound.kind, bound.name) : '',
    k.revocableSecret ? vscode.l10n.t('Revocable: deleting Secret {0} revokes it.', k.revocableSecret) : '',
    state === 'secretGone' ? vscode.l10n.t('Secret {0} has been deleted: the cluster no longer accepts this token.', k.revocableSecret ?? '') : '',
  ]
    .filter((l) => l.length > 0)
    .join('\n');
  return t;
}
