/**
 * Controllers that run in a real control plane, reacting to store changes:
 * - namespace: `kube-root-ca.crt` ConfigMap and `default` ServiceAccount in every new namespace;
 *   contents removed when a namespace is deleted;
 * - tokens controller: fills `kubernetes.io/service-account-token` Secrets after a delay, deletes
 *   them when their ServiceAccount is missing or deleted.
 */
import type { KObject } from './api';
import { saNameAnnotation, saTokenSecretType, saUidAnnotation } from './admission';
import { issueLegacyToken } from './claims';
import type { ServerContext } from './context';
import { core, resourceTypes } from './resources';
import type { StoreEvent } from './store';

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly ctx: ServerContext) {
    ctx.store.onChange((e) => this.onChange(e));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onChange(e: StoreEvent): void {
    if (this.closed) return;
    if (e.rt === core.namespaces && e.type === 'ADDED') this.namespaceAdded(e.obj);
    else if (e.rt === core.namespaces && e.type === 'DELETED') this.namespaceDeleted(e.obj.metadata.name);
    else if (e.rt === core.serviceAccounts && e.type === 'DELETED') this.serviceAccountDeleted(e.obj);
    else if (e.rt === core.secrets && e.type !== 'DELETED' && e.obj.type === saTokenSecretType && needsFill(e.obj)) this.scheduleFill(e.obj);
  }

  private namespaceAdded(ns: KObject): void {
    const name = ns.metadata.name;
    const store = this.ctx.store;
    if (!store.get(core.configMaps, name, 'kube-root-ca.crt')) {
      store.create(core.configMaps, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': this.ctx.caPem },
      });
    }
    if (!store.get(core.serviceAccounts, name, 'default')) {
      store.create(core.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    }
  }

  private namespaceDeleted(ns: string): void {
    for (const rt of resourceTypes) {
      if (!rt.namespaced || rt.virtual) continue;
      for (const obj of this.ctx.store.all(rt, ns)) this.ctx.store.delete(rt, ns, obj.metadata.name);
    }
  }

  private serviceAccountDeleted(sa: KObject): void {
    const ns = sa.metadata.namespace ?? '';
    for (const secret of this.ctx.store.all(core.secrets, ns)) {
      if (secret.type !== saTokenSecretType) continue;
      const ann = secret.metadata.annotations ?? {};
      if (ann[saNameAnnotation] !== sa.metadata.name) continue;
      if (ann[saUidAnnotation] && ann[saUidAnnotation] !== sa.metadata.uid) continue;
      this.ctx.store.delete(core.secrets, ns, secret.metadata.name);
    }
  }

  private scheduleFill(secret: KObject): void {
    const ns = secret.metadata.namespace ?? '';
    const name = secret.metadata.name;
    const uid = secret.metadata.uid;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      const current = this.ctx.store.get(core.secrets, ns, name);
      if (current && current.metadata.uid === uid) this.fillTokenSecret(current);
    }, this.ctx.config.legacyTokenControllerDelayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /**
   * The tokens controller's sync of one Secret: delete it when its SA is missing (or has another UID),
   * otherwise fill token, ca.crt, namespace and the uid annotation. Returns the stored Secret, if any.
   */
  fillTokenSecret(secret: KObject): KObject | undefined {
    const store = this.ctx.store;
    const ns = secret.metadata.namespace ?? '';
    const ann = secret.metadata.annotations ?? {};
    const sa = store.get(core.serviceAccounts, ns, ann[saNameAnnotation] ?? '');
    if (!sa || (ann[saUidAnnotation] && ann[saUidAnnotation] !== sa.metadata.uid)) {
      store.delete(core.secrets, ns, secret.metadata.name);
      return undefined;
    }
    if (!needsFill(secret)) return secret;
    const next = structuredClone(secret);
    const data = { ...((next.data as Record<string, string> | undefined) ?? {}) };
    const caB64 = Buffer.from(this.ctx.caPem).toString('base64');
    if (data['ca.crt'] !== caB64) data['ca.crt'] = caB64;
    if (!data.namespace) data.namespace = Buffer.from(ns).toString('base64');
    if (!data.token) data.token = Buffer.from(issueLegacyToken(this.ctx, sa, secret.metadata.name)).toString('base64');
    next.data = data;
    next.metadata.annotations = { ...ann, [saNameAnnotation]: sa.metadata.name, [saUidAnnotation]: sa.metadata.uid };
    return store.update(core.secrets, next);
  }
}

function needsFill(secret: KObject): boolean {
  const data = (secret.data as Record<string, string> | undefined) ?? {};
  return !data.token || !data.namespace || !data['ca.crt'] || !secret.metadata.annotations?.[saUidAnnotation];
}
