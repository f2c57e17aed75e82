/**
 * The token audit view in Chinese: the report of the real-cluster tier's audit log events
 * (test/fixtures/audit/real-apiserver.log) with its headings, columns, kinds and advice from
 * l10n/bundle.l10n.zh-cn.json; captured as test-results/ui/token-audit-zh-cn.png.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditPanel } from '../../../src/audit/panel';
import type { AuditReport } from '../../../src/audit/protocol';
import { CommandIds } from '../../../src/common/commandIds';
import { captureWorkbench, getApi, waitFor } from '../../suite/helpers';
import { noToasts } from '../../suite/workbenchShots';

const FIXTURE = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'audit', 'real-apiserver.log');

describe('Token audit view (zh-cn)', () => {
  it('shows the report in Chinese', async function () {
    this.timeout(60_000);
    const api = await getApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    let panel: AuditPanel | undefined;
    const sub = api.audit.views.onDidOpen((p) => (panel = p));
    try {
      const report = (await vscode.commands.executeCommand(CommandIds.auditTokenUse, { path: FIXTURE })) as AuditReport;
      assert.equal(report.rows.length, 2);
      await noToasts();
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      const shot = await waitFor(async () => {
        const c = await captureWorkbench('token-audit-zh-cn', { frameUrlIncludes: 'webview', selector: 'h1, th, #uses tbody tr, .advice-list li' });
        const text = c.texts.join('\n');
        return ['过时和旧式令牌的使用', '请求数', '处理建议', '过时', '旧式', '重新读取令牌', '迁移…'].every((t) => text.includes(t)) ? c : undefined;
      }, 'the Chinese report in the webview', 30_000);
      assert.match(shot.texts.join('\n'), /已超过 warnafter 59 分钟/);
    } finally {
      sub.dispose();
      panel?.dispose();
      await vscode.commands.executeCommand('workbench.view.explorer');
    }
  });
});
