/**
 * Generate RBAC / projected-token Pod / rotation CronJob for a ServiceAccount (from the tree node, an
 * argument object, or quick picks) into an untitled YAML editor. With an argument object that
 * carries the options (tests, other commands) nothing is asked.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import type { Services } from '../services';
import type { ApiResourceInfo } from '../kube/discovery';
import { STANDARD_RESOURCES, STANDARD_VERBS } from '../permissions/matrix';
import { isTreeNode, resolveTarget } from '../tokens/targets';
import { openUntitled } from '../common/untitled';
import { parseDuration, readDuration } from '../tokens/duration';
import { askDuration } from '../tokens/durationInput';
import { DEFAULT_TOKEN_MOUNT_PATH, projectedPodYaml, rotationCronJobYaml } from './generators';
import { parseResource, rbacChoiceYaml, resourceLabel, type ChosenResource, type RbacChoice } from './rbacGenerator';
import { nonEmptyString } from '../common/args';

export interface GeneratedYaml {
  yaml: string;
  /** The untitled document it was opened in. */
  uri: string;
}

type Options = Record<string, unknown>;
/** The argument's options, or undefined when the user should be asked (tree node, palette). */
const optionsOf = (arg: unknown): Options | undefined => (typeof arg === 'object' && arg !== null && !isTreeNode(arg) ? (arg as Options) : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : undefined);

/** Opens the YAML in an untitled editor named after what it holds, e.g. `rbac-demo-reader.yaml`. */
async function openYaml(name: string, content: string, show: boolean): Promise<GeneratedYaml> {
  const doc = await openUntitled(name, 'yaml', 'yaml', content, show);
  return { yaml: content, uri: doc.uri.toString() };
}

/** Resources to offer: the cluster's (when discovery works), else the built-in list. */
async function resourceItems(services: Services, context: string, scope: RbacChoice['scope']): Promise<{ label: string; description: string; resource: ChosenResource }[]> {
  let served: ApiResourceInfo[] | undefined;
  try {
    served = await services.session.module().listApiResources(services.session.connections().client(context));
  } catch (e) {
    services.log.warn(`discovery failed, offering the built-in resource list: ${e instanceof Error ? e.message : String(e)}`);
  }
  const list: ChosenResource[] = served
    ? served.filter((r) => (scope === 'cluster' || r.namespaced) && !r.verbs.every((v) => v === 'create' && !r.resource.includes('/'))).map((r) => ({ group: r.group, resource: r.resource }))
    : STANDARD_RESOURCES.map((c) => ({ group: c.group, resource: c.subresource ? `${c.resource}/${c.subresource}` : c.resource }));
  return list.map((r) => ({ label: resourceLabel(r), description: r.group || vscode.l10n.t('core'), resource: r }));
}

async function askRbac(services: Services, context: string): Promise<Pick<RbacChoice, 'resources' | 'verbs' | 'scope'> | undefined> {
  const scopePick = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Namespace'), description: vscode.l10n.t('Role + RoleBinding in the ServiceAccount\'s namespace'), scope: 'namespace' as const },
      { label: vscode.l10n.t('Cluster'), description: vscode.l10n.t('ClusterRole + ClusterRoleBinding'), scope: 'cluster' as const },
    ],
    { title: vscode.l10n.t('Scope of the grant') },
  );
  if (!scopePick) return undefined;
  const items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading API resources…') }, () => resourceItems(services, context, scopePick.scope));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Resources to grant on'), canPickMany: true, matchOnDescription: true });
  if (!picked?.length) return undefined;
  const verbs = await vscode.window.showQuickPick([...STANDARD_VERBS, 'deletecollection'], { title: vscode.l10n.t('Verbs'), canPickMany: true });
  if (!verbs?.length) return undefined;
  return { scope: scopePick.scope, resources: picked.map((p) => p.resource), verbs };
}

async function generateRbac(services: Services, arg: unknown): Promise<GeneratedYaml | undefined> {
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  const o = optionsOf(arg);
  const resources = strings(o?.resources);
  const verbs = strings(o?.verbs);
  const chosen =
    resources && verbs
      ? { resources: resources.map(parseResource), verbs, scope: o?.scope === 'cluster' ? ('cluster' as const) : ('namespace' as const) }
      : await askRbac(services, target.context);
  if (!chosen) return undefined;
  const yaml = rbacChoiceYaml({ ...chosen, serviceAccount: { namespace: target.namespace, name: target.serviceAccount }, name: nonEmptyString(o?.name) });
  return openYaml(`rbac-${target.namespace}-${target.serviceAccount}`, yaml, o?.show !== false);
}

/**
 * A lifetime from the argument (`duration: '2h'` or `expirationSeconds: 7200`) or asked with the
 * mint's lifetime list; both go through parseDuration, so `1h` works here as in Mint. Throws the
 * parser's message for an unusable argument; undefined when the user cancels.
 */
async function lifetimeOf(o: Options | undefined, title: string, defaultDuration: string): Promise<number | undefined> {
  const given = o?.duration ?? o?.expirationSeconds;
  if (typeof given === 'string' || typeof given === 'number') {
    const r = parseDuration(String(given));
    if (!r.ok) throw new Error(r.message);
    return r.seconds;
  }
  if (o) return readDuration(defaultDuration);
  return askDuration(title, { defaultDuration, defaultNote: vscode.l10n.t('default') });
}

async function generateProjectedPod(services: Services, arg: unknown): Promise<GeneratedYaml | undefined> {
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  const o = optionsOf(arg);
  let audience = nonEmptyString(o?.audience);
  let mountPath = nonEmptyString(o?.mountPath);
  if (!o) {
    audience = await vscode.window.showInputBox({ title: vscode.l10n.t('Token audience'), prompt: vscode.l10n.t('Empty: the API server\'s own audiences'), value: '' });
    if (audience === undefined) return undefined;
  }
  const expirationSeconds = await lifetimeOf(o, vscode.l10n.t('Token lifetime (the kubelet refreshes the token at 80 % of it or after 24 h, whichever comes first)'), '1h');
  if (expirationSeconds === undefined) return undefined;
  if (!o) {
    mountPath = await vscode.window.showInputBox({ title: vscode.l10n.t('Mount path'), value: DEFAULT_TOKEN_MOUNT_PATH, validateInput: (v) => (v.startsWith('/') ? undefined : vscode.l10n.t('An absolute path')) });
    if (mountPath === undefined) return undefined;
  }
  const yaml = projectedPodYaml({ serviceAccount: { namespace: target.namespace, name: target.serviceAccount }, audience: audience || undefined, expirationSeconds, mountPath });
  return openYaml(`pod-${target.namespace}-${target.serviceAccount}-projected-token`, yaml, o?.show !== false);
}

async function generateRotationCronJob(services: Services, arg: unknown): Promise<GeneratedYaml | undefined> {
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  const o = optionsOf(arg);
  const expirationSeconds = await lifetimeOf(o, vscode.l10n.t('Lifetime of each rotated token'), '24h');
  if (expirationSeconds === undefined) return undefined;
  let schedule = nonEmptyString(o?.schedule);
  if (!o) {
    schedule = await vscode.window.showInputBox({ title: vscode.l10n.t('Rotation schedule (cron)'), prompt: vscode.l10n.t('Rotate well before the token expires, e.g. at half its lifetime'), value: '0 */12 * * *' });
    if (!schedule) return undefined;
  }
  const yaml = rotationCronJobYaml({ serviceAccount: { namespace: target.namespace, name: target.serviceAccount }, expirationSeconds, schedule, audience: nonEmptyString(o?.audience), secretName: nonEmptyString(o?.secretName) });
  return openYaml(`cronjob-${target.namespace}-${target.serviceAccount}-token-rotation`, yaml, o?.show !== false);
}

export function registerGenerateCommands(services: Services): void {
  const { context, errors } = services;
  registerCommand(context, errors, CommandIds.generateRbac, (arg) => generateRbac(services, arg));
  registerCommand(context, errors, CommandIds.generateProjectedPod, (arg) => generateProjectedPod(services, arg));
  registerCommand(context, errors, CommandIds.generateRotationCronJob, (arg) => generateRotationCronJob(services, arg));
}
