/**
 * The registry's string forms of a JSON schema.
 *
 * Confluent stores a JSON schema as Jackson re-serializes it: compact, keys in document order, numbers
 * as read with `USE_BIG_DECIMAL_FOR_FLOATS` and exact decimals (so `1.0` stays `1.0`, `1e3` becomes
 * `1E+3`, `-0` becomes `0`), strings escaped only where JSON requires it. `normalize=true` re-reads that
 * text into sorted maps: every object's keys sorted (UTF-16 order, as Java's TreeMap), arrays untouched.
 */
import type { JsonTree } from './json-text.js';

/** Compact text of `tree`, keys in tree order. */
export function writeJson(tree: JsonTree): string {
  // Appending to one string (a rope, flattened once) is cheaper than collecting and joining the pieces.
  let out = '';
  const write = (node: JsonTree): void => {
    switch (node.kind) {
      case 'object': {
        out += '{';
        const entries = node.entries;
        for (let i = 0; i < entries.length; i++) {
          const [key, value] = entries[i]!;
          out += i > 0 ? `,${quote(key)}:` : `${quote(key)}:`;
          write(value);
        }
        out += '}';
        return;
      }
      case 'array': {
        out += '[';
        const items = node.items;
        for (let i = 0; i < items.length; i++) {
          if (i > 0) out += ',';
          write(items[i]!);
        }
        out += ']';
        return;
      }
      case 'string':
        out += quote(node.value);
        return;
      case 'number':
        out += formatNumber(node.lexeme);
        return;
      case 'literal':
        out += String(node.value);
        return;
    }
  };
  write(tree);
  return out;
}

/** Sorts a tree's object keys recursively (what `normalize` stores). */
export function sortTree(tree: JsonTree): JsonTree {
  switch (tree.kind) {
    case 'object': {
      const entries = tree.entries.map(([k, v]) => [k, sortTree(v)] as const);
      // Keys are unique, so "already in order" needs no sort (and a normalized schema is).
      let sorted = true;
      for (let i = 1; i < entries.length && sorted; i++) sorted = entries[i - 1]![0] < entries[i]![0];
      if (!sorted) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { kind: 'object', entries };
    }
    case 'array':
      return { kind: 'array', items: tree.items.map(sortTree) };
    default:
      return tree;
  }
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** A JSON string literal escaped as Jackson does: short escapes, `\u00XX` (upper-case hex) for other controls. */
export function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      out += short;
    } else if (c < 0x20) {
      out += unicodeEscape(c);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate cannot be written as UTF-8; keep it as an escape so the text stays valid.
      out += unicodeEscape(c);
    } else {
      out += s[i]!;
    }
  }
  return out + '"';
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function unicodeEscape(c: number): string {
  return '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * A JSON number lexeme as Jackson writes it back: integers as integers (`-0` → `0`), anything with a
 * fraction or exponent as Java's `BigDecimal.toString()` of the exact decimal.
 */
export function formatNumber(lexeme: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lexeme);
  if (m === null) return lexeme;
  const [, sign, intPart, fraction, exponent] = m;
  if (fraction === undefined && exponent === undefined) return BigInt(lexeme).toString();
  const digits = (intPart ?? '') + (fraction ?? '');
  const unscaled = BigInt(digits);
  const scale = (fraction?.length ?? 0) - Number(exponent ?? 0);
  const coefficient = unscaled.toString();
  const negative = sign === '-' && unscaled !== 0n;
  const adjusted = -scale + (coefficient.length - 1);
  let body: string;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) body = coefficient;
    else if (coefficient.length > scale) {
      body = `${coefficient.slice(0, coefficient.length - scale)}.${coefficient.slice(coefficient.length - scale)}`;
    } else body = `0.${'0'.repeat(scale - coefficient.length)}${coefficient}`;
  } else {
    const mantissa = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
    body = `${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
  }
  return negative ? `-${body}` : body;
}
