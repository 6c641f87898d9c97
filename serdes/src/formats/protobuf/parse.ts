/**
 * .proto text -> unlinked `FileDef`, with protobufjs' parser.
 *
 * protobufjs reports syntax errors with a line number ("illegal token '}' (line 4)"); everything it
 * accepts is converted into the shared model with type names as written and options in raw form.
 * `link.ts` does the rest (resolution, option typing, the validation protobufjs leaves out).
 */
import protobuf from 'protobufjs';
import { InvalidSchemaError } from '../format.js';
import { expandString, preprocess } from './lexer.js';
import { parseWithProtobufjs } from './pbjs-parse.js';
import {
  SCALAR_TYPES,
  emptyMessage,
  type EnumDef,
  type EnumValueDef,
  type FieldDef,
  type FileDef,
  type Label,
  type MessageDef,
  type MethodDef,
  type OneofDef,
  type Range,
  type RawOptions,
  type ServiceDef,
  qualify,
} from './model.js';

export interface ParsedText {
  file: FileDef;
  /** Decoded string literals that protobufjs saw as placeholders (see lexer.ts). */
  literals: Uint8Array[];
  /** Integer literals too big for a JS number, also passed as placeholders. */
  bigIntegers: bigint[];
}

type PbObject = protobuf.ReflectionObject & {
  parsedOptions?: Array<Record<string, unknown>>;
  options?: Record<string, unknown>;
};

export function parseProtoText(text: string): ParsedText {
  const pre = preprocess(text);
  if (pre.edition !== undefined) {
    throw new InvalidSchemaError(`Protobuf editions are not supported (edition "${pre.edition}")`);
  }
  const syntaxText = pre.syntax ?? 'proto2';
  if (syntaxText !== 'proto2' && syntaxText !== 'proto3') {
    throw new InvalidSchemaError(`unsupported syntax "${syntaxText}": expected "proto2" or "proto3"`);
  }
  let result: protobuf.IParserResult;
  try {
    result = parseWithProtobufjs(pre.source, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  } catch (e) {
    throw new InvalidSchemaError(e instanceof Error ? e.message : String(e));
  }
  const literals = pre.literals;
  const pkg = result.package ?? '';
  const ns = pkg ? (result.root.lookup(pkg) as protobuf.Namespace | null) : result.root;
  if (!ns) throw new InvalidSchemaError(`package ${pkg} could not be read`);

  const file: FileDef = {
    syntax: syntaxText,
    package: pkg,
    imports: pre.imports.map((imp) => ({ ...imp })),
    options: [],
    rawOptions: rawOptionsOf(ns as PbObject),
    messages: [],
    enums: [],
    services: [],
    extensions: [],
  };
  // protobufjs keeps all imports, but our header scan is the one that knows public/weak; make sure
  // both agree (a mismatch would mean the scan missed something).
  const pbImports = [...(result.imports ?? []), ...(result.weakImports ?? [])].map((p) => expandString(p, literals));
  const seen = new Set(file.imports.map((imp) => imp.path));
  for (const p of pbImports) {
    if (!seen.has(p)) file.imports.push({ path: p });
  }
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Type) {
      if (!(obj as protobuf.Type & { group?: boolean }).group) file.messages.push(convertType(obj, pkg, literals, file.syntax));
    } else if (obj instanceof protobuf.Enum) {
      file.enums.push(convertEnum(obj, pkg, literals));
    } else if (obj instanceof protobuf.Service) {
      file.services.push(convertService(obj, pkg, literals));
    } else if (obj instanceof protobuf.Field && obj.extend !== undefined && !obj.declaringField) {
      file.extensions.push(convertField(obj, literals, file.syntax, undefined, undefined));
    }
  }
  return { file, literals, bigIntegers: pre.bigIntegers };
}

function rawOptionsOf(obj: PbObject, skip: readonly string[] = []): RawOptions | undefined {
  let entries: Array<[string, unknown]>;
  if (Array.isArray(obj.parsedOptions)) {
    entries = [];
    for (const o of obj.parsedOptions) for (const [k, v] of Object.entries(o)) entries.push([k, v]);
  } else if (obj.options) {
    entries = unflatten(obj.options);
  } else {
    return undefined;
  }
  entries = entries.filter(([k]) => !skip.includes(k));
  return entries.length ? { kind: 'pbjs', entries } : undefined;
}

/** protobufjs' flat option map (`"(a).b.c": 1`) back into one nested value per option. */
export function unflatten(options: Record<string, unknown>): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  // The first entry of each name whose value is an object, which later dotted keys fill in.
  const objects = new Map<string, [string, unknown]>();
  for (const [key, value] of Object.entries(options)) {
    let name: string;
    let rest: string;
    if (key.startsWith('(')) {
      const close = key.indexOf(')');
      name = key.slice(0, close + 1);
      rest = key.slice(close + 1).replace(/^\./, '');
    } else {
      const dot = key.indexOf('.');
      name = dot < 0 ? key : key.slice(0, dot);
      rest = dot < 0 ? '' : key.slice(dot + 1);
    }
    if (!rest) {
      const entry: [string, unknown] = [name, value];
      out.push(entry);
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && !objects.has(name)) objects.set(name, entry);
      continue;
    }
    let entry = objects.get(name);
    if (!entry) {
      entry = [name, {}];
      out.push(entry);
      objects.set(name, entry);
    }
    let target = entry[1] as Record<string, unknown>;
    const path = rest.split('.');
    for (let i = 0; i < path.length - 1; i++) {
      const p = path[i]!;
      if (typeof target[p] !== 'object' || target[p] === null) target[p] = {};
      target = target[p] as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = value;
  }
  return out;
}

function convertType(type: protobuf.Type, scope: string, literals: readonly Uint8Array[], syntax: FileDef['syntax']): MessageDef {
  const fullName = qualify(scope, type.name);
  const isGroup = Boolean((type as protobuf.Type & { group?: boolean }).group);
  const msg: MessageDef = {
    ...emptyMessage(type.name, fullName),
    rawOptions: rawOptionsOf(type as PbObject),
    ...(isGroup ? { isGroup } : {}),
  };
  // Real oneofs in declaration order; proto3 `optional` fields get a synthetic one we drop.
  const realOneofs = type.oneofsArray.filter((o) => !isSyntheticOneof(o));
  const oneofIndexes = new Map(realOneofs.map((o, i) => [o, i]));
  for (const o of realOneofs) {
    const def: OneofDef = { name: o.name, options: [], rawOptions: rawOptionsOf(o as PbObject) };
    msg.oneofs.push(def);
  }
  for (const f of type.fieldsArray) {
    if (f.declaringField) continue; // sister field protobufjs adds for extensions of this type
    if (f.extend !== undefined) continue;
    const oneofIndex = f.partOf && !isSyntheticOneof(f.partOf) ? (oneofIndexes.get(f.partOf) ?? -1) : undefined;
    msg.fields.push(convertField(f, literals, syntax, oneofIndex, type));
  }
  for (const obj of type.nestedArray) {
    if (obj instanceof protobuf.Type) msg.messages.push(convertType(obj, fullName, literals, syntax));
    else if (obj instanceof protobuf.Enum) msg.enums.push(convertEnum(obj, fullName, literals));
    else if (obj instanceof protobuf.Field && obj.extend !== undefined && !obj.declaringField) {
      msg.extensions.push(convertField(obj, literals, syntax, undefined, undefined));
    }
  }
  for (const r of type.reserved ?? []) {
    if (typeof r === 'string') msg.reservedNames.push(expandString(r, literals));
    else msg.reservedRanges.push(toRange(r));
  }
  for (const r of type.extensions ?? []) msg.extensionRanges.push(toRange(r));
  return msg;
}

function toRange(r: number[]): Range {
  return { start: r[0]!, end: r[1] ?? r[0]! };
}

function isSyntheticOneof(o: protobuf.OneOf): boolean {
  const members = o.fieldsArray;
  return members.length === 1 && Boolean(members[0]!.options?.['proto3_optional']) && o.name === `_${members[0]!.name}`;
}

function convertField(
  f: protobuf.Field,
  literals: readonly Uint8Array[],
  syntax: FileDef['syntax'],
  oneof: number | undefined,
  parent: protobuf.Type | undefined,
): FieldDef {
  const proto3Optional = Boolean(f.options?.['proto3_optional']);
  const isMap = f instanceof protobuf.MapField;
  let group = false;
  if (parent && !SCALAR_TYPES.has(f.type)) {
    const nested = parent.nested?.[f.type];
    group = nested instanceof protobuf.Type && Boolean((nested as protobuf.Type & { group?: boolean }).group);
  }
  const rule = (f as protobuf.Field & { rule?: string }).rule;
  let label: Label | undefined;
  if (rule === 'required' || rule === 'repeated') label = rule;
  else if (proto3Optional) label = 'optional';
  else if (syntax === 'proto2' && !isMap && oneof === undefined && !(f.partOf && !proto3Optional)) label = 'optional';
  const def: FieldDef = {
    // protoc names a group's field after the group, all lower case (protobufjs only lowers the first letter).
    name: group ? f.type.toLowerCase() : f.name,
    number: f.id,
    type: f.type,
    kind: SCALAR_TYPES.has(f.type) ? 'scalar' : 'unresolved',
    options: [],
  };
  if (label) def.label = label;
  if (isMap) def.mapKey = (f as protobuf.MapField).keyType;
  if (oneof !== undefined && oneof >= 0) def.oneof = oneof;
  if (proto3Optional) def.proto3Optional = true;
  if (group) def.group = true;
  if (f.extend !== undefined) def.extendee = f.extend;
  const raw = rawOptionsOf(f as PbObject, ['proto3_optional']);
  if (raw?.kind === 'pbjs') {
    const rest: Array<[string, unknown]> = [];
    for (const [k, v] of raw.entries) {
      if (k === 'default') def.defaultValue = { k: 'raw', v };
      else if (k === 'json_name') def.jsonName = typeof v === 'string' ? expandString(v, literals) : String(v);
      else rest.push([k, v]);
    }
    if (rest.length) def.rawOptions = { kind: 'pbjs', entries: rest };
  }
  return def;
}

function convertEnum(e: protobuf.Enum, scope: string, literals: readonly Uint8Array[]): EnumDef {
  const values: EnumValueDef[] = [];
  const valuesOptions = (e as protobuf.Enum & { valuesOptions?: Record<string, Record<string, unknown>> }).valuesOptions ?? {};
  for (const [name, number] of Object.entries(e.values)) {
    const v: EnumValueDef = { name, number, options: [] };
    const opts = valuesOptions[name];
    if (opts && Object.keys(opts).length) v.rawOptions = { kind: 'pbjs', entries: unflatten(opts) };
    values.push(v);
  }
  const def: EnumDef = {
    name: e.name,
    fullName: qualify(scope, e.name),
    values,
    reservedRanges: [],
    reservedNames: [],
    options: [],
    rawOptions: rawOptionsOf(e as PbObject),
  };
  for (const r of e.reserved ?? []) {
    if (typeof r === 'string') def.reservedNames.push(expandString(r, literals));
    else def.reservedRanges.push(toRange(r));
  }
  return def;
}

function convertService(s: protobuf.Service, scope: string, literals: readonly Uint8Array[]): ServiceDef {
  const methods: MethodDef[] = s.methodsArray.map((m) => ({
    name: m.name,
    inputType: m.requestType,
    outputType: m.responseType,
    clientStreaming: Boolean(m.requestStream),
    serverStreaming: Boolean(m.responseStream),
    options: [],
    rawOptions: rawOptionsOf(m as unknown as PbObject),
  }));
  return {
    name: s.name,
    fullName: qualify(scope, s.name),
    methods,
    options: [],
    rawOptions: rawOptionsOf(s as PbObject),
  };
}
