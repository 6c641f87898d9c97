/**
 * The deterministic .proto printer behind `canonical`, the normalized form and the texts fed to
 * protobufjs.
 *
 * The layout follows Confluent's ProtobufSchema printer: syntax, package, imports, file options,
 * messages (in declaration order, which message indexes depend on), then enums, extend blocks and
 * services; inside a message: reserved, options, fields, oneofs, extension ranges, nested messages,
 * nested enums and nested extends, each section after a blank line. Everything that could differ
 * between two spellings of one file is fixed here: options are merged and ordered by field number,
 * type names are printed the way the caller's `names` says (the shortest unambiguous name for
 * `canonical`, fully qualified for the normalized form).
 */
import { formatFloat } from './descriptor.js';
import { oneofMembers } from './indexes.js';
import { MAX_FIELD_NUMBER, type EnumDef, type FieldDef, type FileDef, type MessageDef, type OptionEntry, type OptValue, type Range, type ServiceDef } from './model.js';

export interface NamePrinter {
  /** How to print a reference to the message/enum `fqn` (leading dot) from `scope`. */
  type(fqn: string, scope: string): string;
  /** How to print the extension `fqn` (leading dot) used as an option name from `scope`. */
  extension(fqn: string, scope: string): string;
}

export interface PrintSettings {
  names: NamePrinter;
  /** Sort options by name instead of field number (normalized form). */
  optionsByName?: boolean;
  /** Leave out extend blocks and custom options (Confluent's `ignore_extensions` format). */
  ignoreExtensions?: boolean;
}

/** The option scopes link.ts resolves extension names in. */
export const optionScope = {
  file: (f: FileDef) => f.package,
  message: (parentScope: string) => parentScope,
  field: (messageOrParentScope: string) => messageOrParentScope,
};

export function printFile(file: FileDef, settings: PrintSettings): string {
  return new Printer(file, settings).print();
}

class Printer {
  private messages?: { byName: Map<string, MessageDef>; parents: Map<MessageDef, MessageDef> };

  constructor(
    private readonly file: FileDef,
    private readonly s: PrintSettings,
  ) {}

  print(): string {
    const f = this.file;
    let out = `syntax = "${f.syntax}";\n`;
    if (f.package) out += `package ${f.package};\n`;
    if (f.imports.length) {
      out += '\n';
      for (const imp of f.imports) out += `import ${imp.modifier ? `${imp.modifier} ` : ''}${quote(imp.path)};\n`;
    }
    const fileOptions = this.optionStatements(f.options, f.package);
    if (fileOptions.length) out += `\n${fileOptions.join('')}`;
    if (f.messages.length || f.enums.length) {
      out += '\n';
      for (const m of f.messages) out += this.message(m, f.package);
      for (const e of f.enums) out += this.enumBlock(e, f.package);
    }
    const extend = this.extendBlocks(f.extensions, f.package);
    if (extend) out += `\n${extend}`;
    if (f.services.length) {
      out += '\n';
      for (const svc of f.services) out += this.service(svc);
    }
    return out;
  }

  // --- options ---

  private sorted(entries: readonly OptionEntry[], scope: string): Array<{ name: string; entry: OptionEntry }> {
    const list = entries
      .filter((e) => !(this.s.ignoreExtensions && e.ext))
      .map((entry) => ({ name: this.optionName(entry, scope), entry }));
    if (this.s.optionsByName) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return list;
  }

  private optionName(entry: OptionEntry, scope: string): string {
    if (!entry.ext) return entry.name;
    const name = entry.name.startsWith('.') ? this.s.names.extension(entry.name, scope) : entry.name;
    return `(${name})`;
  }

  private optionStatements(entries: readonly OptionEntry[], scope: string): string[] {
    return this.sorted(entries, scope).map(({ name, entry }) => `option ${name} = ${this.value(entry.value, scope)};\n`);
  }

  /** ` [a = 1]` or a multi-line bracket list, for fields and enum values. */
  private bracketOptions(items: string[]): string {
    if (!items.length) return '';
    if (items.length === 1) return ` [${items[0]}]`;
    return ` [\n${items.map((it, i) => indent(it + (i < items.length - 1 ? ',' : ''))).join('')}]`;
  }

  private inlineOptions(entries: readonly OptionEntry[], scope: string): string[] {
    return this.sorted(entries, scope).map(({ name, entry }) => `${name} = ${this.value(entry.value, scope)}`);
  }

  private value(v: OptValue, scope: string): string {
    switch (v.k) {
      case 'str': return quote(v.v);
      case 'bytes': return quoteBytes(v.v);
      case 'int': return v.v.toString();
      case 'float': return formatFloat(v.v);
      case 'bool': return v.v ? 'true' : 'false';
      case 'enum': return v.v;
      case 'msg': return this.aggregate(v.fields, scope);
      case 'raw': return rawValue(v.v);
    }
  }

  private aggregate(fields: readonly OptionEntry[], scope: string): string {
    if (!fields.length) return '{}';
    const lines: string[] = [];
    const byName = new Map<string, OptionEntry[]>();
    const order: string[] = [];
    for (const { name, entry } of this.sorted(fields, scope)) {
      const key = entry.ext ? `[${name.slice(1, -1)}]` : name;
      if (!byName.has(key)) {
        byName.set(key, []);
        order.push(key);
      }
      byName.get(key)!.push(entry);
    }
    for (const key of order) {
      const entries = byName.get(key)!;
      const scalars = entries.filter((e) => e.value.k !== 'msg');
      if (entries[0]!.repeated && scalars.length === entries.length) {
        lines.push(`${key}: [${entries.map((e) => this.value(e.value, scope)).join(', ')}]`);
      } else {
        for (const e of entries) lines.push(`${key}: ${this.value(e.value, scope)}`);
      }
    }
    return `{\n${lines.map((l, i) => indent(l + (i < lines.length - 1 ? ',' : ''))).join('')}}`;
  }

  // --- messages ---

  private message(m: MessageDef, parentScope: string): string {
    return `message ${m.name} {${this.messageBody(m, parentScope)}}\n`;
  }

  /** The sections of a message body, each starting on a new line and separated by blank lines. */
  private messageBody(m: MessageDef, parentScope: string): string {
    const sections: string[] = [];
    const reserved = reservedLines(m.reservedRanges, m.reservedNames);
    if (reserved) sections.push(reserved);
    const options = this.optionStatements(m.options, parentScope);
    if (options.length) sections.push(options.join(''));
    const fields = m.fields.filter((f) => f.oneof === undefined);
    if (fields.length) sections.push(fields.map((f) => this.field(f, m)).join(''));
    if (m.oneofs.length) {
      sections.push(
        m.oneofs
          .map((o, i) => {
            const parts: string[] = [];
            const opts = this.optionStatements(o.options, m.fullName);
            if (opts.length) parts.push(opts.join(''));
            const members = oneofMembers(m, i);
            if (members.length) parts.push(members.map((f) => this.field(f, m)).join(''));
            return `oneof ${o.name} {${block(parts)}}\n`;
          })
          .join(''),
      );
    }
    if (m.extensionRanges.length) sections.push(`extensions ${m.extensionRanges.map(fmtRange).join(', ')};\n`);
    const nested = m.messages.filter((n) => !n.isGroup);
    if (nested.length || m.enums.length) {
      sections.push(nested.map((n) => this.message(n, m.fullName)).join('') + m.enums.map((e) => this.enumBlock(e, m.fullName)).join(''));
    }
    const extend = this.extendBlocks(m.extensions, m.fullName);
    if (extend) sections.push(extend);
    return block(sections);
  }

  private field(f: FieldDef, owner: MessageDef | undefined, scope = owner?.fullName ?? this.file.package): string {
    let items: string[] = [];
    if (f.defaultValue) items.push(`default = ${this.value(f.defaultValue, scope)}`);
    if (f.jsonName !== undefined) items.push(`json_name = ${quote(f.jsonName)}`);
    items.push(...this.inlineOptions(f.options, scope));
    if (this.s.optionsByName) items = sortByName(items);
    const label = f.label ? `${f.label} ` : '';
    if (f.group) {
      const groupMsg = this.findMessage(f.type, owner);
      const name = groupMsg?.name ?? f.type.slice(f.type.lastIndexOf('.') + 1);
      const body = groupMsg ? this.messageBody(groupMsg, scope) : '';
      return `${label}group ${name} = ${f.number}${this.bracketOptions(items)} {${body}}\n`;
    }
    const type = f.mapKey !== undefined ? `map<${f.mapKey}, ${this.typeRef(f, scope)}>` : this.typeRef(f, scope);
    return `${label}${type} ${f.name} = ${f.number}${this.bracketOptions(items)};\n`;
  }

  private typeRef(f: FieldDef, scope: string): string {
    return f.kind === 'scalar' || !f.type.startsWith('.') ? f.type : this.s.names.type(f.type, scope);
  }

  /** The message `fqn` (leading dot) nested in `owner` (its first of that name), else the file's first one. */
  private findMessage(fqn: string, owner: MessageDef | undefined): MessageDef | undefined {
    if (!this.messages) {
      const byName = new Map<string, MessageDef>();
      const parents = new Map<MessageDef, MessageDef>();
      const walk = (list: readonly MessageDef[], parent: MessageDef | undefined) => {
        for (const m of list) {
          if (!byName.has(`.${m.fullName}`)) byName.set(`.${m.fullName}`, m);
          if (parent) parents.set(m, parent);
          walk(m.messages, m);
        }
      };
      walk(this.file.messages, undefined);
      this.messages = { byName, parents };
    }
    const found = this.messages.byName.get(fqn);
    if (!found || !owner || this.messages.parents.get(found) === owner) return found;
    // Two messages of one full name (an unvalidated file): the owner's own comes first, as it did.
    return owner.messages.find((n) => `.${n.fullName}` === fqn) ?? found;
  }

  private extendBlocks(extensions: readonly FieldDef[], scope: string): string {
    if (this.s.ignoreExtensions || !extensions.length) return '';
    let out = '';
    let i = 0;
    while (i < extensions.length) {
      const extendee = extensions[i]!.extendee ?? '';
      const group: FieldDef[] = [];
      while (i < extensions.length && (extensions[i]!.extendee ?? '') === extendee) group.push(extensions[i++]!);
      const target = extendee.startsWith('.') ? this.s.names.type(extendee, scope) : extendee;
      out += `extend ${target} {\n${group.map((x) => indent(this.field(x, undefined, scope))).join('')}}\n`;
    }
    return out;
  }

  // --- enums and services ---

  private enumBlock(e: EnumDef, parentScope: string): string {
    const sections: string[] = [];
    const reserved = reservedLines(e.reservedRanges, e.reservedNames, false);
    if (reserved) sections.push(reserved);
    const options = this.optionStatements(e.options, parentScope);
    if (options.length) sections.push(options.join(''));
    if (e.values.length) {
      sections.push(
        e.values.map((v) => `${v.name} = ${v.number}${this.bracketOptions(this.inlineOptions(v.options, parentScope))};\n`).join(''),
      );
    }
    return `enum ${e.name} {${block(sections)}}\n`;
  }

  private service(svc: ServiceDef): string {
    const sections: string[] = [];
    const options = this.optionStatements(svc.options, this.file.package);
    if (options.length) sections.push(options.join(''));
    if (svc.methods.length) {
      sections.push(
        svc.methods
          .map((m) => {
            const input = m.inputType.startsWith('.') ? this.s.names.type(m.inputType, svc.fullName) : m.inputType;
            const output = m.outputType.startsWith('.') ? this.s.names.type(m.outputType, svc.fullName) : m.outputType;
            const head = `rpc ${m.name} (${m.clientStreaming ? 'stream ' : ''}${input}) returns (${m.serverStreaming ? 'stream ' : ''}${output})`;
            const opts = this.optionStatements(m.options, svc.fullName);
            return opts.length ? `${head} {\n${opts.map(indent).join('')}}\n` : `${head};\n`;
          })
          .join(''),
      );
    }
    return `service ${svc.name} {${block(sections)}}\n`;
  }
}

/** Sorts `name = value` items by name (stable for repeated options). */
function sortByName(items: string[]): string[] {
  const key = (it: string) => it.slice(0, it.indexOf(' = '));
  return items
    .map((it, i) => ({ it, i }))
    .sort((a, b) => (key(a.it) < key(b.it) ? -1 : key(a.it) > key(b.it) ? 1 : a.i - b.i))
    .map(({ it }) => it);
}

function block(sections: string[]): string {
  if (!sections.length) return '';
  return `\n${sections.map((s) => indentBlock(s)).join('\n')}`;
}

function indent(line: string): string {
  return indentBlock(line.endsWith('\n') ? line : `${line}\n`);
}

function indentBlock(text: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l ? `  ${l}\n` : '\n')).join('');
}

function fmtRange(r: Range): string {
  if (r.start === r.end) return String(r.start);
  return `${r.start} to ${r.end >= MAX_FIELD_NUMBER ? 'max' : r.end}`;
}

function reservedLines(ranges: readonly Range[], names: readonly string[], allowMax = true): string {
  let out = '';
  if (ranges.length) {
    out += `reserved ${ranges.map((r) => (allowMax ? fmtRange(r) : r.start === r.end ? String(r.start) : `${r.start} to ${r.end}`)).join(', ')};\n`;
  }
  if (names.length) out += `reserved ${names.map(quote).join(', ')};\n`;
  return out;
}

/** A string literal in protoc's syntax: \\ \" \n \r \t escaped, other control characters in octal. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function quoteBytes(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function rawValue(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(rawValue).join(', ')}]`;
  if (v && typeof v === 'object') {
    const lines = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${rawValue(x)}`);
    return lines.length ? `{\n${lines.map((l, i) => indent(l + (i < lines.length - 1 ? ',' : ''))).join('')}}` : '{}';
  }
  return String(v);
}
