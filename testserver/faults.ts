/**
 * Fault injection: one active fault, optionally limited to matching paths and to N requests.
 */
import type { Fault } from './api';

export class FaultInjector {
  private fault: Fault | undefined;
  private remaining = Infinity;

  set(fault: Fault | undefined): void {
    this.fault = fault ? { ...fault } : undefined;
    this.remaining = fault?.times ?? Infinity;
  }

  /** The fault to apply to this request, counting it against `times`. */
  take(path: string, query?: URLSearchParams): Fault | undefined {
    const f = this.fault;
    if (!f || this.remaining <= 0) return undefined;
    if (f.pathIncludes && !path.includes(f.pathIncludes)) return undefined;
    if ((f.kind === 'watchDrop' || f.kind === 'watchExpired') && !isWatch(query)) return undefined;
    if (f.kind === 'tokenRequest404' && !/\/serviceaccounts\/[^/]+\/token$/.test(path)) return undefined;
    this.remaining--;
    return f;
  }
}

/** `?watch=true` (or 1), as apiserver's request info reads it. */
function isWatch(query: URLSearchParams | undefined): boolean {
  const w = query?.get('watch');
  return w === 'true' || w === '1';
}
