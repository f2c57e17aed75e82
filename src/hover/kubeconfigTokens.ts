/**
 * Finds the bearer tokens of a kubeconfig file (`users[].user.token`) by reading its lines, so
 * the editor can show when each expires. A line scan rather than a YAML parse: it is linear, needs
 * no extra library in the activation bundle, and keeps exact columns for CodeLens and diagnostics.
 * Pure.
 */
import { findFirstJwt } from '../jwt/find';

export interface KubeconfigToken {
  /** 0-based line and the token's columns on it (end exclusive). */
  line: number;
  start: number;
  end: number;
  token: string;
  /** The `name:` of the user entry, when it comes before the token. */
  user?: string;
}

/** File names kubectl users give kubeconfigs: `config` (as in ~/.kube/config) and `*.kubeconfig`. */
export function isKubeconfigFileName(fsPath: string): boolean {
  const base = fsPath.split(/[\\/]/).pop() ?? '';
  return base === 'config' || base.endsWith('.kubeconfig') || base === 'kubeconfig';
}

const KIND_CONFIG = /^kind:\s*["']?Config["']?\s*(#.*)?$/m;

/** True for a file named like a kubeconfig, or YAML text with a top-level `kind: Config`. */
export function looksLikeKubeconfig(fsPath: string, text: string): boolean {
  return isKubeconfigFileName(fsPath) || KIND_CONFIG.test(text);
}

const TOP_LEVEL_KEY = /^([A-Za-z_][\w-]*)\s*:/;
const USER_NAME = /^\s*-?\s*name:\s*["']?([^"'#]+?)["']?\s*(#.*)?$/;
const TOKEN_LINE = /^(\s*-?\s*token:\s*)(["']?)([^"'\s#]+)\2\s*(#.*)?$/;

/** Every `token:` holding a JWT under the top-level `users:` key, in order. Lines over `maxLineLength` are skipped. */
export function findKubeconfigTokens(text: string, maxLineLength = 20_000): KubeconfigToken[] {
  const found: KubeconfigToken[] = [];
  const lines = text.split(/\r?\n/);
  let inUsers = false;
  let user: string | undefined;
  // Indent of the dashes of `users:` entries; a deeper `- name:` (exec env, args) is not a user's name.
  let itemIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > maxLineLength) continue;
    const top = TOP_LEVEL_KEY.exec(line);
    if (top) {
      inUsers = top[1] === 'users';
      user = undefined;
      itemIndent = undefined;
      continue;
    }
    if (!inUsers) continue;
    const dash = /^(\s*)-\s/.exec(line);
    if (dash) {
      itemIndent ??= dash[1].length;
      if (dash[1].length === itemIndent) user = undefined;
    }
    const name = USER_NAME.exec(line);
    const indent = line.length - line.trimStart().length;
    if (name && itemIndent !== undefined && (dash ? dash[1].length === itemIndent : indent === itemIndent + 2)) user = name[1];
    const m = TOKEN_LINE.exec(line);
    if (!m) continue;
    const valueStart = m[1].length + m[2].length;
    const span = findFirstJwt(m[3]);
    if (!span) continue;
    found.push({ line: i, start: valueStart + span.start, end: valueStart + span.end, token: span.text, user });
  }
  return found;
}
