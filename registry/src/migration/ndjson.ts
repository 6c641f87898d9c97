/**
 * NDJSON over streams: a writer that respects backpressure (an export of 100,000 schemas is never one
 * string, nor an unbounded queue in memory) and a line reader that parses as it goes.
 */
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { InvalidExportFile } from './errors.js';

export class LineWriter {
  private failure: Error | undefined;

  constructor(private readonly out: Writable) {
    // Kept, not thrown from the listener: the next write or `close` reports it to the caller.
    out.on('error', (err) => (this.failure ??= err));
  }

  async write(value: object): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.out.write(`${JSON.stringify(value)}\n`)) await once(this.out, 'drain');
  }

  /** Ends the stream (`end: false`, e.g. stdout: only waits for what was written to drain) and reports errors. */
  async close(end = true): Promise<void> {
    if (this.failure) throw this.failure;
    if (end) {
      this.out.end();
      await finished(this.out);
    } else if (this.out.writableNeedDrain) {
      await once(this.out, 'drain');
    }
    if (this.failure) throw this.failure;
  }
}

/** A longer line is refused before it can exhaust memory (V8 strings stop near 512 MiB anyway). */
const MAX_LINE_CHARS = 256 * 1024 * 1024;

function parseLine(raw: string, lineNo: number): unknown {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') throw new InvalidExportFile(`line ${lineNo}: empty line`);
  try {
    return JSON.parse(line);
  } catch (e) {
    throw new InvalidExportFile(`line ${lineNo}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Each line of the stream, JSON-parsed, with its 1-based number; `onBytes` sees every chunk's size (progress).
 * Blank lines are refused; a last line without `\n` counts. Errors of the stream reach the caller.
 */
export async function* readJsonLines(input: Readable, onBytes?: (bytes: number) => void): AsyncGenerator<{ lineNo: number; value: unknown }> {
  const decoder = new StringDecoder('utf8');
  // The line being read, in pieces: searching only each new chunk for `\n` keeps long lines linear.
  let parts: string[] = [];
  let partsLength = 0;
  let lineNo = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    onBytes?.(chunk.length);
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      parts.push(text.slice(start, nl));
      lineNo++;
      yield { lineNo, value: parseLine(parts.join(''), lineNo) };
      parts = [];
      partsLength = 0;
      start = nl + 1;
    }
    if (start < text.length) {
      parts.push(text.slice(start));
      partsLength += text.length - start;
      if (partsLength > MAX_LINE_CHARS) throw new InvalidExportFile(`line ${lineNo + 1}: longer than ${MAX_LINE_CHARS} characters`);
    }
  }
  const rest = parts.join('') + decoder.end();
  if (rest !== '') {
    lineNo++;
    yield { lineNo, value: parseLine(rest, lineNo) };
  }
}
