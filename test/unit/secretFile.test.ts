/**
 * The secret-file writer against what a hostile or careless file system holds at the target: links
 * (to a real kubeconfig, dangling), a FIFO, a socket, a device, a folder, a file of another user
 * with a hard link kept by them, shared folders with and without the sticky bit, and a target that
 * changes between the check and the write. A "foreign" file is made with chown to uid 65534, which
 * needs root (the tests run as root, in CI as here). Linux: mkfifo(1), /dev/null.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectSecretTarget, readRegularFile, refusalOf, SecretFileError, writeSecretFile } from '../../src/common/secretFile';

const SECRET = 'users:\n- name: sa\n  user:\n    token: eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n';
const NOBODY = 65534;

const modeOf = (p: string): number => fs.lstatSync(p).mode & 0o7777;
/** Files beside the target that the writer must not leave behind. */
const leftovers = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

async function rejectsWith(p: Promise<unknown>, reason: SecretFileError['reason'], pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SecretFileError, String(e));
    assert.equal(e.reason, reason);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('secret files (src/common/secretFile.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-file-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a new file 0600 of the current user, even under a permissive umask, and leaves no temporary file', async () => {
    const file = path.join(dir, 'sa.kubeconfig');
    const t = await inspectSecretTarget(file);
    assert.equal(t.kind, 'absent');
    const old = process.umask(0);
    try {
      await writeSecretFile(t, SECRET);
    } finally {
      process.umask(old);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), SECRET);
    assert.equal(modeOf(file), 0o600);
    assert.equal(fs.statSync(file).uid, process.getuid?.());
    assert.deepEqual(leftovers(dir), []);
  });

  it('replaces a foreign-owned, world-readable file with a new 0600 file of ours; its other hard link never sees the secret', async () => {
    const file = path.join(dir, 'shared.kubeconfig');
    const theirLink = path.join(dir, 'their-copy');
    fs.writeFileSync(file, 'old: content\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    fs.chownSync(file, NOBODY, NOBODY);
    fs.linkSync(file, theirLink); // e.g. the other user keeps a link (or an open descriptor) to watch it
    const t = await inspectSecretTarget(file);
    assert.equal(t.kind, 'file');
    assert.equal(t.foreignOwner, NOBODY);
    await writeSecretFile(t, SECRET);
    const s = fs.statSync(file);
    assert.equal(fs.readFileSync(file, 'utf8'), SECRET);
    assert.equal(s.mode & 0o777, 0o600);
    assert.equal(s.uid, process.getuid?.());
    assert.equal(fs.readFileSync(theirLink, 'utf8'), 'old: content\n', 'the old inode keeps its old content: written by rename, not in place');
    assert.equal(fs.statSync(theirLink).uid, NOBODY);
    assert.deepEqual(leftovers(dir), []);
  });

  it('names the real path of a link, replaces the link itself and leaves the real kubeconfig untouched', async () => {
    const real = path.join(dir, 'real-config');
    const link = path.join(dir, 'export.kubeconfig');
    fs.writeFileSync(real, 'my: precious kubeconfig\n', { mode: 0o600 });
    fs.symlinkSync(real, link);
    const t = await inspectSecretTarget(link);
    assert.equal(t.kind, 'symlink');
    assert.equal(t.linkTarget, fs.realpathSync(real));
    assert.equal(t.dangling, false);
    assert.equal(refusalOf(t), undefined);
    await writeSecretFile(t, SECRET);
    assert.ok(fs.lstatSync(link).isFile(), 'the link became a file');
    assert.equal(fs.readFileSync(link, 'utf8'), SECRET);
    assert.equal(modeOf(link), 0o600);
    assert.equal(fs.readFileSync(real, 'utf8'), 'my: precious kubeconfig\n');
  });

  it('names where a dangling link points and never creates the file there', async () => {
    const elsewhere = path.join(dir, 'sub', 'planted');
    const link = path.join(dir, 'export.kubeconfig');
    fs.symlinkSync(path.join('sub', 'planted'), link);
    const t = await inspectSecretTarget(link);
    assert.equal(t.kind, 'symlink');
    assert.equal(t.dangling, true);
    assert.equal(t.linkTarget, elsewhere);
    await writeSecretFile(t, SECRET);
    assert.ok(fs.lstatSync(link).isFile());
    assert.equal(fs.existsSync(elsewhere), false);
  });

  it('refuses a FIFO without opening it (an open would block until a reader comes), and reads none either', async () => {
    const fifo = path.join(dir, 'pipe.kubeconfig');
    execFileSync('mkfifo', [fifo]);
    const t = await inspectSecretTarget(fifo);
    assert.equal(t.kind, 'fifo');
    await rejectsWith(writeSecretFile(t, SECRET), 'notRegular', /named pipe \(FIFO\).*nothing was written/);
    assert.ok(fs.lstatSync(fifo).isFIFO(), 'still the FIFO');
    await rejectsWith(readRegularFile(fifo, 1024), 'notRegular', /not a regular file \(fifo\)/);
    assert.deepEqual(leftovers(dir), []);
  });

  it('refuses a socket, a device and a folder', async () => {
    const sock = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      await rejectsWith(writeSecretFile(await inspectSecretTarget(sock), SECRET), 'notRegular', /is a socket/);
    } finally {
      server.close();
    }
    const device = await inspectSecretTarget('/dev/null');
    assert.equal(device.kind, 'device');
    await rejectsWith(writeSecretFile(device, SECRET), 'notRegular', /is a device/);
    await rejectsWith(readRegularFile('/dev/zero', 1024), 'notRegular', /not a regular file/);
    fs.mkdirSync(path.join(dir, 'folder'));
    await rejectsWith(writeSecretFile(await inspectSecretTarget(path.join(dir, 'folder')), SECRET), 'notRegular', /is a folder/);
  });

  it('refuses a folder anyone may write without the sticky bit, and writes in a sticky one like /tmp, saying so', async () => {
    const open = path.join(dir, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const t = await inspectSecretTarget(path.join(open, 'x.kubeconfig'));
    assert.equal(t.sharedFolder, 'open');
    await rejectsWith(writeSecretFile(t, SECRET), 'openFolder', /writable by every user and has no sticky bit/);
    assert.deepEqual(fs.readdirSync(open), []);

    const sticky = path.join(dir, 'sticky');
    fs.mkdirSync(sticky);
    fs.chmodSync(sticky, 0o1777);
    const s = await inspectSecretTarget(path.join(sticky, 'x.kubeconfig'));
    assert.equal(s.sharedFolder, 'sticky');
    assert.equal(refusalOf(s), undefined);
    await writeSecretFile(s, SECRET);
    assert.equal(modeOf(path.join(sticky, 'x.kubeconfig')), 0o600);
  });

  it('writes nothing when the target changed after it was inspected (confirmed absent, or a different file)', async () => {
    const file = path.join(dir, 'x.kubeconfig');
    const absent = await inspectSecretTarget(file);
    fs.writeFileSync(file, 'planted\n');
    await rejectsWith(writeSecretFile(absent, SECRET), 'changed', /changed between the check and the write/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'planted\n');

    const existing = await inspectSecretTarget(file);
    fs.renameSync(file, path.join(dir, 'moved'));
    fs.symlinkSync(path.join(dir, 'moved'), file);
    await rejectsWith(writeSecretFile(existing, SECRET), 'changed', /changed/);
    assert.ok(fs.lstatSync(file).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, 'moved'), 'utf8'), 'planted\n');
    assert.deepEqual(leftovers(dir), []);
  });

  it('keeps a mode it is asked to keep, and reads a regular file through a link with its mode', async () => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, 'a: 1\n', { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    fs.symlinkSync(file, path.join(dir, 'link'));
    const read = await readRegularFile(path.join(dir, 'link'), 1024);
    assert.equal(read.text, 'a: 1\n');
    assert.equal(read.mode, 0o640);
    await writeSecretFile(await inspectSecretTarget(file), 'a: 2\n', read.mode);
    assert.equal(modeOf(file), 0o640);
    await rejectsWith(readRegularFile(file, 2), 'tooLarge', /larger than 2 bytes/);
  });
});
