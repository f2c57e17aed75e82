/**
 * The webview end of the permissions view's request/response protocol: each request gets an id and
 * a pending promise; a response resolves it only when its result passes the method's guard.
 */
import { Methods, resultGuards, type HostMessage, type MethodName, type ParamsOf, type ResultOf, type WebviewMessage } from '../src/permissions/protocol';

type Response = Extract<HostMessage, { type: 'response' }>;

interface Pending {
  method: MethodName;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (m: WebviewMessage) => void) {}

  request<M extends MethodName>(method: M, params: ParamsOf<(typeof Methods)[M]>): Promise<ResultOf<(typeof Methods)[M]>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'request', id, method, params } as WebviewMessage);
    });
  }

  /** Settles the request the response answers; unknown ids (a reload dropped them) are ignored. */
  handle(msg: Response): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (!msg.ok) p.reject(new Error(msg.error));
    else if (resultGuards[p.method](msg.result)) p.resolve(msg.result);
    else p.reject(new Error(`malformed ${Methods[p.method].name} result`));
  }
}
