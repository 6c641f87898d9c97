/**
 * Confluent's Protobuf compatibility rules (protobuf-provider `diff/SchemaDiff`, `MessageSchemaDiff`,
 * `FieldSchemaDiff`, `EnumSchemaDiff`), restated over the linked model.
 *
 * The diff goes from the OLD schema ("original") to the NEW one ("update"): messages and enums are
 * matched by name per scope, fields by number (oneof members included, so a field keeps its identity
 * when it moves into, out of or between oneofs), enum constants by number. Referenced message types
 * are compared recursively when they come from different reference versions. Every difference has a
 * kind and a path (`#/Msg/Nested/3`); the check fails on any kind outside COMPATIBLE_CHANGES.
 *
 * This follows Confluent's current (2026) oneof handling, which the corpus encodes:
 * FIELD_MOVED_TO_EXISTING_ONEOF when previously independent fields become mutually exclusive,
 * ONEOF_FIELD_MOVED_TO_TOP_LEVEL (compatible) when a field leaves a oneof, and ONEOF_FIELD_REMOVED
 * only when a member of a surviving oneof is deleted outright.
 *
 * Like Confluent (whose parser keeps proto2 groups apart from fields and nested types), group
 * fields and group bodies are not compared.
 */
import type { CompatibilityIssue, CompatibilityOptions, SchemaReference } from '../format.js';
import type { EnumDef, FieldDef, FileDef, Label, MessageDef } from './model.js';
import {
  DiffSearch,
  DiffTooComplexError,
  flatten,
  isCompatible,
  type Comparison,
  type Difference,
  type TypeInfo,
  type TypeMap,
} from './diff-context.js';
import { firstUncovered, hasName, inRanges, oneofMembers } from './indexes.js';
import type { ProtobufSchema } from './schema.js';

export { COMPATIBLE_CHANGES, DiffTooComplexError, type Difference } from './diff-context.js';

const SELF_REF = { subject: '', version: -1 };

// Parsed schemas are immutable, so everything derived from one alone is computed once and kept: the
// registry checks a new schema against many stored ones, each parsed (and cached) once.
const typeMaps = new WeakMap<ProtobufSchema, TypeMap>();

function collectTypes(schema: ProtobufSchema): TypeMap {
  let map = typeMaps.get(schema);
  if (map === undefined) {
    map = buildTypeMap(schema);
    typeMaps.set(schema, map);
  }
  return map;
}

function buildTypeMap(schema: ProtobufSchema): TypeMap {
  const map: TypeMap = new Map();
  const directRefs = new Map<string, SchemaReference>(schema.references.map((r) => [r.name, r]));
  const addFile = (file: FileDef, ref: TypeInfo['ref']) => {
    const walk = (messages: readonly MessageDef[], enums: readonly EnumDef[]) => {
      for (const m of messages) {
        map.set(m.fullName, { packageName: file.package, ref, message: m });
        walk(m.messages, m.enums);
      }
      for (const e of enums) map.set(e.fullName, { packageName: file.package, ref, enumDef: e });
    };
    walk(file.messages, file.enums);
  };
  for (const [path, dep] of schema.allDependencies()) {
    const r = directRefs.get(path);
    addFile(dep.file, r ? { subject: r.subject, version: r.version } : null);
  }
  addFile(schema.file, SELF_REF);
  return map;
}

class Context {
  /** Differences in order; a referenced type's comparison is shared, not copied (see diff-context.ts). */
  readonly items: Array<Difference | Comparison> = [];
  path: string[] = [];

  constructor(readonly search: DiffSearch) {}

  /** Messages whose fields are being compared (recursion guard), shared by the whole diff. */
  get schemas(): Set<MessageDef> {
    return this.search.stack;
  }

  get originalTypes(): TypeMap {
    return this.search.originalTypes;
  }

  get updateTypes(): TypeMap {
    return this.search.updateTypes;
  }

  add(type: string, message: string, ...extra: string[]): void {
    this.items.push({ type, path: `#/${[...this.path, ...extra].join('/')}`, message });
  }

  within<T>(segments: string[], fn: () => T): T {
    const saved = this.path;
    this.path = [...saved, ...segments];
    try {
      return fn();
    } finally {
      this.path = saved;
    }
  }

  type(fqn: string, original: boolean): TypeInfo | undefined {
    const name = fqn.startsWith('.') ? fqn.slice(1) : fqn;
    return (original ? this.originalTypes : this.updateTypes).get(name);
  }
}

/** Every difference from `older` to `newer`, compatible ones included. */
export function diffSchemas(older: ProtobufSchema, newer: ProtobufSchema): Difference[] {
  return flatten(compareFiles(older, newer), false);
}

function compareFiles(older: ProtobufSchema, newer: ProtobufSchema): ReadonlyArray<Difference | Comparison> {
  try {
    return compareFilesDeeply(older, newer);
  } catch (e) {
    // The comparison recurses once per referenced type along a chain of references.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new DiffTooComplexError('the schemas are too intricate to compare (their referenced types nest too deeply)');
    }
    throw e;
  }
}

function compareFilesDeeply(older: ProtobufSchema, newer: ProtobufSchema): ReadonlyArray<Difference | Comparison> {
  const ctx = new Context(new DiffSearch(collectTypes(older), collectTypes(newer)));
  const a = older.file;
  const b = newer.file;
  if (a.package !== b.package) {
    ctx.add('PACKAGE_CHANGED', `The package changed from "${a.package}" to "${b.package}"`);
  }
  compareTypeElements(ctx, a.messages, a.enums, b.messages, b.enums);
  return ctx.items;
}

/** Confluent's `isBackwardCompatible(newer, older)`: the incompatible differences. */
export function protobufBackwardIssues(
  newer: ProtobufSchema,
  older: ProtobufSchema,
  options: CompatibilityOptions = {},
): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = flatten(compareFiles(older, newer), true).map((d) => ({ type: d.type, path: d.path, message: d.message }));
  if (options.validateFields) issues.push(...reservedIssues(older.file, newer.file));
  return issues;
}

function describeMessage(path: string[]): string {
  return path.filter((p) => !/^\d+$/.test(p)).join('.') || '(file)';
}

function compareTypeElements(
  ctx: Context,
  origMessages: readonly MessageDef[],
  origEnums: readonly EnumDef[],
  updMessages: readonly MessageDef[],
  updEnums: readonly EnumDef[],
): void {
  const orig = messageIndex(origMessages);
  const upd = messageIndex(updMessages);
  const names = [...new Set([...orig.keys(), ...upd.keys()])];
  for (const name of names) {
    ctx.within([name], () => {
      const o = orig.get(name);
      const u = upd.get(name);
      if (!u) ctx.add('MESSAGE_REMOVED', `Message ${describeMessage(ctx.path)} was removed`);
      else if (!o) ctx.add('MESSAGE_ADDED', `Message ${describeMessage(ctx.path)} was added`);
      else {
        // An unchanged message (same structure, same resolved types) has no differences at all.
        if (!sameMessage(ctx.originalTypes, o.msg, ctx.updateTypes, u.msg)) compareMessages(ctx, o.msg, u.msg);
        if (o.index !== u.index) ctx.add('MESSAGE_MOVED', `Message ${describeMessage(ctx.path)} moved from index ${o.index} to ${u.index}`);
      }
    });
  }
  const origE = enumIndex(origEnums);
  const updE = enumIndex(updEnums);
  for (const name of new Set([...origE.keys(), ...updE.keys()])) {
    ctx.within([name], () => {
      const o = origE.get(name);
      const u = updE.get(name);
      if (!u) ctx.add('ENUM_REMOVED', `Enum ${describeMessage(ctx.path)} was removed`);
      else if (!o) ctx.add('ENUM_ADDED', `Enum ${describeMessage(ctx.path)} was added`);
      else if (enumKey(o) !== enumKey(u)) compareEnums(ctx, o, u);
    });
  }
}

const messageIndexes = new WeakMap<readonly MessageDef[], Map<string, { msg: MessageDef; index: number }>>();

/** Non-group messages of a scope by name, with their index among them (cached per list). */
function messageIndex(list: readonly MessageDef[]): Map<string, { msg: MessageDef; index: number }> {
  let map = messageIndexes.get(list);
  if (map === undefined) {
    map = new Map();
    let i = 0;
    for (const msg of list) if (!msg.isGroup) map.set(msg.name, { msg, index: i++ });
    messageIndexes.set(list, map);
  }
  return map;
}

const enumIndexes = new WeakMap<readonly EnumDef[], Map<string, EnumDef>>();

function enumIndex(list: readonly EnumDef[]): Map<string, EnumDef> {
  let map = enumIndexes.get(list);
  if (map === undefined) {
    map = new Map(list.map((e) => [e.name, e]));
    enumIndexes.set(list, map);
  }
  return map;
}

const enumKeys = new WeakMap<EnumDef, string>();

/** Everything compareEnums reads (the first name of each number), as one string. */
function enumKey(e: EnumDef): string {
  let key = enumKeys.get(e);
  if (key === undefined) {
    key = [...enumConstants(e)].sort((a, b) => a[0] - b[0]).map(([n, name]) => `${n}=${name}`).join(',');
    enumKeys.set(e, key);
  }
  return key;
}

const constantsByNumber = new WeakMap<EnumDef, Map<number, string>>();

function enumConstants(e: EnumDef): Map<number, string> {
  let map = constantsByNumber.get(e);
  if (map === undefined) {
    map = new Map<number, string>();
    for (const v of e.values) if (!map.has(v.number)) map.set(v.number, v.name);
    constantsByNumber.set(e, map);
  }
  return map;
}

/**
 * How a field's named type resolves in its schema, as far as the diff reads it: unresolved, an enum, or
 * a message with its package and the reference it came through. Null for a message type that comes
 * through no direct reference (built-ins, indirect imports): its definition is compared then.
 */
function resolution(types: TypeMap, f: FieldDef): TypeInfo | 'unresolved' | 'enum' | null {
  const info = types.get(f.type.startsWith('.') ? f.type.slice(1) : f.type);
  if (info === undefined) return 'unresolved';
  if (info.enumDef) return 'enum';
  return info.ref === null ? null : info;
}

/**
 * Whether two fields agree in everything compareFields reads (number, name, label, kind, type, map key,
 * group, how a named type resolves), so that comparing them finds no difference. False when either
 * field's message type comes through no direct reference: that type's definition must be compared.
 */
function sameField(originalTypes: TypeMap, o: FieldDef, updateTypes: TypeMap, u: FieldDef): boolean {
  if (o.number !== u.number || o.name !== u.name || o.label !== u.label || o.kind !== u.kind || o.type !== u.type) return false;
  if (o.mapKey !== u.mapKey || !o.group !== !u.group) return false;
  if (o.kind === 'scalar') return true;
  const a = resolution(originalTypes, o);
  const b = resolution(updateTypes, u);
  if (a === null || b === null) return false;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.packageName === b.packageName && a.ref!.subject === b.ref!.subject && a.ref!.version === b.ref!.version;
}

/**
 * Whether two messages agree in everything compareMessages reads, nested types included (fields as in
 * sameField with their oneofs, oneof names, nested messages and enums in order), so that comparing
 * them finds no difference. Compared in place: building a key string per message and field cost more
 * than the rest of the diff.
 */
function sameMessage(originalTypes: TypeMap, o: MessageDef, updateTypes: TypeMap, u: MessageDef): boolean {
  if (o.name !== u.name || !o.isGroup !== !u.isGroup) return false;
  if (o.oneofs.length !== u.oneofs.length || o.oneofs.some((x, i) => x.name !== u.oneofs[i]!.name)) return false;
  if (o.fields.length !== u.fields.length || o.messages.length !== u.messages.length || o.enums.length !== u.enums.length) return false;
  for (let i = 0; i < o.fields.length; i++) {
    const of = o.fields[i]!;
    const uf = u.fields[i]!;
    if (of.oneof !== uf.oneof || !sameField(originalTypes, of, updateTypes, uf)) return false;
  }
  for (let i = 0; i < o.messages.length; i++) {
    if (!sameMessage(originalTypes, o.messages[i]!, updateTypes, u.messages[i]!)) return false;
  }
  return o.enums.every((e, i) => e.name === u.enums[i]!.name && enumKey(e) === enumKey(u.enums[i]!));
}

function compareEnums(ctx: Context, o: EnumDef, u: EnumDef): void {
  const a = enumConstants(o);
  const b = enumConstants(u);
  const numbers = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  const what = describeMessage(ctx.path);
  for (const n of numbers) {
    const x = a.get(n);
    const y = b.get(n);
    if (y === undefined) ctx.add('ENUM_CONST_REMOVED', `Constant ${x} (${n}) was removed from enum ${what}`, String(n));
    else if (x === undefined) ctx.add('ENUM_CONST_ADDED', `Constant ${y} (${n}) was added to enum ${what}`, String(n));
    else if (x !== y) ctx.add('ENUM_CONST_CHANGED', `Constant ${n} of enum ${what} was renamed from ${x} to ${y}`, String(n));
  }
}

interface Indexed {
  byTag: Map<number, FieldDef>;
  tagToOneof: Map<number, string>;
  oneofs: Map<string, FieldDef[]>;
  /** Oneof names in declaration order. */
  oneofOrder: string[];
  /** Field numbers, ascending. */
  tags: number[];
}

const fieldIndexes = new WeakMap<MessageDef, Indexed>();

function indexFields(m: MessageDef): Indexed {
  let indexed = fieldIndexes.get(m);
  if (indexed === undefined) {
    indexed = buildFieldIndex(m);
    fieldIndexes.set(m, indexed);
  }
  return indexed;
}

function buildFieldIndex(m: MessageDef): Indexed {
  const byTag = new Map<number, FieldDef>();
  const tagToOneof = new Map<number, string>();
  const oneofs = new Map<string, FieldDef[]>();
  const oneofOrder: string[] = [];
  for (const f of m.fields) {
    if (f.group) continue;
    byTag.set(f.number, f);
    if (f.oneof !== undefined) {
      const name = m.oneofs[f.oneof]!.name;
      tagToOneof.set(f.number, name);
    }
  }
  m.oneofs.forEach((o, i) => {
    oneofOrder.push(o.name);
    oneofs.set(o.name, oneofMembers(m, i).filter((f) => !f.group));
  });
  return { byTag, tagToOneof, oneofs, oneofOrder, tags: [...byTag.keys()].sort((a, b) => a - b) };
}

function fieldLabel(f: FieldDef): string {
  return `${f.name} (${f.number})`;
}

function compareMessages(ctx: Context, original: MessageDef, update: MessageDef): void {
  ctx.search.charge(1 + original.fields.length + update.fields.length);
  if (!ctx.schemas.has(original)) {
    ctx.schemas.add(original);
    try {
      compareMessageFields(ctx, original, update);
    } finally {
      ctx.schemas.delete(original);
    }
  }
  compareTypeElements(ctx, original.messages, original.enums, update.messages, update.enums);
}

function compareMessageFields(ctx: Context, original: MessageDef, update: MessageDef): void {
  const o = indexFields(original);
  const u = indexFields(update);
  const msgName = describeMessage(ctx.path);

  // A oneof deleted by name whose members all disappeared is a complete (compatible) deletion.
  const completelyDeleted = new Set<string>();
  for (const [name, members] of o.oneofs) {
    if (!u.oneofs.has(name) && !members.some((f) => u.byTag.has(f.number))) completelyDeleted.add(name);
  }

  // Newly introduced mutual exclusivity: members of one new oneof that come from more than one
  // original group (an original oneof, or each original top-level field on its own).
  for (const name of u.oneofOrder) {
    const groups = new Set<string>();
    const movedIn: FieldDef[] = [];
    for (const f of u.oneofs.get(name)!) {
      const origOneof = o.tagToOneof.get(f.number);
      if (origOneof !== undefined) groups.add(`oneof:${origOneof}`);
      else if (o.byTag.has(f.number)) {
        groups.add(`field:${f.number}`);
        movedIn.push(f);
      }
    }
    if (groups.size > 1) {
      ctx.within([name], () => {
        if (movedIn.length > 1) {
          ctx.add(
            'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
            `Fields ${movedIn.map(fieldLabel).join(', ')} of ${msgName} moved into oneof ${name}, so they can no longer be set together`,
          );
        } else {
          ctx.add(
            'FIELD_MOVED_TO_EXISTING_ONEOF',
            `Oneof ${name} of ${msgName} now holds fields that were independent before (${u.oneofs.get(name)!.filter((f) => o.byTag.has(f.number)).map(fieldLabel).join(', ')})`,
          );
        }
      });
    }
  }

  const oneofNames = [...new Set([...o.oneofs.keys(), ...u.oneofs.keys()])].sort();
  for (const name of oneofNames) {
    if (!u.oneofs.has(name)) ctx.add('ONEOF_REMOVED', `Oneof ${name} was removed from ${msgName}`, name);
    else if (!o.oneofs.has(name)) ctx.add('ONEOF_ADDED', `Oneof ${name} was added to ${msgName}`, name);
  }

  for (const tag of mergeSorted(o.tags, u.tags)) {
    const of = o.byTag.get(tag);
    const uf = u.byTag.get(tag);
    const oo = o.tagToOneof.get(tag);
    const uo = u.tagToOneof.get(tag);
    if (!uf) {
      const f = of!;
      if (oo !== undefined) {
        if (!completelyDeleted.has(oo)) {
          ctx.add('ONEOF_FIELD_REMOVED', `Field ${fieldLabel(f)} was removed from oneof ${oo} of ${msgName}`, oo, String(tag));
        }
      } else if (f.label === 'required') {
        ctx.add('REQUIRED_FIELD_REMOVED', `Required field ${fieldLabel(f)} was removed from ${msgName}`, String(tag));
      } else {
        ctx.add('FIELD_REMOVED', `Field ${fieldLabel(f)} was removed from ${msgName}`, String(tag));
      }
    } else if (!of) {
      if (uo !== undefined) {
        ctx.add('ONEOF_FIELD_ADDED', `Field ${fieldLabel(uf)} was added to oneof ${uo} of ${msgName}`, uo, String(tag));
      } else if (uf.label === 'required') {
        ctx.add('REQUIRED_FIELD_ADDED', `Required field ${fieldLabel(uf)} was added to ${msgName}`, String(tag));
      } else {
        ctx.add('FIELD_ADDED', `Field ${fieldLabel(uf)} was added to ${msgName}`, String(tag));
      }
    } else {
      if (oo !== undefined && uo === undefined) {
        ctx.add('ONEOF_FIELD_MOVED_TO_TOP_LEVEL', `Field ${fieldLabel(uf)} of ${msgName} moved out of oneof ${oo}`, String(tag));
      }
      // An unchanged field has no differences; only changed ones are compared.
      if (!sameField(ctx.originalTypes, of, ctx.updateTypes, uf)) {
        const segments = uo !== undefined ? [uo, String(tag)] : [String(tag)];
        ctx.within(segments, () => compareFields(ctx, of, uf, msgName));
      }
    }
  }
}

/** The union of two ascending lists of distinct numbers, ascending. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

function compareFields(ctx: Context, o: FieldDef, u: FieldDef, msgName: string): void {
  const where = `field ${fieldLabel(u)} of ${msgName}`;
  if (o.name !== u.name) ctx.add('FIELD_NAME_CHANGED', `Field ${o.number} of ${msgName} was renamed from ${o.name} to ${u.name}`);
  compareLabelsAndTypes(ctx, o.label, u.label, typeOf(o), typeOf(u), where);
}

type TypeRef = { map: { key: TypeRef; value: TypeRef } } | { scalar: string } | { named: string };
type Kind = 'SCALAR' | 'MAP' | 'MESSAGE';

function typeOf(f: FieldDef): TypeRef {
  const base: TypeRef = f.kind === 'scalar' ? { scalar: f.type } : { named: f.type };
  return f.mapKey !== undefined ? { map: { key: { scalar: f.mapKey }, value: base } } : base;
}

function typeText(t: TypeRef): string {
  if ('map' in t) return `map<${typeText(t.map.key)}, ${typeText(t.map.value)}>`;
  if ('scalar' in t) return t.scalar;
  return t.named.replace(/^\./, '');
}

function kindOf(ctx: Context, t: TypeRef, original: boolean): Kind {
  if ('map' in t) return 'MAP';
  if ('scalar' in t) return 'SCALAR';
  return ctx.type(t.named, original)?.enumDef ? 'SCALAR' : 'MESSAGE';
}

const SCALAR_GROUPS: Record<string, string> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
};

function scalarGroup(ctx: Context, t: TypeRef, original: boolean): string {
  if ('named' in t) return ctx.type(t.named, original)?.enumDef ? 'GENERAL_NUMBER' : 'UNKNOWN';
  if ('scalar' in t) return SCALAR_GROUPS[t.scalar] ?? 'UNKNOWN';
  return 'UNKNOWN';
}

function compareLabelsAndTypes(
  ctx: Context,
  oLabel: Label | undefined,
  uLabel: Label | undefined,
  o: TypeRef,
  u: TypeRef,
  where: string,
): void {
  const ok = kindOf(ctx, o, true);
  const uk = kindOf(ctx, u, false);
  if (ok !== uk) {
    ctx.add('FIELD_KIND_CHANGED', `The kind of ${where} changed from ${ok} (${typeText(o)}) to ${uk} (${typeText(u)})`);
    return;
  }
  if (ok === 'SCALAR') {
    const og = scalarGroup(ctx, o, true);
    const ug = scalarGroup(ctx, u, false);
    if (og !== ug) {
      ctx.add('FIELD_SCALAR_KIND_CHANGED', `The type of ${where} changed from ${typeText(o)} to ${typeText(u)}, which is not wire-compatible`);
    } else if (oLabel !== undefined && uLabel !== undefined && oLabel !== uLabel) {
      if (og === 'STRING_OR_BYTES') {
        ctx.add('FIELD_STRING_OR_BYTES_LABEL_CHANGED', `The label of ${where} changed from ${oLabel} to ${uLabel}`);
      } else {
        ctx.add('FIELD_NUMERIC_LABEL_CHANGED', `The label of numeric ${where} changed from ${oLabel} to ${uLabel}`);
      }
    }
  } else if (ok === 'MESSAGE') {
    compareMessageTypes(ctx, (o as { named: string }).named, (u as { named: string }).named, where);
  } else {
    const om = (o as { map: { key: TypeRef; value: TypeRef } }).map;
    const um = (u as { map: { key: TypeRef; value: TypeRef } }).map;
    compareLabelsAndTypes(ctx, undefined, undefined, om.key, um.key, `the key of ${where}`);
    compareLabelsAndTypes(ctx, undefined, undefined, om.value, um.value, `the value of ${where}`);
  }
}

function localName(fqn: string, info: TypeInfo): string {
  const name = fqn.replace(/^\./, '');
  return info.packageName && name.startsWith(`${info.packageName}.`) ? name.slice(info.packageName.length + 1) : name;
}

function compareMessageTypes(ctx: Context, o: string, u: string, where: string): void {
  const oi = ctx.type(o, true);
  const ui = ctx.type(u, false);
  if (!oi?.message || !ui?.message) {
    if (o !== u) ctx.add('FIELD_NAMED_TYPE_CHANGED', `The message type of ${where} changed from ${o} to ${u}`);
    return;
  }
  const ol = localName(o, oi);
  const ul = localName(u, ui);
  if (ol !== ul) {
    ctx.add('FIELD_NAMED_TYPE_CHANGED', `The message type of ${where} changed from ${ol} to ${ul}`);
    return;
  }
  const sameVersion =
    oi.ref !== null && ui.ref !== null && oi.ref.subject === ui.ref.subject && oi.ref.version === ui.ref.version;
  if (sameVersion) return;
  const original = oi.message;
  const update = ui.message;
  const result = ctx.search.compare(ol, original, update, () => {
    const sub = new Context(ctx.search);
    sub.path = ol.split('.');
    compareMessages(sub, original, update);
    return { items: sub.items, compatible: isCompatible(sub.items) };
  });
  ctx.items.push(result);
  if (!result.compatible) {
    ctx.add('FIELD_NAMED_TYPE_CHANGED', `The message type ${ol} of ${where} changed incompatibly`);
  }
}

// --- reserved numbers and names (validateFields) -------------------------------------------------

/**
 * With `validateFields`, the reserved numbers and names of each message must survive, and no field of
 * the new schema may use a number or name the old schema reserved.
 */
function reservedIssues(older: FileDef, newer: FileDef): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  const byName = (file: FileDef) => {
    const map = new Map<string, MessageDef>();
    const walk = (list: readonly MessageDef[]) => {
      for (const m of list) {
        map.set(localName(m.fullName, { packageName: file.package, ref: null }), m);
        walk(m.messages);
      }
    };
    walk(file.messages);
    return map;
  };
  const oldMessages = byName(older);
  const newMessages = byName(newer);
  for (const [name, o] of oldMessages) {
    const n = newMessages.get(name);
    if (!n) continue;
    const path = `#/${name.split('.').join('/')}`;
    for (const r of o.reservedRanges) {
      const missing = firstUncovered(r, n.reservedRanges);
      if (missing !== undefined) {
        issues.push({ type: 'RESERVED_FIELD_REMOVED', path, message: `Message ${name} no longer reserves field number ${missing}` });
      }
    }
    for (const reservedName of o.reservedNames) {
      if (!hasName(n.reservedNames, reservedName)) {
        issues.push({ type: 'RESERVED_FIELD_REMOVED', path, message: `Message ${name} no longer reserves field name "${reservedName}"` });
      }
    }
    for (const f of n.fields) {
      if (inRanges(f.number, o.reservedRanges) || hasName(o.reservedNames, f.name)) {
        issues.push({
          type: 'FIELD_CONFLICTS_WITH_RESERVED_FIELD',
          path: `${path}/${f.number}`,
          message: `Field ${fieldLabel(f)} of ${name} uses a number or name the previous schema reserved`,
        });
      }
    }
  }
  return issues;
}
