/**
 * Property tests of the kubeconfig loader (loadKubeconfigs): arbitrary and hostile YAML never
 * throws out of it, never pollutes a prototype, never hides another file's contexts, and its time
 * grows linearly with the input (10x the input: about 10x the time, never about 100x). fast-check
 * prints the seed and the shrunk input of a failure; rerun it with `seed` in fc.assert.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadKubeconfigs } from '../../src/kube/kubeconfig';
import { aliasBomb } from './kubeconfigFixtures';

const GOOD = `clusters: [{name: c, cluster: {server: "https://ok.example"}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: ok, context: {cluster: c, user: u}}]
current-context: ok
`;

const KEYS = [
  'apiVersion', 'kind', 'clusters', 'users', 'contexts', 'current-context', 'preferences', 'name', 'cluster', 'user', 'context', 'namespace',
  'server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'proxy-url', 'extensions', 'extension',
  'token', 'tokenFile', 'client-certificate', 'client-key', 'client-key-data', 'username', 'password', 'as', 'as-groups', 'as-uid', 'as-user-extra',
  'auth-provider', 'config', 'exec', 'command', 'args', 'env', 'value', 'interactiveMode', 'provideClusterInfo', 'installHint',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '<<',
];

/** Kubeconfig-shaped values with every type in every place. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, '', 'yes', '~', '&a', '*a', 'https://x', '__proto__'),
    fc.string({ maxLength: 20 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 5 }),
  ),
})).v;

/** YAML punctuation and anchors spliced into otherwise valid text. */
const SPLICES = ['&a ', '*a', '<<: *a\n', ': ', '- ', '[', ']', '{', '}', '"', "'", '\n  ', '\t', '!!binary ', '!!js/function ', '? ', '---\n', '%YAML 1.1\n', '\u0000', '\ufeff'];

const mutated = fc
  .tuple(value, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SPLICES)), { maxLength: 6 }))
  .map(([v, edits]) => {
    let text = stringify({ clusters: [{ name: 'h', cluster: { server: 'https://h' } }], hostile: v });
    for (const [at, s] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + s + text.slice(i);
    }
    return text;
  });

const bombs = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('x', 'users', 'clusters', 'preferences')).map(([w, d, under]) => aliasBomb(w, d, under));

const hostileText = fc.oneof(fc.string({ unit: 'binary', maxLength: 500 }), mutated, bombs, value.map((v) => stringify(v)));

describe('kubeconfig loader: properties', function () {
  this.timeout(120_000);
  let dir: string;
  let good: string;
  let n = 0;
  const protoKeys = (): string[] => [...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype)].sort();
  const baseline = protoKeys();

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-prop-'));
    good = path.join(dir, 'good');
    fs.writeFileSync(good, GOOD);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (text: string): string => {
    const p = path.join(dir, `hostile-${n++}`);
    fs.writeFileSync(p, text);
    return p;
  };

  it('never throws, never pollutes prototypes, and never hides an earlier file’s context', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const hostile = write(text);
        const loaded = loadKubeconfigs([good, hostile]);
        assert.deepEqual(protoKeys(), baseline);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        const ok = loaded.contexts.find((c) => c.name === 'ok');
        assert.equal(ok?.server, 'https://ok.example');
        assert.equal(loaded.currentContext, 'ok');
        for (const p of loaded.problems) {
          assert.equal(p.file, hostile, 'problems name the hostile file');
          assert.ok(typeof p.message === 'string' && p.message.length > 0 && p.message.length < 1000, p.message);
        }
        fs.rmSync(hostile);
      }),
      { numRuns: 400 },
    );
  });

  it('loads the later files when a hostile one comes first, and every problem names a file', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const hostile = write(text);
        const loaded = loadKubeconfigs([hostile, good]);
        assert.ok(loaded.contexts.some((c) => c.name === 'ok'));
        for (const p of loaded.problems) assert.ok(p.file === hostile || p.file === good);
        for (const c of loaded.contexts) assert.equal(typeof c.name, 'string');
        fs.rmSync(hostile);
      }),
      { numRuns: 200 },
    );
  });

  /**
   * Time per load of the file: batches of loads lasting at least 30 ms each, the fastest batch
   * counting. Batching averages out timer resolution; the minimum drops batches a busy machine
   * preempted.
   */
  const msPerLoad = (file: string, batches = 4): number => {
    let best = Infinity;
    for (let b = 0; b < batches; b++) {
      const t = process.hrtime.bigint();
      let loads = 0;
      let elapsed = 0;
      do {
        loadKubeconfigs([file]);
        loads++;
        elapsed = Number(process.hrtime.bigint() - t) / 1e6;
      } while (elapsed < 30);
      best = Math.min(best, elapsed / loads);
    }
    return best;
  };

  const growth: [string, (k: number) => string][] = [
    ['contexts', (k) => stringify({ clusters: Array.from({ length: k }, (_, i) => ({ name: `c${i}`, cluster: { server: `https://c${i}`, 'certificate-authority-data': 'QUJD'.repeat(50) } })), users: Array.from({ length: k }, (_, i) => ({ name: `u${i}`, user: { token: `t${i}` } })), contexts: Array.from({ length: k }, (_, i) => ({ name: `x${i}`, context: { cluster: `c${i}`, user: `u${i}` } })) })],
    ['aliases', (k) => `a: &a {server: "https://a"}\nclusters:\n${Array.from({ length: k }, (_, i) => `- {name: c${i}, cluster: *a}`).join('\n')}\n`],
    ['one long token line', (k) => `users: [{name: u, user: {token: "${'x'.repeat(k * 100)}"}}]\n`],
    ['runs of spaces', (k) => `users: [{name: u, user: {token: "a${' '.repeat(k * 100)}b"}}]\n${' '.repeat(k * 100)}# end\n`],
    ['nesting', (k) => `preferences: ${'['.repeat(k / 5)}${']'.repeat(k / 5)}\n`],
  ];
  for (const [what, make] of growth) {
    // Linear growth gives about 10, quadratic about 100; 40 leaves room for a busy machine's noise.
    it(`grows linearly: ${what} (10x the input, < 40x the time)`, () => {
      const small = write(make(200));
      const large = write(make(2000));
      msPerLoad(small, 1); // warm the parser's code paths on both shapes first
      msPerLoad(large, 1);
      const ratio = msPerLoad(large) / msPerLoad(small);
      console.log(`      ${what}: time ratio for 10x input = ${ratio.toFixed(1)}`);
      assert.ok(ratio < 40, `time ratio ${ratio.toFixed(1)} for 10x the input`);
    });
  }
});
