/**
 * Server-side apply: `PATCH` with `Content-Type: application/apply-patch+yaml` (k8s.io/apiserver
 * endpoints/handlers/patch.go applyPatcher, the field manager of ssa/managedFields.ts). Creates the
 * object when it does not exist (201), else merges the configuration into it (200); a
 * `fieldManager` is required; conflicts with other managers are a 409 unless `force=true`; a field
 * the schema does not know fails the typed conversion (500, whatever `fieldValidation` says).
 */
import { parse as parseYaml } from 'yaml';
import { applyDefaults } from '../defaults';
import { schemaOf, unknownFields } from '../fieldValidation';
import type { ApiRequest, ApiResponse, Services } from '../http';
import { isRecord } from '../jwt';
import { apiVersionOf, type ResourceType } from '../resources';
import { recordApply } from '../ssa/managedFields';
import { ApiError, badRequest, invalid } from '../status';
import { checkTypeMeta, createPrepared, fieldManagerOf, replace } from './objects';

const DIRECTIVES = ['', 'Ignore', 'Strict', 'Warn'];

function parseConfig(req: ApiRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(req.body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!isRecord(value)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  return value;
}

/** `TypeConverter.ObjectToTyped` of the applied configuration: unknown fields are an internal error. */
function checkTyped(rt: ResourceType, config: Record<string, unknown>, name: string): void {
  const schema = schemaOf(rt.kind);
  if (!schema) return;
  const unknown = unknownFields(schema, config).map((p) => `.${p}: field not declared in schema`);
  if (unknown.length === 0) return;
  const meta = isRecord(config.metadata) ? config.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  const gvk = `${rt.group}/${rt.version}, Kind=${rt.kind}`;
  const detail = unknown.length === 1 ? unknown[0] : `errors:\n  ${unknown.join('\n  ')}`;
  const message = `failed to create typed patch object (${ns}/${name}; ${gvk}): ${detail}`;
  throw new ApiError(500, '', message);
}

export function applyObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const fieldManager = req.query.get('fieldManager') ?? '';
  const directive = req.query.get('fieldValidation') ?? '';
  const errs = [];
  if (!fieldManager) errs.push({ type: 'Required value' as const, field: 'fieldManager', detail: 'is required for apply patch' });
  if (!DIRECTIVES.includes(directive)) errs.push({ type: 'Unsupported value' as const, field: 'fieldValidation', value: directive, detail: `supported values: ${DIRECTIVES.map((d) => JSON.stringify(d)).join(', ')}` });
  if (errs.length) throw invalid('PatchOptions', 'meta.k8s.io', '', errs);
  const config = parseConfig(req);
  checkTypeMeta(rt, config);
  const name = req.info.name;
  const meta = { ...(isRecord(config.metadata) ? config.metadata : {}) };
  if (meta.name !== undefined && meta.name !== name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  if (rt.namespaced && meta.namespace !== undefined && meta.namespace !== req.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  checkTyped(rt, config, name);
  const fm = fieldManagerOf(req, svc, rt);
  const force = req.query.get('force') === 'true';
  const live = svc.ctx.store.get(rt, req.info.namespace, name);
  const applied = recordApply(fm, live as Record<string, unknown> | undefined, { ...config, apiVersion: apiVersionOf(rt), kind: rt.kind }, force);
  const result = applyDefaults(rt, applied.object);
  if (!live) {
    const newMeta: Record<string, unknown> = { ...(isRecord(result.metadata) ? result.metadata : {}), name };
    if (rt.namespaced) newMeta.namespace = req.info.namespace;
    return createPrepared(req, svc, rt, { ...result, metadata: newMeta });
  }
  return replace(req, svc, rt, live, result, true);
}
