/**
 * Where the playground writes: on a terminal one live line is redrawn in place under the permanent
 * lines; anywhere else (a pipe, CI, a test) every change becomes its own line, so logs stay readable.
 */

/** A stream the output writes to (process.stdout, or a collector in tests). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Permanent lines plus one live status line. */
export class ProgressOutput {
  readonly #stream: OutputStream;
  readonly #tty: boolean;
  #live = '';
  #lastPlain = '';

  constructor(stream: OutputStream, tty = stream.isTTY === true) {
    this.#stream = stream;
    this.#tty = tty;
  }

  /** Whether the live line is redrawn in place. */
  get tty(): boolean {
    return this.#tty;
  }

  /** A line that stays (above the live line on a terminal). */
  line(text = ''): void {
    if (this.#tty) {
      this.#stream.write(`\r\x1b[2K${text}\n${this.#live}`);
    } else {
      this.#stream.write(`${text}\n`);
    }
  }

  /** The live status: redrawn on a terminal; printed as a new line otherwise, when `key` changed. */
  status(text: string, key = text): void {
    if (this.#tty) {
      // Clipped to the terminal's width so a long line never wraps and breaks the in-place redraw.
      const width = (this.#stream as { columns?: number }).columns ?? 160;
      this.#live = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
      this.#stream.write(`\r\x1b[2K${this.#live}`);
      return;
    }
    if (key === this.#lastPlain) return;
    this.#lastPlain = key;
    this.#stream.write(`  ${text}\n`);
  }

  /** Ends the live line: it stays on screen as a permanent line. */
  settle(): void {
    if (this.#tty && this.#live) this.#stream.write('\n');
    this.#live = '';
    this.#lastPlain = '';
  }
}
