import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Comparison {
  total: number;
  missing: string[];
  stale: string[];
}
interface L10nStatus {
  bundle: Comparison;
  nls: Comparison;
  placeholderMismatches: string[];
}

// The comparison lives in scripts/ so `node scripts/l10n.mjs` and this test share it.
const statusModule = pathToFileURL(path.resolve(__dirname, '../../../scripts/lib/l10nStatus.mjs')).href;

describe('localization: Simplified Chinese', function () {
  // The extractor parses every source file: about 7 s of CPU, several times that in wall time on a
  // loaded 2-core machine. The limit only keeps a hang from stalling the run.
  this.timeout(180_000);
  let status: L10nStatus;
  before(async () => {
    const mod = (await import(statusModule)) as { readL10nStatus(): Promise<L10nStatus> };
    status = await mod.readL10nStatus();
  });

  it('finds the source strings (the extractor sees the l10n.t calls)', () => {
    assert.ok(status.bundle.total > 100, `only ${status.bundle.total} strings extracted`);
    assert.ok(status.nls.total > 40, `only ${status.nls.total} manifest strings`);
  });

  it('translates every l10n.t string in l10n/bundle.l10n.zh-cn.json', () => {
    assert.deepEqual(status.bundle.missing, [], 'run `node scripts/l10n.mjs --skeleton` for the entries to translate');
  });

  it('translates every package.nls.json key in package.nls.zh-cn.json', () => {
    assert.deepEqual(status.nls.missing, []);
  });

  it('keeps no translation whose English string is gone', () => {
    assert.deepEqual(status.bundle.stale, []);
    assert.deepEqual(status.nls.stale, []);
  });

  it('keeps the {n} placeholders of every string', () => {
    assert.deepEqual(status.placeholderMismatches, []);
  });
});
