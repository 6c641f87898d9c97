/**
 * A compiled Avro decoder: for an avsc Type, one generated JavaScript function that reads a whole value
 * with a local position, inline varint/string/number reads and bounds checks, and builds exactly the
 * values avsc's own `_read` builds (records as instances of avsc's record class, unwrapped unions, enums as
 * strings, `long` as a number that must be safe, bytes/fixed as copied Buffers, maps as objects).
 *
 * Why: avsc reads through one virtual `_read` call per value and a Tap object shared with every other avsc
 * user in the process; a straight-line function per schema is faster and cannot run past the end of the
 * bytes (every read is bounds-checked, and an array or map count larger than the bytes left fails at once).
 *
 * Types the compiler does not know (logical types, wrapped unions, custom long types…) are read by avsc
 * itself, through a bounds-checked ReadTap, so the values stay avsc's.
 */
import avsc from 'avsc';
import { AvroCompiler, is } from './avro-compiler.js';
import { PastEndError, ReadTap, readString, readVarint, type AvscTap, type AvscTypeInternal, type NodeBuffer } from './avsc-internal.js';

/** Reads one value starting at `st.pos` and leaves `st.pos` after it. Throws on bytes that do not fit. */
export type CompiledAvroDecoder = (buf: NodeBuffer, st: { pos: number }) => unknown;

const STRING = avsc.Type.forSchema('string');

interface RecordLike extends avsc.Type {
  fields: Array<{ name: string; type: avsc.Type }>;
  recordConstructor: new (...args: unknown[]) => unknown;
  name: string;
}

function setProto(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Most bytes any value of the type can take at least (0 when unknown): bounds block counts. */
function minSize(type: avsc.Type, seen: Set<avsc.Type> = new Set()): number {
  if (seen.has(type)) return 0;
  if (is(type, 'NullType')) return 0;
  if (is(type, 'FloatType')) return 4;
  if (is(type, 'DoubleType')) return 8;
  if (is(type, 'FixedType')) return (type as unknown as { size: number }).size;
  if (is(type, 'RecordType')) {
    seen.add(type);
    let sum = 0;
    for (const f of (type as RecordLike).fields) sum += minSize(f.type, seen);
    seen.delete(type);
    return sum;
  }
  if (
    is(type, 'BooleanType') ||
    is(type, 'IntType') ||
    is(type, 'LongType') ||
    is(type, 'StringType') ||
    is(type, 'BytesType') ||
    is(type, 'EnumType') ||
    is(type, 'ArrayType') ||
    is(type, 'MapType') ||
    is(type, 'UnwrappedUnionType') ||
    is(type, 'WrappedUnionType')
  ) {
    return 1;
  }
  return 0;
}

/** Largest count of zero-byte items (e.g. an array of nulls) believed; more is treated as corrupt. */
const MAX_EMPTY_ITEMS = 1 << 24;

class Compiler extends AvroCompiler {
  constructor(private readonly tap: AvscTap) {
    super();
  }

  /** Code that reads a zig-zag varint into `target` (declared by the caller). */
  private varint(target: string): string {
    return `b = buf[pos]; if (b < 128) { ${target} = (b >> 1) ^ -(b & 1); pos++; } else { st.pos = pos; ${target} = readVarint(buf, st); pos = st.pos; }\n`;
  }

  private need(bytes: string): string {
    return `if (pos + ${bytes} > len) throw new PastEndError(pos + ${bytes}, len);\n`;
  }

  /** Code that reads a value of `type` into `target`. */
  read(type: avsc.Type, target: string, depth: number): string {
    if (is(type, 'NullType')) return `${target} = null;\n`;
    if (is(type, 'BooleanType')) return `${this.need('1')}${target} = buf[pos++] !== 0;\n`;
    if (is(type, 'IntType')) return this.varint(target);
    if (is(type, 'LongType')) {
      return `${this.varint(target)}if (${target} < -9007199254740990 || ${target} > 9007199254740990) throw new Error('potential precision loss');\n`;
    }
    if (is(type, 'FloatType')) return `${this.need('4')}${target} = buf.readFloatLE(pos); pos += 4;\n`;
    if (is(type, 'DoubleType')) return `${this.need('8')}${target} = buf.readDoubleLE(pos); pos += 8;\n`;
    if (is(type, 'StringType')) {
      const n = this.v('n');
      return (
        `{ let ${n}; ${this.varint(n)}` +
        `if (${n} < 0 || pos + ${n} > len) throw new PastEndError(pos + (${n} < 0 ? 0 : ${n}), len);\n` +
        `${target} = readString(buf, pos, ${n}); pos += ${n}; }\n`
      );
    }
    if (is(type, 'BytesType')) {
      const n = this.v('n');
      return (
        `{ let ${n}; ${this.varint(n)}` +
        `if (${n} < 0 || pos + ${n} > len) throw new PastEndError(pos + (${n} < 0 ? 0 : ${n}), len);\n` +
        `${target} = Buffer.allocUnsafe(${n}); buf.copy(${target}, 0, pos, pos + ${n}); pos += ${n}; }\n`
      );
    }
    if (is(type, 'FixedType')) {
      const size = (type as unknown as { size: number }).size;
      return `${this.need(String(size))}${target} = Buffer.allocUnsafe(${size}); buf.copy(${target}, 0, pos, pos + ${size}); pos += ${size};\n`;
    }
    if (is(type, 'EnumType')) {
      const symbols = this.c((type as unknown as { symbols: string[] }).symbols);
      const name = JSON.stringify((type as unknown as { name: string }).name);
      const i = this.v('i');
      return `{ let ${i}; ${this.varint(i)}${target} = ${symbols}[${i}]; if (${target} === undefined || ${i} < 0) throw new Error('invalid ' + ${name} + ' enum index: ' + ${i}); }\n`;
    }
    if (is(type, 'UnwrappedUnionType')) {
      const branches = (type as unknown as { types: avsc.Type[] }).types;
      const i = this.v('i');
      let code = `{ let ${i}; ${this.varint(i)}switch (${i}) {\n`;
      branches.forEach((t, k) => {
        code += `case ${k}: ${this.read(t, target, depth + 1)}break;\n`;
      });
      code += `default: throw new Error('invalid union index: ' + ${i}); } }\n`;
      return code;
    }
    if (is(type, 'ArrayType') || is(type, 'MapType')) {
      const isMap = is(type, 'MapType');
      const itemType = isMap ? (type as unknown as { valuesType: avsc.Type }).valuesType : (type as unknown as { itemsType: avsc.Type }).itemsType;
      const min = isMap ? 1 : minSize(itemType);
      const n = this.v('n');
      const item = this.v('x');
      const key = this.v('k');
      const skip = this.v('s');
      const idx = this.v('j');
      let code = `${target} = ${isMap ? '{}' : '[]'};\n${isMap ? '' : `let ${idx} = 0;\n`}for (;;) { let ${n}, ${item}${isMap ? `, ${key}` : ''}; ${this.varint(n)}if (${n} === 0) break;\n`;
      code += `if (${n} < 0) { let ${skip}; ${n} = -${n}; ${this.varint(skip)}}\n`;
      code +=
        min > 0
          ? `if (${n} * ${min} > len - pos) throw new PastEndError(pos + ${n} * ${min}, len);\n`
          : `if (${n} > ${MAX_EMPTY_ITEMS}) throw new Error('implausible block count ' + ${n});\n`;
      if (!isMap) code += `if (${idx} === 0) ${target} = new Array(${n});\n`;
      code += `while (${n}-- > 0) {\n`;
      if (isMap) {
        code += this.read(STRING, key, depth + 1);
        code += this.read(itemType, item, depth + 1);
        code += `if (${key} === '__proto__') setProto(${target}, ${key}, ${item}); else ${target}[${key}] = ${item};\n`;
      } else {
        code += this.read(itemType, item, depth + 1);
        code += `${target}[${idx}++] = ${item};\n`;
      }
      code += '} }\n';
      return code;
    }
    if (is(type, 'RecordType')) {
      const rec = type as RecordLike;
      // Inline: the fields' reads straight into this function.
      const inline = this.inlined(rec, depth, () => {
        const names = rec.fields.map(() => this.v('f'));
        let code = `{ let ${names.join(', ')};\n`;
        rec.fields.forEach((f, k) => {
          code += this.read(f.type, names[k]!, depth + 1);
        });
        return `${code}${target} = new ${this.c(rec.recordConstructor)}(${names.join(', ')}); }\n`;
      });
      if (inline !== undefined) return inline;
      return `st.pos = pos; ${target} = ${this.readerFunction(rec)}(buf, st); pos = st.pos;\n`;
    }
    // Anything else: avsc reads it, through the bounds-checked tap.
    const t = this.c(type);
    const tap = this.c(this.tap);
    return `${tap}.buf = buf; ${tap}.pos = pos; ${target} = ${t}._read(${tap}); pos = ${tap}.pos; if (pos > len) throw new PastEndError(pos, len);\n`;
  }

  /** A separate function for a record (recursive records, deep nesting). */
  private readerFunction(rec: RecordLike): string {
    return this.recordFunction(rec, 'R', (name) => {
      const names = rec.fields.map(() => this.v('f'));
      let body = `function ${name}(buf, st) {\nconst len = buf.length; let pos = st.pos; let b; let ${names.join(', ')};\n`;
      rec.fields.forEach((f, k) => {
        body += this.read(f.type, names[k]!, 1);
      });
      return `${body}st.pos = pos;\nreturn new ${this.c(rec.recordConstructor)}(${names.join(', ')});\n}\n`;
    });
  }

  build(type: avsc.Type): CompiledAvroDecoder {
    const main = `function decode(buf, st) {\nconst len = buf.length; let pos = st.pos; let b; let value;\n${this.read(type, 'value', 0)}st.pos = pos;\nreturn value;\n}\n`;
    return this.link(main, 'decode', { PastEndError, readVarint, readString, setProto, Buffer });
  }
}

/** Compiles a decoder for `type` (values identical to `type._read`). */
export function compileAvroDecoder(type: avsc.Type): CompiledAvroDecoder {
  return new Compiler(new ReadTap(Buffer.alloc(0), 0)).build(type as AvscTypeInternal);
}
