/**
 * List continue tokens in the layout of the apiserver's etcd3 store (storage.EncodeContinue):
 * base64 of {"v","rv","start"}; rv -1 continues at the latest revision.
 */
import { badRequest } from './status';

export const inconsistentContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Same layout as the apiserver's etcd continue token: base64 of {"v","rv","start"}. */
export function encodeContinue(lastKey: string, rv: number): string {
  return encodeContinueAt(`${lastKey}\u0000`, rv);
}

export function encodeContinueAt(start: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

export function decodeContinue(token: string): { start: string; rv: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; start?: unknown; rv?: unknown };
    if (parsed.v === 'meta.k8s.io/v1' && typeof parsed.start === 'string' && parsed.start.length > 0) return { start: parsed.start, rv: typeof parsed.rv === 'number' ? parsed.rv : 0 };
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
