/**
 * TypeScript for Avro schemas, in the shapes the SDK's Avro serde (avsc with its default options) reads
 * and writes:
 *
 * - records → interfaces (every field required: Avro's binary encoding has no absent fields);
 * - enums → string-literal unions; fixed → `Buffer`;
 * - arrays → `T[]`, maps → `Record<string, T>`;
 * - unions → what avsc does with `wrapUnions: 'auto'`: a plain union (`null | string`, `string | Order`)
 *   when the branches can be told apart by their JavaScript kind (one branch per kind: null, boolean,
 *   number, string/enum, bytes/fixed, array, map/record), else a union discriminated by a single key named
 *   after the branch (`{ "int": number } | { "long": number }`, `{ "com.acme.A": A } | { "com.acme.B": B }`);
 *   `null` stays `null` in both;
 * - `long` → `number`: safe integers only (avsc accepts ±9007199254740990 and rejects larger values rather
 *   than rounding them; the serde has no bigint mode, so neither has codegen);
 * - logical types: timestamp-millis/micros → `Date` or `number` (option `timestamps`), date → `Date` or
 *   days (`dates`), decimal → `Buffer` or decimal string (`decimals`), uuid → `string`; other logical
 *   types keep their base type. Conversions happen in the generated code, the serde sees avsc's values.
 */
import type { SchemaReference } from '../formats/format.js';
import { logicalTypeOf } from '../formats/avro/logical.js';
import type { FieldNode, NamedNode, RecordNode, SchemaNode, UnionNode } from '../formats/avro/model.js';
import { access, docComment, propertyKey, qualifiedCandidates, str, type NameTable } from './emit.js';
import type { ResolvedCodegenOptions } from './options.js';

/** A top-level Avro schema that gets a serializer and a deserializer. */
export interface AvroUnit {
  /** Where it came from (file or subject), for doc comments. */
  source: string;
  /** Name of the TypeScript type when the top-level schema is not a named type (a union, a primitive...). */
  fallbackName: string;
  root: SchemaNode;
  /** The text the serializer registers / looks up. */
  schema: string;
  references?: readonly SchemaReference[];
  /** A self-contained text of the same schema (named types inline), the deserializer's reader schema. */
  readerSchema: string;
}

export interface GeneratedPart {
  /** TypeScript name → declaration (types). */
  types: Map<string, string>;
  /** Helper functions and constants, in creation order. */
  helpers: string[];
  /** TypeScript name → binding constants and factories. */
  bindings: Map<string, string>;
}

export class CodegenError extends Error {
  override readonly name = 'CodegenError';
}

export function avroTypeKey(fullName: string): string {
  return `avro:${fullName}`;
}

export function avroRootKey(unit: AvroUnit): string {
  return `avro-root:${unit.fallbackName}`;
}

/** Registers the TypeScript names the Avro part needs. */
export function declareAvroNames(names: NameTable, namedTypes: Iterable<NamedNode>, units: readonly AvroUnit[]): void {
  for (const n of namedTypes) names.add(avroTypeKey(n.name.full), qualifiedCandidates(n.name.name, n.name.space ?? ''));
  for (const u of units) {
    if (!isNamedNode(u.root)) names.add(avroRootKey(u), [u.fallbackName, `${u.fallbackName}Schema`]);
  }
}

function isNamedNode(n: SchemaNode): n is NamedNode {
  return n.type === 'record' || n.type === 'enum' || n.type === 'fixed';
}

/** The JavaScript kind avsc files a branch under when it decides whether a union can be unwrapped. */
function bucket(node: SchemaNode): string {
  switch (node.type) {
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'bytes':
    case 'fixed':
      return 'buffer';
    case 'string':
    case 'enum':
      return 'string';
    case 'map':
    case 'record':
      return 'object';
    default:
      return node.type;
  }
}

/** avsc's `wrapUnions: 'auto'`: wrapped when two branches fall in the same bucket. */
export function isWrappedUnion(node: UnionNode): boolean {
  const seen = new Set<string>();
  for (const t of node.types) {
    const b = bucket(t);
    if (seen.has(b)) return true;
    seen.add(b);
  }
  return false;
}

/** avsc's branch name in a wrapped union: the full name of a named type, else the type name. */
function branchName(node: SchemaNode): string {
  return isNamedNode(node) ? node.name.full : node.type;
}

/** Which way a conversion goes: to the wire (TypeScript value → avsc value) or from it. */
type Direction = 'to' | 'from';

interface Logical {
  ts: string;
  /** TS value → avsc value. */
  to?: (e: string) => string;
  /** avsc value → TS value. */
  from?: (e: string) => string;
  /** For doc comments. */
  note: string;
  /** What the TS value looks like, for union guards. */
  jsKind?: 'date' | 'string';
}

const OBJECT_GUARD = (v: string) =>
  `typeof ${v} === 'object' && ${v} !== null && !Array.isArray(${v}) && !(${v} instanceof Uint8Array) && !(${v} instanceof Date)`;

export class AvroGenerator {
  private readonly helpers: string[] = [];
  private readonly unionHelpers = new Map<string, { to: string; from: string }>();
  private readonly needsMemo = new Map<string, boolean>();
  private unionCount = 0;
  private readonly usedRecords = new Set<RecordNode>();

  constructor(
    private readonly names: NameTable,
    private readonly options: ResolvedCodegenOptions,
  ) {}

  generate(namedTypes: readonly NamedNode[], units: readonly AvroUnit[]): GeneratedPart {
    this.computeNeeds(namedTypes, units);
    const types = new Map<string, string>();
    const sorted = [...namedTypes].sort((a, b) => cmp(this.nameOf(a), this.nameOf(b)));
    for (const n of sorted) types.set(this.nameOf(n), this.declaration(n));
    const bindings = new Map<string, string>();
    const sortedUnits = [...units].sort((a, b) => cmp(this.unitName(a), this.unitName(b)));
    for (const u of sortedUnits) {
      const name = this.unitName(u);
      if (!isNamedNode(u.root)) {
        types.set(name, `${docComment([`The top-level schema of ${u.source}.`])}export type ${name} = ${this.tsType(u.root)};`);
      }
      if (bindings.has(name)) continue;
      bindings.set(name, this.binding(u, name));
    }
    // Converters of the records the bindings use (and the records those use), sorted by name.
    const converters = new Map<string, string>();
    for (let pending = [...this.usedRecords]; pending.length > 0; pending = [...this.usedRecords].filter((r) => !converters.has(this.nameOf(r)))) {
      for (const r of pending) converters.set(this.nameOf(r), this.recordConverters(r));
    }
    const sortedConverters = [...converters.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, code]) => code);
    return { types, helpers: [...sortedConverters, ...this.helpers], bindings };
  }

  private nameOf(n: NamedNode): string {
    return this.names.get(avroTypeKey(n.name.full));
  }

  private unitName(u: AvroUnit): string {
    return isNamedNode(u.root) ? this.nameOf(u.root) : this.names.get(avroRootKey(u));
  }

  // ---- types --------------------------------------------------------------------------------------------

  private logical(node: SchemaNode): Logical | undefined {
    const lt = logicalTypeOf(node);
    if (lt === undefined) return undefined;
    const o = this.options;
    switch (lt.name) {
      case 'timestamp-millis':
        return o.timestamps === 'date'
          ? { ts: 'Date', to: (e) => `${e}.getTime()`, from: (e) => `new Date(${e})`, note: 'timestamp-millis', jsKind: 'date' }
          : { ts: 'number', note: 'timestamp-millis: milliseconds since the epoch' };
      case 'timestamp-micros':
        return o.timestamps === 'date'
          ? {
              ts: 'Date',
              to: (e) => `$serdes.dateToMicros(${e})`,
              from: (e) => `$serdes.dateFromMicros(${e})`,
              note: 'timestamp-micros (a Date keeps milliseconds: the last three digits are dropped)',
              jsKind: 'date',
            }
          : { ts: 'number', note: 'timestamp-micros: microseconds since the epoch' };
      case 'date':
        return o.dates === 'date'
          ? {
              ts: 'Date',
              to: (e) => `$serdes.dateToDays(${e})`,
              from: (e) => `new Date(${e} * $serdes.MS_PER_DAY)`,
              note: 'date (UTC midnight)',
              jsKind: 'date',
            }
          : { ts: 'number', note: 'date: days since 1970-01-01' };
      case 'decimal': {
        const p = lt.precision ?? 0;
        const s = lt.scale ?? 0;
        if (o.decimals === 'string') {
          const size = node.type === 'fixed' ? `, ${node.size}` : '';
          return {
            ts: 'string',
            to: (e) => `$serdes.decimalToBytes(${e}, ${p}, ${s}${size})`,
            from: (e) => `$serdes.decimalFromBytes(${e}, ${s})`,
            note: `decimal(${p}, ${s}) as a decimal string`,
            jsKind: 'string',
          };
        }
        return { ts: 'Buffer', note: `decimal(${p}, ${s}): the unscaled value, big-endian two's complement` };
      }
      case 'uuid':
        return node.type === 'string' ? { ts: 'string', note: 'uuid' } : undefined;
      default:
        return { ts: baseType(node), note: lt.name };
    }
  }

  /** The TypeScript type of a schema node. */
  tsType(node: SchemaNode): string {
    if (isNamedNode(node)) return this.nameOf(node);
    const lt = this.logical(node);
    if (lt) return lt.ts;
    switch (node.type) {
      case 'array': {
        const item = this.tsType(node.items);
        return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      case 'map':
        return `Record<string, ${this.tsType(node.values)}>`;
      case 'union': {
        if (node.types.length === 0) return 'never';
        if (!isWrappedUnion(node)) return node.types.map((t) => this.tsType(t)).join(' | ');
        return node.types.map((t) => (t.type === 'null' ? 'null' : `{ ${str(branchName(t))}: ${this.tsType(t)} }`)).join(' | ');
      }
      default:
        return baseType(node);
    }
  }

  private declaration(n: NamedNode): string {
    const name = this.nameOf(n);
    const doc = [n.doc, `Avro ${n.type === 'record' && n.isError ? 'error' : n.type} \`${n.name.full}\`.`];
    switch (n.type) {
      case 'enum':
        return `${docComment(doc)}export type ${name} = ${n.symbols.map(str).join(' | ') || 'never'};`;
      case 'fixed': {
        const lt = this.logical(n);
        return `${docComment([...doc, lt ? lt.note : `${n.size} bytes.`])}export type ${name} = ${lt ? lt.ts : 'Buffer'};`;
      }
      case 'record': {
        const fields = n.fields.map((f) => `${docComment([f.doc, this.fieldNote(f.type)], '  ')}  ${propertyKey(f.name)}: ${this.tsType(f.type)};`);
        return `${docComment(doc)}export interface ${name} {\n${fields.join('\n')}${fields.length ? '\n' : ''}}`;
      }
    }
  }

  private fieldNote(node: SchemaNode): string | undefined {
    const notes: string[] = [];
    const visit = (t: SchemaNode, depth: number): void => {
      if (depth > 3) return;
      if (isNamedNode(t)) return;
      const lt = this.logical(t);
      if (lt) {
        notes.push(lt.note);
        return;
      }
      if (t.type === 'long') notes.push('Avro long: a safe integer (avsc accepts ±9007199254740990)');
      else if (t.type === 'array') visit(t.items, depth + 1);
      else if (t.type === 'map') visit(t.values, depth + 1);
      else if (t.type === 'union') t.types.forEach((b) => visit(b, depth + 1));
    };
    visit(node, 0);
    return notes.length ? [...new Set(notes)].join('; ') : undefined;
  }

  // ---- conversions --------------------------------------------------------------------------------------

  private computeNeeds(namedTypes: readonly NamedNode[], units: readonly AvroUnit[]): void {
    const records = new Set<RecordNode>();
    const collect = (t: SchemaNode, seen: Set<SchemaNode>): void => {
      if (seen.has(t)) return;
      seen.add(t);
      if (t.type === 'record') {
        records.add(t);
        t.fields.forEach((f) => collect(f.type, seen));
      } else if (t.type === 'array') collect(t.items, seen);
      else if (t.type === 'map') collect(t.values, seen);
      else if (t.type === 'union') t.types.forEach((b) => collect(b, seen));
    };
    const seen = new Set<SchemaNode>();
    namedTypes.forEach((n) => collect(n, seen));
    units.forEach((u) => collect(u.root, seen));
    for (const r of records) this.needsMemo.set(r.name.full, false);
    // Fixpoint: a record needs a conversion when one of its fields does (records may be recursive).
    let changed = true;
    while (changed) {
      changed = false;
      for (const r of records) {
        if (this.needsMemo.get(r.name.full)) continue;
        if (r.fields.some((f) => this.needs(f.type))) {
          this.needsMemo.set(r.name.full, true);
          changed = true;
        }
      }
    }
  }

  /** True when the TypeScript value differs from the avsc value somewhere inside `node`. */
  needs(node: SchemaNode): boolean {
    if (node.type === 'record') return this.needsMemo.get(node.name.full) ?? false;
    if (this.logical(node)?.to) return true;
    switch (node.type) {
      case 'array':
        return this.needs(node.items);
      case 'map':
        return this.needs(node.values);
      case 'union':
        return node.types.some((t) => this.needs(t));
      default:
        return false;
    }
  }

  /**
   * Expression converting `e`: `to` the wire, the TypeScript value to the avsc value, or `from` it. The
   * generated converter functions are named `$toWire_…` and `$fromWire_…` accordingly.
   */
  private convert(direction: Direction, node: SchemaNode, e: string, depth: number): string {
    if (!this.needs(node)) return e;
    const logical = this.logical(node)?.[direction];
    if (logical) return logical(e);
    const x = `x${depth}`;
    switch (node.type) {
      case 'record':
        this.usedRecords.add(node);
        return `$${direction}Wire_${this.nameOf(node)}(${e})`;
      case 'array':
        return `${e}.map((${x}: any) => ${this.convert(direction, node.items, x, depth + 1)})`;
      case 'map':
        return `$serdes.mapValues(${e}, (${x}: any) => ${this.convert(direction, node.values, x, depth + 1)})`;
      case 'union':
        return `${this.unionHelper(node)[direction]}(${e})`;
      default:
        return e;
    }
  }

  private recordConverters(r: RecordNode): string {
    const name = this.nameOf(r);
    const converter = (direction: Direction, signature: string): string[] => [
      `function $${direction}Wire_${name}${signature} {`,
      `  return {`,
      ...r.fields.map((f: FieldNode) => `    ${propertyKey(f.name)}: ${this.convert(direction, f.type, access('v', f.name), 0)},`),
      `  };`,
      `}`,
    ];
    return [...converter('to', `(v: ${name}): any`), ``, ...converter('from', `(v: any): ${name}`)].join('\n');
  }

  private unionKey(node: UnionNode): string {
    const key = (t: SchemaNode): string => {
      if (isNamedNode(t)) return t.name.full;
      const lt = logicalTypeOf(t);
      switch (t.type) {
        case 'array':
          return `array<${key(t.items)}>`;
        case 'map':
          return `map<${key(t.values)}>`;
        case 'union':
          return `union<${t.types.map(key).join(',')}>`;
        default:
          return lt ? `${t.type}:${lt.name}:${lt.precision ?? ''}:${lt.scale ?? ''}` : t.type;
      }
    };
    return key(node);
  }

  private unionHelper(node: UnionNode): { to: string; from: string } {
    const key = this.unionKey(node);
    const existing = this.unionHelpers.get(key);
    if (existing) return existing;
    const n = ++this.unionCount;
    const names = { to: `$toWire_union${n}`, from: `$fromWire_union${n}` };
    this.unionHelpers.set(key, names);
    const to: string[] = [`function ${names.to}(v: any): any {`];
    const from: string[] = [`function ${names.from}(v: any): any {`];
    if (isWrappedUnion(node)) {
      to.push(`  if (v === null || typeof v !== 'object') return v;`);
      from.push(`  if (v === null || typeof v !== 'object') return v;`);
      for (const t of node.types) {
        if (!this.needs(t)) continue;
        const k = str(branchName(t));
        to.push(`  if (${k} in v) return { ${k}: ${this.convert('to', t, `v[${k}]`, 0)} };`);
        from.push(`  if (${k} in v) return { ${k}: ${this.convert('from', t, `v[${k}]`, 0)} };`);
      }
    } else {
      // One branch per JavaScript kind: test the kinds that need a conversion, most specific first.
      const converting = node.types.filter((t) => this.needs(t));
      const order = (t: SchemaNode): number => {
        const lt = this.logical(t);
        if (lt?.jsKind === 'date') return 0;
        if (t.type === 'array') return 1;
        if (lt?.jsKind === 'string') return 2;
        return 3;
      };
      for (const t of [...converting].sort((a, b) => order(a) - order(b))) {
        const lt = this.logical(t);
        let toGuard: string;
        let fromGuard: string;
        if (lt?.jsKind === 'date') {
          toGuard = 'v instanceof Date';
          fromGuard = `typeof v === 'number'`;
        } else if (lt?.jsKind === 'string') {
          if (node.types.some((o) => o !== t && bucket(o) === 'string')) {
            throw new CodegenError(
              `a decimal as a string cannot share a union with a string or enum branch (${this.tsType(node)}); use decimals "buffer"`,
            );
          }
          toGuard = `typeof v === 'string'`;
          fromGuard = 'v instanceof Uint8Array';
        } else if (t.type === 'array') {
          toGuard = 'Array.isArray(v)';
          fromGuard = 'Array.isArray(v)';
        } else {
          toGuard = OBJECT_GUARD('v');
          fromGuard = `typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)`;
        }
        to.push(`  if (${toGuard}) return ${this.convert('to', t, 'v', 0)};`);
        from.push(`  if (${fromGuard}) return ${this.convert('from', t, 'v', 0)};`);
      }
    }
    to.push('  return v;', '}');
    from.push('  return v;', '}');
    this.helpers.push(`${to.join('\n')}\n\n${from.join('\n')}`);
    return names;
  }

  // ---- bindings -----------------------------------------------------------------------------------------

  private binding(u: AvroUnit, name: string): string {
    const constName = `$avro_${name}`;
    const lines: string[] = [];
    lines.push(`const ${constName}Schema = ${str(u.schema)};`);
    if (u.readerSchema !== u.schema) lines.push(`const ${constName}ReaderSchema = ${str(u.readerSchema)};`);
    lines.push(`const ${constName}: $serdes.AvroBinding<${name}> = {`);
    lines.push(`  schema: ${constName}Schema,`);
    if (u.references && u.references.length > 0) {
      lines.push(`  references: [`);
      for (const r of u.references) lines.push(`    { name: ${str(r.name)}, subject: ${str(r.subject)}, version: ${r.version} },`);
      lines.push(`  ],`);
    }
    lines.push(`  readerSchema: ${u.readerSchema === u.schema ? `${constName}Schema` : `${constName}ReaderSchema`},`);
    if (isNamedNode(u.root)) lines.push(`  recordName: ${str(u.root.name.full)},`);
    if (this.needs(u.root)) {
      lines.push(`  toWire: (v: ${name}): unknown => ${this.convert('to', u.root, 'v', 0)},`);
      lines.push(`  fromWire: (v: unknown): ${name} => ${this.convert('from', u.root, '(v as any)', 0)},`);
    }
    lines.push(`};`);
    return `${lines.join('\n')}

${docComment([
  `A serializer of {@link ${name}} (Avro, from ${u.source}).`,
  'The subject is the `subject` option, else it comes from the topic and the subject name strategy.',
])}export function create${name}Serializer(client: $serdes.RegistryClient, options: $serdes.BoundSerializerOptions = {}): $serdes.BoundSerializer<${name}> {
  return $serdes.bindAvroSerializer(client, ${constName}, options);
}

${docComment([`A deserializer into {@link ${name}}: data written with any compatible schema is resolved to this one.`])}export function create${name}Deserializer(client: $serdes.RegistryClient, options: $serdes.BoundDeserializerOptions = {}): $serdes.BoundDeserializer<${name}> {
  return $serdes.bindAvroDeserializer(client, ${constName}, options);
}`;
  }
}

function baseType(node: SchemaNode): string {
  switch (node.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'bytes':
    case 'fixed':
      return 'Buffer';
    case 'string':
    case 'enum':
      return 'string';
    default:
      return 'unknown';
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
