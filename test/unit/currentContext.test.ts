import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileForCurrentContext, readCurrentContext, useContext, withCurrentContext } from '../../src/tree/currentContext';

const original = `# my clusters
apiVersion: v1
clusters:
- cluster:
    server: https://a   # primary
  name: a
current-context: "old" # keep this comment
kind: Config
`;

describe('current-context editing', () => {
  it('changes only the value, keeping comments and layout', () => {
    const out = withCurrentContext(original, 'new-ctx');
    assert.equal(out, original.replace('"old"', 'new-ctx'));
    assert.equal(readCurrentContext(out), 'new-ctx');
  });

  it('quotes names YAML would misread, and adds the key when missing', () => {
    assert.equal(readCurrentContext(withCurrentContext(original, 'a: b #c')), 'a: b #c');
    const added = withCurrentContext('apiVersion: v1\nkind: Config', 'arn:aws:eks:x');
    assert.equal(added, 'apiVersion: v1\nkind: Config\ncurrent-context: arn:aws:eks:x\n');
    assert.equal(readCurrentContext('current-context:\nkind: Config\n'), undefined);
    assert.equal(withCurrentContext('current-context:\nkind: Config\n', 'x'), 'current-context: x\nkind: Config\n');
    assert.equal(withCurrentContext('', 'x'), 'current-context: x\n');
  });

  it('refuses a file that is not a mapping', () => {
    assert.throws(() => withCurrentContext('- a\n- b\n', 'x'));
  });

  it('writes to the first file that sets current-context, else the defining file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-'));
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.writeFileSync(a, 'apiVersion: v1\nkind: Config\n');
    fs.writeFileSync(b, 'apiVersion: v1\ncurrent-context: x\n');
    assert.equal(await fileForCurrentContext([path.join(dir, 'missing'), a, b], a), b);
    assert.equal(await fileForCurrentContext([a], a), a);
    assert.equal(await useContext([a, b], a, 'y'), b);
    assert.equal(readCurrentContext(fs.readFileSync(b, 'utf8')), 'y');
    assert.equal(fs.readFileSync(a, 'utf8'), 'apiVersion: v1\nkind: Config\n');
    fs.rmSync(dir, { recursive: true });
  });

  it('writes through a linked kubeconfig as kubectl does: the link stays, the real file gets the change atomically with its mode', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-'));
    const real = path.join(dir, 'dotfiles-config');
    const link = path.join(dir, 'config');
    const other = path.join(dir, 'old-hard-link');
    fs.writeFileSync(real, 'apiVersion: v1\ncurrent-context: x\n');
    fs.chmodSync(real, 0o640);
    fs.linkSync(real, other);
    fs.symlinkSync(real, link);
    assert.equal(await useContext([link], link, 'y'), link);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(readCurrentContext(fs.readFileSync(real, 'utf8')), 'y');
    assert.equal(fs.statSync(real).mode & 0o777, 0o640);
    assert.equal(readCurrentContext(fs.readFileSync(other, 'utf8')), 'x', 'a new file was renamed into place, the old inode kept its text');
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
    fs.rmSync(dir, { recursive: true });
  });

  it('never blocks on a FIFO in the list: skips it when looking, refuses it as the file to write', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-'));
    const fifo = path.join(dir, 'fifo');
    const a = path.join(dir, 'a');
    execFileSync('mkfifo', [fifo]);
    fs.writeFileSync(a, 'apiVersion: v1\ncurrent-context: x\n');
    assert.equal(await fileForCurrentContext([fifo, a], a), a);
    await assert.rejects(useContext([fifo], fifo, 'y'), /named pipe \(FIFO\)/);
    assert.ok(fs.lstatSync(fifo).isFIFO());
    fs.rmSync(dir, { recursive: true });
  });
});
