/**
 * `npm run lint` rejects regexes that take super-linear time: the repository's own ESLint config,
 * run through the ESLint Node API on snippets (a `.mjs` path, so no TypeScript project is needed).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..', '..');

async function ruleIds(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, 'scripts', 'lint-probe.mjs') });
  return result.messages.map((m) => `${m.ruleId ?? 'parse'}:${m.severity}`);
}

describe('lint: super-linear regexes', function () {
  this.timeout(60_000);

  it('rejects backtracking that can trade characters between quantifiers', async () => {
    assert.ok((await ruleIds('export const r = /^\\s*-?\\s*name:/;\n')).includes('regexp/no-super-linear-backtracking:2'));
  });

  it('rejects a pattern retried from every position at quadratic cost', async () => {
    assert.ok((await ruleIds("export const trim = (s) => s.replace(/\\/+$/, '');\n")).includes('regexp/no-super-linear-move:2'));
  });

  it('accepts the linear forms used instead', async () => {
    assert.deepEqual(await ruleIds("export const trim = (s) => s.replace(/(?<!\\/)\\/+$/, '');\nexport const name = /^[\\t ]*name:/;\n"), []);
  });
});
