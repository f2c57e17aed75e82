/**
 * The mint flow as a user drives it, in the real workbench: the multi-step input (typed through the
 * UI bridge, with real key events), the "Minted token" panel and its buttons (clicked in the
 * webview), and the questions the host asks (modal dialogs answered with real keys and clicks).
 * Issue 12: bug 2 (the result must stay reachable), the mint polish, and issue 16 item 11 (Reveal).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { MintOutcome, MintSuccess } from '../../src/tokens/mint';
import type { CloseDecision, MintResultPanel } from '../../src/tokens/resultPanel';
import type { ResultHostMessage } from '../../src/tokens/resultProtocol';
import { adminContextLoaded, captureWorkbench, getApi, sessionQuiet, testCluster, until, waitFor, type UiCapture, type UiQuery, type HostCluster } from './helpers';
import { noToasts } from './workbenchShots';

const QUICK_TITLE = '.quick-input-widget .quick-input-title';
const QUICK_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';
const TOAST = '.notifications-toasts .notification-toast';

/** Captures until `accept` takes the texts (the UI draws asynchronously); returns that capture. */
function captureUntil(name: string, query: UiQuery, accept: (texts: string[]) => boolean, what: string): Promise<UiCapture> {
  return waitFor(async () => {
    const c = await captureWorkbench(name, query);
    return accept(c.texts) ? c : undefined;
  }, what, 20_000);
}

/** Real key presses / typing into whatever has focus, then the texts of `selector`. */
function keys(name: string, input: Pick<UiQuery, 'type' | 'press'>, selector = QUICK_ROWS): Promise<UiCapture> {
  return captureWorkbench(name, { ...input, selector });
}

const quickTitle = (name: string, includes: string): Promise<UiCapture> =>
  captureUntil(name, { selector: QUICK_TITLE }, (t) => t.some((x) => x.includes(includes)), `the quick input titled "${includes}"`);

/** Clicks a button of the mint result webview. */
const clickInResult = (name: string, button: string): Promise<UiCapture> => captureWorkbench(name, { frameUrlIncludes: 'webview', click: `button.action-${button}`, selector: 'main' });

function nextResult(api: ExtensionApi): Promise<MintResultPanel> {
  return new Promise((resolve) => {
    const sub = api.tokens.results.onDidOpen((p) => {
      sub.dispose();
      resolve(p);
    });
  });
}

const closed = (p: MintResultPanel): Promise<CloseDecision> => new Promise((resolve) => p.onDidClose(resolve));

describe('Mint flow (multi-step input and result panel)', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;
  const target = { context: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer' };

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  afterEach(async () => {
    for (const p of api.tokens.results.panels) {
      p.quiet = true; // nobody to answer a question about a revocable Secret
      p.dispose();
    }
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  after(async () => {
    for (const t of api.tokenStore.list()) await api.tokenStore.forget(t.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('asks in steps titled with the SA, offers a typed lifetime, goes Back, and opens the result with the binding', async () => {
    const opened = nextResult(api);
    const running = vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, target);
    await quickTitle('mint-step-1', 'Mint token for demo/ci-deployer (1/3)');
    await noToasts();

    // Too short: offered with the API server's reason instead of an empty list; Enter does nothing.
    await keys('mint-duration-5m', { type: '5m' });
    const short = await captureUntil('mint-duration-5m-list', { selector: QUICK_ROWS }, (t) => t.some((x) => x.includes('5m') && x.includes('too short')), 'the typed 5m offered as too short');
    assert.equal(short.texts.length, 1, short.texts.join(' | '));
    await keys('mint-duration-5m-enter', { press: ['Enter'] });
    await quickTitle('mint-still-step-1', '(1/3)');

    // A valid custom value is offered first, as typed.
    await keys('mint-duration-clear', { press: ['Control+A', 'Backspace'] });
    await keys('mint-duration-45m', { type: '45m' });
    const custom = await captureUntil('mint-duration-45m-list', { selector: QUICK_ROWS }, (t) => /45m/.test(t[0] ?? ''), 'the typed 45m first in the list');
    assert.match(custom.texts[0], /45m[\s\S]*custom lifetime: 45 min/, custom.texts.join(' | '));
    await keys('mint-duration-accept', { press: ['Enter'] });
    await quickTitle('mint-step-2', 'Mint token for demo/ci-deployer (2/3)');

    // Back returns to the lifetime; the default is preselected again.
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    await quickTitle('mint-back-to-1', '(1/3)');
    await keys('mint-duration-custom-again', { type: '2h' });
    await captureUntil('mint-duration-2h-list', { selector: QUICK_ROWS }, (t) => /^2h/.test(t[0] ?? ''), 'the typed 2h first in the list');
    await keys('mint-duration-2h', { press: ['Enter'] });
    await quickTitle('mint-step-2-again', '(2/3)');
    await captureUntil('mint-step-2-items', { selector: QUICK_ROWS }, (t) => t.some((x) => x.includes('Cluster default')), 'the audience choices');
    await keys('mint-audiences-default', { press: ['Enter'] }); // Cluster default
    await quickTitle('mint-step-3', 'Mint token for demo/ci-deployer (3/3)');
    await captureUntil('mint-step-3-kinds', { selector: QUICK_ROWS }, (t) => t.some((x) => x.includes('Bind to a Pod')), 'the binding kinds');
    await keys('mint-bind-pod', { press: ['ArrowDown', 'Enter'] }); // Bind to a Pod…
    const pods = await captureUntil('mint-step-3-pods', { selector: QUICK_ROWS }, (t) => t.some((x) => x.includes('web-0')), 'the Pods that run as ci-deployer');
    assert.ok(pods.texts.every((t) => !t.includes('$(')), 'no raw icon syntax');
    await captureWorkbench('mint-steps', { selector: QUICK_TITLE });
    await keys('mint-bind-web-0', { press: ['Enter'] });

    const outcome = await running;
    assert.equal(outcome?.status, 'minted', JSON.stringify(outcome));
    const m = outcome as MintSuccess;
    assert.equal(m.report.requestedSeconds, 7200);
    assert.deepEqual(m.boundObject && { kind: m.boundObject.kind, name: m.boundObject.name }, { kind: 'Pod', name: 'web-0' });
    const panel = await opened;
    assert.equal(panel.result, m);
    await until(() => panel.isReady, 'the result webview to say ready', 20_000);
    await noToasts();
    const shot = await captureUntil('mint-result', { frameUrlIncludes: 'webview', selector: 'main' }, (t) => t.some((x) => x.includes('Bound to Pod web-0')), 'the result panel naming the binding');
    const text = shot.texts.join('\n');
    assert.match(text, /Token for demo\/ci-deployer/);
    assert.match(text, /Not kept/);
    assert.match(text, /2h, as requested/);
  });

  // Issue 12 bug 2: Copy closed the notification and took Keep, Open Decoded and Export with it.
  it('keeps the result reachable after Copy, and Keep confirms in the panel', async () => {
    const opened = nextResult(api);
    const m = (await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', show: true })) as MintSuccess;
    assert.equal(m.status, 'minted');
    const panel = await opened;
    await until(() => panel.isReady, 'the result webview to say ready', 20_000);
    await captureUntil('result-before-copy', { frameUrlIncludes: 'webview', selector: 'button.action-copy' }, (t) => t.length === 1, 'the Copy button');
    await vscode.env.clipboard.writeText('');
    await clickInResult('result-copy', 'copy');
    await until(async () => (await vscode.env.clipboard.readText()) === m.token, 'the token on the clipboard');
    assert.ok(api.tokens.results.panels.includes(panel), 'the panel is still open after Copy');
    const keep = await captureWorkbench('result-after-copy', { frameUrlIncludes: 'webview', selector: 'button.action-keep:not([disabled])' });
    assert.deepEqual(keep.texts, ['Keep'], 'Keep is still offered');

    await clickInResult('result-keep', 'keep');
    const kept = await until(() => panel.kept, 'the token to be kept');
    assert.equal(await api.tokenStore.token(kept.id), m.token);
    const after = await captureUntil('result-kept', { frameUrlIncludes: 'webview', selector: 'header .chip, button.action-keep' }, (t) => t.includes('Kept') && t.length === 2, 'the Kept chip and button');
    assert.deepEqual(after.texts, ['Kept', 'Kept']);
    const status = await captureWorkbench('result-kept-statusbar', { selector: '.statusbar-item' });
    assert.ok(status.texts.some((t) => t.includes('Kept: token for demo/ci-deployer')), status.texts.join(' | '));
  });

  // Issue 16 item 11: a webview's request must not be enough to put the token on screen.
  it('reveals the token only after the host asked the user', async () => {
    const opened = nextResult(api);
    await vscode.commands.executeCommand(CommandIds.mintToken, { ...target, duration: '1h', show: true });
    const panel = await opened;
    await until(() => panel.isReady, 'the result webview to say ready', 20_000);
    const posted: ResultHostMessage[] = [];
    const sub = panel.onDidPostMessage((msg) => posted.push(msg));
    try {
      // The click asks the host, which asks the user in a modal. The test host refuses modal
      // dialogs, so nobody says "Reveal": the value must not reach the webview.
      await clickInResult('result-reveal', 'reveal');
      await until(() => posted.some((msg) => msg.type === 'actionDone' && msg.action === 'reveal'), 'the reveal action to end');
      assert.ok(!posted.some((msg) => msg.type === 'revealed'), 'nothing revealed without the user\'s answer');
      assert.ok(!JSON.stringify(posted).includes(panel.result.token), 'no token value went to the webview');
      // What "Reveal" in the modal does:
      await panel.runAction('reveal', { confirm: true });
      await captureUntil('result-revealed', { frameUrlIncludes: 'webview', selector: 'code.token-value' }, (t) => t[0] === panel.result.token, 'the revealed value');
    } finally {
      sub.dispose();
    }
  });

  it('asks about the Secret of an unkept revocable token on close (Keep Token first) and deletes it when told', async () => {
    const opened = nextResult(api);
    const m = (await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintRevocableToken, { ...target, serviceAccount: 'reader', duration: '1h', show: true })) as MintSuccess;
    assert.ok(m.revocableSecret && await cluster.objects.get('v1', 'Secret', m.revocableSecret, 'demo'), 'the revocable Secret exists');
    const panel = await opened;
    await until(() => panel.isReady, 'the result webview to say ready', 20_000);
    await noToasts();
    const decision = closed(panel);
    await clickInResult('result-close', 'close');
    const toast = await captureUntil('result-close-question', { selector: TOAST }, (t) => t.some((x) => x.includes('was not kept')), 'the question about the Secret');
    assert.match(toast.texts.join(' '), new RegExp(`Secret demo/${m.revocableSecret}`));
    const buttons = await captureWorkbench('result-close-buttons', { selector: `${TOAST} a.monaco-button` });
    assert.deepEqual(buttons.texts, ['Keep Token', 'Delete Secret', 'Leave It']);
    assert.ok(await cluster.objects.get('v1', 'Secret', m.revocableSecret, 'demo'), 'nothing deleted before the answer');
    await captureWorkbench('result-close-delete', { click: `${TOAST} a.monaco-button:has-text("Delete Secret")` });
    assert.equal(await decision, 'deletedSecret');
    assert.equal(await cluster.objects.get('v1', 'Secret', m.revocableSecret, 'demo'), undefined);
  });

  it('ranks "Mint Token…" first when "Mint Token" is typed in the command palette', async () => {
    await vscode.commands.executeCommand('workbench.action.quickOpen', '>Mint Token');
    const rows = await captureUntil('palette-mint-token', { selector: QUICK_ROWS }, (t) => t.filter((x) => x.includes('K8s Tokens: Mint')).length >= 2, 'both mint commands in the palette');
    const mints = rows.texts.filter((t) => t.includes('K8s Tokens'));
    assert.match(mints[0], /K8s Tokens: Mint Token…(?! \(Revocable\))/, mints.join(' | '));
    assert.match(mints[1], /Mint Token… \(Revocable\)/, mints.join(' | '));
  });
});
