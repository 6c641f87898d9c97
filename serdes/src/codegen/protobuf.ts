/**
 * TypeScript for Protobuf schemas, in the shapes the SDK's Protobuf serde (protobufjs) reads and writes:
 *
 * - messages → interfaces whose fields are all optional (every Protobuf field may be absent on the wire);
 *   field names are protobufjs' camelCase (or as written with `keepCase`); decoded messages have every
 *   scalar, repeated and map field set (protobufjs defaults);
 * - singular message fields, proto3 `optional` fields and oneof members accept `null`;
 * - a oneof adds a property named after it whose value says which member is set (`payment?: 'card' | 'iban'`),
 *   as protobufjs' decoded messages have it; it is ignored when writing;
 * - enums → numbers, as protobufjs gives them: a const object of the values plus a type of the numbers
 *   (`Status.ACTIVE`, `Status` as a type). Proto3 enums are open: a newer writer may send a number the
 *   generated type does not list;
 * - 64-bit integers → `bigint` (default) or decimal `string` (option `int64`); the generated code converts
 *   to and from protobufjs' Long, so no precision is lost; map keys of 64-bit types are decimal strings;
 * - bytes → `Uint8Array` (decoded values are Buffers); maps → `Record<string, V>`.
 *
 * Known protobufjs limitation: a `map<bool, V>` entry with key `false` is written with key `true`
 * (protobufjs writes the JavaScript key string "false" as a truthy bool).
 */
import protobuf from 'protobufjs';
import type { SchemaReference } from '../formats/format.js';
import { parseProtobuf, type ProtobufSchema } from '../formats/protobuf/index.js';
import type { EmbeddedDependency } from './runtime.js';
import { importSourceReferences } from '../serde/protobuf.js';
import { CodegenError, cmp, type GeneratedPart } from './avro.js';
import { access, docComment, propertyKey, qualifiedCandidates, str, type NameTable } from './emit.js';
import type { ResolvedCodegenOptions } from './options.js';

/** A .proto file to generate from: its text and everything it imports. */
export interface ProtoUnit {
  /** Where it came from (file path or subject), for doc comments. */
  source: string;
  schema: string;
  dependencies: readonly EmbeddedDependency[];
  /** Registered references (code generated from a registry subject). */
  references?: readonly SchemaReference[];
}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const UNSIGNED64 = new Set(['uint64', 'fixed64']);

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

export function protoTypeKey(fullName: string): string {
  return `proto:${stripDot(fullName)}`;
}

interface Loaded {
  unit: ProtoUnit;
  /** Full names (no dot) of the messages the file declares (these get serializers). */
  messages: string[];
}

/** The package-relative path of a type: `Order.Line` for `acme.v1.Order.Line`. */
function localPath(t: protobuf.ReflectionObject): string[] {
  const parts = [t.name];
  let p = t.parent;
  while (p instanceof protobuf.Type) {
    parts.unshift(p.name);
    p = p.parent;
  }
  return parts;
}

export class ProtobufGenerator {
  private readonly loaded: Loaded[] = [];
  /** Every type to emit, by full name. */
  private readonly types = new Map<string, protobuf.Type | protobuf.Enum>();
  private readonly needsMemo = new Map<string, boolean>();
  private readonly usedConverters = new Set<string>();
  private readonly fileConsts = new Map<string, string>();
  private readonly depConsts = new Map<string, { name: string; code: string }>();
  private readonly depOrder: string[] = [];

  constructor(
    private readonly names: NameTable,
    private readonly options: ResolvedCodegenOptions,
  ) {}

  /** Parses the units and registers their type names. */
  load(units: readonly ProtoUnit[]): void {
    for (const unit of units) {
      let schema: ProtobufSchema;
      let root: protobuf.Root;
      try {
        schema = parseProtobuf(unit.schema, importSourceReferences(unit.dependencies), { validate: false });
        root = schema.protobufRoot({ keepCase: this.options.keepCase });
      } catch (e) {
        throw new CodegenError(`${unit.source}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const messages = schema.allMessageTypes().map((m) => m.fullName);
      this.loaded.push({ unit, messages });
      const visit = (t: protobuf.Type | protobuf.Enum): void => {
        const full = stripDot(t.fullName);
        if (this.types.has(full)) return;
        this.types.set(full, t);
        if (t instanceof protobuf.Type) {
          for (const f of t.fieldsArray) {
            f.resolve();
            const r = f.resolvedType;
            if (r instanceof protobuf.Type || r instanceof protobuf.Enum) visit(r);
          }
        }
      };
      for (const name of [...messages, ...schema.enumTypes()]) {
        const t = root.lookup(name);
        if (t instanceof protobuf.Type || t instanceof protobuf.Enum) visit(t);
      }
    }
    for (const [full, t] of this.types) {
      const local = localPath(t);
      const space = full.split('.').slice(0, -local.length).join('.');
      this.names.add(protoTypeKey(full), qualifiedCandidates(local.join('_'), space));
    }
  }

  private nameOf(t: protobuf.ReflectionObject | string): string {
    return this.names.get(protoTypeKey(typeof t === 'string' ? t : t.fullName));
  }

  generate(): GeneratedPart {
    this.computeNeeds();
    const types = new Map<string, string>();
    for (const [, t] of [...this.types].sort((a, b) => cmp(this.nameOf(a[0]), this.nameOf(b[0])))) {
      types.set(this.nameOf(t), t instanceof protobuf.Type ? this.messageDeclaration(t) : this.enumDeclaration(t));
    }
    const bindings = new Map<string, string>();
    const sorted = [...this.loaded].sort((a, b) => cmp(a.unit.source, b.unit.source));
    for (const l of sorted) {
      for (const m of l.messages) {
        const name = this.nameOf(m);
        if (!bindings.has(name)) bindings.set(name, this.binding(l, m, name));
      }
    }
    const converters = new Map<string, string>();
    for (let pending = [...this.usedConverters]; pending.length > 0; pending = [...this.usedConverters].filter((n) => !converters.has(n))) {
      for (const full of pending) converters.set(full, this.converters(this.types.get(full) as protobuf.Type));
    }
    const helpers = [
      ...[...this.fileConsts].map(([text, name]) => `const ${name} = ${str(text)};`),
      ...this.depOrder.map((n) => this.depConsts.get(n)!.code),
      ...[...converters.entries()].sort((a, b) => cmp(this.nameOf(a[0]), this.nameOf(b[0]))).map(([, code]) => code),
    ];
    return { types, helpers, bindings };
  }

  // ---- types --------------------------------------------------------------------------------------------

  private scalar(type: string): string {
    if (INT64.has(type)) return this.options.int64 === 'bigint' ? 'bigint' : 'string';
    switch (type) {
      case 'double':
      case 'float':
      case 'int32':
      case 'uint32':
      case 'sint32':
      case 'fixed32':
      case 'sfixed32':
        return 'number';
      case 'bool':
        return 'boolean';
      case 'string':
        return 'string';
      case 'bytes':
        return 'Uint8Array';
      default:
        throw new CodegenError(`unknown Protobuf scalar type ${type}`);
    }
  }

  /** The TypeScript type of one value of a field (the element type for repeated and map fields). */
  private valueType(f: protobuf.Field): string {
    const r = f.resolvedType;
    if (r instanceof protobuf.Type || r instanceof protobuf.Enum) return this.nameOf(r);
    return this.scalar(f.type);
  }

  private isSynthetic(o: protobuf.OneOf): boolean {
    return o.fieldsArray.length === 1 && (o.fieldsArray[0]!.options?.proto3_optional === true || o.name.startsWith('_'));
  }

  private messageDeclaration(t: protobuf.Type): string {
    const name = this.nameOf(t);
    const lines: string[] = [];
    for (const f of t.fieldsArray) {
      let type = this.valueType(f);
      const notes: string[] = [];
      if (f instanceof protobuf.MapField) {
        type = `Record<string, ${type}>`;
        notes.push(`map<${f.keyType}, ${f.type}>${INT64.has(f.keyType) ? ' (keys: decimal strings)' : ''}`);
      } else if (f.repeated) {
        type = `${type}[]`;
      } else if (f.resolvedType instanceof protobuf.Type || f.partOf) {
        type = `${type} | null`;
      }
      if (INT64.has(f.type)) notes.push(`${f.type}`);
      if (f.partOf && !this.isSynthetic(f.partOf)) notes.push(`member of oneof ${f.partOf.name}`);
      lines.push(`${docComment([f.comment, notes.join('; ') || undefined], '  ')}  ${propertyKey(f.name)}?: ${type};`);
    }
    for (const o of t.oneofsArray) {
      if (this.isSynthetic(o)) continue;
      const members = o.fieldsArray.map((f) => str(f.name)).join(' | ');
      lines.push(`${docComment([`Which member of oneof \`${o.name}\` is set (decoded messages; ignored when writing).`], '  ')}  ${propertyKey(o.name)}?: ${members};`);
    }
    const doc = docComment([t.comment, `Protobuf message \`${stripDot(t.fullName)}\`.`]);
    return `${doc}export interface ${name} {\n${lines.join('\n')}${lines.length ? '\n' : ''}}`;
  }

  private enumDeclaration(e: protobuf.Enum): string {
    const name = this.nameOf(e);
    const entries = Object.entries(e.values).map(([k, v]) => `${docComment([e.comments[k]], '  ')}  ${propertyKey(k)}: ${v},`);
    const doc = docComment([e.comment, `Protobuf enum \`${stripDot(e.fullName)}\` (values are numbers, as the serde gives them).`]);
    return `${doc}export const ${name} = {\n${entries.join('\n')}\n} as const;\n${doc}export type ${name} = (typeof ${name})[keyof typeof ${name}];`;
  }

  // ---- conversions (64-bit integers) --------------------------------------------------------------------

  private fieldNeeds(f: protobuf.Field): boolean {
    if (INT64.has(f.type)) return true;
    if (f instanceof protobuf.MapField && INT64.has(f.keyType)) return true;
    const r = f.resolvedType;
    return r instanceof protobuf.Type && (this.needsMemo.get(stripDot(r.fullName)) ?? false);
  }

  private computeNeeds(): void {
    const messages = [...this.types.entries()].filter((e): e is [string, protobuf.Type] => e[1] instanceof protobuf.Type);
    for (const [full] of messages) this.needsMemo.set(full, false);
    let changed = true;
    while (changed) {
      changed = false;
      for (const [full, t] of messages) {
        if (this.needsMemo.get(full)) continue;
        if (t.fieldsArray.some((f) => this.fieldNeeds(f))) {
          this.needsMemo.set(full, true);
          changed = true;
        }
      }
    }
  }

  private needs(full: string): boolean {
    return this.needsMemo.get(stripDot(full)) ?? false;
  }

  /** Converts one value (not a repeated list or map) to what protobufjs writes. */
  private valueToWire(f: protobuf.Field, e: string): string {
    if (INT64.has(f.type)) return `$serdes.int64ToWire(${e}, ${UNSIGNED64.has(f.type)})`;
    const r = f.resolvedType;
    if (r instanceof protobuf.Type && this.needs(r.fullName)) {
      this.usedConverters.add(stripDot(r.fullName));
      return `$toWire_${this.nameOf(r)}(${e})`;
    }
    return e;
  }

  private valueFromWire(f: protobuf.Field, e: string): string {
    if (INT64.has(f.type)) {
      const big = `$serdes.int64FromWire(${e}, ${UNSIGNED64.has(f.type)})`;
      return this.options.int64 === 'bigint' ? big : `${big}.toString()`;
    }
    const r = f.resolvedType;
    if (r instanceof protobuf.Type && this.needs(r.fullName)) {
      this.usedConverters.add(stripDot(r.fullName));
      return `$fromWire_${this.nameOf(r)}(${e})`;
    }
    return e;
  }

  private converters(t: protobuf.Type): string {
    const name = this.nameOf(t);
    const to: string[] = [`function $toWire_${name}(v: ${name}): any {`, '  const o: any = { ...v };'];
    const from: string[] = [`function $fromWire_${name}(m: any): ${name} {`, `  const o: ${name} = {};`];
    for (const f of t.fieldsArray) {
      const v = access('v', f.name);
      const m = access('m', f.name);
      const o = access('o', f.name);
      const isMap = f instanceof protobuf.MapField;
      const valueNeeds = INT64.has(f.type) || (f.resolvedType instanceof protobuf.Type && this.needs(f.resolvedType.fullName));
      if (valueNeeds) {
        const conv = isMap
          ? `$serdes.mapValues(${v}, (x: any) => ${this.valueToWire(f, 'x')})`
          : f.repeated
            ? `${v}.map((x: any) => ${this.valueToWire(f, 'x')})`
            : this.valueToWire(f, v);
        to.push(`  if (${v} != null) ${o} = ${conv};`);
      }
      let read: string;
      if (isMap && INT64.has((f as protobuf.MapField).keyType)) {
        const unsigned = UNSIGNED64.has((f as protobuf.MapField).keyType);
        read = `$serdes.mapEntries(${m}, (k: string) => $serdes.int64MapKeyFromWire(k, ${unsigned}), (x: any) => ${this.valueFromWire(f, 'x')})`;
      } else if (isMap) {
        read = valueNeeds ? `$serdes.mapValues(${m}, (x: any) => ${this.valueFromWire(f, 'x')})` : m;
      } else if (f.repeated) {
        read = valueNeeds ? `${m}.map((x: any) => ${this.valueFromWire(f, 'x')})` : m;
      } else {
        read = this.valueFromWire(f, m);
      }
      if (f.partOf) {
        // Oneof members and proto3 optional fields: only when set (protobufjs leaves the others on the prototype).
        from.push(`  if (Object.prototype.hasOwnProperty.call(m, ${str(f.name)}) && ${m} != null) ${o} = ${read};`);
      } else if (f.resolvedType instanceof protobuf.Type && !f.repeated && !isMap) {
        from.push(`  ${o} = ${m} == null ? null : ${read};`);
      } else {
        from.push(`  if (${m} != null) ${o} = ${read};`);
      }
    }
    for (const one of t.oneofsArray) {
      if (this.isSynthetic(one)) continue;
      from.push(`  if (${access('m', one.name)} != null) ${access('o', one.name)} = ${access('m', one.name)};`);
    }
    to.push('  return o;', '}');
    from.push('  return o;', '}');
    return `${to.join('\n')}\n\n${from.join('\n')}`;
  }

  // ---- bindings -----------------------------------------------------------------------------------------

  private fileConst(text: string): string {
    let name = this.fileConsts.get(text);
    if (name === undefined) {
      name = `$protoFile${this.fileConsts.size + 1}`;
      this.fileConsts.set(text, name);
    }
    return name;
  }

  private depConst(dep: EmbeddedDependency): string {
    const key = `${dep.name}\0${dep.schema}`;
    const existing = this.depConsts.get(key);
    if (existing) return existing.name;
    const children = dep.dependencies.map((d) => this.depConst(d));
    const name = `$protoDep${this.depConsts.size + 1}`;
    const code = `const ${name}: $serdes.EmbeddedDependency = { name: ${str(dep.name)}, schema: ${this.fileConst(dep.schema)}, dependencies: [${children.join(', ')}] };`;
    this.depConsts.set(key, { name, code });
    this.depOrder.push(key);
    return name;
  }

  private binding(l: Loaded, message: string, name: string): string {
    const constName = `$proto_${name}`;
    const lines: string[] = [];
    lines.push(`const ${constName}: $serdes.ProtobufBinding<${name}> = {`);
    lines.push(`  schema: ${this.fileConst(l.unit.schema)},`);
    lines.push(`  messageType: ${str(message)},`);
    lines.push(`  dependencies: [${l.unit.dependencies.map((d) => this.depConst(d)).join(', ')}],`);
    if (l.unit.references) {
      lines.push(`  references: [`);
      for (const r of l.unit.references) lines.push(`    { name: ${str(r.name)}, subject: ${str(r.subject)}, version: ${r.version} },`);
      lines.push(`  ],`);
    }
    lines.push(`  keepCase: ${this.options.keepCase},`);
    if (this.needs(message)) {
      this.usedConverters.add(message);
      lines.push(`  toWire: $toWire_${name},`);
      lines.push(`  fromWire: $fromWire_${name},`);
    }
    lines.push('};');
    return `${lines.join('\n')}

${docComment([
  `A serializer of {@link ${name}} (Protobuf message \`${message}\`, from ${l.unit.source}).`,
  'The subject is the `subject` option, else it comes from the topic and the subject name strategy.',
])}export function create${name}Serializer(client: $serdes.RegistryClient, options: $serdes.BoundSerializerOptions = {}): $serdes.BoundSerializer<${name}> {
  return $serdes.bindProtobufSerializer(client, ${constName}, options);
}

${docComment([`A deserializer into {@link ${name}}: every message is decoded as \`${message}\`.`])}export function create${name}Deserializer(client: $serdes.RegistryClient, options: $serdes.BoundDeserializerOptions = {}): $serdes.BoundDeserializer<${name}> {
  return $serdes.bindProtobufDeserializer(client, ${constName}, options);
}`;
  }
}
