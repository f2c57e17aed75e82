// Packaging helpers: build the .vsix with vsce and check what it holds.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';

export const vsixPath = path.join(repoRoot, 'dist', 'k8s-sa-tokens.vsix');

/**
 * `vsce package --no-dependencies` into dist/k8s-sa-tokens.vsix. vsce runs `vscode:prepublish`
 * (the production build). stdin is closed so a vsce prompt fails instead of waiting forever.
 */
export function packageVsix() {
  const started = Date.now();
  fs.rmSync(vsixPath, { force: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const res = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsixPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (res.status !== 0 || !fs.existsSync(vsixPath)) throw new Error(`vsce package failed (${res.status ?? res.signal})`);
  console.log(`vsce package: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return vsixPath;
}

/** The entry names of a zip file, read from its central directory (no unzip tool needed). */
export function listZip(file) {
  const buf = fs.readFileSync(file);
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.subarray(at + 46, at + 46 + nameLen).toString('utf8'));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

// What the package may hold: the two bundles, the webview bundle, static assets, manifest and docs.
const allowed = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/LICENSE(\.txt)?$/,
  /^extension\/dist\/(extension|kube|kube-proxy|kube-oidc|yaml)\.js$/,
  /^extension\/dist\/webview\/[^/]+(\/[^/]+)*$/,
  /^extension\/(media|l10n|snippets)\/.+$/,
];
const required = ['extension/package.json', 'extension/package.nls.json', 'extension/dist/extension.js', 'extension/dist/kube.js', 'extension/dist/kube-proxy.js', 'extension/dist/kube-oidc.js', 'extension/dist/yaml.js'];

/** Problems with the entry list: anything not allowed (sources, maps, node_modules, tests), anything missing. */
export function checkVsixEntries(names) {
  const problems = [];
  for (const n of names) {
    if (n.endsWith('.map')) problems.push(`source map in package: ${n}`);
    else if (!allowed.some((re) => re.test(n))) problems.push(`unexpected file in package: ${n}`);
  }
  for (const r of required) if (!names.includes(r)) problems.push(`missing from package: ${r}`);
  return problems;
}
