/**
 * The options of a TokenRequest: lifetime, audiences and an optional bound object. Taken from the
 * command argument when given (tests, other commands), otherwise asked with quick picks.
 */
import * as vscode from 'vscode';
import type { ClusterSession } from '../kube/session';
import type { BindableKind, BoundObjectRef } from '../kube/tokenRequest';
import { MultiStepInput, type InputStep } from '../common/multiStepInput';
import { parseDuration, checkExpirationSeconds } from './duration';
import { pickDuration } from './durationInput';
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

/** Lifetime, audiences and (unless revocable) the bound object, as one multi-step input naming the SA. */
export async function askMintOptions(session: ClusterSession, target: MintTarget, revocable: boolean, defaultDuration: string): Promise<MintOptions | undefined> {
  const who = `${target.namespace}/${target.serviceAccount}`;
  const title = revocable ? vscode.l10n.t('Mint revocable token for {0}', who) : vscode.l10n.t('Mint token for {0}', who);
  const options: MintOptions = { expirationSeconds: 0, audiences: [] };
  const lifetime: InputStep = async (flow) => {
    options.expirationSeconds = await pickDuration(flow, { defaultDuration, defaultNote: vscode.l10n.t('default (k8sTokens.mint.defaultDuration)') });
    return audiences;
  };
  const audiences: InputStep = async (flow) => {
    options.audiences = await pickAudiences(flow);
    return revocable ? undefined : binding;
  };
  const binding: InputStep = async (flow) => {
    options.bind = await pickBinding(flow, session, target);
  };
  const done = await MultiStepInput.run(title, revocable ? 2 : 3, lifetime);
  return done ? options : undefined;
}

const splitAudiences = (text: string): string[] => [...new Set(text.split(',').map((a) => a.trim()).filter((a) => a.length > 0))];

async function pickAudiences(flow: MultiStepInput): Promise<string[]> {
  type Item = vscode.QuickPickItem & { audiences?: string[]; enter?: boolean };
  const dflt: Item = { label: vscode.l10n.t('Cluster default'), description: vscode.l10n.t('send no audience: the API server uses its own (the token works against this cluster)'), audiences: [] };
  const enter: Item = { label: vscode.l10n.t('Enter audiences…'), description: vscode.l10n.t('for another consumer, e.g. vault or an OIDC relying party'), enter: true };
  for (;;) {
    const pick = await flow.pick<Item>({
      items: [dflt, enter],
      activeItem: dflt,
      placeholder: vscode.l10n.t('Audiences: pick, or type them comma-separated'),
      typed: (value) => {
        const typed = splitAudiences(value);
        return typed.length ? { before: [{ label: typed.join(', '), description: vscode.l10n.t('audiences to request'), audiences: typed }] } : {};
      },
    });
    if (pick.audiences) return pick.audiences;
    try {
      const text = await flow.input({
        prompt: vscode.l10n.t('Comma-separated. A token for other audiences is rejected by this cluster unless they include its API audiences.'),
        validate: (v) => (splitAudiences(v).length > 0 ? undefined : vscode.l10n.t('Enter at least one audience.')),
      });
      return splitAudiences(text);
    } catch (e) {
      if (!MultiStepInput.isBack(e)) throw e;
    }
  }
}

/** Whether to bind the token, and to what; undefined means not bound. */
async function pickBinding(flow: MultiStepInput, session: ClusterSession, target: MintTarget): Promise<BoundObjectRef | undefined> {
  type KindItem = vscode.QuickPickItem & { objectKind?: BindableKind };
  const kinds: KindItem[] = [
    { label: vscode.l10n.t('Not bound'), description: vscode.l10n.t('valid until it expires') },
    { label: vscode.l10n.t('Bind to a Pod…'), objectKind: 'Pod', description: vscode.l10n.t('invalid as soon as the Pod is deleted') },
    { label: vscode.l10n.t('Bind to a Secret…'), objectKind: 'Secret', description: vscode.l10n.t('invalid as soon as the Secret is deleted') },
    { label: vscode.l10n.t('Bind to a Node…'), objectKind: 'Node', description: vscode.l10n.t('invalid as soon as the Node is deleted') },
  ];
  for (;;) {
    const kind = (await flow.pick({ items: kinds, activeItem: kinds[0], placeholder: vscode.l10n.t('Bind the token to an object?') })).objectKind;
    if (!kind) return undefined;
    try {
      type ObjectItem = vscode.QuickPickItem & { uid?: string };
      const obj = await flow.pick<ObjectItem>({
        items: [],
        placeholder: vscode.l10n.t('{0} to bind to', kind),
        load: async () => {
          const objects = await listBindable(session, target, kind);
          if (objects.length > 0) return objects;
          const none =
            kind === 'Pod'
              ? vscode.l10n.t('No Pod in namespace "{0}" runs as ServiceAccount "{1}".', target.namespace, target.serviceAccount)
              : vscode.l10n.t('No {0} found.', kind);
          return [{ label: `$(info) ${none}`, detail: vscode.l10n.t('Go back to choose another kind of binding.') }];
        },
        accepts: (item) => item.uid !== undefined,
      });
      return { kind, name: obj.label, uid: obj.uid };
    } catch (e) {
      if (!MultiStepInput.isBack(e)) throw e;
    }
  }
}

async function listBindable(session: ClusterSession, target: MintTarget, kind: BindableKind): Promise<(vscode.QuickPickItem & { uid: string })[]> {
  const kube = session.module();
  const client = session.connections().client(target.context);
  if (kind === 'Pod') {
    // The API server refuses Pods that run as another ServiceAccount, so only these are offered.
    return (await kube.listPods(client, target.namespace)).filter((p) => p.serviceAccountName === target.serviceAccount).map((p) => ({ label: p.name, uid: p.uid, description: p.nodeName ? `${p.phase ?? ''} · ${p.nodeName}` : p.phase }));
  }
  if (kind === 'Secret') return (await kube.listSecrets(client, target.namespace)).map((s) => ({ label: s.name, uid: s.uid, description: s.type }));
  return (await kube.listNodes(client)).map((n) => ({ label: n.name, uid: n.uid, description: undefined }));
}
