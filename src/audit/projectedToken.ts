/**
 * The projected volume that replaces a legacy token Secret in a Pod template. A legacy token Secret
 * holds `token`, `ca.crt` and `namespace` (pkg/controller/serviceaccount/tokens_controller.go fills
 * `Data[v1.ServiceAccountTokenKey]`, `Data[v1.ServiceAccountRootCAKey]` and `Data[v1.ServiceAccountNamespaceKey]`); the
 * projected volume gives the same files under the same names, as the kube-api-access volume that the
 * ServiceAccount admission plugin adds to every Pod does (plugin/pkg/admission/serviceaccount/
 * admission.go, TokenVolumeSource, abridged):
 *     Sources: []api.VolumeProjection{
 *       {ServiceAccountToken: &api.ServiceAccountTokenProjection{Path: "token",
 *           ExpirationSeconds: ptr.To[int64](serviceaccount.WarnOnlyBoundTokenExpirationSeconds)}},
 *       {ConfigMap: &api.ConfigMapProjection{LocalObjectReference: api.LocalObjectReference{Name: "kube-root-ca.crt"},
 *           Items: []api.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
 *       {DownwardAPI: &api.DownwardAPIProjection{Items: []api.DownwardAPIVolumeFile{{Path: "namespace",
 *           FieldRef: &api.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}}}},
 *     }
 * Pure: no `vscode`.
 */

export interface TokenOptions {
  /** '' = no `audience`: the token gets the cluster's API audiences, as a legacy token had. */
  audience: string;
  expirationSeconds: number;
}

/** kube-api-access's lifetime (pkg/serviceaccount/claims.go WarnOnlyBoundTokenExpirationSeconds = 60*60 + 7). */
export const KUBE_API_ACCESS_SECONDS = 3607;
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const LEGACY_SECRET_KEYS = ['token', 'ca.crt', 'namespace'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

function itemsOf(v: unknown): KeyToPath[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.filter(isObj).map((i) => ({ key: String(i.key ?? ''), path: String(i.path ?? ''), ...(typeof i.mode === 'number' ? { mode: i.mode } : {}) }));
}

/**
 * The projected sources for the keys a Secret volume (or a projected Secret source) mounted: all three
 * under their own names without `items`, else each listed key under its path. Keys a token Secret
 * does not have are left out (`unknownKeys`).
 */
export function projectedSources(items: unknown, o: TokenOptions): { sources: Obj[]; unknownKeys: string[] } {
  const wanted: KeyToPath[] = itemsOf(items) ?? LEGACY_SECRET_KEYS.map((key) => ({ key, path: key }));
  const sources: Obj[] = [];
  const unknownKeys: string[] = [];
  for (const item of wanted) {
    const mode = item.mode !== undefined ? { mode: item.mode } : {};
    if (item.key === 'token') {
      // A token file has no per-file mode in a projection: the volume's defaultMode applies.
      sources.push({ serviceAccountToken: { path: item.path, expirationSeconds: o.expirationSeconds, ...(o.audience ? { audience: o.audience } : {}) } });
    } else if (item.key === 'ca.crt') {
      sources.push({ configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: item.path, ...mode }] } });
    } else if (item.key === 'namespace') {
      sources.push({ downwardAPI: { items: [{ path: item.path, fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, ...mode }] } });
    } else {
      unknownKeys.push(item.key);
    }
  }
  return { sources, unknownKeys };
}

/** A Secret volume (`{name, secret: {secretName, items?, defaultMode?}}`) as a projected volume. */
export function projectedFromSecretVolume(volume: Obj, o: TokenOptions): { volume: Obj; unknownKeys: string[] } {
  const secret = isObj(volume.secret) ? volume.secret : {};
  const { sources, unknownKeys } = projectedSources(secret.items, o);
  const defaultMode = typeof secret.defaultMode === 'number' ? { defaultMode: secret.defaultMode } : {};
  return { volume: { name: volume.name, projected: { sources, ...defaultMode } }, unknownKeys };
}

/** A projected volume with its Secret sources at `sourceIndexes` replaced by the token's sources. */
export function projectedWithoutSecretSources(volume: Obj, sourceIndexes: ReadonlySet<number>, o: TokenOptions): { volume: Obj; unknownKeys: string[] } {
  const projected = isObj(volume.projected) ? volume.projected : {};
  const old = Array.isArray(projected.sources) ? projected.sources : [];
  const unknownKeys: string[] = [];
  const sources = old.flatMap((s, i) => {
    if (!sourceIndexes.has(i)) return [s];
    const r = projectedSources(isObj(s) && isObj(s.secret) ? s.secret.items : undefined, o);
    unknownKeys.push(...r.unknownKeys);
    return r.sources;
  });
  return { volume: { ...volume, projected: { ...projected, sources } }, unknownKeys };
}
