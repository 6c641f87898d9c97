/**
 * Small helpers for writing TypeScript source: identifiers, string literals, doc comments and the table
 * that gives every schema type a unique TypeScript name.
 */

/** Words that cannot name a generated type (reserved words, TS type keywords, and globals the generated code uses). */
const RESERVED: ReadonlySet<string> = new Set([
  // JavaScript reserved words and strict-mode ones
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments',
  'eval',
  // TypeScript type keywords
  'any', 'unknown', 'never', 'object', 'string', 'number', 'boolean', 'bigint', 'symbol', 'undefined', 'type',
  'keyof', 'infer', 'is', 'asserts', 'readonly', 'unique', 'global', 'declare', 'namespace', 'module', 'as',
  // globals the generated code refers to
  'Date', 'Buffer', 'Uint8Array', 'Record', 'Array', 'Promise', 'Object', 'String', 'Number', 'Boolean', 'Symbol',
  'BigInt', 'Error', 'Map', 'Set', 'JSON', 'Math', 'Partial', 'Readonly', 'ReadonlyArray',
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True for a name usable as a plain identifier (property names may still be reserved words). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** A property key: the name itself when it is an identifier, else a quoted string. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/** A property access expression on `target`. */
export function access(target: string, name: string): string {
  return isIdentifier(name) ? `${target}.${name}` : `${target}[${JSON.stringify(name)}]`;
}

/** A TypeScript string literal (JSON escaping is valid TypeScript). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** A doc comment for `lines` (empty lines dropped at the ends), indented; '' when there is nothing to say. */
export function docComment(lines: ReadonlyArray<string | undefined | null>, indent = ''): string {
  const text = lines
    .filter((l): l is string => typeof l === 'string' && l.trim() !== '')
    .flatMap((l) => l.replace(/\r\n?/g, '\n').split('\n'))
    .map((l) => l.replace(/\*\//g, '*\\/').trimEnd());
  while (text.length > 0 && text[0]!.trim() === '') text.shift();
  while (text.length > 0 && text[text.length - 1]!.trim() === '') text.pop();
  if (text.length === 0) return '';
  if (text.length === 1) return `${indent}/** ${text[0]!.trim()} */\n`;
  return `${indent}/**\n${text.map((l) => `${indent} *${l === '' ? '' : ` ${l}`}`).join('\n')}\n${indent} */\n`;
}

/** `some_name.with-parts` → `SomeNameWithParts` (for names made from file names and subjects). */
export function pascalCase(text: string): string {
  const parts = text.split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
  let out = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  if (out === '' || /^[0-9]/.test(out)) out = `T${out}`;
  return out;
}

/**
 * Assigns TypeScript names to schema types. Each type gives its candidate names from short to long
 * (`Order`, `OrdersOrder`, `AcmeOrdersOrder`...): types whose candidate clashes with another type's, or is
 * reserved, move on to their next candidate until nothing clashes; what still clashes gets `_` appended.
 * Deterministic for a given set of types, whatever the order they were added in.
 */
export class NameTable {
  private readonly wanted = new Map<string, string[]>();
  private assigned: Map<string, string> | undefined;

  add(key: string, candidates: readonly string[]): void {
    if (this.assigned) throw new Error('NameTable: add after names were assigned');
    if (!this.wanted.has(key)) this.wanted.set(key, candidates.map(sanitize));
  }

  has(key: string): boolean {
    return this.wanted.has(key);
  }

  get(key: string): string {
    this.assigned ??= this.assign();
    const name = this.assigned.get(key);
    if (name === undefined) throw new Error(`no TypeScript name for ${key}`);
    return name;
  }

  private assign(): Map<string, string> {
    const keys = [...this.wanted.keys()].sort();
    const level = new Map(keys.map((k) => [k, 0]));
    const current = (k: string): string => {
      const c = this.wanted.get(k)!;
      return c[Math.min(level.get(k)!, c.length - 1)]!;
    };
    for (let changed = true; changed; ) {
      changed = false;
      const byName = new Map<string, string[]>();
      for (const k of keys) byName.set(current(k), [...(byName.get(current(k)) ?? []), k]);
      for (const [name, group] of byName) {
        if (group.length === 1 && !RESERVED.has(name)) continue;
        for (const k of group) {
          if (level.get(k)! < this.wanted.get(k)!.length - 1) {
            level.set(k, level.get(k)! + 1);
            changed = true;
          }
        }
      }
    }
    const out = new Map<string, string>();
    const used = new Set<string>();
    for (const k of keys) {
      let name = current(k);
      while (RESERVED.has(name) || used.has(name)) name = `${name}_`;
      used.add(name);
      out.set(k, name);
    }
    return out;
  }
}

/**
 * Candidate names for a type `local` (e.g. `Order` or `Order_Line`) in namespace `space` (dotted, may be
 * empty): the local name, then with more and more namespace parts in front, in PascalCase.
 */
export function qualifiedCandidates(local: string, space: string): string[] {
  const parts = space.split('.').filter((p) => p !== '');
  const out = [local];
  for (let i = parts.length - 1; i >= 0; i--) out.push(parts.slice(i).map((p) => pascalCase(p)).join('') + local);
  return out;
}

function sanitize(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (out === '' || /^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/** Joins non-empty chunks of generated code with blank lines between them. */
export function chunks(parts: ReadonlyArray<string>): string {
  return parts
    .map((p) => p.replace(/\n+$/, ''))
    .filter((p) => p !== '')
    .join('\n\n');
}
