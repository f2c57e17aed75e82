/**
 * The modal in front of replacing an export target, built from real targets on disk: it names the
 * real path of a link (and says when it dangles), another user's ownership, and puts the harmless
 * choice first, since VS Code focuses a modal's first button (Enter presses it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectSecretTarget } from '../../src/common/secretFile';
import { replacePrompt } from '../../src/tokens/exportPrompt';

describe('export: the replace prompt', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'export-prompt-')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('asks nothing when the target does not exist', async () => {
    assert.equal(replacePrompt(await inspectSecretTarget(path.join(dir, 'new.kubeconfig'))), undefined);
  });

  it('names the real file behind a link, says it stays unchanged, and offers another file first', async () => {
    const real = path.join(dir, 'nested', 'config');
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, 'x');
    fs.symlinkSync(path.join('nested', 'config'), path.join(dir, 'link'));
    const p = replacePrompt(await inspectSecretTarget(path.join(dir, 'link')));
    assert.ok(p);
    assert.equal(p.message, `${path.join(dir, 'link')} is a symbolic link to ${real}.`);
    assert.match(p.detail, new RegExp(`never writes through a link.*${real.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not changed`));
    assert.deepEqual(p.buttons, ['Choose Another File…', 'Replace Link']);
  });

  it('says when a link points nowhere', async () => {
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'link'));
    const p = replacePrompt(await inspectSecretTarget(path.join(dir, 'link')));
    assert.equal(p?.message, `${path.join(dir, 'link')} is a symbolic link to ${path.join(dir, 'gone')}, which does not exist.`);
  });

  it("names another user's file and says the new one is the user's own, readable only by them", async () => {
    const file = path.join(dir, 'theirs');
    fs.writeFileSync(file, 'x');
    fs.chownSync(file, 65534, 65534);
    const p = replacePrompt(await inspectSecretTarget(file));
    assert.equal(p?.message, `${file} exists. Overwrite it?`);
    assert.equal(p?.detail, 'Its current content is lost. It belongs to another user (uid 65534); the new file will belong to you and be readable only by you.');
    assert.deepEqual(p?.buttons, ['Choose Another File…', 'Overwrite']);
  });

  it("does not mention an owner for the user's own file", async () => {
    const file = path.join(dir, 'mine');
    fs.writeFileSync(file, 'x');
    assert.equal(replacePrompt(await inspectSecretTarget(file))?.detail, 'Its current content is lost.');
  });
});
