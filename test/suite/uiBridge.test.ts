/**
 * The UI bridge of helpers.ts (captureWorkbench): screenshots and DOM texts of the real workbench,
 * including text inside webviews (nested iframes), as the dashboard tests rely on.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { captureWorkbench, waitFor } from './helpers';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('UI bridge (captureWorkbench)', () => {
  it('screenshots the workbench and reads the sidebar title of the SA Tokens container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('sidebar-sa-tokens', { selector: '.part.sidebar .composite.title' });
      return c.texts.some((t) => /sa tokens/i.test(t)) ? c : undefined;
    }, 'the sidebar title to show the SA Tokens container', 20_000);
    const head = fs.readFileSync(shot.screenshotPath).subarray(0, 8);
    assert.deepEqual(head, PNG_SIGNATURE, `${shot.screenshotPath} is a PNG`);
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000, 'the screenshot has content');
  });

  it('reads text inside a webview (nested iframes)', async () => {
    const panel = vscode.window.createWebviewPanel('k8sTokensBridgeProbe', 'Bridge probe', vscode.ViewColumn.One, {});
    try {
      panel.webview.html = '<!DOCTYPE html><html><body><h1 id="probe">bridge probe 42</h1></body></html>';
      const capture = await waitFor(async () => {
        const c = await captureWorkbench('webview-probe', { frameUrlIncludes: 'webview', selector: '#probe' });
        return c.texts.includes('bridge probe 42') ? c : undefined;
      }, 'the webview text through the bridge', 20_000);
      assert.ok(fs.existsSync(capture.screenshotPath));
    } finally {
      panel.dispose();
    }
  });

  it('rejects names that are not plain file names', async () => {
    await assert.rejects(captureWorkbench('../escape'), /name must be/);
  });
});
