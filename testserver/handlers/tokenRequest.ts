/**
 * `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token`, in kube-apiserver's processing order
 * (§1.3 of the reference): namespace match, NamespaceLifecycle, name match, SA lookup, UID check,
 * audience defaulting, validation, bound object, max clamp (with Warning), extension, signing.
 */
import type { KObject } from '../api';
import { expirationExtensionSeconds, issueBoundToken, warnOnlyBoundTokenExpirationSeconds, type ObjectRef } from '../claims';
import { json, parseJsonObject, type ApiRequest, type ApiResponse, type Services } from '../http';
import { isRecord } from '../jwt';
import { core } from '../resources';
import { rfc3339 } from '../store';
import { badRequest, conflict, invalid, notFound, type FieldError } from '../status';

const group = 'authentication.k8s.io';

interface BoundRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

function uidMismatch(kind: string, name: string, refUid: string): ReturnType<typeof conflict> {
  return conflict(kind, '', kind, name, `the UID in the bound object reference (${refUid}) does not match the UID in record. The object might have been deleted and then recreated`);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash >= 0 ? apiVersion.slice(0, slash) : '';
}

function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
}

export function createToken(req: ApiRequest, svc: Services): ApiResponse {
  const { ctx } = svc;
  const ns = req.info.namespace;
  const saName = req.info.name;
  const body = parseJsonObject(req);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const spec = isRecord(body.spec) ? body.spec : {};
  if (typeof meta.namespace === 'string' && meta.namespace && meta.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (!ctx.store.get(core.namespaces, undefined, ns)) throw notFound('namespaces', '', ns);
  if (typeof meta.name === 'string' && meta.name && meta.name !== saName) {
    throw invalid('TokenRequest', group, saName, [{ type: 'Invalid value', field: 'metadata.name', value: meta.name, detail: 'must match the service account name if specified' }]);
  }
  const sa = ctx.store.get(core.serviceAccounts, ns, saName);
  if (!sa) throw notFound('serviceaccounts', '', saName);
  if (typeof meta.uid === 'string' && meta.uid && meta.uid !== sa.metadata.uid) {
    throw conflict('TokenRequest.authentication.k8s.io', group, 'TokenRequest', saName, `the UID in the token request (${meta.uid}) does not match the UID of the service account (${sa.metadata.uid})`);
  }
  let audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  if (audiences.length === 0) audiences = [...ctx.config.apiAudiences];
  let expirationSeconds = typeof spec.expirationSeconds === 'number' ? Math.trunc(spec.expirationSeconds) : 3600;
  const errs: FieldError[] = [];
  if (expirationSeconds < 600) errs.push({ type: 'Invalid value', field: 'spec.expirationSeconds', value: expirationSeconds, detail: 'may not specify a duration less than 10 minutes' });
  if (expirationSeconds > 2 ** 32) errs.push({ type: 'Invalid value', field: 'spec.expirationSeconds', value: expirationSeconds, detail: 'may not specify a duration larger than 2^32 seconds' });
  if (errs.length) throw invalid('TokenRequest', group, '', errs);

  const ref = isRecord(spec.boundObjectRef) ? (spec.boundObjectRef as BoundRef) : undefined;
  let pod: KObject | undefined;
  let podRef: ObjectRef | undefined;
  let secretRef: ObjectRef | undefined;
  let nodeRef: ObjectRef | undefined;
  if (ref) {
    const kind = ref.kind ?? '';
    const apiVersion = ref.apiVersion ?? '';
    const name = ref.name ?? '';
    const refGroup = groupOf(apiVersion);
    const known = refGroup === '' && (kind === 'Pod' || kind === 'Secret' || kind === 'Node');
    if (!known) throw badRequest(`cannot bind token to object of type ${refGroup}/${versionOf(apiVersion)}, Kind=${kind}`);
    if (!name) throw badRequest('Name parameter required.');
    if (kind === 'Pod') {
      pod = ctx.store.get(core.pods, ns, name);
      if (!pod) throw notFound('pods', '', name);
      const podSa = String((pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '');
      if (podSa !== saName) throw badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
      podRef = { name, uid: pod.metadata.uid };
      const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      if (nodeName) {
        const node = ctx.store.get(core.nodes, undefined, nodeName);
        nodeRef = node ? { name: nodeName, uid: node.metadata.uid } : { name: nodeName };
      }
    } else if (kind === 'Secret') {
      const secret = ctx.store.get(core.secrets, ns, name);
      if (!secret) throw notFound('secrets', '', name);
      secretRef = { name, uid: secret.metadata.uid };
    } else {
      const node = ctx.store.get(core.nodes, undefined, name);
      if (!node) throw notFound('nodes', '', name);
      nodeRef = { name, uid: node.metadata.uid };
    }
    // The UID precondition is checked after the lookup and the pod's serviceAccountName check.
    const boundUid = podRef?.uid ?? secretRef?.uid ?? nodeRef?.uid;
    if (ref.uid && ref.uid !== boundUid) throw uidMismatch(kind, name, ref.uid);
  }

  const max = ctx.config.maxTokenExpirationSeconds;
  if (max > 0 && expirationSeconds > max) {
    req.warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`);
    expirationSeconds = max;
  }
  let jwtLifetime = expirationSeconds;
  let warnAfter: number | undefined;
  const allApiAudiences = audiences.every((a) => ctx.config.apiAudiences.includes(a));
  if (ctx.config.extendTokenExpiration && pod && expirationSeconds === warnOnlyBoundTokenExpirationSeconds && allApiAudiences) {
    warnAfter = expirationSeconds;
    jwtLifetime = expirationExtensionSeconds;
  }
  const issued = issueBoundToken(ctx, {
    serviceAccount: sa,
    audiences,
    expirationSeconds: jwtLifetime,
    warnAfterSeconds: warnAfter,
    pod: podRef,
    secret: secretRef,
    node: nodeRef,
  });
  const outRef: Record<string, string> | null = ref
    ? Object.fromEntries(
        (['kind', 'apiVersion', 'name', 'uid'] as const).filter((k) => typeof ref[k] === 'string' && ref[k]).map((k) => [k, ref[k] as string]),
      )
    : null;
  const response = {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: saName, namespace: ns, uid: sa.metadata.uid, creationTimestamp: rfc3339(issued.iat * 1000) },
    spec: { audiences, expirationSeconds, boundObjectRef: outRef },
    status: { token: issued.token, expirationTimestamp: rfc3339((issued.iat + expirationSeconds) * 1000) },
  };
  return json(201, response);
}
