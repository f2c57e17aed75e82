import * as assert from 'node:assert/strict';
import { decodeJwt, type DecodedJwt } from '../../src/jwt/decode';
import type { DoctorReport } from '../../src/doctor/findings';
import { explainJwt, oneLineSummary } from '../../src/jwt/explain';
import { decodedText } from '../../src/hover/decodedText';
import { findKubeconfigTokens, isKubeconfigFileName, looksLikeKubeconfig } from '../../src/hover/kubeconfigTokens';
import fc from 'fast-check';
import { documentBaseName, slug, tokenIdentity } from '../../src/hover/documentNames';
import { commandLink, doctorMarkdown, escapeMarkdown, hoverMarkdown, sortFindings } from '../../src/hover/markdownText';
import { IAT, LEGACY_TOKEN, makeToken, plainTokenPayload, POD_TOKEN } from './jwt-vectors';

const NOW = (IAT + 1800) * 1000;
const LINKS = { decodeCommand: 'k8sTokens.decodeToken', checkCommand: 'k8sTokens.checkToken' };

function decoded(token: string): DecodedJwt {
  const d = decodeJwt(token);
  assert.ok(d.ok);
  return d;
}
const explain = (token: string): ReturnType<typeof explainJwt> => explainJwt(decoded(token), { now: NOW, timeZone: 'UTC', locale: 'en-GB' });

/** Text with every link of the form [label](command:id?args) removed. */
const withoutCommandLinks = (md: string): string => md.replace(/\[[^[\]]*\]\(command:k8sTokens\.(?:decodeToken|checkToken)\?[^)\s]*\)/g, '');

const HOSTILE = '[x](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold** https://evil.example `code`\n# heading';

describe('Token hover Markdown', () => {
  it('escapes every ASCII punctuation character and flattens line breaks', () => {
    const e = escapeMarkdown(HOSTILE);
    assert.ok(!/\n/.test(e));
    // Each punctuation character is preceded by a backslash (an odd run of them).
    for (let i = 0; i < e.length; i++) {
      if (/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/.test(e[i]) && e[i] !== '\\') assert.equal(e[i - 1], '\\', `unescaped ${e[i]} at ${i} in ${e}`);
    }
    assert.equal(escapeMarkdown('plain words 42'), 'plain words 42');
  });

  it('explains a bound token: header, times in UTC and local, lifetime used, Kubernetes claims', () => {
    const md = hoverMarkdown(explain(POD_TOKEN), { ...LINKS, token: POD_TOKEN });
    for (const expected of ['Algorithm:** RS256', 'Key ID:**', 'Issuer:**', 'Subject:**', 'Audiences:**', 'Issued:**', 'Expires:**', 'Warn after:**', 'Bound to Pod:**', 'Credential ID:**']) {
      assert.ok(md.includes(expected), `${expected} in ${md}`);
    }
    assert.ok(md.includes(escapeMarkdown('2025-05-14 10:00:00 UTC')), 'UTC time');
    assert.ok(md.includes(escapeMarkdown('(0 % used)')), 'lifetime used');
    assert.ok(md.includes(escapeMarkdown('system:serviceaccount:demo:ci-deployer')));
  });

  it('links only to our two commands, passing the token as the argument', () => {
    const md = hoverMarkdown(explain(POD_TOKEN), { ...LINKS, token: POD_TOKEN });
    const links = [...md.matchAll(/\]\((command:[^?]+)\?([^)]*)\)/g)];
    assert.deepEqual(links.map((m) => m[1]), ['command:k8sTokens.decodeToken', 'command:k8sTokens.checkToken']);
    for (const m of links) assert.deepEqual(JSON.parse(decodeURIComponent(m[2])), [POD_TOKEN]);
    assert.equal(commandLink('a]b', 'x.y', []), `[a\\]b](command:x.y?${encodeURIComponent('[]')})`);
  });

  it('leaves hostile claim text (links, HTML, headings) inert', () => {
    const token = makeToken({ ...plainTokenPayload, sub: HOSTILE, [HOSTILE]: HOSTILE }, { alg: HOSTILE, kid: '<b>k</b>' });
    const md = withoutCommandLinks(hoverMarkdown(explain(token), { ...LINKS, token }));
    assert.ok(!/(?:^|[^\\])\[x/.test(md), 'no unescaped [');
    assert.ok(!/(?:^|[^\\])</.test(md), 'no unescaped <');
    assert.ok(!/(?:^|[^\\])\(command:/.test(md), 'no link target');
    assert.ok(!/^#/m.test(md), 'no heading');
    assert.ok(md.includes(escapeMarkdown('[x](command:workbench.action.quit)')));
  });

  it('says a legacy token never expires and why that is risky', () => {
    const md = hoverMarkdown(explain(LEGACY_TOKEN));
    assert.ok(md.includes('Legacy Kubernetes ServiceAccount token'));
    assert.ok(md.includes(escapeMarkdown('Legacy token: never expires')));
    assert.ok(md.includes('a leaked copy keeps working for years'));
    assert.ok(!md.includes('command:'), 'no links without a token');
  });
});

describe('Bidi controls in claims', () => {
  // `admin\u202Etxt.exe` reads as `adminexe.txt`: the claim must show the control, not obey it.
  const spoof = 'system:serviceaccount:demo:admin\u202Etxt.exe\u2066x\u2069';
  const token = makeToken({ ...plainTokenPayload, sub: spoof, iss: `https://a\u202Eb`, 'kubernetes.io': { namespace: 'de\u202Dmo', serviceaccount: { name: 'ci\u202B' } }, extra: 'e\u202Ax' });
  const raw = /[\u202a-\u202e\u2066-\u2069]/;

  it('shows them as escapes in the hover, the summary, the Decode document and the doctor report', () => {
    const x = explain(token);
    const md = hoverMarkdown(x, { ...LINKS, token });
    assert.ok(!raw.test(withoutCommandLinks(md)), 'no raw control in the hover');
    assert.ok(md.includes(escapeMarkdown('admin\\u202Etxt.exe\\u2066x\\u2069')), md);
    assert.ok(!raw.test(oneLineSummary(x, NOW)) && oneLineSummary(x, NOW).includes('admin\\u202Etxt.exe'));
    const text = decodedText(decoded(token), x);
    assert.ok(!raw.test(text), 'no raw control in the Decode document');
    const json = text.split('\n').filter((l) => !l.startsWith('//')).join('\n');
    assert.equal((JSON.parse(json) as { payload: { sub: string } }).payload.sub, spoof, 'the JSON escapes still decode to the claim');
    const report: DoctorReport = { context: 'p\u202Eq', server: 's', verdict: 'rejected', findings: [{ code: 'x', severity: 'error', title: `Issuer ${x.claims.issuer ?? ''}`, detail: spoof }] };
    assert.ok(!raw.test(doctorMarkdown(report, x)), 'no raw control in the doctor report');
  });
});

describe('Decoded token document', () => {
  it('survives claims nested 5,000 levels deep (it threw "Maximum call stack size exceeded")', () => {
    for (const depth of [5_000, 20_000]) {
      const payload = `{"sub":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const token = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}.c2ln`;
      const text = decodedText(decoded(token), explain(token));
      assert.ok(text.includes('[ /* nested deeper than 20 levels: not shown */ ]'), text.slice(-500));
      assert.ok(text.length < 5_000, `${text.length} characters`);
    }
  });

  it('holds the explanation as comments and the header and payload as JSON, without the signature', () => {
    const text = decodedText(decoded(POD_TOKEN), explain(POD_TOKEN));
    const json = text.split('\n').filter((l) => !l.startsWith('//')).join('\n');
    const parsed = JSON.parse(json) as { header: { alg: string }; payload: { sub: string } };
    assert.equal(parsed.header.alg, 'RS256');
    assert.equal(parsed.payload.sub, 'system:serviceaccount:demo:ci-deployer');
    assert.ok(text.startsWith('// Kubernetes ServiceAccount token for system:serviceaccount:demo:ci-deployer\n'));
    assert.ok(!text.includes(POD_TOKEN.split('.')[2]), 'no signature');
    assert.ok(!text.includes(POD_TOKEN.split('.')[1]), 'no encoded payload');
  });

  it('keeps a claim with line breaks inside its comment', () => {
    const token = makeToken({ ...plainTokenPayload, sub: 'a\n}\n{"x":1' });
    const text = decodedText(decoded(token), explain(token));
    const json = text.split('\n').filter((l) => !l.startsWith('//')).join('\n');
    assert.equal((JSON.parse(json) as { payload: { sub: string } }).payload.sub, 'a\n}\n{"x":1');
  });
});

describe('Doctor report Markdown', () => {
  const report: DoctorReport = {
    context: 'prod',
    server: 'https://127.0.0.1:6443',
    verdict: 'rejected',
    findings: [
      { code: 'signatureVerified', severity: 'ok', title: 'Signed by this cluster', detail: 'ok' },
      { code: 'rejected.expired', severity: 'error', title: 'Expired', detail: 'line one\nline <two>', fix: 'kubectl create token ci -n demo' },
      { code: 'legacy', severity: 'warning', title: 'Legacy', detail: '[x](command:workbench.action.quit)' },
    ],
  };

  it('orders findings by severity, each with its fix, escaped', () => {
    assert.deepEqual(sortFindings(report.findings).map((f) => f.code), ['rejected.expired', 'legacy', 'signatureVerified']);
    const md = doctorMarkdown(report, explain(POD_TOKEN));
    assert.ok(md.indexOf('Expired') < md.indexOf('Legacy') && md.indexOf('Legacy') < md.indexOf('Signed by this cluster'));
    assert.ok(md.includes(`**Fix:** ${escapeMarkdown('kubectl create token ci -n demo')}`));
    assert.ok(md.includes(`line one  \n${escapeMarkdown('line <two>')}`));
    assert.ok(md.includes(escapeMarkdown('rejects this token')));
    assert.ok(!/(?:^|[^\\])\[x/.test(md));
  });

  it('titles the report with the verdict\'s symbol, the token and the context; each severity has its symbol', () => {
    const md = doctorMarkdown(report, explain(POD_TOKEN));
    assert.equal(md.split('\n')[0], `# ✘ ${escapeMarkdown('Token demo/ci-deployer checked against context "prod"')}`);
    assert.ok(md.includes(`## ✘ ${escapeMarkdown('Error: Expired')}`), md);
    assert.ok(md.includes(`## ⚠ ${escapeMarkdown('Warning: Legacy')}`));
    assert.ok(md.includes(`## ✔ ${escapeMarkdown('OK: Signed by this cluster')}`));
    assert.ok(doctorMarkdown({ ...report, verdict: 'accepted', findings: [] }, explain(POD_TOKEN)).startsWith('# ✔ '));
    assert.ok(doctorMarkdown({ ...report, verdict: 'unknown', findings: [] }, explain(POD_TOKEN)).startsWith('# ⚠ '));
  });

  it('gives each fix once: a later finding with the same fix does not repeat it', () => {
    const fix = 'kubectl create token ci -n demo';
    const md = doctorMarkdown(
      {
        ...report,
        findings: [
          { code: 'rejected.expired', severity: 'error', title: 'Expired', detail: 'a', fix },
          { code: 'serviceAccountTerminating', severity: 'warning', title: 'Terminating', detail: 'b', fix },
          { code: 'x', severity: 'info', title: 'Other', detail: 'c', fix: 'something else' },
        ],
      },
      explain(POD_TOKEN),
    );
    assert.equal(md.split(escapeMarkdown(fix)).length - 1, 1, md);
    assert.ok(md.includes(escapeMarkdown('something else')));
    assert.ok(md.indexOf('Terminating') > 0, 'the finding itself stays');
  });
});

describe('Decoded and report document names', () => {
  it('name the token and the context, not a counter', () => {
    const c = explain(POD_TOKEN).claims;
    assert.equal(documentBaseName('check', c, 'prod'), 'check-demo-ci-deployer-on-prod');
    assert.equal(documentBaseName('decoded', c), 'decoded-demo-ci-deployer');
    assert.equal(documentBaseName('check', explain(LEGACY_TOKEN).claims, 'arn:aws:eks:eu-west-1:1:cluster/Prod'), 'check-openshift-sdn-sdn-on-arn-aws-eks-eu-west-1-1-cluster-prod');
    assert.equal(documentBaseName('decoded', explain(makeToken({ iss: 'https://idp.example', exp: IAT + 7200 })).claims), 'decoded-token');
    assert.equal(documentBaseName('decoded', explain(makeToken({ iss: 'https://idp.example', sub: 'Jane Doe/../x', exp: IAT + 7200 })).claims), 'decoded-jane-doe-x');
    assert.notEqual(tokenIdentity(c), tokenIdentity(explain(LEGACY_TOKEN).claims));
  });

  it('keep only a-z 0-9 . - from any claim or context text, short, never a path (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 80 }), (sub, context) => {
        const name = documentBaseName('check', explain(makeToken({ iss: 'https://idp.example', sub, exp: IAT + 7200 })).claims, context);
        assert.match(name, /^check-[a-z0-9.-]+$/);
        assert.ok(name.length <= 6 + 40 + 4 + 40, name);
        assert.match(slug(sub), /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Kubeconfig tokens', () => {
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c',
    '  cluster:',
    '    server: https://127.0.0.1:6443',
    'users:',
    '- name: ci',
    '  user:',
    `    token: ${POD_TOKEN}`,
    '- name: "legacy"',
    '  user:',
    '    exec:',
    '      env:',
    '      - name: FOO',
    '        value: bar',
    `    token: "${LEGACY_TOKEN}" # old`,
    '- name: basic',
    '  user:',
    '    token: not-a-jwt',
    'contexts:',
    '- name: x',
    `  token: ${POD_TOKEN}`,
  ].join('\n');

  it('finds users[].user.token values with their columns and user names', () => {
    const found = findKubeconfigTokens(kubeconfig);
    assert.deepEqual(found.map((t) => [t.line, t.user, t.token === POD_TOKEN || t.token === LEGACY_TOKEN]), [
      [9, 'ci', true],
      [16, 'legacy', true],
    ]);
    const lines = kubeconfig.split('\n');
    for (const t of found) assert.equal(lines[t.line].slice(t.start, t.end), t.token);
  });

  it('skips lines over the limit', () => {
    assert.deepEqual(findKubeconfigTokens(kubeconfig, 100), []);
  });

  it('recognises kubeconfig files by name or by kind: Config', () => {
    assert.ok(isKubeconfigFileName('/home/me/.kube/config'));
    assert.ok(isKubeconfigFileName('C:\\Users\\me\\prod.kubeconfig'));
    assert.ok(!isKubeconfigFileName('/src/config.ts'));
    assert.ok(looksLikeKubeconfig('/x/admin.yaml', kubeconfig));
    assert.ok(!looksLikeKubeconfig('/x/pod.yaml', 'kind: Pod\nmetadata:\n  name: config\n'));
  });
});
