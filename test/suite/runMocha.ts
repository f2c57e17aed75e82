/**
 * Runs mocha inside the VS Code extension host and reports the outcome on one machine-readable line.
 *
 * Shared by the extension-host suite (test/suite/index.ts) and the packaged-extension smoke suite
 * (test/smoke/index.ts). The runners outside (scripts/run-host-tests.mjs, @vscode/test-electron) read
 * the page console or stdout for {@link RESULT_MARKER}; the promise rejects when a test failed so the
 * workbench reports exit code 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Prefix of the result line: `K8S_TOKENS_SUITE_RESULT {"suite":..,"passed":N,"failed":M,"failures":[..]}`. */
export const RESULT_MARKER = 'K8S_TOKENS_SUITE_RESULT';
/** Printed when the suite starts: the runner streams the page console from here on. */
export const START_MARKER = 'K8S_TOKENS_SUITE_START';

export interface SuiteFailure {
  title: string;
  error: string;
}

export interface SuiteResult {
  suite: string;
  passed: number;
  failed: number;
  /** Tests marked pending (it.skip, or it without a body): the project allows none, so they count as failures too. */
  pending: number;
  failures: SuiteFailure[];
  durationMs: number;
}

/** A failure message, cut so the result line stays a reasonable size for the page console. */
function describeError(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** Every `*.test.js` below `dir`, sorted so runs are reproducible. */
export function findTestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return entries
    .filter((rel) => rel.endsWith('.test.js'))
    .map((rel) => path.join(dir, rel))
    .sort();
}

export interface RunMochaOptions {
  /** Name in the result line: 'host', 'smoke'. */
  suite: string;
  /** Folder of compiled tests (searched recursively for *.test.js). */
  testsDir: string;
  /** Per-test timeout; extension-host tests talk to a real workbench and a test API server. */
  timeoutMs?: number;
  /** Leave out tests whose full title contains this text (e.g. `[testserver-only]` on a real cluster). */
  excludeTag?: string;
  /** Runs before the tests (e.g. starting a real cluster); a failure is reported as a failed run. */
  setup?: () => Promise<void>;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The title filter: MOCHA_GREP, and not `excludeTag` (one RegExp: mocha takes a single grep). */
export function titleFilter(grep: string | undefined, excludeTag: string | undefined): RegExp | undefined {
  if (!excludeTag) return grep ? new RegExp(grep) : undefined;
  return new RegExp(`^(?!.*${escapeRegExp(excludeTag)})${grep ? `(?=.*(?:${grep}))` : ''}`);
}

export async function runMocha(opts: RunMochaOptions): Promise<void> {
  // The extension host forwards console.log with its arguments as separate values, so printf-style
  // reporter output ('%s') would arrive unformatted; format every line before it leaves.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]): void => console.log(format(...args));
  const grep = titleFilter(process.env.MOCHA_GREP, opts.excludeTag);
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: opts.timeoutMs ?? 30_000,
    color: false,
    reporter: 'spec',
    ...(grep ? { grep } : {}),
  });
  const files = findTestFiles(opts.testsDir);
  console.log(`${START_MARKER} ${opts.suite}: ${files.length} test files${grep ? `, grep ${grep.source}` : ''}`);
  for (const f of files) mocha.addFile(f);

  const started = Date.now();
  const result: SuiteResult = { suite: opts.suite, passed: 0, failed: 0, pending: 0, failures: [], durationMs: 0 };
  let stage = 'setting up the suite (starting its cluster)';
  try {
    await opts.setup?.();
    stage = `loading ${files.length} test files from ${opts.testsDir}`;
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => result.passed++);
      runner.on('pending', (test: Mocha.Test) => {
        result.pending++;
        result.failures.push({ title: test.fullTitle(), error: 'pending test: the project allows no skipped tests' });
      });
      // 'fail' also fires for failing hooks (before/after), which then stand for the tests they hid.
      runner.on('fail', (test: Mocha.Runnable, err: unknown) => {
        result.failed++;
        result.failures.push({ title: test.fullTitle(), error: describeError(err) });
      });
    });
  } catch (err) {
    // A setup that fails, or a test file that throws while loading (syntax, missing module), is a failure of the run.
    result.failed++;
    result.failures.push({ title: stage, error: describeError(err) });
  }
  result.failed += result.pending;
  result.durationMs = Date.now() - started;
  console.log(`${RESULT_MARKER} ${JSON.stringify(result)}`);
  if (result.failed > 0) throw new Error(`${result.failed} test(s) failed in the ${opts.suite} suite`);
}
