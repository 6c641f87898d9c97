/**
 * Schema text -> model, with Avro-Java's rules (`Schema.parse` in apache/avro 1.12/1.13, as Confluent
 * runs it for new schemas: `NameValidator.STRICT_VALIDATOR` and `setValidateDefaults(true)`).
 *
 * Where avsc would decide differently we follow Avro-Java:
 * - an empty union `[]` is a schema;
 * - a record, enum or fixed without a name is rejected ("No name in schema"), avsc allows anonymous types;
 * - names are validated strictly (ASCII), namespaces part by part;
 * - a named type may be defined twice only if both definitions are equal (Avro 1.12 `ParseContext.put`);
 * - a name may be used before the type is defined (forward reference, Avro 1.12), it is resolved at the
 *   end against the full name it had where it was used;
 * - a textual default of a float/double field is converted to a number (`Double.parseDouble`).
 *
 * `validateNames`/`validateDefaults` off (re-reading stored schemas) keeps the structural rules (they
 * make the schema unusable) but accepts any name and any default.
 */
import { describeType } from './canonical.js';
import { isValidDefault } from './defaults.js';
import {
  JsonNumber,
  JsonSyntaxError,
  parseJson,
  snippet,
  type JsonObject,
  type JsonValue,
} from './json.js';
import {
  PRIMITIVE_TYPES,
  fullNameOf,
  schemaEquals,
  type ArrayNode,
  type EnumNode,
  type FieldNode,
  type FieldOrder,
  type FixedNode,
  type MapNode,
  type NamedNode,
  type PrimitiveNode,
  type PrimitiveType,
  NO_PROPS,
  type Props,
  type RecordNode,
  type SchemaNode,
  type UnionNode,
} from './model.js';
import { makeName, strictNameProblem, type Name } from './names.js';
import { checkLimit, InvalidSchemaError, type SchemaLimits } from '../format.js';

export interface ParseSettings {
  /** Strict names and namespaces (new schemas). */
  validateNames: boolean;
  /** Defaults must match their field types (new schemas). */
  validateDefaults: boolean;
  /**
   * Bounds (new schemas): fields per record, branches per union, symbols per enum, named types (those the
   * document defines plus those of its references) and nesting depth (the root type is level 1; a field's
   * type, array items, map values and union branches are one level below their parent).
   */
  limits?: Readonly<SchemaLimits> | undefined;
}

/** Keys that are not properties (Avro-Java `SCHEMA_RESERVED`, `ENUM_RESERVED`, `FIELD_RESERVED`). */
const SCHEMA_RESERVED: ReadonlySet<string> = new Set([
  'doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases',
]);
const ENUM_RESERVED: ReadonlySet<string> = new Set([...SCHEMA_RESERVED, 'default']);
const FIELD_RESERVED: ReadonlySet<string> = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases']);

/** Avro-Java `SystemLimitException.checkMaxBytesLength` default limit. */
const MAX_FIXED_SIZE = 2147483647 - 8;

function invalid(message: string): never {
  throw new InvalidSchemaError(`Invalid schema: ${message}`);
}

/** A name used before its type was defined; replaced once the whole document is read. */
class Unresolved {
  constructor(
    readonly full: string,
    readonly written: string,
  ) {}
}

type Parsed = SchemaNode | Unresolved;

/** The placeholder of a type that a forward reference will fill in. */
const NOT_YET = null as unknown as SchemaNode;
const NO_ALIASES: readonly never[] = [];

/** Java `Double.parseDouble` for the textual defaults of float/double fields (no hex literals). */
function parseJavaDouble(text: string): number | undefined {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  const m = /^([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/.exec(t);
  if (m === null) return undefined;
  const v = Number(m[2]);
  return m[1] === '-' ? -v : v;
}

function optionalText(o: JsonObject, key: string): string | undefined {
  const v = o.get(key);
  return typeof v === 'string' ? v : undefined;
}

/** Reads one schema document against the named types already known (those of its references). */
class DocumentParser {
  /** Named types this document defines, committed to `known` only if the whole document is valid. */
  private readonly fresh = new Map<string, NamedNode>();
  /** Records whose fields are still being read (a redefinition of one of them is never equal). */
  private readonly open = new Set<NamedNode>();
  private readonly fixups: Array<{ ref: Unresolved; assign: (n: SchemaNode) => void }> = [];
  private readonly unions: UnionNode[] = [];
  private readonly defaulted: FieldNode[] = [];
  /** Namespaces already found valid (each is checked part by part once). */
  private readonly validSpaces = new Set<string>();
  /** Nesting level of the type being read, and the field it belongs to (for limit messages). */
  private depth = 0;
  private fieldName: string | undefined;
  private recordName: string | undefined;

  constructor(
    private readonly known: Map<string, NamedNode>,
    private readonly settings: ParseSettings,
  ) {}

  run(json: JsonValue): SchemaNode {
    const parsed = this.node(json, null);
    let root = parsed instanceof Unresolved ? NOT_YET : parsed;
    if (parsed instanceof Unresolved) this.later(parsed, (n) => (root = n));
    for (const { ref, assign } of this.fixups) {
      const target = this.lookup(ref.full);
      if (target === undefined) {
        throw new InvalidSchemaError(
          ref.full === ref.written
            ? `Unknown type: "${ref.written}"`
            : `Unknown type: "${ref.written}" (looked up as "${ref.full}")`,
        );
      }
      assign(target);
    }
    for (const union of this.unions) this.checkUnion(union);
    if (this.settings.validateDefaults) {
      for (const field of this.defaulted) {
        if (!isValidDefault(field.type, field.default)) {
          invalid(
            `field "${field.name}" default ${snippet(field.default ?? null, 100)} does not match type ${describeType(field.type)}`,
          );
        }
      }
    }
    for (const [full, n] of this.fresh) this.known.set(full, n);
    return root;
  }

  private lookup(full: string): NamedNode | undefined {
    return this.known.get(full) ?? this.fresh.get(full);
  }

  /** Assigns the type a forward reference stands for once the whole document is read. */
  private later(ref: Unresolved, assign: (n: SchemaNode) => void): void {
    this.fixups.push({ ref, assign });
  }

  /** Avro-Java `ParseContext.find`: primitive, full name in the current namespace, then as written. */
  private find(written: string, ns: string | null): Parsed {
    if (PRIMITIVE_TYPES.has(written)) return { type: written as PrimitiveType, props: NO_PROPS };
    const full = ns !== null && !written.includes('.') ? `${ns}.${written}` : written;
    return this.lookup(full) ?? this.lookup(written) ?? new Unresolved(full, written);
  }

  /** Whether `value` exceeds a bound (then `checkLimit` throws, with a message built only then). */
  private over(limit: keyof SchemaLimits, value: number): boolean {
    const limits = this.settings.limits;
    return limits !== undefined && value > limits[limit];
  }

  /** Where the type being read is, for messages: `field "f" of record "R"` or `the top-level type`. */
  private where(): string {
    return this.fieldName === undefined ? 'the top-level type' : `field "${this.fieldName}" of record "${this.recordName}"`;
  }

  private node(json: JsonValue, ns: string | null): Parsed {
    this.depth++;
    if (this.over('maxDepth', this.depth)) checkLimit(this.settings.limits, 'maxDepth', this.depth, `the schema (at ${this.where()})`);
    const parsed = this.nodeAt(json, ns);
    this.depth--;
    return parsed;
  }

  private nodeAt(json: JsonValue, ns: string | null): Parsed {
    if (typeof json === 'string') return this.find(json, ns);
    if (Array.isArray(json)) return this.union(json, ns);
    if (!(json instanceof Map)) {
      invalid(`${snippet(json)} is not a schema (expected a type name, a JSON object or a union array)`);
    }
    const type = json.get('type');
    if (typeof type !== 'string') invalid(`No type: ${snippet(json)}`);
    if (PRIMITIVE_TYPES.has(type)) {
      const node: PrimitiveNode = { type: type as PrimitiveType, props: this.props(json, SCHEMA_RESERVED) };
      return node;
    }
    switch (type) {
      case 'record':
      case 'error':
        return this.record(json, ns, type === 'error');
      case 'enum':
        return this.enumeration(json, ns);
      case 'fixed':
        return this.fixed(json, ns);
      case 'array': {
        const items = json.get('items');
        if (items === undefined) invalid(`Array has no items type: ${snippet(json)}`);
        const node: ArrayNode = { type: 'array', items: NOT_YET, props: this.props(json, SCHEMA_RESERVED) };
        const parsed = this.node(items, ns);
        if (parsed instanceof Unresolved) this.later(parsed, (n) => (node.items = n));
        else node.items = parsed;
        return node;
      }
      case 'map': {
        const values = json.get('values');
        if (values === undefined) invalid(`Map has no values type: ${snippet(json)}`);
        const node: MapNode = { type: 'map', values: NOT_YET, props: this.props(json, SCHEMA_RESERVED) };
        const parsed = this.node(values, ns);
        if (parsed instanceof Unresolved) this.later(parsed, (n) => (node.values = n));
        else node.values = parsed;
        return node;
      }
      default:
        // {"type": "SomeName"} refers to a named type (Avro-Java: "for unions with self reference").
        return this.find(type, ns);
    }
  }

  private union(json: JsonValue[], ns: string | null): UnionNode {
    if (this.over('maxBranches', json.length)) {
      const where = this.fieldName === undefined ? 'the top-level union' : `the union in ${this.where()}`;
      checkLimit(this.settings.limits, 'maxBranches', json.length, where);
    }
    const node: UnionNode = { type: 'union', types: [] };
    json.forEach((branch, i) => {
      const parsed = this.node(branch, ns);
      if (parsed instanceof Unresolved) {
        node.types.push(NOT_YET);
        this.later(parsed, (n) => (node.types[i] = n));
      } else {
        node.types.push(parsed);
      }
    });
    this.unions.push(node);
    return node;
  }

  /** Avro-Java `UnionSchema`: no union directly inside a union, no two branches with the same name. */
  private checkUnion(node: UnionNode): void {
    const seen = new Set<string>();
    for (const t of node.types) {
      if (t.type === 'union') invalid('Nested union: a union may not directly contain another union');
      const name = fullNameOf(t);
      if (seen.has(name)) invalid(`Duplicate in union: "${name}"`);
      seen.add(name);
    }
  }

  /** The keys of `json` that are not `reserved`, in order (most types have none: shared `NO_PROPS`). */
  private props(json: JsonObject, reserved: ReadonlySet<string>): Props {
    let props: Map<string, JsonValue> | undefined;
    for (const [k, v] of json) {
      if (!reserved.has(k)) (props ??= new Map()).set(k, v);
    }
    return props ?? NO_PROPS;
  }

  /** Strict name check of a field name, symbol or alias of `owner` (`in record "R"`, `of enum "E"`). */
  private validateName(name: string, what: string, preposition: string, kind: string, owner: string): void {
    if (!this.settings.validateNames) return;
    const problem = strictNameProblem(name);
    if (problem !== undefined) invalid(`invalid ${what} "${name}" ${preposition} ${kind} "${owner}": ${problem}`);
  }

  /** Avro-Java `parseName` + `Name`: `namespace` applies to simple names; no name is an error. */
  private name(json: JsonObject, ns: string | null, kind: string): Name {
    const written = json.get('name');
    if (typeof written !== 'string') invalid(`No name in schema: ${kind} ${snippet(json)} has no "name"`);
    const space = optionalText(json, 'namespace') ?? ns;
    const name = makeName(written, space);
    if (this.settings.validateNames) {
      const problem = strictNameProblem(name.name);
      if (problem !== undefined) invalid(`invalid ${kind} name "${name.name}": ${problem}`);
    }
    if (PRIMITIVE_TYPES.has(name.full)) invalid(`Schemas may not be named after primitives: ${name.full}`);
    if (this.settings.validateNames && name.space !== null && !this.validSpaces.has(name.space)) {
      for (const part of name.space.split('.')) {
        const problem = strictNameProblem(part);
        if (problem !== undefined) invalid(`Namespace part "${part}" of "${name.full}" is invalid: ${problem}`);
      }
      this.validSpaces.add(name.space);
    }
    return name;
  }

  /** The `aliases` as written, without duplicates; the rest names the owner in messages. */
  private aliasList(json: JsonObject, kind: string, owner: string, record?: string): readonly string[] {
    const v = json.get('aliases');
    if (v === undefined) return NO_ALIASES;
    const where = (): string => `${kind} "${owner}"${record === undefined ? '' : ` of record "${record}"`}`;
    if (!Array.isArray(v)) invalid(`aliases not an array in ${where()}`);
    const out = new Set<string>();
    for (const a of v) {
      if (typeof a !== 'string') invalid(`alias not a string in ${where()}: ${snippet(a)}`);
      out.add(a);
    }
    return [...out];
  }

  private namedAliases(json: JsonObject, name: Name, kind: string): readonly Name[] {
    const written = this.aliasList(json, kind, name.full);
    if (written.length === 0) return NO_ALIASES;
    const out = new Map<string, Name>();
    for (const w of written) {
      const alias = makeName(w, name.space);
      this.validateName(alias.name, 'alias', 'of', kind, name.full);
      if (!out.has(alias.full)) out.set(alias.full, alias);
    }
    return [...out.values()];
  }

  private addFresh(node: NamedNode): void {
    this.fresh.set(node.name.full, node);
    checkLimit(this.settings.limits, 'maxTypes', this.known.size + this.fresh.size, 'the schema (with its references)');
  }

  /** Adds a complete enum/fixed; an equal earlier definition is reused, a different one is an error. */
  private define<T extends NamedNode>(node: T): T {
    const existing = this.lookup(node.name.full);
    if (existing === undefined) {
      this.addFresh(node);
      return node;
    }
    if (this.open.has(existing) || !schemaEquals(existing, node)) invalid(`Can't redefine: ${node.name.full}`);
    return existing as T;
  }

  private record(json: JsonObject, ns: string | null, isError: boolean): RecordNode {
    const kind = isError ? 'error' : 'record';
    const name = this.name(json, ns, kind);
    const fieldsJson = json.get('fields');
    if (!Array.isArray(fieldsJson)) invalid(`Record has no fields: ${kind} "${name.full}" needs a "fields" array`);
    if (this.over('maxFields', fieldsJson.length)) {
      checkLimit(this.settings.limits, 'maxFields', fieldsJson.length, `${kind} "${name.full}"`);
    }
    const node: RecordNode = {
      type: 'record',
      name,
      doc: optionalText(json, 'doc'),
      aliases: this.namedAliases(json, name, kind),
      props: this.props(json, SCHEMA_RESERVED),
      isError,
      fields: [],
      fieldMap: new Map(),
    };
    const existing = this.lookup(name.full);
    if (existing === undefined) {
      this.addFresh(node);
      this.open.add(node);
    }
    fieldsJson.forEach((f, pos) => {
      const field = this.field(f, name, pos);
      if (node.fieldMap.has(field.name)) invalid(`Duplicate field ${field.name} in record ${name.full}`);
      node.fieldMap.set(field.name, field);
      node.fields.push(field);
    });
    if (existing === undefined) {
      this.open.delete(node);
      return node;
    }
    if (this.open.has(existing) || !schemaEquals(existing, node)) invalid(`Can't redefine: ${name.full}`);
    return existing as RecordNode;
  }

  private field(json: JsonValue, record: Name, pos: number): FieldNode {
    if (!(json instanceof Map)) invalid(`field ${pos} of record "${record.full}" is not an object: ${snippet(json)}`);
    const name = json.get('name');
    if (typeof name !== 'string') invalid(`No field name: field ${pos} of record "${record.full}" has no "name"`);
    this.validateName(name, 'field name', 'in', 'record', record.full);
    const typeJson = json.get('type');
    if (typeJson === undefined) invalid(`No field type: field "${name}" of record "${record.full}" has no "type"`);
    const outerField = this.fieldName;
    const outerRecord = this.recordName;
    this.fieldName = name;
    this.recordName = record.full;
    const parsedType = this.node(typeJson, record.space);
    this.fieldName = outerField;
    this.recordName = outerRecord;

    let order: FieldOrder = 'ascending';
    const orderJson = json.get('order');
    if (orderJson !== undefined) {
      const o = typeof orderJson === 'string' ? orderJson.toLowerCase() : undefined;
      if (o !== 'ascending' && o !== 'descending' && o !== 'ignore') {
        invalid(`field "${name}" has an invalid order ${snippet(orderJson)} (ascending, descending or ignore)`);
      }
      order = o;
    }

    let def = json.get('default');
    if (
      typeof def === 'string' &&
      !(parsedType instanceof Unresolved) &&
      (parsedType.type === 'float' || parsedType.type === 'double')
    ) {
      const d = parseJavaDouble(def);
      if (d === undefined) invalid(`field "${name}" default ${snippet(def)} is not a number (type "${parsedType.type}")`);
      def = JsonNumber.fromDouble(d);
    }

    const field: FieldNode = {
      name,
      type: parsedType instanceof Unresolved ? NOT_YET : parsedType,
      doc: optionalText(json, 'doc'),
      default: def,
      order,
      aliases: this.aliasList(json, 'field', name, record.full),
      props: this.props(json, FIELD_RESERVED),
      pos,
    };
    if (parsedType instanceof Unresolved) this.later(parsedType, (n) => (field.type = n));
    if (def !== undefined) this.defaulted.push(field);
    return field;
  }

  private enumeration(json: JsonObject, ns: string | null): EnumNode {
    const name = this.name(json, ns, 'enum');
    const symbolsJson = json.get('symbols');
    if (!Array.isArray(symbolsJson)) invalid(`Enum has no symbols: enum "${name.full}" needs a "symbols" array`);
    if (this.over('maxEnumValues', symbolsJson.length)) {
      checkLimit(this.settings.limits, 'maxEnumValues', symbolsJson.length, `enum "${name.full}"`);
    }
    const symbols: string[] = [];
    const seen = new Set<string>();
    for (const s of symbolsJson) {
      if (typeof s !== 'string') invalid(`enum "${name.full}" has a symbol that is not a string: ${snippet(s)}`);
      this.validateName(s, 'symbol', 'in', 'enum', name.full);
      if (seen.has(s)) invalid(`Duplicate enum symbol: ${s} in enum "${name.full}"`);
      seen.add(s);
      symbols.push(s);
    }
    const def = optionalText(json, 'default');
    if (def !== undefined && !seen.has(def)) {
      invalid(`The Enum Default: ${def} is not in the enum symbol set: [${symbols.join(', ')}] (enum "${name.full}")`);
    }
    return this.define<EnumNode>({
      type: 'enum',
      name,
      doc: optionalText(json, 'doc'),
      aliases: this.namedAliases(json, name, 'enum'),
      props: this.props(json, ENUM_RESERVED),
      symbols,
      default: def,
    });
  }

  private fixed(json: JsonObject, ns: string | null): FixedNode {
    const name = this.name(json, ns, 'fixed');
    const size = json.get('size');
    if (!(size instanceof JsonNumber) || !size.fitsInt()) invalid(`Invalid or no size: fixed "${name.full}" needs an int "size"`);
    const n = size.toNumber();
    if (n < 0) invalid(`fixed "${name.full}" has a negative size ${n}`);
    if (n > MAX_FIXED_SIZE) invalid(`fixed "${name.full}" size ${n} exceeds the maximum of ${MAX_FIXED_SIZE}`);
    return this.define<FixedNode>({
      type: 'fixed',
      name,
      doc: optionalText(json, 'doc'),
      aliases: this.namedAliases(json, name, 'fixed'),
      props: this.props(json, SCHEMA_RESERVED),
      size: n,
    });
  }
}

/** Reads JSON text, turning syntax errors into `InvalidSchemaError`s that say where. */
export function readSchemaJson(text: string): JsonValue {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new InvalidSchemaError(`Invalid schema: invalid JSON: ${e.message}`);
    throw e;
  }
}

/**
 * Parses one schema document. `known` holds the named types of the schemas parsed before it (its
 * references); the types this document defines are added to it when the document is valid.
 */
export function parseSchemaText(text: string, known: Map<string, NamedNode>, settings: ParseSettings): SchemaNode {
  const json = readSchemaJson(text);
  return guardDepth(() => new DocumentParser(known, settings).run(json));
}

/**
 * Runs `work`, turning a stack overflow into an `InvalidSchemaError`. The JSON reader bounds the nesting
 * of the text, but forward references can still chain named types into a structure deeper than the
 * text (each type expanded inside the previous one).
 */
export function guardDepth<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof RangeError) invalid('the schema is nested too deeply');
    throw e;
  }
}
