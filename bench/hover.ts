/**
 * Hover latency: `node out/bench/hover.js <lines>` builds a YAML-like document of that many lines
 * with a ServiceAccount token on every 20th line, then times `computeHover` at token positions
 * spread over the whole file. Prints one JSON object (milliseconds) on stdout.
 */
import { computeHover, type LineSource } from './hoverPath';

const lineCount = Number(process.argv[2] ?? 1000);
const samples = Number(process.env.BENCH_HOVER_SAMPLES ?? 2000);
const warmup = 300;
const TOKEN_EVERY = 20;
const now = Date.now();

const seg = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
function token(i: number): string {
  const iat = Math.floor(now / 1000) - 600;
  const payload = {
    aud: ['https://kubernetes.default.svc.cluster.local'],
    exp: iat + 3600 + i,
    iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    jti: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    'kubernetes.io': { namespace: `ns-${i}`, serviceaccount: { name: `sa-${i}`, uid: `11111111-2222-4333-8444-${String(i).padStart(12, '0')}` } },
    nbf: iat,
    sub: `system:serviceaccount:ns-${i}:sa-${i}`,
  };
  // A 342-character stand-in for an RS256 signature: nothing on the hover path verifies it.
  return `${seg({ alg: 'RS256', kid: 'bench-key' })}.${seg(payload)}.${'s'.repeat(342)}`;
}

// The document text as a user would open it, split once into lines as the editor does on open.
const distinctTokens = Array.from({ length: 64 }, (_, i) => token(i));
const textLines: string[] = [];
for (let i = 0; i < lineCount; i++) {
  if (i % TOKEN_EVERY === 0) textLines.push(`    token: ${distinctTokens[(i / TOKEN_EVERY) % distinctTokens.length]}`);
  else textLines.push(`    key-${i}: value ${i} # filler text that is not a token`);
}
const text = textLines.join('\n');
const lines = text.split('\n');
const doc: LineSource = { lineAt: (line) => lines[line] };

// Positions: token lines spread evenly over the file, cursor inside the payload segment.
const tokenLines = Math.ceil(lineCount / TOKEN_EVERY);
const position = (k: number): { line: number; character: number } => {
  const line = ((k * 7919) % tokenLines) * TOKEN_EVERY;
  return { line, character: 11 + 40 + (k % 50) };
};

let found = 0;
for (let k = 0; k < warmup; k++) {
  const p = position(k);
  computeHover(doc, p.line, p.character, now);
}
const times: number[] = [];
for (let k = 0; k < samples; k++) {
  const p = position(k + warmup);
  const t0 = process.hrtime.bigint();
  const hover = computeHover(doc, p.line, p.character, now);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (hover) found++;
}
times.sort((a, b) => a - b);
const pct = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))];
process.stdout.write(JSON.stringify({ lines: lineCount, chars: text.length, samples, found, p50: pct(0.5), p95: pct(0.95), max: times[times.length - 1] }));
