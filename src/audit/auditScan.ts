/**
 * Reading audit logs as streams: one file or every log file of a folder, plain or gzip (recognised
 * by its magic bytes, whatever the name), never loaded whole, with progress (bytes read of the total)
 * and cancellation through an AbortSignal. Lines go through LineSplitter (bounded length) and only
 * those that can record a token use are parsed. Pure Node: no `vscode`.
 */
import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { DEFAULT_LIMITS, TokenUseAggregator, type AggregateLimits, type AggregateResult } from './aggregate';
import { mayRecordTokenUse, tokenUsesOf } from './auditEvents';
import { LineSplitter } from './lineSplitter';

export interface AuditFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface FileResult {
  path: string;
  /** Bytes of the file (compressed bytes for gzip). */
  bytes: number;
  gzip: boolean;
  lines: number;
  /** Why the file was not read, or stopped being read (the lines before it count). */
  error?: string;
}

export interface AuditScanResult extends AggregateResult {
  files: FileResult[];
  /** Lines read, over all files. */
  lines: number;
  /** Lines that are not a JSON object (skipped). */
  malformed: number;
  /** Lines longer than the bound (skipped unread). */
  tooLong: number;
  /** Audit events recording a stale or legacy token (before counting each request once). */
  tokenEvents: number;
}

export interface ScanProgress {
  bytesRead: number;
  totalBytes: number;
  file: string;
  fileIndex: number;
  fileCount: number;
}

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Longest line read; longer ones are counted and skipped. Default 8 MiB (a RequestResponse event with a large body). */
  maxLineBytes?: number;
  limits?: AggregateLimits;
}

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;

/** Thrown when the signal aborts a scan. */
export class ScanCancelled extends Error {
  constructor() {
    super('The audit log scan was cancelled.');
    this.name = 'ScanCancelled';
  }
}

/**
 * Names of audit log files in a folder: `*.log`, `*.jsonl`, `*.gz`, and rotated names such as
 * `audit.log.1` (logrotate) or `audit-2026-01-02T15-04-05.000.log(.gz)` (kube-apiserver's own
 * rotation, `--audit-log-maxbackup`/`--audit-log-compress`). Hidden files are not logs.
 */
export function isAuditLogName(name: string): boolean {
  if (name.startsWith('.')) return false;
  if (name.endsWith('.gz') || name.endsWith('.log') || name.endsWith('.jsonl')) return true;
  return /\.log\.\d{1,6}$/.test(name);
}

/** The files to read for `target`: itself when it is a file, else its log files, oldest first. */
export async function auditLogFiles(target: string): Promise<AuditFile[]> {
  const s = await fsp.stat(target);
  if (!s.isDirectory()) return [{ path: target, size: s.size, mtimeMs: s.mtimeMs }];
  const out: AuditFile[] = [];
  for (const entry of await fsp.readdir(target, { withFileTypes: true })) {
    // Regular files only: not a FIFO that would block, not a link that leads out of the folder.
    if (!entry.isFile() || !isAuditLogName(entry.name)) continue;
    const file = path.join(target, entry.name);
    const fs = await fsp.stat(file).catch(() => undefined);
    if (fs) out.push({ path: file, size: fs.size, mtimeMs: fs.mtimeMs });
  }
  // Rotation order: a request whose stages straddle two files is then seen in order.
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || b.path.localeCompare(a.path));
}

const GZIP_MAGIC = [0x1f, 0x8b];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A line that is not a JSON object at all; cheap enough for every line that is not parsed. */
function looksLikeObject(line: Buffer): boolean {
  let start = 0;
  let end = line.length - 1;
  while (start <= end && (line[start] === 0x20 || line[start] === 0x09)) start++;
  while (end >= start && (line[end] === 0x20 || line[end] === 0x09)) end--;
  return start < end && line[start] === 0x7b && line[end] === 0x7d;
}

export class AuditScanner {
  private readonly aggregator: TokenUseAggregator;
  private lines = 0;
  private malformed = 0;
  private tooLong = 0;
  private tokenEvents = 0;

  constructor(private readonly options: ScanOptions = {}) {
    this.aggregator = new TokenUseAggregator(options.limits ?? DEFAULT_LIMITS);
  }

  /** One line of a log. */
  line(raw: Buffer): void {
    const line = raw.subarray(0, 3).equals(BOM) ? raw.subarray(3) : raw;
    if (!mayRecordTokenUse(line)) {
      if (!looksLikeObject(line)) this.malformed++;
      return;
    }
    const uses = tokenUsesOf(line.toString('utf8'));
    if (!uses) {
      this.malformed++;
      return;
    }
    for (const u of uses) {
      this.tokenEvents++;
      this.aggregator.add(u);
    }
  }

  /** Reads every file in order; a file that cannot be read is noted and the others are still read. */
  async scan(files: readonly AuditFile[]): Promise<AuditScanResult> {
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    const results: FileResult[] = [];
    let done = 0;
    for (const [fileIndex, f] of files.entries()) {
      const report = (bytes: number): void => this.options.onProgress?.({ bytesRead: done + Math.min(bytes, f.size), totalBytes, file: f.path, fileIndex, fileCount: files.length });
      results.push(await this.scanFile(f, report));
      report(f.size);
      done += f.size;
    }
    return { ...this.aggregator.finish(), files: results, lines: this.lines, malformed: this.malformed, tooLong: this.tooLong, tokenEvents: this.tokenEvents };
  }

  private async scanFile(f: AuditFile, progress: (bytes: number) => void): Promise<FileResult> {
    const signal = this.options.signal;
    if (signal?.aborted) throw new ScanCancelled();
    const result: FileResult = { path: f.path, bytes: f.size, gzip: false, lines: 0 };
    let handle: fsp.FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO that nobody writes must not hang the scan.
      handle = await fsp.open(f.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      return { ...result, error: (e as Error).message };
    }
    const splitter = new LineSplitter(this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    let raw: (Readable & { bytesRead: number }) | undefined;
    let out: Readable | undefined;
    try {
      const st = await handle.stat();
      if (!st.isFile()) return { ...result, error: 'not a regular file' };
      const head = Buffer.alloc(2);
      const { bytesRead } = await handle.read(head, 0, 2, 0);
      result.gzip = bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
      raw = handle.createReadStream({ start: 0, highWaterMark: READ_CHUNK, autoClose: false }) as unknown as Readable & { bytesRead: number };
      out = result.gzip ? raw.pipe(zlib.createGunzip()) : raw;
      if (result.gzip) raw.on('error', (e) => out?.destroy(e));
      const onLine = (line: Buffer): void => this.line(line);
      for await (const chunk of out) {
        if (signal?.aborted) throw new ScanCancelled();
        splitter.push(chunk as Buffer, onLine);
        progress(raw.bytesRead);
      }
      splitter.end(onLine);
    } catch (e) {
      if (e instanceof ScanCancelled) throw e;
      // A truncated gzip member or a read error: what was read so far counts.
      splitter.end((line) => this.line(line));
      result.error = (e as Error).message;
    } finally {
      out?.destroy();
      raw?.destroy();
      await handle.close().catch(() => undefined);
      result.lines = splitter.counts.lines;
      this.lines += splitter.counts.lines;
      this.tooLong += splitter.counts.tooLong;
    }
    return result;
  }
}

/** Scans `target` (a file or a folder of logs). */
export async function scanAuditLogs(target: string, options: ScanOptions = {}): Promise<AuditScanResult> {
  const files = await auditLogFiles(target);
  return new AuditScanner(options).scan(files);
}
