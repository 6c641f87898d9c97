/**
 * Large fetch responses assembled in reused buffers, on the connection the topic reader fetches through.
 *
 * Why: kafkajs' connection joins a response's socket chunks with Buffer.concat into a new buffer the size
 * of the response. A 16 MiB buffer is fresh memory from the OS each time, and on this project's VMs its
 * page faults made the copy cost ~45 ms (3 ms into memory already touched): 80–150 ms of a 100,000-record
 * start-up went there. Here a response of REUSE_FROM bytes or more is copied, as its chunks arrive, into a
 * buffer leased from the reader's ReceiveBuffers, and the reader hands it back once it has read the
 * records (their keys and values become strings, so nothing points into it afterwards).
 *
 * Everything else (smaller responses, SASL exchanges) is framed as kafkajs frames it. This replaces
 * kafkajs' private `processData` of one Connection (kafkajs 2.2.4, pinned by the lockfile): it reads the
 * same 4-byte size and correlation id, and hands the payload to the same request queue.
 */

/** Responses at least this large (bytes after the size field) go into a leased buffer. */
export const REUSE_FROM = 256 << 10;

/**
 * The buffers one reader's large responses are assembled in. At most two are kept for reuse (one being read
 * while the next response arrives); a leased buffer that is never given back (a failed fetch) is simply
 * collected with the response that held it.
 */
export class ReceiveBuffers {
  private free: Buffer[] = [];
  private readonly leased = new WeakSet<ArrayBufferLike>();
  private static readonly KEEP = 2;

  /** A buffer of exactly `size` bytes: a view into a free one large enough, or into a new one. */
  lease(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= size);
    // Rounded up, so responses of slightly different sizes fit the same buffer later.
    const whole = i >= 0 ? this.free.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(Math.ceil(size / REUSE_FROM) * REUSE_FROM);
    this.leased.add(whole.buffer);
    return whole.subarray(0, size);
  }

  /** Gives back the buffer `view` points into, for the next response (a view of anything else is ignored). */
  release(view: Buffer): void {
    if (!this.leased.delete(view.buffer)) return;
    if (this.free.length >= ReceiveBuffers.KEEP) this.free.shift();
    this.free.push(Buffer.from(view.buffer));
  }

  /** Lets the free buffers go (the reader has caught up: its fetches are small from now on). */
  trim(): void {
    this.free = [];
  }

  /** Bytes kept for reuse (for tests and logs). */
  get keptBytes(): number {
    return this.free.reduce((n, b) => n + b.length, 0);
  }
}

/** The parts of kafkajs' Connection this replaces or calls. */
interface ConnectionInternals {
  socket: unknown;
  authHandlers: unknown;
  authExpectResponse: boolean;
  requestQueue: { fulfillRequest(response: { size: number; correlationId: number; payload: Buffer }): void };
  processData(data: Buffer): void;
}

const installed = new WeakSet<object>();

/** Makes `connection` (a kafkajs Connection) assemble its large responses in `buffers`; once per connection. */
export function receiveInto(connection: unknown, buffers: ReceiveBuffers): void {
  const c = connection as ConnectionInternals;
  if (installed.has(c) || typeof c.processData !== 'function' || typeof c.requestQueue?.fulfillRequest !== 'function') return;
  installed.add(c);
  const kafkajsProcessData = c.processData;
  let socket: unknown;
  let chunks: Buffer[] = [];
  let buffered = 0;
  /** Bytes buffered before the next frame can be cut (4: its size field; then the whole frame). */
  let needed = 4;
  /** The large response being assembled, and how much of it has arrived. */
  let body: Buffer | undefined;
  let filled = 0;

  const deliver = (frame: Buffer) => {
    c.requestQueue.fulfillRequest({ size: frame.length, correlationId: frame.readInt32BE(0), payload: frame.subarray(4) });
  };

  c.processData = function processData(this: ConnectionInternals, data: Buffer): void {
    // SASL exchanges happen before any fetch, on kafkajs' own framing.
    if (this.authHandlers) return kafkajsProcessData.call(this, data);
    if (this.socket !== socket) {
      // A new connection: nothing of the old one's half-received response carries over.
      socket = this.socket;
      chunks = [];
      buffered = 0;
      needed = 4;
      body = undefined;
    }
    let chunk = data;
    while (chunk.length > 0) {
      if (body) {
        const n = Math.min(chunk.length, body.length - filled);
        chunk.copy(body, filled, 0, n);
        filled += n;
        chunk = chunk.subarray(n);
        if (filled === body.length) {
          const frame = body;
          body = undefined;
          deliver(frame);
        }
        continue;
      }
      chunks.push(chunk);
      buffered += chunk.length;
      chunk = EMPTY;
      while (buffered >= needed) {
        const all = chunks.length > 1 ? Buffer.concat(chunks, buffered) : chunks[0]!;
        const size = all.readInt32BE(0);
        if (all.length >= 4 + size) {
          const rest = all.subarray(4 + size);
          chunks = rest.length > 0 ? [rest] : [];
          buffered = rest.length;
          needed = 4;
          deliver(all.subarray(4, 4 + size));
        } else if (size >= REUSE_FROM) {
          // The rest arrives straight into the leased buffer.
          body = buffers.lease(size);
          filled = all.copy(body, 0, 4);
          chunks = [];
          buffered = 0;
          needed = 4;
          break;
        } else {
          chunks = [all];
          needed = 4 + size;
        }
      }
    }
  };
}

const EMPTY = Buffer.alloc(0);
