/**
 * Ports on 127.0.0.1 for the control plane. A free port is found by binding port 0 and releasing it
 * (envtest's `Suggest`); ports handed out recently are not handed out again, so two clusters started
 * at once in one process do not race for the same number.
 */
import * as net from 'node:net';

const recentlySuggested = new Set<number>();

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}

/** A port on 127.0.0.1 that was free a moment ago and that this process has not suggested before. */
export async function suggestPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenOnce(0);
    if (!recentlySuggested.has(port)) {
      recentlySuggested.add(port);
      return port;
    }
  }
  throw new Error('no free port on 127.0.0.1 after 20 attempts');
}

/** Throws a readable error when `port` on 127.0.0.1 cannot be bound (taken, or privileged). */
export async function assertPortFree(port: number, what: string): Promise<void> {
  try {
    await listenOnce(port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`${what}: port ${port} on 127.0.0.1 is already in use (another \`npm run cluster:real\`, kube-apiserver or test run?); stop it, or choose another port (or none: a free one is picked)`);
    }
    throw new Error(`${what}: cannot listen on 127.0.0.1:${port} (${code ?? String(e)})`);
  }
}
