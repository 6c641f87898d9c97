/**
 * A JSON reader and writer that behave like the Jackson setup Avro-Java parses schemas with.
 *
 * `JSON.parse` is not enough for Avro: the schema parser has to know whether a number was written as an
 * integer (`1`) or as a decimal (`1.0`, `1e3`) because an `int` default must be an integral JSON number,
 * and `long` defaults need all 64 bits. Avro-Java's parser (Jackson with `ALLOW_COMMENTS`) also accepts
 * `//` and `/* *\/` comments, keeps the last value of a duplicated key (at the first key's position) and,
 * since Jackson 2.15, refuses documents nested deeper than 1,000 levels. The reader here does the same,
 * without recursion, so a hostile document can never overflow the stack.
 *
 * The writer prints values the way Jackson's `writeTree` does when Avro-Java's `Schema.toString()` emits
 * defaults and custom properties: compact, keys in insertion order, integers as written, decimals in
 * Java's `Double.toString` form (`1.0`, `1.0E10`), control characters as `\u00XX` with upper-case hex.
 */

/** A JSON number, kept as its lexeme so integral values keep all their digits. */
export class JsonNumber {
  private constructor(
    /** Decimal digits for integral numbers; a JavaScript number string for doubles ("NaN", "-0", "1.5e-7"). */
    readonly text: string,
    /** Written without fraction and exponent: Jackson reads it as an int, long or BigInteger. */
    readonly integral: boolean,
  ) {}

  /** A number as written in JSON text. */
  static fromLexeme(text: string): JsonNumber {
    const integral = !/[.eE]/.test(text);
    return new JsonNumber(integral ? BigInt(text).toString() : text, integral);
  }

  /** A double value (Jackson `DoubleNode`), e.g. a textual float default converted by Avro-Java. */
  static fromDouble(value: number): JsonNumber {
    return new JsonNumber(Object.is(value, -0) ? '-0' : String(value), false);
  }

  /** An integral value (Jackson `IntNode`/`LongNode`). */
  static fromInteger(value: bigint | number): JsonNumber {
    return new JsonNumber(BigInt(value).toString(), true);
  }

  /** The value as a JavaScript number (integers beyond 2^53 lose precision). */
  toNumber(): number {
    return Number(this.text);
  }

  /** Integral and within 32 bits (Jackson `canConvertToInt` on an integral node). */
  fitsInt(): boolean {
    if (!this.integral) return false;
    const v = BigInt(this.text);
    return v >= -2147483648n && v <= 2147483647n;
  }

  /** Integral and within 64 bits (Jackson `canConvertToLong` on an integral node). */
  fitsLong(): boolean {
    if (!this.integral) return false;
    const v = BigInt(this.text);
    return v >= -9223372036854775808n && v <= 9223372036854775807n;
  }
}

export type JsonObject = Map<string, JsonValue>;
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

/** A syntax error, with the 1-based line and column where it was found. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
  }
}

/** Jackson's default `StreamReadConstraints`: nesting depth and number length. */
export const MAX_JSON_DEPTH = 1000;
const MAX_NUMBER_LENGTH = 1000;

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

type Frame = { array: JsonValue[] } | { object: JsonObject; key: string };

class Reader {
  private pos = 0;

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  fail(reason: string, at: number = this.pos): never {
    let line = 1;
    let lineStart = 0;
    const end = Math.min(at, this.s.length);
    for (let i = 0; i < end; i++) {
      if (this.s.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(reason, line, end - lineStart + 1);
  }

  private describe(at: number): string {
    if (at >= this.s.length) return 'end of input';
    const c = this.s.charCodeAt(at);
    return c < 0x20 ? `character code ${c}` : `'${this.s[at]}'`;
  }

  private skipWhitespace(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        this.pos++;
      } else if (c === 0x2f /* / */) {
        const next = s.charCodeAt(this.pos + 1);
        if (next === 0x2f) {
          const eol = s.indexOf('\n', this.pos + 2);
          this.pos = eol < 0 ? s.length : eol + 1;
        } else if (next === 0x2a /* * */) {
          const close = s.indexOf('*/', this.pos + 2);
          if (close < 0) this.fail('unterminated comment');
          this.pos = close + 2;
        } else {
          this.fail("unexpected '/' (comments start with // or /*)");
        }
      } else {
        return;
      }
    }
  }

  document(): JsonValue {
    this.skipWhitespace();
    if (this.pos >= this.s.length) this.fail('empty document: expected a JSON value');
    const value = this.value();
    // Avro-Java refuses "dangling content after end of schema" (anything but trimmed whitespace).
    for (let i = this.pos; i < this.s.length; i++) {
      if (this.s.charCodeAt(i) > 0x20) this.fail('dangling content after the end of the schema', i);
    }
    return value;
  }

  private value(): JsonValue {
    const s = this.s;
    const stack: Frame[] = [];
    let value: JsonValue;
    for (;;) {
      this.skipWhitespace();
      const c = s.charCodeAt(this.pos);
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        if (stack.length + 1 > this.maxDepth) {
          this.fail(`nesting depth exceeds the maximum of ${this.maxDepth}`);
        }
        this.pos++;
        this.skipWhitespace();
        if (c === 0x7b) {
          if (s.charCodeAt(this.pos) === 0x7d) {
            this.pos++;
            value = new Map();
          } else {
            stack.push({ object: new Map(), key: this.key() });
            continue;
          }
        } else if (s.charCodeAt(this.pos) === 0x5d) {
          this.pos++;
          value = [];
        } else {
          stack.push({ array: [] });
          continue;
        }
      } else if (c === 0x22 /* " */) {
        value = this.string();
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        value = this.number();
      } else if (s.startsWith('true', this.pos)) {
        this.pos += 4;
        value = true;
      } else if (s.startsWith('false', this.pos)) {
        this.pos += 5;
        value = false;
      } else if (s.startsWith('null', this.pos)) {
        this.pos += 4;
        value = null;
      } else {
        this.fail(`unexpected ${this.describe(this.pos)}: expected a JSON value`);
      }
      // A value is complete: hand it to the enclosing containers, closing those that end here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return value;
        this.skipWhitespace();
        const d = s.charCodeAt(this.pos);
        if ('array' in top) {
          top.array.push(value);
          if (d === 0x2c) {
            this.pos++;
            break;
          }
          if (d !== 0x5d) this.fail(`unexpected ${this.describe(this.pos)}: expected ',' or ']'`);
          this.pos++;
          value = top.array;
        } else {
          top.object.set(top.key, value);
          if (d === 0x2c) {
            this.pos++;
            this.skipWhitespace();
            top.key = this.key();
            break;
          }
          if (d !== 0x7d) this.fail(`unexpected ${this.describe(this.pos)}: expected ',' or '}'`);
          this.pos++;
          value = top.object;
        }
        stack.pop();
      }
    }
  }

  private key(): string {
    if (this.s.charCodeAt(this.pos) !== 0x22) {
      this.fail(`unexpected ${this.describe(this.pos)}: expected a double-quoted field name`);
    }
    const key = this.string();
    this.skipWhitespace();
    if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail(`unexpected ${this.describe(this.pos)}: expected ':'`);
    this.pos++;
    return key;
  }

  private string(): string {
    const s = this.s;
    const start = ++this.pos;
    let out = '';
    let chunk = start;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', start - 1);
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail(`illegal unquoted control character (code ${c}) in a string`);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(chunk, this.pos);
      const e = s[this.pos + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = s.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape in a string');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail(`unrecognized character escape '\\${e ?? ''}' in a string`);
      }
      this.pos += 2;
      chunk = this.pos;
    }
  }

  private number(): JsonNumber {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.s);
    if (m === null) this.fail(`invalid number: expected a digit after '-'`);
    const text = m[0];
    const end = this.pos + text.length;
    const next = this.s.charCodeAt(end);
    if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) {
      this.fail(text === '0' || text === '-0' ? 'invalid number: leading zeroes are not allowed' : 'invalid number', end);
    }
    if (text.length > MAX_NUMBER_LENGTH) this.fail(`number longer than ${MAX_NUMBER_LENGTH} characters`);
    this.pos = end;
    return JsonNumber.fromLexeme(text);
  }
}

/** Parses one JSON document; throws `JsonSyntaxError` with the position of the problem. */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonValue {
  return new Reader(text, maxDepth).document();
}

// ---------------------------------------------------------------------------------------------------
// Writing

const HEX = '0123456789ABCDEF';
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A JSON string literal as Jackson writes it (short escapes for \b\t\n\f\r, else \u00XX upper case). */
export function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return `${out}"`;
}

/** Java's `Double.toString` for a finite value, from the shortest round-trip digits. */
function javaDecimal(value: number, exponential: string): string {
  const [mantissa = '', exp = '0'] = exponential.split('e');
  const digits = mantissa.replace('.', '').replace('-', '');
  const e = Number(exp);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    const point = e + 1;
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${e}`;
}

/**
 * Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.5E-7`. Uses the shortest digits that round-trip,
 * which is what JDK 19+ prints (older JDKs occasionally printed one digit more).
 */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return javaDecimal(value, value.toExponential());
}

/** Java's `Float.toString` for a value already rounded to float precision. */
export function javaFloatToString(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  let exponential = f.toExponential();
  for (let p = 0; p < 9; p++) {
    const candidate = f.toExponential(p);
    if (Math.fround(Number(candidate)) === f) {
      exponential = candidate;
      break;
    }
  }
  return javaDecimal(f, exponential);
}

/** A number as Jackson writes the node: integers as digits, doubles per Java, non-finite ones quoted. */
export function writeNumber(n: JsonNumber): string {
  if (n.integral) return n.text;
  const v = n.toNumber();
  if (!Number.isFinite(v)) return quote(javaDoubleToString(v));
  return javaDoubleToString(v);
}

export interface WriteOptions {
  /** Sort object keys (Confluent's normalizer reads values back through a sorted node factory). */
  sortKeys?: boolean;
}

/** Compact JSON for a value, as Jackson's `writeTree`/`toString` prints it. */
export function writeJson(value: JsonValue, options: WriteOptions = {}): string {
  const out: string[] = [];
  write(value, out, options.sortKeys === true);
  return out.join('');
}

function write(value: JsonValue, out: string[], sortKeys: boolean): void {
  if (value === null) out.push('null');
  else if (typeof value === 'boolean') out.push(value ? 'true' : 'false');
  else if (typeof value === 'string') out.push(quote(value));
  else if (value instanceof JsonNumber) out.push(writeNumber(value));
  else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      write(v, out, sortKeys);
    });
    out.push(']');
  } else {
    out.push('{');
    const keys = [...value.keys()];
    if (sortKeys) keys.sort();
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(quote(k), ':');
      write(value.get(k) as JsonValue, out, sortKeys);
    });
    out.push('}');
  }
}

/** Jackson `JsonNode.equals`: numbers of the same kind and value, objects regardless of key order. */
export function jsonEquals(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (a instanceof JsonNumber) {
    if (!(b instanceof JsonNumber) || a.integral !== b.integral) return false;
    if (a.integral) return a.text === b.text;
    // Java's Double.compare: NaN equals NaN, 0.0 differs from -0.0 (exactly Object.is).
    return Object.is(a.toNumber(), b.toNumber());
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEquals(v, b[i]));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !jsonEquals(v, b.get(k))) return false;
    }
    return true;
  }
  return false;
}

/** A short rendering of a value for error messages. */
export function snippet(value: JsonValue, max = 120): string {
  const text = writeJson(value);
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
