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
import { DEFAULT_TOKEN_MOUNT_PATH, MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS, projectedPodYaml, rotationCronJobYaml } from './generators';
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
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

async function openYaml(content: string, show: boolean): Promise<GeneratedYaml> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  if (show) await vscode.window.showTextDocument(doc, { preview: false });
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
  return openYaml(yaml, o?.show !== false);
}

function checkSeconds(text: string): string | undefined {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim())) return vscode.l10n.t('Whole seconds, e.g. 3600');
  if (n < MIN_EXPIRATION_SECONDS) return vscode.l10n.t('may not specify a duration less than 10 minutes');
  if (n > MAX_EXPIRATION_SECONDS) return vscode.l10n.t('may not specify a duration larger than 2^32 seconds');
  return undefined;
}

async function askSeconds(title: string, value: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({ title, value, validateInput: checkSeconds });
  return text === undefined ? undefined : Number(text);
}

async function generateProjectedPod(services: Services, arg: unknown): Promise<GeneratedYaml | undefined> {
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  const o = optionsOf(arg);
  let audience = nonEmptyString(o?.audience);
  let expirationSeconds = num(o?.expirationSeconds);
  let mountPath = nonEmptyString(o?.mountPath);
  if (!o) {
    audience = await vscode.window.showInputBox({ title: vscode.l10n.t('Token audience'), prompt: vscode.l10n.t('Empty: the API server\'s own audiences'), value: '' });
    if (audience === undefined) return undefined;
    expirationSeconds = await askSeconds(vscode.l10n.t('Token lifetime in seconds (the kubelet refreshes the token at 80 % of it or after 24 h, whichever comes first)'), '3600');
    if (expirationSeconds === undefined) return undefined;
    mountPath = await vscode.window.showInputBox({ title: vscode.l10n.t('Mount path'), value: DEFAULT_TOKEN_MOUNT_PATH, validateInput: (v) => (v.startsWith('/') ? undefined : vscode.l10n.t('An absolute path')) });
    if (mountPath === undefined) return undefined;
  }
  const yaml = projectedPodYaml({ serviceAccount: { namespace: target.namespace, name: target.serviceAccount }, audience: audience || undefined, expirationSeconds, mountPath });
  return openYaml(yaml, o?.show !== false);
}

async function generateRotationCronJob(services: Services, arg: unknown): Promise<GeneratedYaml | undefined> {
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  const o = optionsOf(arg);
  let expirationSeconds = num(o?.expirationSeconds);
  let schedule = nonEmptyString(o?.schedule);
  if (!o) {
    expirationSeconds = await askSeconds(vscode.l10n.t('Lifetime of each rotated token, in seconds'), '86400');
    if (expirationSeconds === undefined) return undefined;
    schedule = await vscode.window.showInputBox({ title: vscode.l10n.t('Rotation schedule (cron)'), prompt: vscode.l10n.t('Rotate well before the token expires, e.g. at half its lifetime'), value: '0 */12 * * *' });
    if (!schedule) return undefined;
  }
  const yaml = rotationCronJobYaml({ serviceAccount: { namespace: target.namespace, name: target.serviceAccount }, expirationSeconds, schedule, audience: nonEmptyString(o?.audience), secretName: nonEmptyString(o?.secretName) });
  return openYaml(yaml, o?.show !== false);
}

export function registerGenerateCommands(services: Services): void {
  const { context, errors } = services;
  registerCommand(context, errors, CommandIds.generateRbac, (arg) => generateRbac(services, arg));
  registerCommand(context, errors, CommandIds.generateProjectedPod, (arg) => generateProjectedPod(services, arg));
  registerCommand(context, errors, CommandIds.generateRotationCronJob, (arg) => generateRotationCronJob(services, arg));
}
