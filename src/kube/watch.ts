/**
 * The HTTP side of list+watch: a ListerWatcher over ContextClient for one collection path, and the
 * newline-delimited JSON event stream of `?watch=true` (one `{"type","object"}` per line, as
 * kube-apiserver's `endpoints/handlers/watch.go` writes it with the JSON serializer). Each object
 * is converted to the small value the tree keeps, right here, so full objects (and any Secret
 * data) never reach the store.
 */
import { KubeError, errorFromResponse, type StatusBody } from '../errors/kubeError';
import type { ContextClient, QueryValue } from './http';
import type { ListerWatcher, ListPage, WatchEvent } from './reflector';
import type { ObjectMeta } from './serviceAccounts';
import type { Item } from './watchStore';

export interface RawObject {
  metadata?: ObjectMeta;
}

/** Raw object → kept value; undefined drops the object (e.g. a Secret of another type). */
export type Convert<R extends RawObject, T> = (raw: R) => T | undefined;

function toItem<R extends RawObject, T>(raw: R, convert: Convert<R, T>): Item<T> | undefined {
  const value = convert(raw);
  const m = raw.metadata;
  if (value === undefined || !m?.name) return undefined;
  return { namespace: m.namespace ?? '', name: m.name, resourceVersion: m.resourceVersion ?? '', value };
}

/** Splits a byte stream into lines and parses each as JSON; a final line without `\n` counts too. */
export async function* jsonLines(body: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) yield JSON.parse(line) as unknown;
    }
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield JSON.parse(buffered) as unknown;
}

/** One decoded event, or undefined for a line that is not one (an object the converter drops). */
export function toWatchEvent<R extends RawObject, T>(line: unknown, convert: Convert<R, T>): WatchEvent<T> | undefined {
  const e = line as { type?: unknown; object?: unknown };
  const object = (typeof e?.object === 'object' && e.object !== null ? e.object : {}) as R & StatusBody;
  switch (e?.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED': {
      const item = toItem(object, convert);
      // A DELETED Secret is still dropped if it never was a token Secret; one that changed type
      // (a MODIFIED that converts to nothing) is removed under its key.
      if (item) return { type: e.type, item };
      const m = object.metadata;
      if (e.type !== 'ADDED' && m?.name) return { type: 'DELETED', item: { namespace: m.namespace ?? '', name: m.name, resourceVersion: m.resourceVersion ?? '', value: undefined as T } };
      return m?.resourceVersion ? { type: 'BOOKMARK', resourceVersion: m.resourceVersion } : undefined;
    }
    case 'BOOKMARK':
      return { type: 'BOOKMARK', resourceVersion: object.metadata?.resourceVersion ?? '' };
    case 'ERROR':
      // The Status the server put in the stream (e.g. 410 Expired "too old resource version").
      return { type: 'ERROR', error: errorFromResponse(object.code ?? 500, JSON.stringify(object)) };
    default:
      return { type: 'ERROR', error: new KubeError({ kind: 'unknown', message: `Unexpected watch event type ${JSON.stringify(e?.type)}.` }) };
  }
}

/** A ListerWatcher for one collection path (e.g. `/api/v1/serviceaccounts`) with fixed selectors. */
export function collectionListerWatcher<R extends RawObject, T>(client: ContextClient, path: string, convert: Convert<R, T>, selectors: Record<string, QueryValue> = {}): ListerWatcher<T> {
  return {
    async list({ limit, continueToken, signal }): Promise<ListPage<T>> {
      const body = await client.get<{ items?: R[]; metadata?: { continue?: string; resourceVersion?: string } }>(path, { ...selectors, limit, continue: continueToken }, signal);
      const items: Item<T>[] = [];
      for (const raw of body.items ?? []) {
        const item = toItem(raw, convert);
        if (item) items.push(item);
      }
      return { items, resourceVersion: body.metadata?.resourceVersion ?? '', continueToken: body.metadata?.continue || undefined };
    },
    async *watch({ resourceVersion, timeoutSeconds, signal }): AsyncGenerator<WatchEvent<T>> {
      const stream = await client.stream({ path, query: { ...selectors, watch: true, resourceVersion, timeoutSeconds, allowWatchBookmarks: true }, signal });
      try {
        for await (const line of jsonLines(stream.body)) {
          const event = toWatchEvent(line, convert);
          if (event) yield event;
        }
      } catch (e) {
        if (signal.aborted) throw new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' });
        if (e instanceof SyntaxError) throw new KubeError({ kind: 'server', message: `The watch stream of ${path} is not JSON: ${e.message}`, cause: e });
        throw KubeError.is(e) ? e : new KubeError({ kind: 'connectionReset', message: `The watch of ${path} broke: ${e instanceof Error ? e.message : String(e)}`, cause: e });
      }
    },
  };
}
