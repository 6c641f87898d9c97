/**
 * A compiled Avro encoder: for an avsc Type, one generated function that validates and writes a value
 * into a growable buffer with a local position. It accepts exactly the values avsc's `_write` accepts
 * (same checks: `int` must be a 32-bit integer, `long` a safe integer, unions pick their branch by the
 * value's kind, record fields left undefined take their default) and writes the same bytes, with one
 * deliberate difference: a lone UTF-16 surrogate in a string is written as U+FFFD (valid UTF-8, like
 * `Buffer.from`) where avsc's short-string path writes the raw surrogate.
 *
 * Types it does not know (logical types, wrapped unions, custom long types…) are written by avsc itself.
 */
import type avsc from 'avsc';
import { AvroCompiler, is } from './avro-compiler.js';
import { WriteTap, writeLongSlow, type AvscTap, type AvscTypeInternal, type NodeBuffer } from './avsc-internal.js';

/** Where the encoder writes: `buf` may be replaced by a bigger buffer while writing. */
export interface EncodeState {
  buf: NodeBuffer;
  pos: number;
}

/** Writes `value` at `st.pos` (growing `st.buf` as needed) and leaves `st.pos` after it. */
export type CompiledAvroEncoder = (st: EncodeState, value: unknown) => void;

/** Thrown for a value the schema does not accept; the serializer turns it into a SerializationError. */
export class InvalidAvroValue extends Error {
  override name = 'InvalidAvroValue';
  constructor(
    readonly type: avsc.Type,
    readonly value: unknown,
  ) {
    super(`invalid ${(type as { name?: string }).name ?? (type as { typeName?: string }).typeName}: ${describeValue(value)}`);
  }
}

function describeValue(v: unknown): string {
  try {
    const s = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/** Replaces st.buf by a buffer with room for `need` more bytes at `pos`, keeping what was written. */
function grow(st: EncodeState, pos: number, need: number): NodeBuffer {
  const old = st.buf;
  const size = Math.max(old.length * 2, pos + need + 1024);
  const buf = Buffer.allocUnsafe(size) as NodeBuffer;
  old.copy(buf, 0, 0, pos);
  st.buf = buf;
  return buf;
}

/**
 * Writes a string at `pos` (room for 5 + 3 * length bytes is reserved by the caller). ASCII strings shorter
 * than 64 characters are copied char by char behind a one-byte length; others go through utf8Write.
 */
function writeString(buf: NodeBuffer, pos: number, s: string): number {
  const n = s.length;
  if (n < 64) {
    let p = pos + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      buf[p++] = c;
    }
    if (i === n) {
      buf[pos] = n << 1;
      return p;
    }
  }
  const len = Buffer.byteLength(s, 'utf8');
  pos = len < 0x40000000 ? writeInt(buf, pos, len) : writeLongSlow(buf, pos, len);
  buf.utf8Write(s, pos, len);
  return pos + len;
}

function writeInt(buf: NodeBuffer, pos: number, n: number): number {
  let m = n >= 0 ? n << 1 : (~n << 1) | 1;
  while (m > 0x7f || m < 0) {
    buf[pos++] = (m & 0x7f) | 0x80;
    m >>>= 7;
  }
  buf[pos++] = m;
  return pos;
}

interface RecordLike extends avsc.Type {
  fields: Array<{ name: string; type: avsc.Type; defaultValue(): unknown }>;
  name: string;
}

class Compiler extends AvroCompiler {
  constructor(private readonly tap: AvscTap) {
    super();
  }

  private room(bytes: string): string {
    return `if (pos + ${bytes} > buf.length) buf = grow(st, pos, ${bytes});\n`;
  }

  private invalid(type: avsc.Type, value: string): string {
    return `throw new InvalidAvroValue(${this.c(type)}, ${value});\n`;
  }

  /** Writes an int-range number `value` (already checked) as a zig-zag varint. */
  private varint(value: string): string {
    return `${this.room('5')}pos = writeInt(buf, pos, ${value});\n`;
  }

  /** Code that validates `value` against `type` and writes it. */
  write(type: avsc.Type, value: string, depth: number): string {
    if (is(type, 'NullType')) return `if (${value} !== null) ${this.invalid(type, value)}`;
    if (is(type, 'BooleanType')) {
      return `if (typeof ${value} !== 'boolean') ${this.invalid(type, value)}${this.room('1')}buf[pos++] = ${value} ? 1 : 0;\n`;
    }
    if (is(type, 'IntType')) return `if (${value} !== (${value} | 0)) ${this.invalid(type, value)}${this.varint(value)}`;
    if (is(type, 'LongType')) {
      return (
        `if (typeof ${value} !== 'number' || ${value} % 1 !== 0 || ${value} < -9007199254740990 || ${value} > 9007199254740990) ${this.invalid(type, value)}` +
        `${this.room('10')}pos = (${value} >= -1073741824 && ${value} < 1073741824) ? writeInt(buf, pos, ${value}) : writeLongSlow(buf, pos, ${value});\n`
      );
    }
    if (is(type, 'FloatType')) {
      return `if (typeof ${value} !== 'number') ${this.invalid(type, value)}${this.room('4')}buf.writeFloatLE(${value}, pos); pos += 4;\n`;
    }
    if (is(type, 'DoubleType')) {
      return `if (typeof ${value} !== 'number') ${this.invalid(type, value)}${this.room('8')}buf.writeDoubleLE(${value}, pos); pos += 8;\n`;
    }
    if (is(type, 'StringType')) {
      return `if (typeof ${value} !== 'string') ${this.invalid(type, value)}${this.room(`(10 + 3 * ${value}.length)`)}pos = writeString(buf, pos, ${value});\n`;
    }
    if (is(type, 'BytesType')) {
      return (
        `if (!Buffer.isBuffer(${value})) ${this.invalid(type, value)}${this.room(`(10 + ${value}.length)`)}` +
        `pos = writeInt(buf, pos, ${value}.length); ${value}.copy(buf, pos); pos += ${value}.length;\n`
      );
    }
    if (is(type, 'FixedType')) {
      const size = (type as unknown as { size: number }).size;
      return `if (!Buffer.isBuffer(${value}) || ${value}.length !== ${size}) ${this.invalid(type, value)}${this.room(String(size))}${value}.copy(buf, pos); pos += ${size};\n`;
    }
    if (is(type, 'EnumType')) {
      const indices = this.c(new Map((type as unknown as { symbols: string[] }).symbols.map((s, i) => [s, i])));
      const i = this.v('i');
      return `{ const ${i} = ${indices}.get(${value}); if (${i} === undefined) ${this.invalid(type, value)}${this.varint(i)}}\n`;
    }
    if (is(type, 'UnwrappedUnionType')) {
      const union = type as unknown as { types: avsc.Type[]; _dynamicBranches: unknown };
      if (union._dynamicBranches) return this.fallback(type, value);
      const bucket: Record<string, number> = {};
      union.types.forEach((t, k) => {
        const name = (t as { typeName: string }).typeName;
        const b =
          name === 'double' || name === 'float' || name === 'int' || name === 'long'
            ? 'number'
            : name === 'bytes' || name === 'fixed'
              ? 'buffer'
              : name === 'enum'
                ? 'string'
                : name === 'map' || name === 'error' || name === 'record'
                  ? 'object'
                  : name;
        bucket[b] = k;
      });
      const idx = (b: string) => (bucket[b] === undefined ? '-1' : String(bucket[b]));
      const i = this.v('i');
      const t = this.v('t');
      let code =
        `{ let ${i}; if (${value} === null) ${i} = ${idx('null')}; else { const ${t} = typeof ${value};\n` +
        `if (${t} === 'object') ${i} = Array.isArray(${value}) ? ${idx('array')} : Buffer.isBuffer(${value}) ? ${idx('buffer')} : ${idx('object')};\n` +
        `else if (${t} === 'string') ${i} = ${idx('string')}; else if (${t} === 'number') ${i} = ${idx('number')}; else if (${t} === 'boolean') ${i} = ${idx('boolean')}; else ${i} = -1; }\n` +
        `if (${i} < 0) ${this.invalid(type, value)}${this.varint(i)}switch (${i}) {\n`;
      union.types.forEach((bt, k) => {
        if (!is(bt, 'NullType')) code += `case ${k}: ${this.write(bt, value, depth + 1)}break;\n`;
      });
      code += '} }\n';
      return code;
    }
    if (is(type, 'ArrayType')) {
      const itemType = (type as unknown as { itemsType: avsc.Type }).itemsType;
      const n = this.v('n');
      const j = this.v('j');
      const item = this.v('x');
      return (
        `if (!Array.isArray(${value})) ${this.invalid(type, value)}` +
        `{ const ${n} = ${value}.length; if (${n} > 0) { ${this.varint(n)}for (let ${j} = 0; ${j} < ${n}; ${j}++) { const ${item} = ${value}[${j}];\n` +
        `${this.write(itemType, item, depth + 1)}} } ${this.room('1')}buf[pos++] = 0; }\n`
      );
    }
    if (is(type, 'MapType')) {
      const valuesType = (type as unknown as { valuesType: avsc.Type }).valuesType;
      const keys = this.v('k');
      const n = this.v('n');
      const j = this.v('j');
      const key = this.v('key');
      const item = this.v('x');
      return (
        `if (!${value} || typeof ${value} !== 'object' || Array.isArray(${value})) ${this.invalid(type, value)}` +
        `{ const ${keys} = Object.keys(${value}); const ${n} = ${keys}.length; if (${n} > 0) { ${this.varint(n)}` +
        `for (let ${j} = 0; ${j} < ${n}; ${j}++) { const ${key} = ${keys}[${j}]; const ${item} = ${value}[${key}];\n` +
        `${this.room(`(10 + 3 * ${key}.length)`)}pos = writeString(buf, pos, ${key});\n` +
        `${this.write(valuesType, item, depth + 1)}} } ${this.room('1')}buf[pos++] = 0; }\n`
      );
    }
    if (is(type, 'RecordType')) {
      const rec = type as RecordLike;
      const inline = this.inlined(rec, depth, () => this.recordBody(rec, value, depth));
      if (inline !== undefined) return inline;
      return `st.pos = pos; ${this.writerFunction(rec)}(st, ${value}); buf = st.buf; pos = st.pos;\n`;
    }
    return this.fallback(type, value);
  }

  /** The fields of a record: a field left undefined takes its default, as in avsc. */
  private recordBody(rec: RecordLike, value: string, depth: number): string {
    let code = '';
    for (const f of rec.fields) {
      const fv = this.v('f');
      code += `{ const ${fv} = ${value}.${/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name) ? f.name : `[${JSON.stringify(f.name)}]`};\n`;
      const dflt = f.defaultValue();
      if (dflt !== undefined) {
        const bytes = this.c(f.type.toBuffer(dflt));
        code += `if (${fv} === undefined) { ${this.room(`${bytes}.length`)}${bytes}.copy(buf, pos); pos += ${bytes}.length; } else {\n${this.write(f.type, fv, depth + 1)}}\n`;
      } else {
        code += this.write(f.type, fv, depth + 1);
      }
      code += '}\n';
    }
    return code;
  }

  /** A separate function for a record (recursive records, deep nesting). */
  private writerFunction(rec: RecordLike): string {
    return this.recordFunction(
      rec,
      'W',
      (name) => `function ${name}(st, value) {\nlet buf = st.buf; let pos = st.pos;\n${this.recordBody(rec, 'value', 1)}st.pos = pos;\n}\n`,
    );
  }

  /** avsc writes the value through a Tap on our buffer; if it did not fit, again into a bigger one. */
  private fallback(type: avsc.Type, value: string): string {
    const t = this.c(type);
    const tap = this.c(this.tap);
    const start = this.v('s');
    return (
      `{ const ${start} = pos; ${tap}.buf = buf; ${tap}.pos = pos; ${t}._write(${tap}, ${value});\n` +
      `if (${tap}.pos > buf.length) { buf = grow(st, ${start}, ${tap}.pos - ${start}); ${tap}.buf = buf; ${tap}.pos = ${start}; ${t}._write(${tap}, ${value}); }\n` +
      `pos = ${tap}.pos; ${tap}.buf = EMPTY; }\n`
    );
  }

  build(type: avsc.Type): CompiledAvroEncoder {
    const main = `function encode(st, value) {\nlet buf = st.buf; let pos = st.pos;\n${this.write(type, 'value', 0)}st.pos = pos;\n}\n`;
    return this.link(main, 'encode', { InvalidAvroValue, grow, writeInt, writeLongSlow, writeString, Buffer, EMPTY: Buffer.alloc(0) });
  }
}

/** Compiles an encoder for `type` (accepts and writes what `type._write` does). */
export function compileAvroEncoder(type: avsc.Type): CompiledAvroEncoder {
  return new Compiler(new WriteTap(Buffer.alloc(0), 0)).build(type as AvscTypeInternal);
}
