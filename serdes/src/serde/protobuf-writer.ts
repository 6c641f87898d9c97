/**
 * A Writer with protobufjs' API that writes straight into one reused buffer, for protobufjs' generated
 * encoders (`type.encode(value, writer)`), which stay the single source of encoding rules.
 *
 * Why: protobufjs' Writer records every write as a linked-list operation and replays the list into a new
 * buffer in `finish()`; that bookkeeping costs more than the encoding itself. Here every write goes to its
 * final place at once. A nested message (`fork()` … `ldelim()`) reserves one byte for its length and
 * shifts its body when the length needs more (rare: bodies of 128 bytes or more), as mapbox/pbf does.
 * `finish()` copies the bytes out, so callers own what they get and the buffer is reused.
 */
import protobuf from 'protobufjs';

const { LongBits, base64 } = protobuf.util;

/** What protobufjs accepts for 64-bit fields: a Long, a number, or a decimal string. */
type Int64 = Parameters<typeof LongBits.from>[0];

/** Buffers that grew past this are dropped after use, so one huge message does not pin memory. */
const KEEP_BYTES = 1 << 20;
const INITIAL_BYTES = 1024;

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

export class DirectWriter {
  private buf: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  /** Bytes written so far. */
  pos = 0;
  /** Where each open `fork()` reserved its length byte. */
  private readonly forks: number[] = [];

  /** Starts a new message: forgets whatever an earlier, possibly failed, encoding left. */
  begin(): this {
    this.pos = 0;
    if (this.forks.length > 0) this.forks.length = 0;
    return this;
  }

  /** The bytes written, as a new Buffer; the writer is then empty. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    this.begin();
    if (this.buf.length > KEEP_BYTES) this.buf = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    return out;
  }

  private ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Writes the 5-byte wire-format header (magic byte 0, big-endian schema id). */
  header(schemaId: number): this {
    this.ensure(5);
    this.buf[this.pos] = 0;
    this.buf.writeUInt32BE(schemaId >>> 0, this.pos + 1);
    this.pos += 5;
    return this;
  }

  uint32(value: number): this {
    let v = value >>> 0;
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
    return this;
  }

  int32(value: number): this {
    const v = value | 0;
    // Negative int32 values are sign-extended to 64 bits: ten bytes, as the spec says.
    return v < 0 ? this.varint64(v >>> 0, 0xffffffff) : this.uint32(v);
  }

  sint32(value: number): this {
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  private varint64(lo: number, hi: number): this {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi) {
      buf[pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
    return this;
  }

  uint64(value: Int64): this {
    const bits = LongBits.from(value);
    return this.varint64(bits.lo >>> 0, bits.hi >>> 0);
  }

  int64(value: Int64): this {
    return this.uint64(value);
  }

  sint64(value: Int64): this {
    const bits = LongBits.from(value).zzEncode();
    return this.varint64(bits.lo >>> 0, bits.hi >>> 0);
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  fixed32(value: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  sfixed32(value: number): this {
    return this.fixed32(value);
  }

  fixed64(value: Int64): this {
    const bits = LongBits.from(value);
    return this.fixed32(bits.lo).fixed32(bits.hi);
  }

  sfixed64(value: Int64): this {
    return this.fixed64(value);
  }

  float(value: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /** Bytes, or a base64 string of them (as protobufjs accepts). */
  bytes(value: Uint8Array | string): this {
    let data: Uint8Array;
    if (typeof value === 'string') {
      data = new Uint8Array(base64.length(value));
      base64.decode(value, data, 0);
    } else {
      data = value;
    }
    const len = data.length;
    this.uint32(len);
    this.ensure(len);
    this.buf.set(data, this.pos);
    this.pos += len;
    return this;
  }

  string(value: string): this {
    const n = value.length;
    if (n < 128) {
      // Short ASCII (the common case) in one pass: its byte length is its length (one varint byte), and
      // a loop beats a call into C++. The first non-ASCII char sends the string to the general path.
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return this;
      }
    }
    const len = Buffer.byteLength(value, 'utf8');
    this.uint32(len);
    this.ensure(len);
    this.pos += this.buf.write(value, this.pos, len, 'utf8');
    return this;
  }

  /** Opens a length-delimited part (a nested message, a packed array, a map entry). */
  fork(): this {
    this.ensure(1);
    this.forks.push(this.pos);
    this.pos += 1;
    return this;
  }

  /** Closes the part `fork()` opened and writes its length before it. */
  ldelim(): this {
    const start = this.forks.pop();
    if (start === undefined) throw new Error('ldelim() without fork()');
    const len = this.pos - start - 1;
    const size = varintSize(len);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    let v = len;
    let at = start;
    while (v > 127) {
      this.buf[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[at] = v;
    return this;
  }

  /** Drops the part opened by the last `fork()`, or everything (protobufjs' `reset`). */
  reset(): this {
    const start = this.forks.pop();
    if (start === undefined) this.pos = 0;
    else this.pos = start;
    return this;
  }

  /** This writer as the type protobufjs' encoders declare (they call only the methods above). */
  asProtobufWriter(): protobuf.Writer {
    return this as unknown as protobuf.Writer;
  }
}
