/**
 * Secret leak test: mint tokens through every flow, keep them, then look for each token value and
 * its payload segment everywhere VS Code and the extension write: the log files (the extension's
 * output channel included), settings.json (user and workspace), globalState and workspaceState,
 * every workspace file, and the whole user-data-dir. The only allowed place besides SecretStorage is
 * a kubeconfig file the user explicitly exported; the scanner must find the tokens there (so a
 * scan that cannot see anything fails too).
 *
 * Where SecretStorage lives, and why no file of the user-data-dir is excluded: in code-server (VS Code
 * for the web) `context.secrets` goes to the workbench's secretStorageProvider, which keeps all
 * secrets as one AES-256-GCM-sealed JSON under the browser's localStorage key `secrets.provider`
 * (code-server 4.100.3, lib/vscode/out/vs/code/browser/workbench/workbench.js). That is the Chromium
 * profile of the test browser, outside the user-data-dir; the user-data-dir only holds the random
 * server key half (`serve-web-key-half`, no token text). globalState/workspaceState also live in the
 * browser (IndexedDB), so no `state.vscdb` exists on disk here: they are read through the API. In
 * desktop VS Code (test-electron) secrets sit in User/globalStorage/state.vscdb under `secret://`
 * keys, encrypted with Electron safeStorage, so a plaintext hit there would still be a leak: the whole
 * user-data-dir is searched either way.
 *
 * The clipboard-decode flow is not part of this branch (no Decode Token command registered yet).
 *
 * The second test feeds every other credential shape (bootstrap token, Basic and Bearer headers,
 * GKE ya29., EKS k8s-aws-v1., a base64 JWT as in a legacy Secret's data.token, a static token, a
 * JWT wrapped over two lines) through an exec plugin's stderr and a cluster's Status.message, and
 * looks for them in the log files, the failure messages and the notification toasts.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { ExportOutcome } from '../../src/tokens/exportCommand';
import type { LegacySecretOutcome } from '../../src/tokens/legacySecret';
import type { MintOutcome, MintSuccess } from '../../src/tokens/mint';
import type { MintResultPanel } from '../../src/tokens/resultPanel';
import { adminContextLoaded, captureWorkbench, getApi, resetKubeconfigs, sessionQuiet, testCluster, testserverOnly, waitFor, writeExtraKubeconfig, type HostCluster } from './helpers';

const target = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader' };
const run = <T>(id: string, arg?: unknown): Thenable<T> => vscode.commands.executeCommand<T>(id, arg);
const MAX_FILE = 64 * 1024 * 1024;

function minted(o: MintOutcome | undefined, flow: string): MintSuccess {
  assert.equal(o?.status, 'minted', `${flow}: ${JSON.stringify(o)}`);
  return o as MintSuccess;
}

interface Needle {
  flow: string;
  what: string;
  utf8: Buffer;
  utf16: Buffer;
}

function needlesOf(flow: string, token: string): Needle[] {
  const parts = token.split('.');
  assert.equal(parts.length, 3, `${flow}: a JWT`);
  return (
    [
      ['token', token],
      ['payload', parts[1]],
    ] as const
  ).map(([what, text]) => ({ flow, what, utf8: Buffer.from(text, 'utf8'), utf16: Buffer.from(text, 'utf16le') }));
}

/** Every regular file under `root` (symbolic links are not followed). */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** `file: flow what` for each needle found in one of the files (UTF-8 or UTF-16 text). */
function scan(files: readonly string[], needles: readonly Needle[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    let buf: Buffer;
    try {
      if (fs.statSync(file).size > MAX_FILE) continue;
      buf = fs.readFileSync(file);
    } catch {
      continue; // removed while scanning (a log rotated, a lock file)
    }
    for (const n of needles) if (buf.includes(n.utf8) || buf.includes(n.utf16)) hits.push(`${file}: ${n.flow} ${n.what}`);
  }
  return hits;
}

/** Waits until `marker`, logged last, is in the extension's log files on disk; returns the files. */
async function logFilesWith(api: ExtensionApi, marker: string): Promise<string[]> {
  api.services.log.info(marker);
  return waitFor(() => {
    const files = filesUnder(api.services.context.logUri.fsPath);
    return files.some((f) => fs.readFileSync(f, 'utf8').includes(marker)) ? files : undefined;
  }, 'the extension log on disk');
}

/** Every credential shape an exec plugin or a cluster may print, with fresh random values, and what of each must never be shown. */
function credentialShapes(jwt: string): { text: string; needles: Needle[] } {
  const lower = (n: number): string => Array.from(crypto.randomBytes(n), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
  const b64url = (n: number): string => crypto.randomBytes(n).toString('base64url');
  const bootstrapSecret = lower(16);
  const basic = Buffer.from(`admin:${lower(12)}`).toString('base64');
  const bearer = b64url(24);
  const gke = b64url(60);
  const eks = b64url(90);
  const b64jwt = Buffer.from(jwt).toString('base64');
  const staticToken = crypto.randomBytes(16).toString('hex');
  const [header, payload] = jwt.split('.');
  const cut = header.length + 1 + Math.floor(payload.length / 2);
  const text = [
    `kubeadm join 10.0.0.1:6443 --token ${lower(6)}.${bootstrapSecret}`,
    `Authorization: Basic ${basic}`,
    `Authorization: Bearer ${bearer}`,
    `gke-gcloud-auth-plugin: ya29.${gke}`,
    `{"kind":"ExecCredential","status":{"token":"k8s-aws-v1.${eks}"}}`,
    `data.token: ${b64jwt}`,
    `static token=${staticToken}`,
    `wrapped ${jwt.slice(0, cut)}`,
    `${jwt.slice(cut)} is expired`,
  ].join('\n');
  const needles = (
    [
      ['bootstrap token', bootstrapSecret],
      ['Basic credentials', basic],
      ['Bearer token', bearer],
      ['GKE ya29. token', gke],
      ['EKS k8s-aws-v1. token', eks],
      ['base64 JWT', b64jwt.slice(20)],
      ['static token', staticToken],
      ['wrapped JWT, first line', jwt.slice(0, cut)],
      ['wrapped JWT, second line', jwt.slice(cut)],
    ] as const
  ).map(([what, t]) => ({ flow: 'shape', what: what as Needle['what'], utf8: Buffer.from(t, 'utf8'), utf16: Buffer.from(t, 'utf16le') }));
  return { text, needles };
}

describe('Secret leak: token values stay in SecretStorage and explicit exports', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;
  const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leak-export-'));
  const keptIds: string[] = [];
  let legacySecret: string | undefined;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
  });
  after(async () => {
    for (const id of keptIds) await run(CommandIds.forgetToken, { id });
    if (legacySecret) await cluster.objects.delete('v1', 'Secret', legacySecret, 'demo');
    await vscode.env.clipboard.writeText('');
    fs.rmSync(exportDir, { recursive: true, force: true });
  });

  it('mints through every flow and finds no token outside SecretStorage and the exported files', async function () {
    this.timeout(60_000);
    const tokens: { flow: string; token: string }[] = [];
    const keep = (flow: string, m: MintSuccess): void => {
      tokens.push({ flow, token: m.token });
      if (m.kept && !keptIds.includes(m.kept.id)) keptIds.push(m.kept.id);
    };

    // 1. Mint (kept, copied).  2. Mint revocable (kept).  3. Re-mint both.
    const plain = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', keep: true, copy: true }), 'mint');
    keep('mint', plain);
    const revocable = minted(await run<MintOutcome>(CommandIds.mintRevocableToken, { ...target, duration: '1h', keep: true }), 'mint revocable');
    keep('mint revocable', revocable);
    keep('re-mint', minted(await run<MintOutcome>(CommandIds.remintToken, { id: plain.kept?.id, copy: true }), 're-mint'));
    keep('re-mint revocable', minted(await run<MintOutcome>(CommandIds.remintToken, { id: revocable.kept?.id }), 're-mint revocable'));
    assert.equal(keptIds.length, 2, 're-mints keep their entries');
    for (const id of keptIds) assert.ok(await api.tokenStore.token(id), 'kept in SecretStorage');

    // 4. Legacy Secret token: created, then copied from the Secret.
    const legacy = await run<LegacySecretOutcome>(CommandIds.createLegacyTokenSecret, { ...target, confirm: true, timeoutMs: 10_000, copy: true });
    assert.equal(legacy?.status, 'created', JSON.stringify(legacy));
    if (legacy?.status !== 'created') return;
    legacySecret = legacy.secretName;
    tokens.push({ flow: 'legacy Secret', token: legacy.token });
    assert.deepEqual(await run(CommandIds.copySecretToken, { context: 'test-admin', namespace: 'demo', name: legacy.secretName, confirm: true }), { copied: true });

    // 5. Export a kept token, and mint + export in one go, to files the user chose.
    const exportedKept = path.join(exportDir, 'kept.kubeconfig');
    const e1 = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptIds[0], target: exportedKept });
    assert.equal(e1?.status, 'exported', JSON.stringify(e1));
    const exportedFresh = path.join(exportDir, 'fresh.kubeconfig');
    const e2 = await run<ExportOutcome>(CommandIds.exportKubeconfig, { ...target, duration: '1h', target: exportedFresh });
    assert.equal(e2?.status, 'exported', JSON.stringify(e2));
    const fresh = /^[\t ]+token: (\S+)$/m.exec(fs.readFileSync(exportedFresh, 'utf8'))?.[1];
    assert.ok(fresh, 'the exported kubeconfig holds a token');
    tokens.push({ flow: 'mint + export', token: fresh });

    // 6. Mint with its result panel, then Copy and Keep from the panel.
    const opened = new Promise<MintResultPanel>((resolve) => {
      const sub = api.tokens.results.onDidOpen((p) => {
        sub.dispose();
        resolve(p);
      });
    });
    const viaPanel = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', show: true }), 'mint result panel');
    const panel = await opened;
    assert.equal((await panel.runAction('copy')).type, 'actionDone');
    assert.equal((await panel.runAction('keep')).type, 'actionDone');
    assert.ok(panel.kept, 'kept from the panel');
    keep('mint result panel', { ...viaPanel, kept: panel.kept });
    panel.dispose();

    const needles = tokens.flatMap((t) => needlesOf(t.flow, t.token));
    assert.equal(new Set(tokens.map((t) => t.token)).size, tokens.length, 'every flow gave its own token');

    // Control: the scanner finds what is in the exported files, so a leak could not go unseen.
    const exportHits = scan([exportedKept, exportedFresh], needles);
    assert.ok(exportHits.some((h) => h.startsWith(`${exportedFresh}: mint + export token`)), exportHits.join('\n'));
    assert.ok(exportHits.some((h) => h.startsWith(`${exportedKept}: re-mint token`)), exportHits.join('\n'));

    // The log is written asynchronously: wait until a marker logged after all flows is on disk.
    const ctx = api.services.context;
    const logFiles = await logFilesWith(api, `secret-leak-scan ${crypto.randomUUID()}`);

    // The user-data-dir: <ud>/User/globalStorage/<extension id> is the global storage folder.
    const userDataDir = path.resolve(ctx.globalStorageUri.fsPath, '..', '..', '..');
    const userSettings = path.join(userDataDir, 'User', 'settings.json');
    assert.ok(fs.existsSync(userSettings), `user-data-dir found: ${userDataDir}`);
    assert.ok(ctx.logUri.fsPath.startsWith(userDataDir), 'the logs are inside the user-data-dir');
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(workspace, 'a workspace is open');
    const runnerLog = path.join(path.dirname(userDataDir), 'code-server.log');
    const files = [...new Set([...filesUnder(userDataDir), ...filesUnder(workspace), ...(fs.existsSync(runnerLog) ? [runnerLog] : [])])];
    for (const f of [userSettings, ...logFiles]) assert.ok(files.includes(f), `scanned: ${f}`);
    const allowed = new Set([exportedKept, exportedFresh]);
    assert.deepEqual(
      scan(files.filter((f) => !allowed.has(f)), needles),
      [],
      'token text found on disk',
    );

    // Mementos, through the API (in code-server they live in the browser, not in state.vscdb).
    const mementoText = (m: vscode.Memento): string => JSON.stringify(m.keys().map((k) => [k, m.get(k)]));
    const mementos = Buffer.from(`${mementoText(ctx.globalState)}\n${mementoText(ctx.workspaceState)}`, 'utf8');
    assert.ok(ctx.globalState.keys().includes('k8sTokens.keptTokens'), 'the kept-token index is in globalState');
    assert.deepEqual(
      needles.filter((n) => mementos.includes(n.utf8)).map((n) => `${n.flow} ${n.what}`),
      [],
      'token text in globalState/workspaceState',
    );

    // Settings as VS Code resolves them (user, workspace, folder) for our section.
    const cfg = vscode.workspace.getConfiguration('k8sTokens');
    const settingsText = Buffer.from(JSON.stringify(Object.keys(cfg).map((k) => cfg.inspect(k))), 'utf8');
    assert.deepEqual(needles.filter((n) => settingsText.includes(n.utf8)).map((n) => `${n.flow} ${n.what}`), [], 'token text in settings');
  });

  it('no credential shape printed by an exec plugin or a cluster error reaches the log, a failure message or a notification [testserver-only]', async function () {
    this.timeout(90_000);
    const ts = testserverOnly(cluster);
    const shapes = credentialShapes(minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h' }), 'mint for the shapes').token);
    const canary = `canary-${crypto.randomUUID()}`;
    const found = (text: string): string[] => shapes.needles.filter((n) => text.includes(n.utf8.toString('utf8'))).map((n) => n.what);
    await vscode.commands.executeCommand('notifications.clearAll');

    // 1. A cluster's Status.message with every shape, then 150 KB of eyJ (17 s of redaction before).
    ts.setFault({ kind: 'status500', pathIncludes: '/serviceaccounts/reader/token', times: 1, message: `${shapes.text}\n${canary}\n${'eyJ'.repeat(50_000)}` });
    let fromCluster: MintOutcome | undefined;
    try {
      fromCluster = await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h' });
    } finally {
      ts.setFault(undefined);
    }
    assert.equal(fromCluster?.status, 'failed', JSON.stringify(fromCluster).slice(0, 500));

    // 2. An exec credential plugin that prints them on stderr and fails.
    const file = await writeExtraKubeconfig({ contextName: 'leak-exec' });
    const script = path.join(path.dirname(file), 'leak-exec-plugin.sh');
    fs.writeFileSync(script, `cat >&2 <<'SHAPES'\n${shapes.text}\n${canary}\nSHAPES\nexit 1\n`);
    const kc = parseYaml(fs.readFileSync(file, 'utf8')) as { users: { user: unknown }[] };
    kc.users[0].user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: [script], interactiveMode: 'Never' } };
    fs.writeFileSync(file, stringifyYaml(kc));
    try {
      await sessionQuiet(api);
      const fromExec = await run<MintOutcome>(CommandIds.mintToken, { context: 'leak-exec', namespace: 'demo', serviceAccount: 'reader', duration: '1h' });
      assert.equal(fromExec?.status, 'failed', JSON.stringify(fromExec));
      for (const o of [fromCluster, fromExec]) {
        const message = 'message' in o ? o.message : '';
        assert.ok(message.includes(canary), `the plugin's or the cluster's text is shown: ${message.slice(0, 300)}`);
        assert.deepEqual(found(message), [], `credentials in the failure message: ${message.slice(0, 2000)}`);
      }

      // The notifications as the workbench draws them, in the notification center (a toast can be
      // hidden by a newer one); the canary proves the place of the shapes is shown.
      await vscode.commands.executeCommand('notifications.showList');
      const shown = await waitFor(async () => {
        const c = await captureWorkbench('secret-leak-notifications', { selector: '.notifications-center .notification-list-item' });
        const t = c.texts.join('\n');
        return t.includes('leak-exec') && t.includes('(500)') && t.split(canary).length === 3 ? t : undefined;
      }, 'both failure notifications, with the canary');
      assert.deepEqual(found(shown), [], `credentials in a notification: ${shown}`);

      // The log files on disk.
      const logs = await logFilesWith(api, `secret-leak-shapes ${crypto.randomUUID()}`);
      assert.ok(logs.some((f) => fs.readFileSync(f, 'utf8').includes(canary)), 'the failures were logged');
      const userDataDir = path.resolve(api.services.context.globalStorageUri.fsPath, '..', '..', '..');
      const runnerLog = path.join(path.dirname(userDataDir), 'code-server.log');
      assert.deepEqual(scan([...logs, ...(fs.existsSync(runnerLog) ? [runnerLog] : [])], shapes.needles), [], 'credentials in a log file');
    } finally {
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideList');
      await resetKubeconfigs();
      fs.rmSync(script, { force: true });
    }
  });
});
