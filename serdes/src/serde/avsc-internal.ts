/**
 * The parts of avsc the Avro serde uses beyond its public API, typed here once:
 *
 * - `Type#_write(tap, value)` / `Type#_read(tap)` and `Resolver#_read(tap)`, for the types the compiled
 *   encoder/decoder leave to avsc and for reading with a reader schema (avsc's resolver);
 * - `Tap` from `avsc/lib/utils.js`, subclassed as ReadTap and WriteTap (exact longs).
 *
 * avsc's own Tap never fails on out-of-range reads (it returns garbage and leaves `pos` past the end, for
 * the caller to check afterwards). That is fine for valid bytes, but a corrupt array or map count makes
 * avsc loop for as long as the count says. ReadTap checks bounds on every read and skip and throws at once,
 * and reads short ASCII strings in JavaScript (cheaper than a call into `utf8Slice` for a few bytes). Its
 * string and varint reads (`readString`, `readVarint`) are the ones the compiled decoder calls too.
 */
import { createRequire } from 'node:module';
import type avsc from 'avsc';

/** Node's Buffer has `utf8Slice` (what `toString('utf8', …)` calls after its argument checks). */
export type NodeBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  utf8Write(s: string, offset: number, length: number): number;
};

export interface AvscTap {
  buf: NodeBuffer;
  pos: number;
}

export interface AvscTypeInternal extends avsc.Type {
  _write(tap: AvscTap, value: unknown): void;
  _read(tap: AvscTap): unknown;
}

export interface AvscResolverInternal {
  _read(tap: AvscTap): unknown;
}

type TapConstructor = new (buf: Buffer, pos?: number) => AvscTap;

const require = createRequire(import.meta.url);
const { Tap } = require('avsc/lib/utils.js') as { Tap: TapConstructor };

export { Tap };

/** Thrown by ReadTap when a read would go past the end of the buffer. */
export class PastEndError extends Error {
  override name = 'PastEndError';
  constructor(
    readonly pos: number,
    readonly length: number,
  ) {
    super(`read past the end of the ${length}-byte buffer (at offset ${pos})`);
  }
}

/** Longest string read by `String.fromCharCode(b0, b1, …)`; longer ones go through utf8Slice. */
const SHORT_STRING = 32;

/**
 * `fromCharCodes(buf, pos, n)` = `String.fromCharCode(buf[pos], …, buf[pos + n - 1])` for n ≤ SHORT_STRING,
 * with the exact number of arguments (generated once): for short ASCII strings this is about twice as
 * fast as a call into `latin1Slice`/`utf8Slice`, which cross into C++ for every string.
 */
const fromCharCodes = (() => {
  let body = 'switch (n) {\ncase 0: return "";\n';
  for (let n = 1; n <= SHORT_STRING; n++) {
    const args: string[] = [];
    for (let k = 0; k < n; k++) args.push(`b[p + ${k}]`);
    body += `case ${n}: return f(${args.join(', ')});\n`;
  }
  body += 'default: throw new RangeError("string too long for fromCharCodes");\n}';
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('f', `return function fromCharCodes(b, p, n) {\n${body}\n};`)(String.fromCharCode) as (b: NodeBuffer, p: number, n: number) => string;
})();

/** Longest string kept in the intern table, and the table's size (a power of two). */
const INTERN_MAX = 16;
const INTERN_SLOTS = 4096;

/**
 * Recently decoded short ASCII strings, by a hash of their bytes (direct-mapped: a collision replaces).
 * Messages repeat short strings (codes, enum-like values, map keys); returning the string already made
 * saves an allocation and its garbage collection, as V8's JSON.parse does for short keys. A hit is
 * checked byte by byte, so a collision only costs a miss. Strings are immutable: sharing is safe.
 */
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** A string of `n` bytes at `pos`: JavaScript for short ASCII strings, utf8Slice otherwise. */
export function readString(buf: NodeBuffer, pos: number, n: number): string {
  if (n <= SHORT_STRING) {
    let bits = 0;
    let h = n;
    for (let i = pos, end = pos + n; i < end; i++) {
      const b = buf[i]!;
      bits |= b;
      h = (Math.imul(h, 31) + b) | 0;
    }
    if (bits < 0x80) {
      if (n > INTERN_MAX || n === 0) return fromCharCodes(buf, pos, n);
      const slot = (h ^ (h >>> 12)) & (INTERN_SLOTS - 1);
      const known = interned[slot]!;
      if (known.length === n) {
        let k = 0;
        while (k < n && known.charCodeAt(k) === buf[pos + k]) k++;
        if (k === n) return known;
      }
      return (interned[slot] = fromCharCodes(buf, pos, n));
    }
  }
  return buf.utf8Slice(pos, pos + n);
}

/**
 * A zig-zag varint at `st.pos` (leaving `st.pos` after it): bounds-checked, beyond 28 bits in float
 * arithmetic (as avsc does), at most 64 bits. The compiled decoder reads one-byte varints inline and calls
 * this for longer ones; ReadTap reads every long with it.
 */
export function readVarint(buf: NodeBuffer, st: { pos: number }): number {
  const len = buf.length;
  let pos = st.pos;
  let b: number;
  let n: number;
  if (pos + 4 <= len) {
    // Unrolled, without per-byte bounds checks, for up to 4 bytes (28 bits).
    b = buf[pos++]!;
    n = b & 0x7f;
    if (b < 0x80) {
      st.pos = pos;
      return (n >> 1) ^ -(n & 1);
    }
    b = buf[pos++]!;
    n |= (b & 0x7f) << 7;
    if (b < 0x80) {
      st.pos = pos;
      return (n >> 1) ^ -(n & 1);
    }
    b = buf[pos++]!;
    n |= (b & 0x7f) << 14;
    if (b < 0x80) {
      st.pos = pos;
      return (n >> 1) ^ -(n & 1);
    }
    b = buf[pos++]!;
    n |= (b & 0x7f) << 21;
    if (b < 0x80) {
      st.pos = pos;
      return (n >> 1) ^ -(n & 1);
    }
  } else {
    n = 0;
    let k = 0;
    do {
      if (pos >= len) throw new PastEndError(pos, len);
      b = buf[pos++]!;
      n |= (b & 0x7f) << k;
      k += 7;
    } while (b & 0x80 && k < 28);
    if (!(b & 0x80)) {
      st.pos = pos;
      return (n >> 1) ^ -(n & 1);
    }
  }
  // Beyond 28 bits: float arithmetic (longs are JS numbers). The zig-zag value 2m + sign is never formed:
  // past 2^53 a double cannot hold it exactly, and rounding would lose the sign bit (avsc's own readLong
  // turns -2^52 - 1 into a positive number). The sign is bit 0 of the first byte; m is accumulated halved.
  const sign = n & 1;
  let m = n >>> 1;
  let fk = 134217728; // 2^27: the next byte's weight in m
  do {
    if (pos >= len) throw new PastEndError(pos, len);
    if (fk > 2 ** 62) throw new Error('varint longer than 64 bits');
    b = buf[pos++]!;
    m += (b & 0x7f) * fk;
    fk *= 128;
  } while (b & 0x80);
  st.pos = pos;
  return sign ? -m - 1 : m;
}

/**
 * Writes a zig-zag varint of any safe integer at `pos` (the caller reserved 10 bytes). Splits it into sign
 * and magnitude m (n, or -n - 1 when negative) and writes 2m + sign without forming it: beyond 2^53 a
 * double cannot hold it, and avsc's writeLong (which does form it) writes longs below -2^52 with the wrong
 * sign. Out-of-range positions are ignored by the buffer, as avsc's Tap relies on.
 */
export function writeLongSlow(buf: NodeBuffer, pos: number, n: number): number {
  const sign = n < 0 ? 1 : 0;
  let m = sign ? -n - 1 : n;
  let low = (m % 64) * 2 + sign;
  m = Math.floor(m / 64);
  while (m >= 1) {
    buf[pos++] = low | 0x80;
    low = m % 128;
    m = Math.floor(m / 128);
  }
  buf[pos++] = low;
  return pos;
}

interface ReadTapMethods {
  readLong(): number;
  readInt(): number;
  readBoolean(): boolean;
  readFloat(): number;
  readDouble(): number;
  readFixed(len: number): Buffer;
  readBytes(): Buffer;
  readString(): string;
}

export type ReadTap = AvscTap & ReadTapMethods;

/**
 * A Tap whose reads throw PastEndError instead of running past the end; its own methods replace avsc's
 * on a subclass prototype, so avsc's compiled readers call them unchanged.
 */
export const ReadTap: new (buf: Buffer, pos?: number) => ReadTap = (() => {
  class Checked extends (Tap as unknown as TapConstructor) {}
  const p = Checked.prototype as unknown as Record<string, unknown> & ReadTapMethods;

  function readLong(this: AvscTap): number {
    return readVarint(this.buf, this);
  }

  function skipLong(this: AvscTap): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let b: number;
    do {
      if (pos >= len) throw new PastEndError(pos, len);
      b = buf[pos++]!;
    } while (b & 0x80);
    this.pos = pos;
  }

  function advance(tap: AvscTap, n: number): number {
    const pos = tap.pos;
    const end = pos + n;
    if (n < 0 || end > tap.buf.length) throw new PastEndError(n < 0 ? pos : end, tap.buf.length);
    tap.pos = end;
    return pos;
  }

  p.readLong = readLong;
  p.readInt = readLong;
  p.skipLong = skipLong;
  p.skipInt = skipLong;

  p.readBoolean = function (this: AvscTap): boolean {
    return !!this.buf[advance(this, 1)];
  };
  p.skipBoolean = function (this: AvscTap): void {
    advance(this, 1);
  };
  p.readFloat = function (this: AvscTap): number {
    return this.buf.readFloatLE(advance(this, 4));
  };
  p.skipFloat = function (this: AvscTap): void {
    advance(this, 4);
  };
  p.readDouble = function (this: AvscTap): number {
    return this.buf.readDoubleLE(advance(this, 8));
  };
  p.skipDouble = function (this: AvscTap): void {
    advance(this, 8);
  };
  p.readFixed = function (this: AvscTap, n: number): Buffer {
    const pos = advance(this, n);
    // A copy: the value must not keep the whole input buffer alive, nor change when it is reused.
    return Buffer.from(this.buf.subarray(pos, pos + n));
  };
  p.skipFixed = function (this: AvscTap, n: number): void {
    advance(this, n);
  };
  p.readBytes = function (this: ReadTap): Buffer {
    return this.readFixed(this.readLong());
  };
  p.skipBytes = function (this: ReadTap): void {
    advance(this, this.readLong());
  };
  p.readString = function (this: ReadTap): string {
    const n = this.readLong();
    const pos = advance(this, n);
    return readString(this.buf, pos, n);
  };
  p.skipString = function (this: ReadTap): void {
    advance(this, this.readLong());
  };
  return Checked as unknown as new (buf: Buffer, pos?: number) => ReadTap;
})();


/**
 * avsc's Tap with a `writeLong` that writes every safe integer exactly (writeLongSlow), for the types the
 * compiled encoder leaves to avsc's `_write` (logical types, unions of records with dynamic branches).
 */
export const WriteTap: new (buf: Buffer, pos?: number) => AvscTap = (() => {
  class Exact extends (Tap as unknown as TapConstructor) {}
  const p = Exact.prototype as unknown as Record<string, unknown>;
  const writeLong = function (this: AvscTap, n: number): void {
    if (n >= -1073741824 && n < 1073741824) {
      let m = n >= 0 ? n << 1 : (~n << 1) | 1;
      while (m > 0x7f) {
        this.buf[this.pos++] = (m & 0x7f) | 0x80;
        m >>>= 7;
      }
      this.buf[this.pos++] = m;
    } else {
      this.pos = writeLongSlow(this.buf, this.pos, n);
    }
  };
  p.writeLong = writeLong;
  p.writeInt = writeLong;
  return Exact;
})();
