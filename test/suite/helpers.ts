/**
 * Helpers for extension-host tests (test/suite/*.test.ts). They run inside a real VS Code.
 *
 * - `getApi()`: activates the extension under test and returns its `ExtensionApi`.
 * - `testCluster()`: ONE cluster for the whole run, the test server (seed 'demo') or, with
 *   `npm run test:host -- --real`, a real kube-apiserver seeded with the same objects (hostCluster.ts);
 *   its admin kubeconfig (context `test-admin`) is put into the setting `k8sTokens.kubeconfigPaths`.
 *   `testserverOnly(cluster)` gives the test server's own parts to tests titled `[testserver-only]`.
 * - `writeExtraKubeconfig(opts)`: writes one more kubeconfig for the same cluster (other user, wrong
 *   CA, unreachable server, …) and appends it to `k8sTokens.kubeconfigPaths`; `resetKubeconfigs()`
 *   goes back to the admin kubeconfig alone. Call it in `afterEach`/`after` of tests that add files.
 * - `waitFor(probe, what, timeoutMs)`: polls until `probe` returns something other than undefined.
 * - `captureWorkbench(name, query?)`: screenshot of the workbench (and innerText of elements in every
 *   frame, webviews included) taken by the Playwright runner outside; see the bridge notes below.
 *
 * Settings are written to the Global (user) scope of the throw-away user-data-dir of the test run;
 * the runner also points KUBECONFIG at an empty file, so the machine's ~/.kube/config never leaks in.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { KubeconfigOptions, TestCluster } from '../../testserver/api';
import { hostBackend, startHostCluster, TESTSERVER_ONLY, type HostCluster } from './hostCluster';

export type { ExtensionApi } from '../../src/extension';
export type { KubeconfigOptions, TestCluster } from '../../testserver/api';
export { hostBackend, TESTSERVER_ONLY, type HostCluster } from './hostCluster';

export const EXTENSION_ID = 'k8s-sa-tokens.k8s-sa-tokens';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every 50 ms until it returns a value other than undefined (a throw counts as "not
 * yet"), and returns that value; rejects after `timeoutMs` naming `what` and the last error seen.
 */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(50);
  }
}

/** waitFor, for probes that answer false/undefined/0/'' while not yet done. */
export function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>> {
  return waitFor(async () => (await probe()) || undefined, what, timeoutMs) as Promise<NonNullable<T>>;
}

/** Resolves once the session has read the admin kubeconfig that testCluster() put in the settings. */
export async function adminContextLoaded(api: ExtensionApi): Promise<void> {
  await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'test-admin'), 'context test-admin');
}

/**
 * Answers every prompt of a running command with its selected item (the default the command put
 * first) until the command returns something other than undefined, and returns that.
 */
export async function answeringDefaults<T>(command: Thenable<T | undefined>, what: string): Promise<T> {
  let result: T | undefined;
  const running = Promise.resolve(command).then((r) => (result = r));
  const value = await waitFor(async () => {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await sleep(200);
    return result;
  }, what);
  await running;
  return value;
}

/** Activates the extension (idempotent) and returns what activate() returned. */
export async function getApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this extension host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  if (!api) throw new Error(`extension ${EXTENSION_ID} returned no API from activate()`);
  return api;
}

// ---- test cluster and kubeconfig files ----

interface ClusterState {
  cluster: HostCluster;
  dir: string;
  adminFile: string;
  extraFiles: string[];
}

let clusterState: Promise<ClusterState> | undefined;
let extraCounter = 0;

async function startSharedCluster(): Promise<ClusterState> {
  const cluster = await startHostCluster();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-tokens-suite-'));
  const adminFile = cluster.writeKubeconfig(path.join(dir, 'test-admin.kubeconfig'), { contextName: 'test-admin' });
  return { cluster, dir, adminFile, extraFiles: [] };
}

function sharedCluster(): Promise<ClusterState> {
  clusterState ??= startSharedCluster().catch((err: unknown) => {
    clusterState = undefined; // let the next test try again instead of failing on a cached rejection
    throw err;
  });
  return clusterState;
}

async function applyKubeconfigSetting(state: ClusterState): Promise<void> {
  const wanted = [state.adminFile, ...state.extraFiles];
  const cfg = vscode.workspace.getConfiguration('k8sTokens');
  const current = cfg.get<string[]>('kubeconfigPaths', []);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  await cfg.update('kubeconfigPaths', wanted, vscode.ConfigurationTarget.Global);
}

/**
 * The shared test cluster (started on first call, seed 'demo'). Makes sure `k8sTokens.kubeconfigPaths`
 * holds its admin kubeconfig (context `test-admin`) first, followed by any extra files still added.
 */
/**
 * Resolves once the session has not reloaded for 400 ms. Adding a kubeconfig file reloads the
 * session (setting change, file watcher); a reload lets in-flight requests finish (faults.test.ts),
 * but a command started before the reload would still use the old settings, so start it once they are over.
 */
export async function sessionQuiet(api: ExtensionApi): Promise<void> {
  let last = Date.now();
  const sub = api.services.session.onDidChange(() => (last = Date.now()));
  try {
    await waitFor(() => (Date.now() - last >= 400 ? true : undefined), 'the session to stop reloading');
  } finally {
    sub.dispose();
  }
}

export async function testCluster(): Promise<HostCluster> {
  const state = await sharedCluster();
  await applyKubeconfigSetting(state);
  return state.cluster;
}

/** Starts the run's cluster before the first test (a real one takes tens of seconds, more than a hook may). */
export async function startSuiteCluster(): Promise<void> {
  await sharedCluster();
}

/**
 * Resolves once `context` may do what `attrs` describe (a SelfSubjectAccessReview): a real server's
 * RBAC sees a new binding only once its informer has it, a fraction of a second later.
 */
export async function whenAllowed(api: ExtensionApi, context: string, attrs: { verb: string; group?: string; resource: string; namespace?: string }): Promise<void> {
  const kube = api.services.session.module();
  await until(async () => (await kube.selfAccessReview(api.services.session.connections().client(context), attrs)).allowed, `${context} to be allowed to ${attrs.verb} ${attrs.resource}`);
}

/** The test server's own parts (store, faults, configure, static tokens), for tests titled [testserver-only]. */
export function testserverOnly(cluster: HostCluster): TestCluster {
  if (!cluster.testserver) throw new Error(`this test needs the test server (${hostBackend()} runs the suite): put ${TESTSERVER_ONLY} in its title`);
  return cluster.testserver;
}

/**
 * Writes `cluster.kubeconfig(opts)` to a new temp file, appends it to `k8sTokens.kubeconfigPaths`
 * and returns its path. Give each file its own `contextName` so contexts do not collide in the merge.
 */
export async function writeExtraKubeconfig(opts: KubeconfigOptions): Promise<string> {
  const state = await sharedCluster();
  const name = (opts.contextName ?? 'extra').replace(/[^\w.-]/g, '_');
  const file = state.cluster.writeKubeconfig(path.join(state.dir, `extra-${++extraCounter}-${name}.kubeconfig`), opts);
  state.extraFiles.push(file);
  await applyKubeconfigSetting(state);
  return file;
}

/** Removes the extra kubeconfig files: the setting holds only the admin kubeconfig again. */
export async function resetKubeconfigs(): Promise<void> {
  if (!clusterState) return;
  const state = await clusterState;
  for (const f of state.extraFiles) fs.rmSync(f, { force: true });
  state.extraFiles = [];
  await applyKubeconfigSetting(state);
}

// ---- UI bridge: screenshots and DOM text through the Playwright runner ----
//
// The suite cannot see the workbench DOM (it runs in the extension host, a Node process). So it prints
// `K8S_TOKENS_UI_REQUEST {"id","name","query"}` with console.log; the extension host forwards that to
// the page console, where scripts/run-host-tests.mjs sees it, takes page.screenshot() into
// `<results>/<name>.png`, collects innerText of `query.selector` in every frame whose URL includes
// `query.frameUrlIncludes` (webviews are nested iframes), and writes `<results>/<name>.json`, which is
// polled for here. `<results>` comes from env K8S_TOKENS_UI_RESULTS_DIR (set on the code-server process).

export const UI_REQUEST_MARKER = 'K8S_TOKENS_UI_REQUEST';
export const UI_RESULTS_ENV = 'K8S_TOKENS_UI_RESULTS_DIR';

export interface UiQuery {
  /** Only frames whose URL contains this text are searched (e.g. 'vscode-webview'); default all frames. */
  frameUrlIncludes?: string;
  /** CSS selector; the innerText of every match in every searched frame is returned. */
  selector?: string;
  /**
   * Input before the capture, as a user gives it (real events from the browser), in this order:
   * click the first match of this Playwright selector (e.g. `.monaco-dialog-box a.monaco-button:has-text("Delete")`,
   * in the frames `frameUrlIncludes` picks; the capture fails when nothing matches), …
   */
  click?: string;
  /** … type this text into the focused element (a quick pick, an input box), … */
  type?: string;
  /** … then press these keys (Playwright names: 'Enter', 'Escape', 'ArrowDown'). */
  press?: string[];
}

export interface UiCapture {
  /** Absolute path of the PNG screenshot of the whole workbench page. */
  screenshotPath: string;
  /** innerText of the elements matching the query, in frame order (empty without a query). */
  texts: string[];
}

interface UiResponse extends UiCapture {
  id: string;
  error?: string;
}

let uiCounter = 0;

/** Screenshot of the workbench as `test-results/ui/<name>.png`, plus DOM texts for `query`. */
export async function captureWorkbench(name: string, query?: UiQuery, timeoutMs = 20_000): Promise<UiCapture> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`captureWorkbench: name must be letters, digits, '.', '-', '_': ${name}`);
  const dir = process.env[UI_RESULTS_ENV];
  if (!dir) throw new Error(`captureWorkbench needs the code-server runner (npm run test:host), which sets ${UI_RESULTS_ENV}`);
  const responseFile = path.join(dir, `${name}.json`);
  fs.rmSync(responseFile, { force: true });
  const id = `${process.pid}-${Date.now()}-${++uiCounter}`;
  console.log(`${UI_REQUEST_MARKER} ${JSON.stringify({ id, name, query })}`);
  const response = await waitFor(
    () => {
      if (!fs.existsSync(responseFile)) return undefined;
      const parsed = JSON.parse(fs.readFileSync(responseFile, 'utf8')) as UiResponse;
      return parsed.id === id ? parsed : undefined;
    },
    `the runner to capture the workbench as ${name}`,
    timeoutMs,
  );
  if (response.error) throw new Error(`captureWorkbench(${name}) failed in the runner: ${response.error}`);
  return { screenshotPath: response.screenshotPath, texts: response.texts };
}
