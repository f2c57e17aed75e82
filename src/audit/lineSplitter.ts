/**
 * Lines out of a byte stream, with a bound on the length of one line. An audit log is foreign input:
 * a gigabyte without a newline (or a RequestResponse event with a huge body) must cost at most
 * `maxLineBytes` of memory, so the bytes of an over-long line are dropped as they arrive and the line
 * is only counted. Linear: every byte is looked at once (`indexOf` from where the last search ended),
 * and a line's pieces are joined once, when its newline arrives. Pure: no `vscode`, no I/O.
 */

export interface LineCounts {
  /** Lines handed to the callback. */
  lines: number;
  /** Lines longer than the bound: skipped. */
  tooLong: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  /** The current line already passed the bound: its bytes are dropped until the next newline. */
  private overflow = false;
  readonly counts: LineCounts = { lines: 0, tooLong: 0 };

  constructor(private readonly maxLineBytes: number) {}

  /** Feeds a chunk; calls `onLine` for every line it completes (without its `\n` or `\r\n`). */
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl < 0 ? chunk.length : nl;
      this.keep(chunk.subarray(start, end));
      if (nl < 0) return;
      this.finish(onLine);
      start = nl + 1;
    }
  }

  /** The last line, when the stream does not end with a newline. */
  end(onLine: (line: Buffer) => void): void {
    if (this.length > 0 || this.overflow) this.finish(onLine);
  }

  private keep(piece: Buffer): void {
    if (this.overflow || piece.length === 0) return;
    if (this.length + piece.length > this.maxLineBytes) {
      this.overflow = true;
      this.parts = [];
      this.length = 0;
      return;
    }
    // A view, not a copy: the chunk stays alive only until this line is finished.
    this.parts.push(piece);
    this.length += piece.length;
  }

  private finish(onLine: (line: Buffer) => void): void {
    if (this.overflow) {
      this.counts.tooLong++;
    } else {
      let line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.length);
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      if (line.length > 0) {
        this.counts.lines++;
        onLine(line);
      }
    }
    this.parts = [];
    this.length = 0;
    this.overflow = false;
  }
}
