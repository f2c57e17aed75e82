/**
 * Export Kubeconfig against hostile targets, through the real command: a FIFO, a symbolic link to
 * the user's real kubeconfig, a dangling link, another user's world-readable file, shared folders.
 * The token must land only at the named path, in a new 0600 file of the current user, or nowhere.
 * Under extension tests VS Code refuses to show modal dialogs (the prompt rejects, which the
 * export takes as Cancel), so a call without `overwrite` here shows that an unanswered modal
 * changes nothing; what the modal says and which button Enter presses are unit-tested
 * (test/unit/exportPrompt.test.ts).
 * Needs root for chown (the test runs as root, in CI as here) and mkfifo(1).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExportOutcome } from '../../src/tokens/exportCommand';
import type { MintOutcome } from '../../src/tokens/mint';
import { adminContextLoaded, getApi, sessionQuiet, testCluster } from './helpers';
import { noToasts, notificationShowing } from './workbenchShots';

const run = <T>(id: string, arg?: unknown): Thenable<T> => vscode.commands.executeCommand<T>(id, arg);
const NOBODY = 65534;
const REAL_CONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: prod\n# the user\'s own kubeconfig\n';

describe('Kubeconfig export: hostile targets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-safety-'));
  let keptId: string;
  let token: string;

  before(async () => {
    await testCluster();
    const api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
    const m = await run<MintOutcome>(CommandIds.mintToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', duration: '1h', keep: true });
    assert.equal(m?.status, 'minted');
    if (m?.status !== 'minted' || !m.kept) throw new Error('no kept token');
    keptId = m.kept.id;
    token = m.token;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const exported = (file: string): void => {
    const s = fs.lstatSync(file);
    assert.ok(s.isFile(), `${file} is a regular file`);
    assert.equal(s.mode & 0o777, 0o600);
    assert.equal(s.uid, process.getuid?.());
    assert.ok(fs.readFileSync(file, 'utf8').includes(token), 'the export holds the token');
  };

  it('refuses a FIFO at once, saying what it is, instead of blocking on it', async () => {
    const fifo = path.join(dir, 'pipe.kubeconfig');
    execFileSync('mkfifo', [fifo]);
    const r = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: fifo, overwrite: true });
    assert.equal(r.status, 'failed');
    if (r.status === 'failed') assert.match(r.message, /named pipe \(FIFO\), not a file: nothing was written/);
    assert.ok(fs.lstatSync(fifo).isFIFO());
  });

  it('never writes through a symbolic link: a dismissed modal changes nothing, Replace Link replaces only the link', async () => {
    const real = path.join(dir, 'real-config');
    const link = path.join(dir, 'reader.kubeconfig');
    fs.writeFileSync(real, REAL_CONFIG, { mode: 0o600 });
    fs.symlinkSync(real, link);
    assert.deepEqual(await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: link }), { status: 'cancelled' });
    assert.equal(fs.readFileSync(real, 'utf8'), REAL_CONFIG);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the modal was dismissed: nothing replaced');

    const r = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: link, overwrite: true });
    assert.equal(r.status, 'exported');
    exported(link);
    assert.equal(fs.readFileSync(real, 'utf8'), REAL_CONFIG, 'the link target is untouched');
  });

  it('replaces a dangling link itself and creates nothing where it pointed', async () => {
    const planted = path.join(dir, 'planted-elsewhere');
    const link = path.join(dir, 'dangling.kubeconfig');
    fs.symlinkSync(planted, link);
    const r = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: link, overwrite: true });
    assert.equal(r.status, 'exported');
    exported(link);
    assert.equal(fs.existsSync(planted), false);
  });

  it("replaces another user's world-readable file only when confirmed, with a new 0600 file of the current user", async () => {
    const file = path.join(dir, 'theirs.kubeconfig');
    const theirLink = path.join(dir, 'their-hard-link');
    fs.writeFileSync(file, 'old: content\n');
    fs.chmodSync(file, 0o644);
    fs.chownSync(file, NOBODY, NOBODY);
    fs.linkSync(file, theirLink);
    assert.deepEqual(await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: file }), { status: 'cancelled' });
    assert.equal(fs.statSync(file).uid, NOBODY);
    assert.equal(fs.readFileSync(file, 'utf8'), 'old: content\n');

    const r = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: file, overwrite: true });
    assert.equal(r.status, 'exported');
    exported(file);
    assert.equal(fs.readFileSync(theirLink, 'utf8'), 'old: content\n', 'their inode never held the token');
  });

  it('refuses a folder everyone may write without the sticky bit; writes in a sticky one (like /tmp) and says it is shared', async () => {
    const open = path.join(dir, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const refused = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: path.join(open, 'x.kubeconfig') });
    assert.equal(refused.status, 'failed');
    if (refused.status === 'failed') assert.match(refused.message, /writable by every user and has no sticky bit/);
    assert.deepEqual(fs.readdirSync(open), []);

    const sticky = path.join(dir, 'sticky');
    fs.mkdirSync(sticky);
    fs.chmodSync(sticky, 0o1777);
    await noToasts();
    const r = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: keptId, target: path.join(sticky, 'x.kubeconfig') });
    assert.equal(r.status, 'exported');
    exported(path.join(sticky, 'x.kubeconfig'));
    await notificationShowing('export-sticky-note', 'The folder is shared with other users');
  });
});
