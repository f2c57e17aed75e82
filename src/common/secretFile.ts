/**
 * Files that hold a credential (an exported kubeconfig, a kubeconfig whose current-context changes),
 * written so that the secret lands only where the user named, readable only by them:
 * - the content goes to a fresh temporary file beside the target, created 0600 with
 *   O_CREAT|O_EXCL|O_NOFOLLOW (nobody can have opened, pre-created or linked it), written and fsync'ed,
 *   then moved over the target with rename(2), which replaces a link instead of following it and
 *   leaves other hard links of an old file with their old content. Never written in place: an
 *   existing file's mode, owner or other open descriptors would still see the secret.
 * - the target is looked at with lstat, never opened: a FIFO, socket, device or directory there is
 *   refused (opening a FIFO blocks until a reader comes, forever in an editor).
 * - what was confirmed is what is replaced: if the target changed between the check and the write
 *   (another file, a link appeared), the write is refused.
 * Reading goes through readRegularFile, which cannot block on a FIFO either.
 * Plain Node (no vscode): unit-tested in test/unit/secretFile.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';

export type TargetKind = 'absent' | 'file' | 'symlink' | 'fifo' | 'socket' | 'device' | 'directory';

interface Identity {
  dev: number;
  ino: number;
}

export interface SecretTarget {
  /** The absolute path that is written (the link itself when it is a symbolic link). */
  readonly path: string;
  readonly kind: TargetKind;
  /** For a symbolic link: the absolute path it leads to (its real path, or where it points when dangling). */
  readonly linkTarget?: string;
  readonly dangling?: boolean;
  /** The owner of an existing file or link when that is not the current user. */
  readonly foreignOwner?: number;
  /** What is there now, so a swap between the confirmation and the write is noticed. */
  readonly identity?: Identity;
  /**
   * The folder is writable by every user. 'sticky' (like /tmp): others cannot remove or rename our
   * file. 'open': anyone can replace the file after we wrote it, e.g. with a kubeconfig whose exec
   * plugin runs their code the next time the user runs kubectl with it.
   */
  readonly sharedFolder?: 'sticky' | 'open';
}

export type RefusalReason = 'notRegular' | 'openFolder' | 'changed' | 'tooLarge';

export class SecretFileError extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'SecretFileError';
  }
}

const S_ISVTX = 0o1000;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0; // undefined on Windows, where links are not followed this way
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

function kindOf(s: Stats): TargetKind {
  if (s.isFile()) return 'file';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isDirectory()) return 'directory';
  return 'device';
}

const isMissing = (e: unknown): boolean => (e as { code?: unknown } | undefined)?.code === 'ENOENT';

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(file);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/** What is at `file` now, without opening it (lstat, realpath, readlink only). */
export async function inspectSecretTarget(file: string): Promise<SecretTarget> {
  const abs = path.resolve(file);
  const folder = await fsp.stat(path.dirname(abs));
  const shared: SecretTarget['sharedFolder'] = (folder.mode & 0o002) !== 0 ? ((folder.mode & S_ISVTX) !== 0 ? 'sticky' : 'open') : undefined;
  const base = { path: abs, ...(shared ? { sharedFolder: shared } : {}) };
  const s = await lstatOrUndefined(abs);
  if (!s) return { ...base, kind: 'absent' };
  const uid = process.getuid?.();
  const owner = uid !== undefined && s.uid !== uid ? { foreignOwner: s.uid } : {};
  const found: SecretTarget = { ...base, ...owner, kind: kindOf(s), identity: { dev: s.dev, ino: s.ino } };
  if (found.kind !== 'symlink') return found;
  try {
    return { ...found, linkTarget: await fsp.realpath(abs), dangling: false };
  } catch {
    return { ...found, linkTarget: path.resolve(path.dirname(abs), await fsp.readlink(abs)), dangling: true };
  }
}

/** Why this target may not be written at all, in words; undefined when it may (perhaps after a confirmation). */
export function refusalOf(t: SecretTarget): SecretFileError | undefined {
  switch (t.kind) {
    case 'fifo':
      return new SecretFileError('notRegular', l10n.t('{0} is a named pipe (FIFO), not a file: nothing was written. Choose a file name.', t.path));
    case 'socket':
      return new SecretFileError('notRegular', l10n.t('{0} is a socket, not a file: nothing was written. Choose a file name.', t.path));
    case 'device':
      return new SecretFileError('notRegular', l10n.t('{0} is a device, not a file: nothing was written. Choose a file name.', t.path));
    case 'directory':
      return new SecretFileError('notRegular', l10n.t('{0} is a folder: nothing was written. Choose a file name inside it.', t.path));
    default:
      break;
  }
  if (t.sharedFolder === 'open') {
    return new SecretFileError(
      'openFolder',
      l10n.t('{0} is writable by every user and has no sticky bit: anyone could replace the file after it is written. Nothing was written; choose a private folder.', path.dirname(t.path)),
    );
  }
  return undefined;
}

/** The target is no longer what was inspected. */
export const changedError = (t: SecretTarget): SecretFileError =>
  new SecretFileError('changed', l10n.t('{0} changed between the check and the write: nothing was written. Try again.', t.path));

async function sameAsInspected(t: SecretTarget): Promise<boolean> {
  const now = await lstatOrUndefined(t.path);
  if (t.kind === 'absent') return now === undefined;
  return now !== undefined && t.identity !== undefined && now.dev === t.identity.dev && now.ino === t.identity.ino;
}

/**
 * Moves the finished temporary file to the target, replacing only what was inspected. Between the
 * identity check and rename(2) a writer of the folder could still swap the entry; rename then
 * replaces that entry (it never follows a link or opens a FIFO), so the secret still lands only at
 * the named path, in our new file.
 */
async function place(tmp: string, t: SecretTarget): Promise<void> {
  if (t.kind === 'absent') {
    // link(2) never replaces: if something appeared at the target meanwhile, it fails with EEXIST.
    try {
      await fsp.link(tmp, t.path);
      await fsp.unlink(tmp);
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code === 'EEXIST') throw changedError(t);
      // A file system without hard links (FAT, some network shares): check, then rename.
    }
  }
  if (!(await sameAsInspected(t))) throw changedError(t);
  await fsp.rename(tmp, t.path);
}

async function syncFolder(dir: string): Promise<void> {
  // The rename is durable only once the folder is synced; not every platform can open a folder.
  try {
    const h = await fsp.open(dir, constants.O_RDONLY);
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // best effort
  }
}

/**
 * Writes `content` to the inspected target: a new file owned by the current user, `mode` (0600
 * unless asked otherwise), replacing what was there atomically. Throws SecretFileError when the
 * target is refused or changed since it was inspected; the target is then untouched.
 */
export async function writeSecretFile(t: SecretTarget, content: string | Uint8Array, mode = 0o600): Promise<void> {
  const refusal = refusalOf(t);
  if (refusal) throw refusal;
  const dir = path.dirname(t.path);
  // A dot name beside the target (same file system, so rename is atomic), unpredictable, within NAME_MAX.
  const tmp = path.join(dir, `.${path.basename(t.path).slice(0, 200)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600);
  let placed = false;
  try {
    try {
      await handle.chmod(mode); // the umask may have narrowed it; mode is what the caller asked for
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await place(tmp, t);
    placed = true;
  } finally {
    if (!placed) await fsp.rm(tmp, { force: true });
  }
  await syncFolder(dir);
}

export interface RegularFileText {
  text: string;
  /** The mode bits of the file read (to keep them when it is written back). */
  mode: number;
  identity: Identity;
}

/**
 * Reads a regular file (following links), never blocking: opened with O_NONBLOCK, so a FIFO does
 * not wait for a writer, and refused unless it is a regular file of at most `maxBytes`.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<RegularFileText> {
  const handle = await fsp.open(file, constants.O_RDONLY | O_NONBLOCK);
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new SecretFileError('notRegular', l10n.t('{0} is not a regular file ({1}): it was not read.', file, kindOf(s)));
    if (s.size > maxBytes) throw new SecretFileError('tooLarge', l10n.t('{0} is larger than {1} bytes: it was not read.', file, maxBytes));
    const buf = Buffer.alloc(s.size);
    let read = 0;
    while (read < s.size) {
      const { bytesRead } = await handle.read(buf, read, s.size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { text: buf.subarray(0, read).toString('utf8'), mode: s.mode & 0o777, identity: { dev: s.dev, ino: s.ino } };
  } finally {
    await handle.close();
  }
}
