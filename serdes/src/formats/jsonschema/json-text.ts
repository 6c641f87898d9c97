/**
 * A lossless JSON reader for schema text.
 *
 * `JSON.parse` is not enough for the registry's canonical form: it reorders integer-like keys
 * (`{"b":1,"1":2}` comes back as `{"1":2,"b":1}`) and forgets how numbers were written (`1.0` becomes
 * `1`), and both matter for schema identity. This reader keeps the document as a tree with keys in
 * document order and numbers as their lexemes. It is iterative, so hostile nesting cannot overflow
 * the stack, and it refuses documents nested deeper than a bound.
 */

/**
 * Deepest array/object nesting accepted. Jackson (Confluent) stops at 1000, but ajv validates and
 * compiles recursively and runs out of stack at around 470 nested subschemas, so the bound is lower:
 * 256 levels is far beyond real schemas and keeps every later step within the default stack.
 */
export const MAX_NESTING_DEPTH = 256;

export type JsonTree =
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonTree]> }
  | { readonly kind: 'array'; readonly items: readonly JsonTree[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly lexeme: string }
  | { readonly kind: 'literal'; readonly value: boolean | null };

/** Thrown for text that is not a single JSON document; `message` says what and where. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

interface ObjectFrame {
  readonly kind: 'object';
  readonly entries: Array<[string, JsonTree]>;
  /** Position of each key, built once the object outgrows a linear search (most objects are small). */
  index: Map<string, number> | undefined;
  key: string;
}

const INDEX_FROM = 8;

function positionOf(frame: ObjectFrame, key: string): number | undefined {
  if (frame.index !== undefined) return frame.index.get(key);
  const entries = frame.entries;
  for (let i = 0; i < entries.length; i++) if (entries[i]![0] === key) return i;
  return undefined;
}

function append(frame: ObjectFrame, key: string, value: JsonTree): void {
  frame.entries.push([key, value]);
  if (frame.index !== undefined) frame.index.set(key, frame.entries.length - 1);
  else if (frame.entries.length > INDEX_FROM) frame.index = new Map(frame.entries.map(([k], i) => [k, i]));
}

interface ArrayFrame {
  readonly kind: 'array';
  readonly items: JsonTree[];
}

type Frame = ObjectFrame | ArrayFrame;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NEEDS_DECODING = /[\\\u0000-\u001f]/;

/** Parses `text` as one JSON document. Throws JsonSyntaxError. */
export function parseJsonTree(text: string, maxDepth: number = MAX_NESTING_DEPTH): JsonTree {
  return readJsonDocument(text, maxDepth).tree;
}

/** `parseJsonTree`, also telling how deeply the document nests (`{}` is 1 level, a scalar 0). */
export function readJsonDocument(text: string, maxDepth: number = MAX_NESTING_DEPTH): { tree: JsonTree; depth: number } {
  const reader = new Reader(text, maxDepth);
  const tree = reader.read();
  return { tree, depth: reader.deepest };
}

class Reader {
  private pos = 0;
  deepest = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  read(): JsonTree {
    const stack: Frame[] = [];
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw new JsonSyntaxError('empty document');
    for (;;) {
      // Read one value; containers push a frame and continue with their first member.
      let value: JsonTree | undefined;
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x7b /* { */) {
        if (stack.length >= this.maxDepth) this.tooDeep();
        if (stack.length >= this.deepest) this.deepest = stack.length + 1;
        this.pos++;
        this.skipWhitespace();
        if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
          this.pos++;
          value = { kind: 'object', entries: [] };
        } else {
          const frame: ObjectFrame = { kind: 'object', entries: [], index: undefined, key: '' };
          frame.key = this.readKey();
          stack.push(frame);
          continue;
        }
      } else if (c === 0x5b /* [ */) {
        if (stack.length >= this.maxDepth) this.tooDeep();
        if (stack.length >= this.deepest) this.deepest = stack.length + 1;
        this.pos++;
        this.skipWhitespace();
        if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
          this.pos++;
          value = { kind: 'array', items: [] };
        } else {
          stack.push({ kind: 'array', items: [] });
          continue;
        }
      } else {
        value = this.readScalar();
      }

      // Attach the value to its container; close containers that end here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          this.skipWhitespace();
          if (this.pos < this.text.length) this.fail('unexpected text after the JSON document');
          return value;
        }
        if (top.kind === 'object') {
          const existing = positionOf(top, top.key);
          // A repeated key keeps its first position and takes the last value (Jackson and JSON.parse agree).
          if (existing === undefined) append(top, top.key, value);
          else top.entries[existing] = [top.key, value];
        } else {
          top.items.push(value);
        }
        this.skipWhitespace();
        const next = this.text.charCodeAt(this.pos);
        if (next === 0x2c /* , */) {
          this.pos++;
          this.skipWhitespace();
          if (top.kind === 'object') top.key = this.readKey();
          break;
        }
        if (top.kind === 'object' ? next === 0x7d : next === 0x5d) {
          this.pos++;
          stack.pop();
          value = top.kind === 'object' ? { kind: 'object', entries: top.entries } : { kind: 'array', items: top.items };
          continue;
        }
        this.fail(top.kind === 'object' ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      this.skipWhitespace();
    }
  }

  /** Reads `"key" :` and leaves the position at the member value. */
  private readKey(): string {
    if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected a property name in double quotes');
    const key = this.readString();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) this.fail("expected ':'");
    this.pos++;
    this.skipWhitespace();
    return key;
  }

  private readScalar(): JsonTree {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return { kind: 'string', value: this.readString() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = this.pos;
      const m = NUMBER.exec(this.text);
      if (m === null) this.fail('invalid number');
      this.pos += m[0].length;
      return { kind: 'number', lexeme: m[0] };
    }
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    if (this.pos >= this.text.length) this.fail('unexpected end of text');
    this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  private readString(): string {
    // Fast path: no escapes and no control characters before the closing quote.
    const end = this.text.indexOf('"', this.pos + 1);
    if (end >= 0) {
      const raw = this.text.slice(this.pos + 1, end);
      if (!NEEDS_DECODING.test(raw)) {
        this.pos = end + 1;
        return raw;
      }
    }
    return this.readEscapedString();
  }

  private readEscapedString(): string {
    const text = this.text;
    let i = this.pos + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= text.length) {
        this.pos = i;
        this.fail('unterminated string');
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail('control character in string');
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = i;
            this.fail('invalid \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.pos = i;
          this.fail('invalid escape in string');
      }
      i += 2;
      start = i;
    }
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }

  private tooDeep(): never {
    this.fail(`nesting deeper than ${this.maxDepth} levels`);
  }

  private fail(what: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new JsonSyntaxError(`${what} at line ${line} column ${column}`);
  }
}

const LITERALS: ReadonlyArray<readonly [string, boolean | null]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];
