/**
 * "Use as current context": changes only the `current-context:` line of one kubeconfig file, so
 * comments, ordering and credentials stay byte-for-byte as they were (re-serializing through
 * client-node would drop comments and unknown fields). Pure apart from file reads and the write.
 * A kubeconfig holds credentials: it is read without blocking (a FIFO in the list must not hang the
 * editor) and written as a secret file (src/common/secretFile.ts): atomically, never in place.
 */
import * as fs from 'node:fs/promises';
import { changedError, inspectSecretTarget, readRegularFile, refusalOf, writeSecretFile } from '../common/secretFile';
import { yaml } from '../loader/yaml';
import { nonEmptyString } from '../common/args';

/** The `current-context` of a kubeconfig text, if it sets one. */
export function readCurrentContext(text: string): string | undefined {
  const { isMap, parseDocument } = yaml();
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return undefined;
  const v: unknown = doc.contents.get('current-context');
  return nonEmptyString(v);
}

function yamlScalar(value: string): string {
  return /^\w[\w.@/:-]*$/.test(value) && !value.endsWith(':') ? value : JSON.stringify(value);
}

/** The text with `current-context` set to `name`, changing nothing else. Throws when the text is not a YAML mapping. */
export function withCurrentContext(text: string, name: string): string {
  const { isMap, isScalar, parseDocument } = yaml();
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return `${text}${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}current-context: ${yamlScalar(name)}\n`;
  }
  if (!isMap(doc.contents)) throw new Error('the file is not a YAML mapping');
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'current-context');
  if (!pair) {
    return `${text}${text.endsWith('\n') ? '' : '\n'}current-context: ${yamlScalar(name)}\n`;
  }
  const value = pair.value;
  if (isScalar(value) && value.range) {
    const [start, end] = value.range;
    const before = text.slice(0, start);
    const lead = value.value === null && before.endsWith(':') ? ' ' : '';
    return before + lead + yamlScalar(name) + text.slice(end);
  }
  throw new Error('current-context is not a plain value');
}

/** Larger files are not kubeconfigs anyone edits by hand; a limit keeps a hostile entry from filling memory. */
const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;

/**
 * The file to write, as kubectl decides: the first file that already sets a current-context
 * (it is the one that takes effect), else the file that defines the context.
 */
export async function fileForCurrentContext(files: readonly string[], definingFile: string): Promise<string> {
  for (const f of files) {
    let text: string;
    try {
      text = (await readRegularFile(f, MAX_KUBECONFIG_BYTES)).text;
    } catch {
      continue;
    }
    if (readCurrentContext(text) !== undefined) return f;
  }
  return definingFile;
}

/**
 * Sets the current context in the right file and returns that file. Like kubectl, it writes
 * through a symbolic link (~/.kube/config is often one into a dotfiles folder): the content came from
 * the real file and goes back there, replaced atomically, with the mode it had.
 */
export async function useContext(files: readonly string[], definingFile: string, name: string): Promise<string> {
  const file = await fileForCurrentContext(files, definingFile);
  const target = await inspectSecretTarget(await fs.realpath(file));
  const refusal = refusalOf(target);
  if (refusal) throw refusal;
  const read = await readRegularFile(target.path, MAX_KUBECONFIG_BYTES);
  if (read.identity.dev !== target.identity?.dev || read.identity.ino !== target.identity.ino) throw changedError(target);
  await writeSecretFile(target, withCurrentContext(read.text, name), read.mode);
  return file;
}
