/**
 * Token hover, Decode Token and the kubeconfig token lens in the real editor, with tokens minted by
 * the test API server (and a legacy Secret token of its demo seed).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { DecodeOutcome } from '../../src/hover/tokenCommands';
import { adminContextLoaded, captureWorkbench, getApi, sessionQuiet, testCluster, waitFor, type ExtensionApi } from './helpers';

const seg = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A token with the given claims and a dummy signature: the hover decodes, it does not verify. */
const unsigned = (payload: unknown, header: unknown = { alg: 'RS256', kid: 'k1' }): string => `${seg(header)}.${seg(payload)}.c2lnbmF0dXJl`;
const HOSTILE = '[x](command:workbench.action.quit) <img src=x onerror=alert(1)>';


/** Plain text of every hover our provider (and others) give at `position`. */
async function hoverAt(doc: vscode.TextDocument, position: vscode.Position): Promise<{ texts: string[]; markdown: vscode.MarkdownString[] }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
  const markdown = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => typeof c === 'object' && 'value' in c && !('language' in c));
  return { texts: markdown.map((m) => m.value), markdown };
}

const fileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hover-'));
let fileCounter = 0;
/**
 * Opens `content` from a new file: untitled documents would be dirty, and closing them between tests
 * asks to save, while their names (Untitled-1) are reused by the next test.
 */
async function openEditor(content: string, language = 'yaml'): Promise<vscode.TextEditor> {
  const file = path.join(fileDir, `doc-${++fileCounter}.${language === 'yaml' ? 'yaml' : 'txt'}`);
  fs.writeFileSync(file, content);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  assert.equal(doc.languageId, language);
  return vscode.window.showTextDocument(doc);
}

/** `\`-escapes as the hover does (every ASCII punctuation character). */
const escaped = (s: string): string => s.replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '\\$&');

describe('Token hover and decode', () => {
  let api: ExtensionApi;
  let bound: string;
  let legacy: string;

  before(async () => {
    await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
    const kube = api.services.session.module();
    const client = api.services.session.connections().client('test-admin');
    bound = (await kube.requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 7200 })).token;
    const fromSecret = await kube.getSecretToken(client, 'demo', 'reader-token');
    assert.ok(fromSecret, 'the demo seed has the legacy token Secret demo/reader-token');
    legacy = fromSecret;
  });
  after(() => fs.rmSync(fileDir, { recursive: true, force: true }));
  afterEach(async () => {
    await vscode.workspace.getConfiguration('k8sTokens').update('hover.languages', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('explains a minted token: header, claims, times in UTC, lifetime used, Kubernetes claims', async () => {
    const editor = await openEditor(`apiVersion: v1\ntoken: ${bound}\n`);
    const { texts, markdown } = await hoverAt(editor.document, new vscode.Position(1, 20));
    const ours = texts.find((t) => t.includes('Kubernetes ServiceAccount token'));
    assert.ok(ours, `our hover among ${JSON.stringify(texts)}`);
    for (const part of ['**Algorithm:** RS256', '**Key ID:**', '**Issuer:**', '**Audiences:**', '**Issued:**', '**Expires:**', '**Lifetime:**', '**Namespace:** demo', '**ServiceAccount:** reader', '**Credential ID:**']) {
      assert.ok(ours.includes(part), `${part} in ${ours}`);
    }
    assert.ok(ours.includes(escaped('system:serviceaccount:demo:reader')));
    assert.match(ours, / UTC /);
    assert.ok(ours.includes(escaped('Valid, expires in 1 h 59 min')) || ours.includes(escaped('Valid, expires in 2 h')), 'expires in');
    assert.ok(ours.includes(escaped('2 h (0 % used)')), 'lifetime used');
    const md = markdown.find((m) => m.value === ours);
    assert.deepEqual(md?.isTrusted, { enabledCommands: [CommandIds.decodeToken, CommandIds.checkToken] });
    assert.ok(ours.includes(`(command:${CommandIds.decodeToken}?${encodeURIComponent(JSON.stringify([bound]))})`), 'Decode passes the token');
    assert.ok(ours.includes(`(command:${CommandIds.checkToken}?`), 'Check against cluster link');
  });

  it('recognises a legacy Secret token: never expires, and why that is risky', async () => {
    const editor = await openEditor(`data:\n  token: "${legacy}"\n`);
    const { texts } = await hoverAt(editor.document, new vscode.Position(1, 15));
    const ours = texts.find((t) => t.includes('Legacy Kubernetes ServiceAccount token'));
    assert.ok(ours, JSON.stringify(texts));
    assert.ok(ours.includes(escaped('Legacy token: never expires')));
    assert.ok(ours.includes('**Token Secret:** reader\\-token'));
    assert.match(ours, /a leaked copy keeps working for years/);
  });

  it('renders hostile claims as text: no link, no HTML, only our commands trusted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = unsigned({ iss: HOSTILE, sub: HOSTILE, aud: ['x'], iat: now, exp: now + 600, [HOSTILE]: HOSTILE }, { alg: 'RS256', kid: '<b>kid</b>' });
    const editor = await openEditor(`hostile ${token} end\n`, 'plaintext');
    const position = new vscode.Position(0, 12);
    const { texts, markdown } = await hoverAt(editor.document, position);
    const ours = texts.find((t) => t.includes('JSON Web Token'));
    assert.ok(ours, JSON.stringify(texts));
    assert.ok(!ours.includes('(command:workbench'), 'no link target from claim text');
    assert.ok(!/(?:^|[^\\])</.test(ours), 'no raw HTML');
    assert.deepEqual(markdown.find((m) => m.value === ours)?.isTrusted, { enabledCommands: [CommandIds.decodeToken, CommandIds.checkToken] });
    assert.equal(markdown.find((m) => m.value === ours)?.supportHtml, false);

    // What the workbench really renders: the claim text shows literally, not as a link or an image.
    editor.selection = new vscode.Selection(position, position);
    await vscode.commands.executeCommand('editor.action.showHover');
    const shown = await waitFor(async () => {
      const c = await captureWorkbench('hover-hostile-claims', { selector: '.monaco-hover .rendered-markdown' });
      const text = c.texts.join('\n');
      return text.includes('JSON Web Token') ? text : undefined;
    }, 'the token hover in the workbench', 20_000);
    assert.ok(shown.includes('[x](command:workbench.action.quit)'), `literal link text in ${shown}`);
    assert.ok(shown.includes('<img src=x onerror=alert(1)>'), 'literal HTML text');
  });

  it('shows bidi controls of claims as escapes, in the rendered hover and the Decode document', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Rendered as is, `admin\u202Etxt.exe` reads `adminexe.txt`.
    const token = unsigned({ sub: 'system:serviceaccount:demo:admin\u202Etxt.exe', iss: 'https://issuer\u2066.example\u2069', aud: ['x'], iat: now, exp: now + 600 });
    const editor = await openEditor(`bidi ${token} end\n`, 'plaintext');
    const position = new vscode.Position(0, 10);
    editor.selection = new vscode.Selection(position, position);
    await vscode.commands.executeCommand('editor.action.showHover');
    const shown = await waitFor(async () => {
      const c = await captureWorkbench('hover-bidi-claims', { selector: '.monaco-hover .rendered-markdown' });
      const text = c.texts.join('\n');
      return text.includes('ServiceAccount token for') ? text : undefined;
    }, 'the token hover in the workbench', 20_000);
    assert.ok(shown.includes('admin\\u202Etxt.exe'), `the escape is shown: ${shown}`);
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(shown), 'no bidi control in the rendered hover');
    const decoded = await vscode.commands.executeCommand<DecodeOutcome>(CommandIds.decodeToken, token);
    assert.ok(decoded);
    const text = (await vscode.workspace.openTextDocument(decoded.uri)).getText();
    assert.ok(text.includes('admin\\u202Etxt.exe') && !/[\u202a-\u202e\u2066-\u2069]/.test(text), text);
  });

  it('gives no hover for lines over the limit, other languages, or ordinary text', async () => {
    const long = await openEditor(`${'x'.repeat(25_000)} ${bound}\n`, 'plaintext');
    assert.ok(!(await hoverAt(long.document, new vscode.Position(0, 25_010))).texts.some((t) => t.includes('ServiceAccount token')));
    const plain = await openEditor(`name: ci-token\nimage: registry.k8s.io/kubectl:v1.34.1\nblob: eyJhbGciOiJub25lIn0\n`, 'plaintext');
    for (const [line, ch] of [[0, 8], [1, 20], [2, 10]] as const) assert.deepEqual((await hoverAt(plain.document, new vscode.Position(line, ch))).texts, [], `line ${line}`);
    await vscode.workspace.getConfiguration('k8sTokens').update('hover.languages', ['json'], vscode.ConfigurationTarget.Global);
    const yaml = await openEditor(`token: ${bound}\n`);
    assert.ok(!(await hoverAt(yaml.document, new vscode.Position(0, 20))).texts.some((t) => t.includes('ServiceAccount token')));
  });

  it('says what is wrong with a malformed JWT: cut off, or a damaged payload (eyJ text with dots)', async () => {
    const [h, p] = bound.split('.');
    const editor = await openEditor(`token: ${h}.${p.slice(0, 30)}\nother: eyJhbGciOiJub25lIn0.bm90LWpzb24.sig\n`);
    const truncated = (await hoverAt(editor.document, new vscode.Position(0, 12))).texts.find((t) => t.includes('Malformed JWT'));
    assert.ok(truncated, 'a hover for the truncated token');
    assert.ok(truncated.includes('only 2 of its three parts'), truncated);
    const damaged = (await hoverAt(editor.document, new vscode.Position(1, 12))).texts.find((t) => t.includes('Malformed JWT'));
    assert.ok(damaged?.includes('payload is not JSON'), damaged);
    editor.selection = new vscode.Selection(0, 12, 0, 12);
    await vscode.commands.executeCommand('editor.action.showHover');
    const shown = await waitFor(async () => {
      const c = await captureWorkbench('hover-malformed-jwt', { selector: '.monaco-hover .rendered-markdown' });
      const text = c.texts.join('\n');
      return text.includes('Malformed JWT') ? text : undefined;
    }, 'the malformed-JWT hover in the workbench', 20_000);
    assert.ok(shown.includes('cut off'), shown);
  });

  it('decodes a token argument into a read-only document without the signature or the token in its URI', async () => {
    const r = await vscode.commands.executeCommand<DecodeOutcome>(CommandIds.decodeToken, bound);
    assert.ok(r);
    assert.equal(r.uri.scheme, 'k8s-token');
    assert.ok(!r.uri.toString().includes(bound.split('.')[1]), 'no token in the URI');
    const doc = await vscode.workspace.openTextDocument(r.uri);
    const text = doc.getText();
    assert.match(text, /^\/\/ Kubernetes ServiceAccount token for system:serviceaccount:demo:reader/);
    assert.ok(!text.includes(bound.split('.')[2]), 'no signature in the document');
    assert.equal(doc.languageId, 'jsonc');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), r.uri.toString());
  });

  it('decodes the selection, the token under the cursor, then the clipboard', async () => {
    const editor = await openEditor(`a: Bearer ${bound}\nb: nothing here\n`);
    editor.selection = new vscode.Selection(0, 3, 0, 10 + bound.length);
    const fromSelection = await vscode.commands.executeCommand<DecodeOutcome>(CommandIds.decodeToken);
    assert.equal(fromSelection?.explanation.claims.subject, 'system:serviceaccount:demo:reader');

    const again = await vscode.window.showTextDocument(editor.document);
    again.selection = new vscode.Selection(0, 30, 0, 30);
    const underCursor = await vscode.commands.executeCommand<DecodeOutcome>(CommandIds.decodeToken);
    assert.equal(underCursor?.explanation.claims.subject, 'system:serviceaccount:demo:reader');

    const third = await vscode.window.showTextDocument(editor.document);
    third.selection = new vscode.Selection(1, 3, 1, 3);
    await vscode.env.clipboard.writeText(`Authorization: Bearer ${legacy}`);
    const fromClipboard = await vscode.commands.executeCommand<DecodeOutcome>(CommandIds.decodeToken);
    assert.equal(fromClipboard?.explanation.claims.kind, 'legacy');
    await vscode.env.clipboard.writeText('');
  });

  it('shows expiry over kubeconfig tokens, and warns when one has expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = unsigned({ iss: 'https://kubernetes.default.svc.cluster.local', sub: 'system:serviceaccount:demo:old', aud: ['x'], iat: now - 7200, exp: now - 3600, 'kubernetes.io': { namespace: 'demo', serviceaccount: { name: 'old', uid: 'u' } } });
    const file = path.join(fileDir, 'prod.kubeconfig');
    fs.writeFileSync(file, ['apiVersion: v1', 'kind: Config', 'users:', '- name: fresh', '  user:', `    token: ${bound}`, '- name: old', '  user:', `    token: ${expired}`, ''].join('\n'));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l.length >= 2 ? l : undefined;
    }, 'two token lenses');
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => /^fresh: Token for system:serviceaccount:demo:reader expires in/.test(t)), titles.join(' | '));
    assert.ok(titles.some((t) => /^old: Token for system:serviceaccount:demo:old expired 1 h/.test(t)), titles.join(' | '));
    assert.equal(lenses[0].command?.command, CommandIds.decodeToken);
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'k8s-tokens');
      return d.length > 0 ? d : undefined;
    }, 'the expired-token diagnostic');
    assert.equal(diags.length, 1);
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diags[0].range.start.line, 8);
    assert.match(diags[0].message, /expired/);
    assert.ok(!diags[0].message.includes(expired), 'no token in the message');
  });
});
