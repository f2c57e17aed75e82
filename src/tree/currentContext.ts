/**
 * "Use as current context": changes only the `current-context:` line of one kubeconfig file, so
 * comments, ordering and credentials stay byte-for-byte as they were (re-serializing through
 * client-node would drop comments and unknown fields). Pure apart from file reads and the write.
 */
import * as fs from 'node:fs';
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

/**
 * The file to write, as kubectl decides: the first file that already sets a current-context
 * (it is the one that takes effect), else the file that defines the context.
 */
export function fileForCurrentContext(files: readonly string[], definingFile: string): string {
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (readCurrentContext(text) !== undefined) return f;
  }
  return definingFile;
}

/** Sets the current context in the right file and returns that file. */
export function useContext(files: readonly string[], definingFile: string, name: string): string {
  const file = fileForCurrentContext(files, definingFile);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, withCurrentContext(text, name));
  return file;
}
