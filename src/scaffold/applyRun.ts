/**
 * One pass of Apply over a manifest's objects, in apply order: a server-side dry run, or the apply
 * itself. Each object gets a result; a dry run that fails only because an object needs another one that
 * is new in this apply is "deferred" (the dry run cannot check it), and an apply whose dependency
 * failed is not sent. No `vscode`: the command (applyCommand.ts) owns the UI.
 */
import * as l10n from '@vscode/l10n';
import { describePermission } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
import type { ApiResourceInfo } from '../kube/discovery';
import type { ContextClient } from '../kube/http';
import type { KubeModule } from '../kube/session';
import { explainApplyFailure, type Escalation, type FieldConflict } from './applyErrors';
import type { ProofOutcome } from './applyProof';
import { dependenciesOf, keyText, missingDependency, type ObjectKey } from './applyPlan';
import type { ManifestObjectLike } from './manifestDocuments';

export interface ObjectResult {
  /** Index of the YAML document. */
  index: number;
  kind?: string;
  name?: string;
  namespace?: string;
  phase: 'parse' | 'dryRun' | 'apply';
  ok: boolean;
  /** created: it did not exist; configured: an existing object was updated (or already as applied). */
  action?: 'created' | 'configured';
  /** A dry run that could not check the object: why (it needs an object that is new in this apply). */
  deferred?: string;
  /** Why it failed (explained). */
  message?: string;
  /** Warning headers of the server (field validation: unknown or duplicate fields, deprecations). */
  warnings?: string[];
  /** `verb resource in namespace` the caller lacks, on an ordinary 403. */
  missingPermission?: string;
  /** The rules the caller does not hold, when RBAC refused an escalation. */
  escalation?: Escalation;
  /** Fields other managers own (server-side apply 409). */
  conflicts?: FieldConflict[];
  /** Not sent, or refused, because an object it needs failed (that object's label). */
  blockedBy?: string;
}

export interface ApplyOutcome extends Partial<ProofOutcome> {
  /** conflicts: fields of other managers were not taken over, so nothing was applied. */
  status: 'applied' | 'dryRunFailed' | 'applyFailed' | 'conflicts' | 'cancelled' | 'invalid';
  context: string;
  /** The results of the last pass (the apply, or the dry run when nothing was applied), in apply order. */
  results: ObjectResult[];
  /** The dry run's results (deferred objects and warnings included). */
  dryRun?: ObjectResult[];
  /** Whether conflicting fields were taken over (server-side apply with force). */
  forced?: boolean;
}

export interface PassOptions {
  dryRun: boolean;
  defaultNamespace: string;
  /** Indexes of the documents whose conflicting fields the user chose to take over. */
  force: ReadonlySet<number>;
  signal?: AbortSignal;
  onObject?: (done: number, total: number) => void;
}

const sameKey = (a: ObjectKey, b: ObjectKey): boolean => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

function roleRefOf(o: ManifestObjectLike): { kind: string; name: string } | undefined {
  const ref = o.roleRef as { kind?: unknown; name?: unknown } | undefined;
  return typeof ref?.kind === 'string' && typeof ref.name === 'string' ? { kind: ref.kind, name: ref.name } : undefined;
}

/** Sends every object (already in apply order) once; see the module comment. */
export async function applyPass(
  kube: KubeModule,
  client: ContextClient,
  resources: readonly ApiResourceInfo[],
  objects: readonly { index: number; object: ManifestObjectLike }[],
  opts: PassOptions,
): Promise<ObjectResult[]> {
  const results: ObjectResult[] = [];
  // Objects of this manifest as the server answered for them: new (created), existing, or failed.
  const seen: { key: ObjectKey; result: ObjectResult }[] = [];
  for (const { index, object } of objects) {
    const resource = kube.resourceForKind(resources, object.apiVersion, object.kind);
    const namespace = resource?.namespaced ? (object.metadata.namespace ?? opts.defaultNamespace) : undefined;
    const base = { index, kind: object.kind, name: object.metadata.name ?? object.metadata.generateName, namespace, phase: opts.dryRun ? ('dryRun' as const) : ('apply' as const) };
    const dependencyFailed = seen.find((s) => !s.result.ok && dependenciesOf(object, namespace).some((d) => sameKey(d, s.key)));
    let result: ObjectResult;
    if (dependencyFailed) {
      const needed = keyText(dependencyFailed.key);
      result = { ...base, ok: false, blockedBy: needed, message: opts.dryRun ? l10n.t('Not checked: it needs {0}, which the dry run refused.', needed) : l10n.t('Not applied: it needs {0}, which could not be applied.', needed) };
    } else {
      result = await sendOne(kube, client, resources, object, namespace, base, opts, seen);
    }
    results.push(result);
    if (result.name) seen.push({ key: { kind: object.kind, name: result.name, namespace }, result });
    opts.onObject?.(results.length, objects.length);
  }
  return results;
}

async function sendOne(
  kube: KubeModule,
  client: ContextClient,
  resources: readonly ApiResourceInfo[],
  object: ManifestObjectLike,
  namespace: string | undefined,
  base: Omit<ObjectResult, 'ok'>,
  opts: PassOptions,
  seen: readonly { key: ObjectKey; result: ObjectResult }[],
): Promise<ObjectResult> {
  try {
    const r = await kube.applyManifestObject(client, resources, object, { dryRun: opts.dryRun, force: opts.force.has(base.index), defaultNamespace: opts.defaultNamespace, signal: opts.signal });
    return { ...base, name: r.name, namespace: r.namespace, ok: true, action: r.action, warnings: r.warnings.length ? r.warnings : undefined };
  } catch (e) {
    if (KubeError.is(e, 'cancelled')) throw e;
    if (opts.dryRun && KubeError.is(e)) {
      const needed = missingDependency(object, namespace, { kind: e.kind, message: e.message, details: e.body?.details });
      const newHere = needed && seen.find((s) => sameKey(s.key, needed) && s.result.ok && s.result.action === 'created');
      if (needed && newHere) {
        return { ...base, ok: true, deferred: l10n.t('The dry run cannot check it: it needs {0}, which is new in this apply (a dry run stores nothing). It is checked when applied, after {0}.', keyText(needed)) };
      }
    }
    const failure = explainApplyFailure(e, object.kind, roleRefOf(object));
    const missing = KubeError.is(e, 'forbidden') && e.permission && !failure.escalation ? describePermission(e.permission) : undefined;
    return { ...base, ok: false, message: failure.message, missingPermission: missing, escalation: failure.escalation, conflicts: failure.conflicts };
  }
}
