/**
 * A light pre-pass over .proto text, run before protobufjs parses it.
 *
 * protobufjs only understands a few escape sequences in string literals (it drops `\"`, `\'`, octal
 * and hex escapes), and it does not report `syntax`, `import public` / `import weak` or the order of
 * imports. This pass decodes every string literal that contains an escape into bytes and replaces it
 * with a placeholder protobufjs passes through untouched (`expandBytes` / `expandString` put the real
 * value back), and scans the file header for syntax, edition, package and imports. Comments are
 * copied as they are, and line numbers do not change, so protobufjs' error positions stay right.
 */
import type { ImportDef } from './model.js';

const PH_START = '\uE000';
const PH_END = '\uE001';
const PLACEHOLDER_RE = /\uE000(\d+)\uE001/g;
/** Integer literals beyond 2^53 travel through protobufjs as a quoted placeholder too. */
const BIG_START = '\uE002';
const BIG_END = '\uE003';
const BIG_RE = /^\uE002(\d+)\uE003$/;
const INTEGER_RE = /^-?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

export interface Preprocessed {
  /** The text to hand to protobufjs. */
  source: string;
  /** Decoded bytes of the literals replaced by placeholders, by placeholder number. */
  literals: Uint8Array[];
  /** Big integer literals replaced by placeholders, by placeholder number. */
  bigIntegers: bigint[];
  syntax?: string;
  edition?: string;
  imports: ImportDef[];
}

interface Token {
  t: 'id' | 'str' | 'p';
  v: string;
}

const utf8 = new TextEncoder();

const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** [A-Za-z0-9_.+-], the characters of a word (identifier, number) by char code. */
const WORD = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-') WORD[c.charCodeAt(0)] = 1;
/** The ASCII characters `\s` matches. */
const SPACE = new Uint8Array(128);
for (const c of ' \t\n\v\f\r') SPACE[c.charCodeAt(0)] = 1;

const isWord = (c: number) => c < 128 && WORD[c] === 1;
const isSpace = (c: number) => (c < 128 ? SPACE[c] === 1 : /\s/.test(String.fromCharCode(c)));

/**
 * The text is copied unchanged except for the literals replaced by placeholders, so only those splice
 * the output; the header scan only needs the tokens outside braces (and the braces that enter and
 * leave them), so only those are kept.
 */
export function preprocess(text: string): Preprocessed {
  const literals: Uint8Array[] = [];
  const bigIntegers: bigint[] = [];
  const tokens: Token[] = [];
  const parts: string[] = [];
  let copied = 0;
  const replace = (from: number, to: number, replacement: string) => {
    parts.push(text.slice(copied, from), replacement);
    copied = to;
  };
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 0x22 || c === 0x27) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text.charCodeAt(j) !== NEWLINE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      if (j >= n || text.charCodeAt(j) !== c) {
        // Unterminated: left to protobufjs to report.
        i = j;
        continue;
      }
      const raw = text.slice(i + 1, j);
      const escaped = raw.includes('\\');
      const bytes = escaped ? unescapeLiteral(raw) : undefined;
      if (bytes) replace(i, j + 1, `"${PH_START}${literals.push(bytes) - 1}${PH_END}"`);
      if (depth === 0) tokens.push({ t: 'str', v: new TextDecoder().decode(bytes ?? utf8.encode(raw)) });
      i = j + 1;
      continue;
    }
    if (isWord(c)) {
      let j = i + 1;
      while (j < n && isWord(text.charCodeAt(j))) j++;
      if (depth === 0) tokens.push({ t: 'id', v: text.slice(i, j) });
      // Up to 15 characters no integer literal reaches 2^53 (decimal, 0x hex or 0 octal, signed or not).
      const word = j - i > 15 ? text.slice(i, j) : '';
      if (word && INTEGER_RE.test(word)) {
        const big = parseInteger(word);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) {
          replace(i, j, `"${BIG_START}${bigIntegers.push(big) - 1}${BIG_END}"`);
        }
      }
      i = j;
      continue;
    }
    if (!isSpace(c)) {
      // Braces keep the depth exactly as the header scan counts it; the tokens that enter and leave
      // the top level are kept for it.
      if (c === CLOSE_BRACE) depth = Math.max(0, depth - 1);
      if (depth === 0) tokens.push({ t: 'p', v: text[i]! });
      if (c === OPEN_BRACE) depth++;
    }
    i++;
  }
  parts.push(text.slice(copied));
  return { source: parts.join(''), literals, bigIntegers, ...scanHeader(tokens) };
}

function parseInteger(word: string): bigint {
  const negative = word.startsWith('-');
  const digits = negative ? word.slice(1) : word;
  let value: bigint;
  if (/^0[xX]/.test(digits)) value = BigInt(digits);
  else if (digits.length > 1 && digits.startsWith('0')) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  return negative ? -value : value;
}

/** The integer a protobufjs value stands for when it is a big-integer placeholder. */
export function bigIntegerOf(value: unknown, bigIntegers: readonly bigint[]): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const m = BIG_RE.exec(value);
  return m ? bigIntegers[Number(m[1])] : undefined;
}

/** syntax / edition / imports from the top level of the token stream (outside any braces). */
function scanHeader(tokens: Token[]): { syntax?: string; edition?: string; imports: ImportDef[] } {
  const imports: ImportDef[] = [];
  let syntax: string | undefined;
  let edition: string | undefined;
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (tok.t === 'p') {
      if (tok.v === '{') depth++;
      else if (tok.v === '}') depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth !== 0 || tok.t !== 'id') continue;
    const prev = tokens[k - 1];
    const atStatementStart = !prev || (prev.t === 'p' && (prev.v === ';' || prev.v === '}'));
    if (!atStatementStart) continue;
    if ((tok.v === 'syntax' || tok.v === 'edition') && tokens[k + 1]?.v === '=' && tokens[k + 2]?.t === 'str') {
      let value = tokens[k + 2]!.v;
      let m = k + 3;
      while (tokens[m]?.t === 'str') value += tokens[m++]!.v;
      if (tok.v === 'syntax') syntax = value;
      else edition = value;
    } else if (tok.v === 'import') {
      let m = k + 1;
      let modifier: ImportDef['modifier'];
      if (tokens[m]?.t === 'id' && (tokens[m]!.v === 'public' || tokens[m]!.v === 'weak')) {
        modifier = tokens[m]!.v as 'public' | 'weak';
        m++;
      }
      if (tokens[m]?.t !== 'str') continue;
      let path = '';
      while (tokens[m]?.t === 'str') path += tokens[m++]!.v;
      imports.push(modifier ? { path, modifier } : { path });
    }
  }
  return { syntax, edition, imports };
}

/** Decodes the escapes of a protobuf string literal (C-style, plus \u and \U) into bytes. */
export function unescapeLiteral(raw: string): Uint8Array {
  const out: number[] = [];
  const pushUtf8 = (s: string) => {
    for (const b of utf8.encode(s)) out.push(b);
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      const cp = raw.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      pushUtf8(s);
      i += s.length - 1;
      continue;
    }
    const e = raw[++i];
    if (e === undefined) break;
    switch (e) {
      case 'a': out.push(7); break;
      case 'b': out.push(8); break;
      case 'f': out.push(12); break;
      case 'n': out.push(10); break;
      case 'r': out.push(13); break;
      case 't': out.push(9); break;
      case 'v': out.push(11); break;
      case 'x':
      case 'X': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(raw.slice(i + 1));
        if (m) {
          out.push(parseInt(m[0], 16));
          i += m[0].length;
        } else {
          out.push(e.charCodeAt(0));
        }
        break;
      }
      case 'u':
      case 'U': {
        const len = e === 'u' ? 4 : 8;
        const hex = raw.slice(i + 1, i + 1 + len);
        if (new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex) && parseInt(hex, 16) <= 0x10ffff) {
          pushUtf8(String.fromCodePoint(parseInt(hex, 16)));
          i += len;
        } else {
          out.push(e.charCodeAt(0));
        }
        break;
      }
      default:
        if (/[0-7]/.test(e)) {
          const m = /^[0-7]{1,3}/.exec(raw.slice(i))!;
          out.push(parseInt(m[0], 8) & 0xff);
          i += m[0].length - 1;
        } else {
          // \\ \' \" \? and anything else: the character itself.
          pushUtf8(e);
        }
    }
  }
  return Uint8Array.from(out);
}

/** The bytes a string from protobufjs stands for (placeholders replaced by their decoded literal). */
export function expandBytes(s: string, literals: readonly Uint8Array[]): Uint8Array {
  if (!s.includes(PH_START)) return utf8.encode(s);
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const m of s.matchAll(PLACEHOLDER_RE)) {
    parts.push(utf8.encode(s.slice(last, m.index)));
    parts.push(literals[Number(m[1])] ?? new Uint8Array());
    last = m.index! + m[0].length;
  }
  parts.push(utf8.encode(s.slice(last)));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const buf = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
  }
  return buf;
}

/** The text a string from protobufjs stands for; throws on invalid UTF-8 when `fatal`. */
export function expandString(s: string, literals: readonly Uint8Array[], fatal = false): string {
  if (!s.includes(PH_START)) return s;
  return new TextDecoder('utf-8', { fatal }).decode(expandBytes(s, literals));
}
