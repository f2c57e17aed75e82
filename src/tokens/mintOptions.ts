/**
 * The options of a TokenRequest: lifetime, audiences and an optional bound object. Taken from the
 * command argument when given (tests, other commands), otherwise asked with quick picks.
 */
import * as vscode from 'vscode';
import type { ClusterSession } from '../kube/session';
import type { BindableKind, BoundObjectRef } from '../kube/tokenRequest';
import { DURATION_PRESETS, parseDuration, checkExpirationSeconds } from './duration';
import type { MintTarget } from './mintFailure';
import { isTreeNode } from './targets';

export interface MintOptions {
  expirationSeconds: number;
  /** Empty: the cluster's own audiences. */
  audiences: string[];
  bind?: BoundObjectRef;
}

/**
 * Options from an argument object. `given` is true when the caller passed any option: then the
 * missing ones take their defaults instead of being asked.
 */
export function optionsFromArg(arg: unknown, defaultDuration: string): { options: Partial<MintOptions>; error?: string; given: boolean } {
  const o = (typeof arg === 'object' && arg !== null && !isTreeNode(arg) ? arg : {}) as Record<string, unknown>;
  const given = 'duration' in o || 'audiences' in o || 'bind' in o;
  const options: Partial<MintOptions> = {};
  const d = o.duration ?? (given ? defaultDuration : undefined);
  if (typeof d === 'number') {
    const problem = checkExpirationSeconds(d);
    if (problem) return { options, error: problem, given };
    options.expirationSeconds = d;
  } else if (typeof d === 'string') {
    const r = parseDuration(d);
    if (!r.ok) return { options, error: r.message, given };
    options.expirationSeconds = r.seconds;
  }
  if (Array.isArray(o.audiences)) options.audiences = o.audiences.filter((a): a is string => typeof a === 'string' && a.length > 0);
  else if (given) options.audiences = [];
  const b = o.bind as { kind?: unknown; name?: unknown; uid?: unknown } | null | undefined;
  if (b && (b.kind === 'Pod' || b.kind === 'Secret' || b.kind === 'Node') && typeof b.name === 'string') {
    options.bind = { kind: b.kind, name: b.name, uid: typeof b.uid === 'string' ? b.uid : undefined };
  }
  return { options, given };
}

export async function askDuration(defaultDuration: string): Promise<number | undefined> {
  const custom = vscode.l10n.t('Custom…');
  const items = [...new Set([defaultDuration, ...DURATION_PRESETS])].map((label) => ({
    label,
    description: label === defaultDuration ? vscode.l10n.t('default (k8sTokens.mint.defaultDuration)') : undefined,
  }));
  const pick = await vscode.window.showQuickPick([...items, { label: custom, description: vscode.l10n.t('e.g. 90m, 2h30m, 3600s, 1d') }], {
    title: vscode.l10n.t('Token lifetime'),
    placeHolder: vscode.l10n.t('The API server may grant less than requested'),
  });
  if (!pick) return undefined;
  let text: string | undefined = pick.label;
  if (pick.label === custom) {
    text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Token lifetime'),
      prompt: vscode.l10n.t('At least 10 minutes, at most 2^32 seconds'),
      value: defaultDuration,
      validateInput: (v) => {
        const r = parseDuration(v);
        return r.ok ? undefined : r.message;
      },
    });
  }
  if (text === undefined) return undefined;
  const r = parseDuration(text);
  if (!r.ok) {
    void vscode.window.showErrorMessage(r.message);
    return undefined;
  }
  return r.seconds;
}

export async function askAudiences(): Promise<string[] | undefined> {
  const dflt = vscode.l10n.t('Cluster default');
  const pick = await vscode.window.showQuickPick(
    [
      { label: dflt, description: vscode.l10n.t('send no audience: the API server uses its own (the token works against this cluster)') },
      { label: vscode.l10n.t('Enter audiences…'), description: vscode.l10n.t('for another consumer, e.g. vault or an OIDC relying party') },
    ],
    { title: vscode.l10n.t('Audiences') },
  );
  if (!pick) return undefined;
  if (pick.label === dflt) return [];
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Audiences'),
    prompt: vscode.l10n.t('Comma-separated. A token for other audiences is rejected by this cluster unless they include its API audiences.'),
    validateInput: (v) => (v.split(',').some((a) => a.trim().length > 0) ? undefined : vscode.l10n.t('Enter at least one audience.')),
  });
  return text === undefined ? undefined : [...new Set(text.split(',').map((a) => a.trim()).filter((a) => a.length > 0))];
}

/** Asks whether to bind the token, and to what. `null` means not bound; undefined means cancelled. */
export async function askBinding(session: ClusterSession, target: MintTarget): Promise<BoundObjectRef | null | undefined> {
  const none = vscode.l10n.t('Not bound');
  const kinds: { label: string; objectKind?: BindableKind; description: string }[] = [
    { label: none, description: vscode.l10n.t('valid until it expires') },
    { label: vscode.l10n.t('Bind to a Pod…'), objectKind: 'Pod', description: vscode.l10n.t('invalid as soon as the Pod is deleted') },
    { label: vscode.l10n.t('Bind to a Secret…'), objectKind: 'Secret', description: vscode.l10n.t('invalid as soon as the Secret is deleted') },
    { label: vscode.l10n.t('Bind to a Node…'), objectKind: 'Node', description: vscode.l10n.t('invalid as soon as the Node is deleted') },
  ];
  const pick = await vscode.window.showQuickPick(kinds, { title: vscode.l10n.t('Bind the token to an object?') });
  if (!pick) return undefined;
  if (!pick.objectKind) return null;
  const kube = session.module();
  const client = session.connections().client(target.context);
  const kind = pick.objectKind;
  const objects = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing {0}s…', kind) }, async () => {
    if (kind === 'Pod') {
      // The API server refuses Pods that run as another ServiceAccount, so only these are offered.
      return (await kube.listPods(client, target.namespace)).filter((p) => p.serviceAccountName === target.serviceAccount).map((p) => ({ label: p.name, uid: p.uid, description: p.nodeName ? `${p.phase ?? ''} · ${p.nodeName}` : p.phase }));
    }
    if (kind === 'Secret') return (await kube.listSecrets(client, target.namespace)).map((s) => ({ label: s.name, uid: s.uid, description: s.type }));
    return (await kube.listNodes(client)).map((n) => ({ label: n.name, uid: n.uid, description: undefined }));
  });
  if (objects.length === 0) {
    void vscode.window.showWarningMessage(
      kind === 'Pod'
        ? vscode.l10n.t('No Pod in namespace "{0}" runs as ServiceAccount "{1}".', target.namespace, target.serviceAccount)
        : vscode.l10n.t('No {0} found.', kind),
    );
    return undefined;
  }
  const obj = await vscode.window.showQuickPick(objects, { title: vscode.l10n.t('{0} to bind to', kind) });
  return obj ? { kind, name: obj.label, uid: obj.uid } : undefined;
}

