/**
 * Linking: resolves every type reference of a parsed file against the file and its imports, types
 * the options and default values, and validates what the parsers leave out (duplicate numbers and
 * names, reserved numbers and names, ranges, proto3 rules, unresolvable types, unknown options).
 *
 * The file is updated in place: type names become fully qualified (leading dot), `rawOptions`
 * become typed `options` in a canonical order (merged, sorted by field number).
 */
import { InvalidSchemaError } from '../format.js';
import { decodeMessage } from './codec.js';
import { bigIntegerOf, expandBytes, expandString, unescapeLiteral } from './lexer.js';
import {
  MAP_KEY_TYPES,
  MAX_FIELD_NUMBER,
  RESERVED_IMPL_RANGE,
  SCALAR_TYPES,
  defaultJsonName,
  qualify,
  type EnumDef,
  type FieldDef,
  type FileDef,
  type MessageDef,
  type OptionEntry,
  type OptValue,
  type Range,
  type RawOptions,
} from './model.js';
import { fieldNamed, hasName, inRanges, oneofMembers, overlapsRanges, valueNamed, valueNumbered } from './indexes.js';
import { Symbols } from './symbols.js';

const OPTIONS = {
  file: '.google.protobuf.FileOptions',
  message: '.google.protobuf.MessageOptions',
  field: '.google.protobuf.FieldOptions',
  oneof: '.google.protobuf.OneofOptions',
  enum: '.google.protobuf.EnumOptions',
  enumValue: '.google.protobuf.EnumValueOptions',
  service: '.google.protobuf.ServiceOptions',
  method: '.google.protobuf.MethodOptions',
} as const;

export interface LinkInput {
  file: FileDef;
  /** Decoded literals of the text form (see lexer.ts); empty for descriptors. */
  literals: readonly Uint8Array[];
  /** Big integer literals of the text form (see lexer.ts). */
  bigIntegers?: readonly bigint[];
  /** Every linked file visible from this one (its imports, transitively). */
  dependencies: readonly FileDef[];
  /** The linked google/protobuf/descriptor.proto, for typing options (absent while linking itself). */
  descriptorProto?: FileDef;
  validate: boolean;
}

export function linkFile(input: LinkInput): Symbols {
  const { file, validate } = input;
  const symbols = new Symbols();
  for (const dep of input.dependencies) symbols.addFile(dep, false);
  symbols.addFile(file, validate);
  // descriptor.proto types the standard options even when it is not imported; it comes last so a
  // file that defines those messages itself keeps its own.
  if (input.descriptorProto) symbols.addFile(input.descriptorProto, false);
  // Extensions of the imports are already linked (extendee names qualified).
  for (const dep of input.dependencies) for (const x of allExtensions(dep)) symbols.indexExtension(x, false);
  const linker = new Linker(file, symbols, input.literals, input.bigIntegers ?? [], validate);
  linker.run();
  return symbols;
}

class Linker {
  constructor(
    private readonly file: FileDef,
    private readonly symbols: Symbols,
    private readonly literals: readonly Uint8Array[],
    private readonly bigIntegers: readonly bigint[],
    private readonly validate: boolean,
  ) {}

  private fail(message: string): void {
    if (this.validate) throw new InvalidSchemaError(message);
  }

  run(): void {
    const f = this.file;
    if (this.validate) this.checkImports();
    // 1. Types, extendees, method types.
    for (const m of f.messages) this.resolveMessage(m);
    for (const x of f.extensions) this.resolveField(x, f.package, undefined);
    for (const s of f.services) {
      for (const method of s.methods) {
        method.inputType = this.resolveMethodType(method.inputType, s.fullName, `${s.name}.${method.name}`);
        method.outputType = this.resolveMethodType(method.outputType, s.fullName, `${s.name}.${method.name}`);
      }
    }
    // 2. Extensions by extendee (needed to read custom options).
    for (const x of allExtensions(f)) this.symbols.indexExtension(x, this.validate);
    // 3. Default values and options.
    f.options = this.typeOptions(f.rawOptions, OPTIONS.file, f.package, 'file options');
    delete f.rawOptions;
    for (const m of f.messages) this.linkMessageOptions(m, f.package);
    for (const x of f.extensions) this.linkFieldOptions(x, f.package, x.name);
    for (const e of f.enums) this.linkEnumOptions(e, f.package);
    for (const s of f.services) {
      s.options = this.typeOptions(s.rawOptions, OPTIONS.service, f.package, `service ${s.name}`);
      delete s.rawOptions;
      for (const method of s.methods) {
        method.options = this.typeOptions(method.rawOptions, OPTIONS.method, s.fullName, `method ${s.name}.${method.name}`);
        delete method.rawOptions;
      }
    }
    // 4. Validation.
    if (this.validate) {
      for (const m of f.messages) this.checkMessage(m);
      for (const e of f.enums) this.checkEnum(e);
      for (const x of f.extensions) this.checkExtension(x, f.package);
    }
  }

  private checkImports(): void {
    const seen = new Set<string>();
    for (const imp of this.file.imports) {
      if (seen.has(imp.path)) this.fail(`import "${imp.path}" is listed twice`);
      seen.add(imp.path);
    }
  }

  // --- resolution ---

  private resolveMessage(m: MessageDef): void {
    for (const field of m.fields) this.resolveField(field, m.fullName, m);
    for (const x of m.extensions) this.resolveField(x, m.fullName, m);
    for (const nested of m.messages) this.resolveMessage(nested);
  }

  private resolveField(field: FieldDef, scope: string, owner: MessageDef | undefined): void {
    const where = owner ? `field ${owner.name}.${field.name}` : `extension ${field.name}`;
    if (field.extendee !== undefined && !field.extendee.startsWith('.')) {
      const sym = this.symbols.resolve(field.extendee, scope, (s) => s.kind === 'message');
      if (sym) field.extendee = `.${sym.fullName}`;
      else this.fail(`${where} extends "${field.extendee}", which is not a message that could be resolved`);
    } else if (field.extendee !== undefined && !this.symbols.get(field.extendee)?.message) {
      this.fail(`${where} extends "${field.extendee}", which is not a known message`);
    }
    if (field.mapKey !== undefined && !MAP_KEY_TYPES.has(field.mapKey)) {
      this.fail(`${where}: "${field.mapKey}" is not a valid map key type`);
    }
    if (SCALAR_TYPES.has(field.type)) {
      field.kind = 'scalar';
      return;
    }
    if (field.type.startsWith('.') && field.kind !== 'unresolved') {
      // Already qualified (descriptor input that named its kind): check it exists.
      const sym = this.symbols.get(field.type);
      if (!sym || (sym.kind !== 'message' && sym.kind !== 'enum')) {
        this.fail(`type "${field.type}" of ${where} could not be resolved`);
        field.kind = 'unresolved';
        return;
      }
      if (field.kind === 'message' && sym.kind === 'enum') field.kind = 'enum';
      if (field.kind === 'enum' && sym.kind === 'message') field.kind = 'message';
      return;
    }
    const sym = this.symbols.resolveType(field.type, scope);
    if (!sym) {
      this.fail(`type "${field.type}" of ${where} could not be resolved`);
      field.kind = 'unresolved';
      return;
    }
    field.type = `.${sym.fullName}`;
    field.kind = sym.kind === 'enum' ? 'enum' : field.group ? 'group' : 'message';
  }

  private resolveMethodType(name: string, scope: string, where: string): string {
    const sym = this.symbols.resolve(name, scope, (s) => s.kind === 'message');
    if (!sym) {
      this.fail(`type "${name}" of method ${where} is not a message that could be resolved`);
      return name;
    }
    return `.${sym.fullName}`;
  }

  // --- options and defaults ---

  private linkMessageOptions(m: MessageDef, parentScope: string): void {
    m.options = this.typeOptions(m.rawOptions, OPTIONS.message, parentScope, `message ${m.name}`);
    delete m.rawOptions;
    for (const o of m.oneofs) {
      o.options = this.typeOptions(o.rawOptions, OPTIONS.oneof, m.fullName, `oneof ${m.name}.${o.name}`);
      delete o.rawOptions;
    }
    for (const field of m.fields) this.linkFieldOptions(field, m.fullName, `${m.name}.${field.name}`);
    for (const x of m.extensions) this.linkFieldOptions(x, m.fullName, x.name);
    for (const e of m.enums) this.linkEnumOptions(e, m.fullName);
    for (const nested of m.messages) this.linkMessageOptions(nested, m.fullName);
  }

  private linkFieldOptions(field: FieldDef, scope: string, where: string): void {
    field.options = this.typeOptions(field.rawOptions, OPTIONS.field, scope, `field ${where}`);
    delete field.rawOptions;
    if (field.jsonName !== undefined && field.jsonName === defaultJsonName(field.name)) delete field.jsonName;
    if (field.defaultValue?.k === 'raw') {
      const typed = this.typeDefault(field, field.defaultValue.v, where);
      if (typed) field.defaultValue = typed;
    }
  }

  private linkEnumOptions(e: EnumDef, scope: string): void {
    e.options = this.typeOptions(e.rawOptions, OPTIONS.enum, scope, `enum ${e.name}`);
    delete e.rawOptions;
    for (const v of e.values) {
      v.options = this.typeOptions(v.rawOptions, OPTIONS.enumValue, scope, `enum value ${e.name}.${v.name}`);
      delete v.rawOptions;
    }
  }

  private typeDefault(field: FieldDef, raw: unknown, where: string): OptValue | undefined {
    const fromDescriptor = typeof raw === 'object' && raw !== null && 'descriptorDefault' in raw;
    const text = fromDescriptor ? String((raw as { descriptorDefault: string }).descriptorDefault) : undefined;
    if (field.kind === 'enum') {
      const name = text ?? (typeof raw === 'string' ? raw : undefined);
      const e = this.symbols.enumDef(field.type);
      const value = e && name !== undefined ? valueNamed(e, name) : undefined;
      if (name === undefined || (e && !value)) {
        this.fail(`default value of field ${where} is not a value of enum ${field.type.slice(1)}`);
        return { k: 'raw', v: raw };
      }
      return value ? { k: 'enum', v: name, n: value.number } : { k: 'enum', v: name };
    }
    if (field.kind !== 'scalar') {
      this.fail(`field ${where} of a message type cannot have a default value`);
      return { k: 'raw', v: raw };
    }
    if (fromDescriptor) {
      const t = text!;
      switch (field.type) {
        case 'string': return { k: 'str', v: t };
        case 'bytes': return { k: 'bytes', v: unescapeLiteral(t) };
        case 'bool': return { k: 'bool', v: t === 'true' };
        case 'float':
        case 'double': return { k: 'float', v: parseFloatText(t) };
        default:
          try {
            return { k: 'int', v: BigInt(t) };
          } catch {
            this.fail(`default value "${t}" of field ${where} is not an integer`);
            return { k: 'raw', v: raw };
          }
      }
    }
    const values = this.typeScalar(field, raw, `default value of field ${where}`);
    return values;
  }

  /** Types protobufjs' raw option values, or decodes a serialized options message. */
  private typeOptions(raw: RawOptions | undefined, optionsType: string, scope: string, where: string): OptionEntry[] {
    if (!raw) return [];
    if (raw.kind === 'bytes') {
      if (!this.symbols.message(optionsType)) return [];
      try {
        return canonicalizeEntries(decodeMessage(optionsType, raw.bytes, this.symbols));
      } catch (e) {
        this.fail(`options of ${where} could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    }
    const optionsMsg = this.symbols.message(optionsType);
    const out: OptionEntry[] = [];
    for (const [name, value] of raw.entries) {
      let field: FieldDef | undefined;
      let ext = false;
      let entryName = name;
      if (name.startsWith('(')) {
        ext = true;
        const ref = name.slice(1, name.indexOf(')'));
        const sym = this.symbols.resolve(ref, scope, (s) => s.kind === 'extension');
        if (sym?.field && sym.field.extendee === optionsType) {
          field = sym.field;
          entryName = `.${sym.fullName}`;
        } else if (sym?.field) {
          this.fail(`option "${name}" of ${where} extends ${sym.field.extendee?.slice(1)}, not ${optionsType.slice(1)}`);
        } else {
          this.fail(`unknown option "${name}" in ${where}`);
        }
      } else {
        field = optionsMsg && fieldNamed(optionsMsg, name);
        if (!field && optionsMsg) this.fail(`unknown option "${name}" in ${where}`);
      }
      if (!field) {
        out.push({ name: entryName, ext, value: { k: 'raw', v: value } });
        continue;
      }
      const values = this.typeValue(field, value, `option "${name}" of ${where}`);
      const repeated = field.label === 'repeated' || field.mapKey !== undefined;
      for (const v of values) {
        out.push({ name: entryName, ext, number: field.number, ...(repeated ? { repeated } : {}), value: v });
      }
    }
    return canonicalizeEntries(out);
  }

  private typeValue(field: FieldDef, raw: unknown, where: string): OptValue[] {
    const repeated = field.label === 'repeated' || field.mapKey !== undefined;
    if (Array.isArray(raw)) {
      if (!repeated) this.fail(`${where}: a list was given for a non-repeated field`);
      return raw.flatMap((item) => this.typeValue(field, item, where));
    }
    if (field.mapKey !== undefined) {
      if (typeof raw !== 'object' || raw === null) {
        this.fail(`${where}: expected a map entry`);
        return [{ k: 'raw', v: raw }];
      }
      const keyField: FieldDef = { name: 'key', number: 1, type: field.mapKey, kind: 'scalar', options: [] };
      const valueField: FieldDef = { name: 'value', number: 2, type: field.type, kind: field.kind, options: [] };
      const entries: OptionEntry[] = [];
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        const sub = k === 'key' ? keyField : k === 'value' ? valueField : undefined;
        if (!sub) {
          this.fail(`${where}: map entries have only "key" and "value", not "${k}"`);
          continue;
        }
        for (const tv of this.typeValue(sub, v, where)) entries.push({ name: sub.name, ext: false, number: sub.number, value: tv });
      }
      return [{ k: 'msg', fields: canonicalizeEntries(entries) }];
    }
    if (field.kind === 'message' || field.kind === 'group') {
      const msg = this.symbols.message(field.type);
      if (typeof raw !== 'object' || raw === null || !msg) {
        this.fail(`${where}: expected a message value`);
        return [{ k: 'raw', v: raw }];
      }
      const entries: OptionEntry[] = [];
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        // A group is named by its type in text format; only then is the field list scanned.
        const sub = fieldNamed(msg, k) ?? msg.fields.find((f) => f.kind === 'group' && f.type.endsWith(`.${k}`));
        if (!sub) {
          this.fail(`${where}: message ${msg.fullName} has no field "${k}"`);
          entries.push({ name: k, ext: false, value: { k: 'raw', v } });
          continue;
        }
        const subRepeated = sub.label === 'repeated' || sub.mapKey !== undefined;
        for (const tv of this.typeValue(sub, v, where)) {
          entries.push({ name: sub.name, ext: false, number: sub.number, ...(subRepeated ? { repeated: true } : {}), value: tv });
        }
      }
      return [{ k: 'msg', fields: canonicalizeEntries(entries) }];
    }
    if (field.kind === 'enum') {
      const e = this.symbols.enumDef(field.type);
      if (typeof raw === 'string') {
        const value = e && valueNamed(e, raw);
        if (e && !value) this.fail(`${where}: "${raw}" is not a value of enum ${e.fullName}`);
        return [value ? { k: 'enum', v: raw, n: value.number } : { k: 'enum', v: raw }];
      }
      if (typeof raw === 'number') {
        const value = e && valueNumbered(e, raw);
        this.fail(`${where}: expected an enum value name, got ${raw}`);
        return [value ? { k: 'enum', v: value.name, n: raw } : { k: 'int', v: BigInt(Math.trunc(raw)) }];
      }
      this.fail(`${where}: expected an enum value`);
      return [{ k: 'raw', v: raw }];
    }
    if (field.kind !== 'scalar') return [{ k: 'raw', v: raw }];
    return [this.typeScalar(field, raw, where)];
  }

  private typeScalar(field: FieldDef, raw: unknown, where: string): OptValue {
    const big = bigIntegerOf(raw, this.bigIntegers);
    if (big !== undefined) {
      if (field.type === 'float' || field.type === 'double') return { k: 'float', v: Number(big) };
      if (INT_RANGES[field.type]) {
        if (!integerFits(field.type, big)) this.fail(`${where}: ${big} is out of range for ${field.type}`);
        return { k: 'int', v: big };
      }
    }
    switch (field.type) {
      case 'string':
        if (typeof raw === 'string') {
          try {
            return { k: 'str', v: expandString(raw, this.literals, true) };
          } catch {
            this.fail(`${where}: string is not valid UTF-8`);
            return { k: 'str', v: expandString(raw, this.literals) };
          }
        }
        this.fail(`${where}: expected a string, got ${String(raw)}`);
        return { k: 'raw', v: raw };
      case 'bytes':
        if (typeof raw === 'string') return { k: 'bytes', v: expandBytes(raw, this.literals) };
        this.fail(`${where}: expected a string, got ${String(raw)}`);
        return { k: 'raw', v: raw };
      case 'bool':
        if (typeof raw === 'boolean') return { k: 'bool', v: raw };
        this.fail(`${where}: expected true or false, got ${String(raw)}`);
        return { k: 'raw', v: raw };
      case 'float':
      case 'double':
        if (typeof raw === 'number') return { k: 'float', v: raw };
        if (typeof raw === 'string' && /^-?(inf|nan)$/i.test(raw)) return { k: 'float', v: parseFloatText(raw.toLowerCase()) };
        this.fail(`${where}: expected a number, got ${String(raw)}`);
        return { k: 'raw', v: raw };
      default: {
        if (typeof raw === 'number' && Number.isInteger(raw)) {
          const v = BigInt(raw);
          if (!integerFits(field.type, v)) this.fail(`${where}: ${raw} is out of range for ${field.type}`);
          return { k: 'int', v };
        }
        this.fail(`${where}: expected an integer, got ${String(raw)}`);
        return { k: 'raw', v: raw };
      }
    }
  }

  // --- validation ---

  private checkMessage(m: MessageDef): void {
    const proto3 = this.file.syntax === 'proto3';
    const where = `message ${m.fullName}`;
    checkRanges(m.reservedRanges, `reserved range in ${where}`, (msg) => this.fail(msg));
    checkRanges(m.extensionRanges, `extension range in ${where}`, (msg) => this.fail(msg));
    for (const r of m.reservedRanges) {
      // Only a range that overlaps at all is matched against each extension range, to name the first one.
      if (!overlapsRanges(r, m.extensionRanges)) continue;
      const x = m.extensionRanges.find((x) => r.start <= x.end && x.start <= r.end)!;
      this.fail(`${where}: extension range ${fmtRange(x)} overlaps reserved range ${fmtRange(r)}`);
    }
    if (proto3 && m.extensionRanges.length) this.fail(`${where}: extension ranges are not allowed in proto3`);
    const names = new Map<string, string>();
    const claim = (name: string, what: string) => {
      const prev = names.get(name);
      if (prev) this.fail(`${where}: "${name}" is already defined (as ${prev}), cannot define ${what}`);
      else names.set(name, what);
    };
    const numbers = new Map<number, string>();
    for (const field of m.fields) {
      claim(field.name, `field ${field.name}`);
      const prev = numbers.get(field.number);
      if (prev !== undefined) this.fail(`${where}: field number ${field.number} is used by both "${prev}" and "${field.name}"`);
      numbers.set(field.number, field.name);
      this.checkFieldNumber(field, where);
      if (inRanges(field.number, m.reservedRanges)) this.fail(`${where}: field "${field.name}" uses reserved number ${field.number}`);
      if (inRanges(field.number, m.extensionRanges)) this.fail(`${where}: field "${field.name}" uses number ${field.number}, which is in an extension range`);
      if (hasName(m.reservedNames, field.name)) this.fail(`${where}: field name "${field.name}" is reserved`);
      if (proto3 && field.label === 'required') this.fail(`${where}: required fields are not allowed in proto3 (field "${field.name}")`);
      if (proto3 && field.group) this.fail(`${where}: groups are not allowed in proto3 (field "${field.name}")`);
      if (proto3 && field.defaultValue) this.fail(`${where}: default values are not allowed in proto3 (field "${field.name}")`);
      if (field.defaultValue && (field.label === 'repeated' || field.mapKey !== undefined)) {
        this.fail(`${where}: repeated field "${field.name}" cannot have a default value`);
      }
      if (field.oneof !== undefined && (field.label === 'repeated' || field.label === 'required' || field.mapKey !== undefined)) {
        this.fail(`${where}: oneof member "${field.name}" cannot be repeated, required or a map`);
      }
      if (field.mapKey !== undefined && field.kind === 'group') this.fail(`${where}: map field "${field.name}" cannot have a group value`);
    }
    m.oneofs.forEach((o, i) => {
      claim(o.name, `oneof ${o.name}`);
      if (!oneofMembers(m, i).length) this.fail(`${where}: oneof "${o.name}" has no fields`);
    });
    for (const nested of m.messages) if (!nested.isGroup) claim(nested.name, `message ${nested.name}`);
    for (const e of m.enums) claim(e.name, `enum ${e.name}`);
    for (const nested of m.messages) this.checkMessage(nested);
    for (const e of m.enums) this.checkEnum(e);
    for (const x of m.extensions) this.checkExtension(x, m.fullName);
  }

  private checkFieldNumber(field: FieldDef, where: string): void {
    if (!Number.isInteger(field.number) || field.number < 1 || field.number > MAX_FIELD_NUMBER) {
      this.fail(`${where}: field "${field.name}" has number ${field.number}, outside 1 to ${MAX_FIELD_NUMBER}`);
    } else if (inRanges(field.number, [RESERVED_IMPL_RANGE])) {
      this.fail(`${where}: field "${field.name}" uses number ${field.number}; 19000 to 19999 are reserved for the protobuf implementation`);
    }
  }

  private checkEnum(e: EnumDef): void {
    const where = `enum ${e.fullName}`;
    if (!e.values.length) this.fail(`${where} must have at least one value`);
    if (this.file.syntax === 'proto3' && e.values[0] && e.values[0].number !== 0) {
      this.fail(`${where}: the first value of a proto3 enum must be zero (got ${e.values[0].name} = ${e.values[0].number})`);
    }
    const allowAlias = e.options.some((o) => !o.ext && o.name === 'allow_alias' && o.value.k === 'bool' && o.value.v);
    const names = new Set<string>();
    const numbers = new Map<number, string>();
    for (const v of e.values) {
      if (names.has(v.name)) this.fail(`${where}: value "${v.name}" is defined twice`);
      names.add(v.name);
      const prev = numbers.get(v.number);
      if (prev !== undefined && !allowAlias) {
        this.fail(`${where}: "${prev}" and "${v.name}" both use number ${v.number} (set option allow_alias = true to allow aliases)`);
      }
      numbers.set(v.number, v.name);
      if (v.number < -2147483648 || v.number > 2147483647) this.fail(`${where}: value "${v.name}" is out of int32 range`);
      if (inRanges(v.number, e.reservedRanges)) this.fail(`${where}: value "${v.name}" uses reserved number ${v.number}`);
      if (hasName(e.reservedNames, v.name)) this.fail(`${where}: value name "${v.name}" is reserved`);
    }
    if (allowAlias && numbers.size === e.values.length) this.fail(`${where}: allow_alias is set but no two values share a number`);
  }

  private checkExtension(x: FieldDef, scope: string): void {
    const where = `extension ${qualify(scope, x.name)}`;
    this.checkFieldNumber(x, where);
    if (x.label === 'required') this.fail(`${where} cannot be required`);
    if (x.mapKey !== undefined) this.fail(`${where} cannot be a map`);
    const target = x.extendee ? this.symbols.message(x.extendee) : undefined;
    if (target && !inRanges(x.number, target.extensionRanges)) {
      this.fail(`${where}: ${target.fullName} does not declare ${x.number} as an extension number`);
    }
    if (this.file.syntax === 'proto3' && x.extendee && !/^\.google\.protobuf\.\w+Options$/.test(x.extendee)) {
      this.fail(`${where}: proto3 files may only extend the google.protobuf options messages`);
    }
  }
}

function* allExtensions(f: FileDef): Generator<FieldDef> {
  yield* f.extensions;
  const walk = function* (messages: readonly MessageDef[]): Generator<FieldDef> {
    for (const m of messages) {
      yield* m.extensions;
      yield* walk(m.messages);
    }
  };
  yield* walk(f.messages);
}

function checkRanges(ranges: readonly Range[], what: string, fail: (msg: string) => void): void {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (r.start > r.end) fail(`${what} ${fmtRange(r)} is empty`);
    if (r.start < 1 || r.end > MAX_FIELD_NUMBER) fail(`${what} ${fmtRange(r)} is outside 1 to ${MAX_FIELD_NUMBER}`);
    const next = sorted[i + 1];
    if (next && next.start <= r.end) fail(`${what} ${fmtRange(r)} overlaps ${fmtRange(next)}`);
  }
}

function fmtRange(r: Range): string {
  return r.start === r.end ? String(r.start) : `${r.start} to ${r.end === MAX_FIELD_NUMBER ? 'max' : r.end}`;
}

function parseFloatText(t: string): number {
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan' || t === '-nan') return NaN;
  return parseFloat(t);
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

function integerFits(type: string, v: bigint): boolean {
  const range = INT_RANGES[type];
  return !range || (v >= range[0] && v <= range[1]);
}

/**
 * Canonical order of option entries: entries of a non-repeated message option are merged into one,
 * a non-repeated scalar keeps its last value, repeated values keep their order; then everything is
 * sorted by field number (stable), unresolved entries last.
 */
export function canonicalizeEntries(entries: readonly OptionEntry[]): OptionEntry[] {
  const out: OptionEntry[] = [];
  // Where each option name first appears in `out`, and the fields gathered for a message option set
  // more than once (canonicalized once at the end: merging as they come made n statements cost n²).
  const positions = new Map<string, number>();
  const merged = new Map<number, OptionEntry[]>();
  for (const entry of entries) {
    const value = entry.value.k === 'msg' ? { k: 'msg' as const, fields: canonicalizeEntries(entry.value.fields) } : entry.value;
    const e: OptionEntry = { ...entry, value };
    const key = `${entry.ext ? 'x' : 'f'}${entry.name}`;
    const i = positions.get(key);
    if (entry.repeated || entry.value.k === 'raw' || i === undefined) {
      if (i === undefined) positions.set(key, out.length);
      out.push(e);
      continue;
    }
    const prev = out[i]!;
    if (prev.value.k === 'msg' && value.k === 'msg') {
      let fields = merged.get(i);
      if (!fields) merged.set(i, (fields = [...prev.value.fields]));
      for (const f of value.fields) fields.push(f);
    } else {
      out[i] = e;
      merged.delete(i);
    }
  }
  for (const [i, fields] of merged) out[i] = { ...out[i]!, value: { k: 'msg', fields: canonicalizeEntries(fields) } };
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.number ?? Infinity) - (b.e.number ?? Infinity) || (a.e.number === undefined && b.e.number === undefined ? a.e.name.localeCompare(b.e.name) : 0) || a.i - b.i)
    .map(({ e }) => e);
}
