import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into newline-terminated lines. Keeps the unterminated
 * tail between chunks, so a JSON object split across chunks (or several in one
 * chunk) comes out whole. Multi-byte UTF-8 characters split across chunks are
 * kept intact by the decoder. Empty lines and a trailing `\r` are dropped.
 */
export class LineSplitter {
  #decoder = new StringDecoder('utf8');
  #tail = '';

  /** Feed one chunk; returns the lines it completed, in order. */
  push(chunk: Buffer | string): string[] {
    const text = this.#tail + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#tail = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)).filter((line) => line.trim() !== '');
  }

  /** Bytes buffered without a newline yet (as characters). */
  get pendingLength(): number {
    return this.#tail.length;
  }
}
