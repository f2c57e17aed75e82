// One run of a mocha suite inside code-server's extension host, from a fresh user-data-dir to cleanup.
// Used by run-host-tests.mjs (the extension from the source tree) and run-vsix-smoke.mjs (the
// installed .vsix, tested through a probe extension).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, killGroupNow, quietWorkbenchSettings, repoRoot, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { installMinimalLanguagePack } from './languagePack.mjs';
import { RESULT_MARKER, runSuiteInWorkbench } from './workbench.mjs';

export const resultsDir = path.join(repoRoot, 'test-results');
export const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');

/**
 * A new `.vscode-test/<kind>-<time>` folder. Folders kept by earlier failed runs are removed when more
 * than 3 exist, but only those older than an hour: another run in the same tree may still use its own.
 */
export function newRunDir(kind) {
  const base = path.join(repoRoot, '.vscode-test');
  fs.mkdirSync(base, { recursive: true });
  const old = fs.readdirSync(base).filter((d) => d.startsWith(`${kind}-`)).sort();
  const hourAgo = Date.now() - 3_600_000;
  for (const d of old.slice(0, Math.max(0, old.length - 3))) {
    const dir = path.join(base, d);
    if (fs.statSync(dir).mtimeMs < hourAgo) fs.rmSync(dir, { recursive: true, force: true });
  }
  const dir = path.join(base, `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Prepares the run folder (settings, empty KUBECONFIG), starts code-server, runs the suite in Chromium,
 * stops everything, and returns `{ ok, result, summary, runDir }`.
 * `prepare({ runDir, userDataDir, extensionsDir })` may install extensions before the server starts.
 * Prints `K8S_TOKENS_SUITE_RESULT_TOTAL {..}` for scripts/test-all.mjs unless `printTotal` is false.
 * `locale` (e.g. 'zh-cn'): the workbench's display language, through a minimal local language pack.
 * `untrusted`: workspace trust on and `folder` not trusted (Restricted Mode); no trust prompt.
 */
export async function runSuite({ kind, label, extensionDevelopmentPath, extensionTestsPath, env = {}, timeoutMs, prefix, prepare, printTotal = true, locale, folder = fixtureWorkspace, untrusted = false }) {
  const started = Date.now();
  const runDir = newRunDir(kind);
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const trustSettings = untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {};
  writeUserSettings(userDataDir, { ...quietWorkbenchSettings, ...trustSettings });
  // KUBECONFIG points at an empty file so the machine's ~/.kube/config never reaches the tests.
  const emptyKubeconfig = path.join(runDir, 'empty-kubeconfig');
  fs.writeFileSync(emptyKubeconfig, '', { mode: 0o600 });
  const uiDir = path.join(resultsDir, 'ui');
  fs.mkdirSync(uiDir, { recursive: true });

  let server;
  const killOnExit = () => killGroupNow(server?.child);
  process.on('exit', killOnExit);
  const onSignal = (sig) => {
    killOnExit();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome;
  try {
    if (prepare) await prepare({ runDir, userDataDir, extensionsDir });
    if (locale) installMinimalLanguagePack(userDataDir, locale);
    const port = await freePort();
    server = await startCodeServer({
      port,
      userDataDir,
      extensionsDir,
      logFile: path.join(runDir, 'code-server.log'),
      locale,
      workspaceTrust: untrusted,
      env: { KUBECONFIG: emptyKubeconfig, K8S_TOKENS_UI_RESULTS_DIR: uiDir, K8S_TOKENS_EXTENSIONS_DIR: extensionsDir, K8S_TOKENS_REPO: repoRoot, ...env },
    });
    console.log(`${label}: code-server ready on ${server.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    outcome = await runSuiteInWorkbench({
      serverUrl: server.url,
      port,
      folder,
      extensionDevelopmentPath,
      extensionTestsPath,
      uiDir,
      consoleLog: path.join(resultsDir, `${kind}-console.log`),
      failureScreenshot: path.join(resultsDir, kind === 'run' ? 'failure.png' : `${kind}-failure.png`),
      timeoutMs,
      prefix,
    });
  } catch (err) {
    outcome = { error: err instanceof Error ? err.message : String(err) };
  } finally {
    await server?.stop();
    process.off('exit', killOnExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const { result } = outcome;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const problems = [];
  if (outcome.error) problems.push(outcome.error);
  if (outcome.timedOut) problems.push(`timed out after ${timeoutMs / 1000} s (screenshot in test-results/)`);
  if (!result) problems.push(`no ${RESULT_MARKER} line from the suite`);
  else if (result.passed + result.failed === 0) problems.push('no test ran (check --grep and that tests compiled to out/)');
  if (outcome.exitCode !== undefined && outcome.exitCode !== 0 && result && result.failed === 0) problems.push(`workbench exit code ${outcome.exitCode}`);
  const ok = problems.length === 0 && result.failed === 0 && outcome.exitCode === 0;
  if (ok) fs.rmSync(runDir, { recursive: true, force: true });
  else console.log(`${label}: run folder kept for inspection: ${path.relative(repoRoot, runDir)} (code-server.log), console: test-results/${kind}-console.log`);
  for (const f of result?.failures ?? []) console.log(`${label}: FAILED ${f.title}\n  ${f.error.split('\n').join('\n  ')}`);
  for (const p of problems) console.log(`${label}: ${p}`);
  const passed = result?.passed ?? 0;
  // A run that broke before reporting counts as one failure, so totals never hide it.
  const failed = (result?.failed ?? 0) + (problems.length > 0 && !(result?.failed > 0) ? 1 : 0);
  console.log(`${label}: ${passed} passing, ${failed} failing in ${seconds} s (workbench exit code ${outcome.exitCode ?? 'none'})`);
  // The machine-readable total for scripts/test-all.mjs.
  if (printTotal) console.log(`${RESULT_MARKER}_TOTAL ${JSON.stringify({ suite: kind, passed, failed, seconds: Number(seconds) })}`);
  return { ok, passed, failed };
}
