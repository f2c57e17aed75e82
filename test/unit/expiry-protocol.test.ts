import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, webviewHtml } from '../../src/common/webviewHtml';
import { actionOutcome, toDashboardToken } from '../../src/expiry/dashboardModel';
import { isDashboardState, isHostMessage, parseWebviewMessage, TOKEN_ACTIONS, type DashboardToken } from '../../src/expiry/protocol';
import type { KeptToken } from '../../src/tokens/tokenStore';

const ID = '3f2b8c1e-0d4a-4f7e-9a51-2c6d8e0b7a19';

const kept: KeptToken = {
  id: ID,
  params: { context: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 3600, audiences: [], boundObject: { kind: 'Pod', name: 'web-0', uid: 'u-1' } },
  server: 'https://127.0.0.1:6443',
  audiences: ['https://kubernetes.default.svc.cluster.local'],
  issuedAt: 1_000,
  expiresAt: 3_601_000,
  statusExpiresAt: 3_601_000,
  requestedSeconds: 3600,
  grantedSeconds: 3600,
  jti: 'jti-1',
  boundObject: { kind: 'Pod', name: 'web-0', uid: 'u-1' },
};

describe('expiry protocol: webview → host guard', () => {
  it('accepts exactly the declared messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', id: ID }), { type: 'reveal', id: ID });
    assert.deepEqual(parseWebviewMessage({ type: 'rendered', ids: [ID] }), { type: 'rendered', ids: [ID] });
    for (const action of TOKEN_ACTIONS) assert.deepEqual(parseWebviewMessage({ type: 'action', action, id: ID }), { type: 'action', action, id: ID });
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { id: ID }],
    ['an unknown type', { type: 'runCommand', command: 'workbench.action.terminal.new' }],
    ['an unknown action', { type: 'action', action: 'deleteNamespace', id: ID }],
    ['an action named after a command id', { type: 'action', action: 'k8sTokens.revokeToken', id: ID }],
    ['a numeric id', { type: 'reveal', id: 42 }],
    ['an id with odd characters', { type: 'reveal', id: '../../etc/passwd' }],
    ['a very long id', { type: 'reveal', id: 'a'.repeat(65) }],
    ['extra keys', { type: 'action', action: 'copy', id: ID, args: { target: '/tmp/x' } }],
    ['extra keys on ready', { type: 'ready', html: '<img>' }],
    ['rendered ids that are not strings', { type: 'rendered', ids: [1, 2] }],
    ['too many rendered ids', { type: 'rendered', ids: Array.from({ length: 501 }, (_, i) => `id-${i}`) }],
  ];
  for (const [what, msg] of malformed) {
    it(`rejects ${what}`, () => assert.equal(parseWebviewMessage(msg), undefined));
  }

  it('returns a copy, so later changes to the raw object do not matter', () => {
    const raw = { type: 'rendered', ids: [ID] };
    const parsed = parseWebviewMessage(raw);
    raw.ids.push('other');
    assert.deepEqual(parsed, { type: 'rendered', ids: [ID] });
  });
});

describe('expiry protocol: host → webview guard and state', () => {
  const token: DashboardToken = toDashboardToken(kept);

  it('accepts well-formed messages', () => {
    assert.ok(isHostMessage({ type: 'tokens', tokens: [token], settings: { notifyBeforeMinutes: 10 } }));
    assert.ok(isHostMessage({ type: 'tokens', tokens: [], settings: { notifyBeforeMinutes: 0 }, l10n: { Copy: '复制' } }));
    assert.ok(isHostMessage({ type: 'actionDone', id: ID, action: 'remint', ok: true }));
    assert.ok(isHostMessage({ type: 'revealed', id: ID, value: 'v' }));
    assert.ok(isHostMessage({ type: 'conceal' }));
  });

  it('rejects malformed ones', () => {
    assert.ok(!isHostMessage({ type: 'tokens', tokens: [{ ...token, issuedAt: 'yesterday' }], settings: { notifyBeforeMinutes: 10 } }));
    assert.ok(!isHostMessage({ type: 'tokens', tokens: [token] }));
    assert.ok(!isHostMessage({ type: 'tokens', tokens: [token], settings: { notifyBeforeMinutes: 10 }, l10n: { a: 1 } }));
    assert.ok(!isHostMessage({ type: 'actionDone', id: ID, action: 'remint' }));
    assert.ok(!isHostMessage({ type: 'revealed', id: ID }));
    assert.ok(!isHostMessage({ type: 'html', html: '<script>' }));
  });

  it('validates saved webview state', () => {
    assert.ok(isDashboardState({ version: 1, tokens: [token], settings: { notifyBeforeMinutes: 10 } }));
    assert.ok(!isDashboardState({ version: 2, tokens: [token], settings: { notifyBeforeMinutes: 10 } }));
    assert.ok(!isDashboardState({ version: 1, tokens: [{ id: ID }], settings: { notifyBeforeMinutes: 10 } }));
    assert.ok(!isDashboardState(undefined));
  });
});

describe('expiry dashboard model', () => {
  it('copies metadata field by field and nothing else', () => {
    const withExtra = { ...kept, token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig', revocableSecret: 'sec-1' } as KeptToken & { token: string };
    const t = toDashboardToken(withExtra);
    assert.ok(!JSON.stringify(t).includes('eyJ'), 'no token value');
    assert.deepEqual(t.binding, { kind: 'Pod', name: 'web-0' });
    assert.equal(t.revocable, true);
    assert.equal(t.context, 'test-admin');
    assert.equal(t.serviceAccount, 'ci-deployer');
    assert.ok(isHostMessage({ type: 'tokens', tokens: [t], settings: { notifyBeforeMinutes: 10 } }));
  });

  it('reads the outcome of each token command', () => {
    assert.equal(actionOutcome('remint', { status: 'minted', copied: false }), 'done');
    assert.equal(actionOutcome('remint', { status: 'failed', message: 'x' }), 'failed');
    assert.equal(actionOutcome('remint', { status: 'refused', message: 'x' }), 'failed');
    assert.equal(actionOutcome('remint', { status: 'cancelled' }), 'cancelled');
    assert.equal(actionOutcome('copy', { copied: true }), 'done');
    assert.equal(actionOutcome('copy', { copied: false }), 'failed');
    assert.equal(actionOutcome('forget', { forgotten: true }), 'done');
    assert.equal(actionOutcome('forget', { forgotten: false }), 'failed');
    assert.equal(actionOutcome('revoke', { status: 'revoked' }), 'done');
    assert.equal(actionOutcome('revoke', { status: 'explained', message: '' }), 'cancelled');
    assert.equal(actionOutcome('revoke', { status: 'cancelled' }), 'cancelled');
    assert.equal(actionOutcome('exportKubeconfig', { status: 'exported', path: '/x' }), 'done');
    assert.equal(actionOutcome('exportKubeconfig', { status: 'failed', message: 'x' }), 'failed');
    assert.equal(actionOutcome('exportKubeconfig', { status: 'cancelled' }), 'cancelled');
    assert.equal(actionOutcome('copy', undefined), 'failed');
  });
});

describe('expiry dashboard HTML', () => {
  const html = webviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'bm9uY2Ux',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/dashboard.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dashboard.css',
    lang: 'en',
    title: 'Token "Expiry" <x>',
  });

  it('declares the CSP: nothing by default, our stylesheet, only the nonce script', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'bm9uY2Ux');
    assert.equal(csp, "default-src 'none'; style-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-bm9uY2Ux'; img-src https://file+.vscode-resource.vscode-cdn.net");
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp}">`));
  });

  it('has one external script carrying the nonce, and no inline script or style', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], /nonce="bm9uY2Ux"/);
    assert.match(scripts[0][1], /src="[^"]+dashboard\.js"/);
    assert.equal(scripts[0][2], '');
    // An event-handler attribute follows whitespace (`<a onclick=`); `content=` must not count as one.
    assert.ok(!/<style|style=|\son\w+=/i.test(html));
  });

  it('escapes attribute and title text', () => {
    assert.ok(html.includes('<title>Token &quot;Expiry&quot; &lt;x&gt;</title>'));
  });
});
