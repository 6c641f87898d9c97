/**
 * The serialized `google.protobuf.FileDescriptorProto` form of a file: decoding (Confluent's
 * JavaScript serializer registers schemas that way) and encoding (`?format=serialized`, and what the
 * client SDK hands to descriptor-based runtimes).
 *
 * The descriptor messages are read and written with protobufjs from a private copy of their wire
 * layout in which every `options` field is plain bytes; those bytes go through `codec.ts`, which
 * knows custom options (extensions) from the linked model.
 */
import protobuf from 'protobufjs';
import { InvalidSchemaError } from '../format.js';
import { encodeMessage } from './codec.js';
import {
  MAX_FIELD_NUMBER,
  SCALAR_TYPES,
  defaultJsonName,
  mapEntryName,
  qualify,
  type EnumDef,
  type FieldDef,
  type FileDef,
  type Label,
  type MessageDef,
  type OptionEntry,
  type OptValue,
  type Range,
  type RawOptions,
  type ServiceDef,
} from './model.js';
import type { Symbols } from './symbols.js';

const WIRE_SCHEMA = `syntax = "proto2";
package schemata.descriptor;
message FileDescriptorProto {
  optional string name = 1;
  optional string package = 2;
  repeated string dependency = 3;
  repeated int32 public_dependency = 10;
  repeated int32 weak_dependency = 11;
  repeated DescriptorProto message_type = 4;
  repeated EnumDescriptorProto enum_type = 5;
  repeated ServiceDescriptorProto service = 6;
  repeated FieldDescriptorProto extension = 7;
  optional bytes options = 8;
  optional string syntax = 12;
  optional int32 edition = 14;
}
message DescriptorProto {
  optional string name = 1;
  repeated FieldDescriptorProto field = 2;
  repeated FieldDescriptorProto extension = 6;
  repeated DescriptorProto nested_type = 3;
  repeated EnumDescriptorProto enum_type = 4;
  repeated ExtensionRange extension_range = 5;
  repeated OneofDescriptorProto oneof_decl = 8;
  optional bytes options = 7;
  repeated ReservedRange reserved_range = 9;
  repeated string reserved_name = 10;
  message ExtensionRange {
    optional int32 start = 1;
    optional int32 end = 2;
    optional bytes options = 3;
  }
  message ReservedRange {
    optional int32 start = 1;
    optional int32 end = 2;
  }
}
message FieldDescriptorProto {
  optional string name = 1;
  optional int32 number = 3;
  optional int32 label = 4;
  optional int32 type = 5;
  optional string type_name = 6;
  optional string extendee = 2;
  optional string default_value = 7;
  optional int32 oneof_index = 9;
  optional string json_name = 10;
  optional bytes options = 8;
  optional bool proto3_optional = 17;
}
message OneofDescriptorProto {
  optional string name = 1;
  optional bytes options = 2;
}
message EnumDescriptorProto {
  optional string name = 1;
  repeated EnumValueDescriptorProto value = 2;
  optional bytes options = 3;
  repeated EnumReservedRange reserved_range = 4;
  repeated string reserved_name = 5;
  message EnumReservedRange {
    optional int32 start = 1;
    optional int32 end = 2;
  }
}
message EnumValueDescriptorProto {
  optional string name = 1;
  optional int32 number = 2;
  optional bytes options = 3;
}
message ServiceDescriptorProto {
  optional string name = 1;
  repeated MethodDescriptorProto method = 2;
  optional bytes options = 3;
}
message MethodDescriptorProto {
  optional string name = 1;
  optional string input_type = 2;
  optional string output_type = 3;
  optional bytes options = 4;
  optional bool client_streaming = 5;
  optional bool server_streaming = 6;
}
`;

let wireType: protobuf.Type | undefined;
function fileDescriptorType(): protobuf.Type {
  if (!wireType) {
    const root = protobuf.parse(WIRE_SCHEMA, new protobuf.Root(), { keepCase: true }).root;
    root.resolveAll();
    wireType = root.lookupType('schemata.descriptor.FileDescriptorProto');
  }
  return wireType;
}

const TYPE_NUMBERS: Record<string, number> = {
  double: 1, float: 2, int64: 3, uint64: 4, int32: 5, fixed64: 6, fixed32: 7, bool: 8, string: 9,
  group: 10, message: 11, bytes: 12, uint32: 13, enum: 14, sfixed32: 15, sfixed64: 16, sint32: 17, sint64: 18,
};
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(TYPE_NUMBERS).map(([k, v]) => [v, k]));
const LABEL_OPTIONAL = 1;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

// --- decoding ---------------------------------------------------------------------------------

interface WField {
  name?: string;
  number?: number;
  label?: number;
  type?: number;
  type_name?: string;
  extendee?: string;
  default_value?: string;
  oneof_index?: number;
  json_name?: string;
  options?: Uint8Array;
  proto3_optional?: boolean;
}
interface WRange {
  start?: number;
  end?: number;
}
interface WMessage {
  name?: string;
  field?: WField[];
  extension?: WField[];
  nested_type?: WMessage[];
  enum_type?: WEnum[];
  extension_range?: WRange[];
  oneof_decl?: Array<{ name?: string; options?: Uint8Array }>;
  options?: Uint8Array;
  reserved_range?: WRange[];
  reserved_name?: string[];
}
interface WEnum {
  name?: string;
  value?: Array<{ name?: string; number?: number; options?: Uint8Array }>;
  options?: Uint8Array;
  reserved_range?: WRange[];
  reserved_name?: string[];
}
interface WService {
  name?: string;
  method?: Array<{
    name?: string;
    input_type?: string;
    output_type?: string;
    options?: Uint8Array;
    client_streaming?: boolean;
    server_streaming?: boolean;
  }>;
  options?: Uint8Array;
}
interface WFile {
  name?: string;
  package?: string;
  dependency?: string[];
  public_dependency?: number[];
  weak_dependency?: number[];
  message_type?: WMessage[];
  enum_type?: WEnum[];
  service?: WService[];
  extension?: WField[];
  options?: Uint8Array;
  syntax?: string;
  edition?: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Whether the schema text looks like a base64 descriptor rather than .proto text. */
export function looksLikeBase64(text: string): boolean {
  const t = text.trim();
  return t.length >= 4 && BASE64.test(t);
}

/** Decodes base64 bytes of a FileDescriptorProto into an unlinked FileDef. */
export function decodeDescriptorBase64(text: string): FileDef {
  const bytes = Buffer.from(text.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return decodeDescriptor(new Uint8Array(bytes));
}

export function decodeDescriptor(bytes: Uint8Array): FileDef {
  let w: WFile;
  try {
    const type = fileDescriptorType();
    const msg = type.decode(bytes);
    w = type.toObject(msg, { longs: Number, enums: Number }) as WFile;
  } catch (e) {
    throw new InvalidSchemaError(`not a valid FileDescriptorProto: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (w.edition !== undefined || (w.syntax && w.syntax !== 'proto2' && w.syntax !== 'proto3')) {
    throw new InvalidSchemaError(`unsupported descriptor syntax "${w.syntax ?? `edition ${w.edition}`}"`);
  }
  const syntax = w.syntax === 'proto3' ? 'proto3' : 'proto2';
  const pkg = w.package ?? '';
  if (pkg && !pkg.split('.').every((p) => IDENT.test(p))) throw new InvalidSchemaError(`invalid package name "${pkg}"`);
  const deps = w.dependency ?? [];
  const publicDeps = new Set(w.public_dependency);
  const weakDeps = new Set(w.weak_dependency);
  const file: FileDef = {
    syntax,
    package: pkg,
    imports: deps.map((path, i) => {
      if (publicDeps.has(i)) return { path, modifier: 'public' as const };
      if (weakDeps.has(i)) return { path, modifier: 'weak' as const };
      return { path };
    }),
    options: [],
    rawOptions: rawBytes(w.options),
    messages: (w.message_type ?? []).map((m) => decodeMessageDef(m, pkg, syntax)),
    enums: (w.enum_type ?? []).map((e) => decodeEnum(e, pkg)),
    services: (w.service ?? []).map((s) => decodeService(s, pkg)),
    extensions: (w.extension ?? []).map((f) => decodeField(f, syntax, undefined)),
  };
  return file;
}

function rawBytes(b: Uint8Array | undefined): RawOptions | undefined {
  return b && b.length ? { kind: 'bytes', bytes: Uint8Array.from(b) } : undefined;
}

function checkName(name: string | undefined, what: string): string {
  if (!name || !IDENT.test(name)) throw new InvalidSchemaError(`invalid ${what} name "${name ?? ''}" in descriptor`);
  return name;
}

function decodeMessageDef(w: WMessage, scope: string, syntax: FileDef['syntax']): MessageDef {
  const name = checkName(w.name, 'message');
  const fullName = qualify(scope, name);
  const nested = w.nested_type ?? [];
  const mapEntries = new Map<string, WMessage>();
  const regular: WMessage[] = [];
  for (const n of nested) {
    if (isMapEntry(n)) mapEntries.set(`.${qualify(fullName, n.name ?? '')}`, n);
    else regular.push(n);
  }
  const oneofDecls = w.oneof_decl ?? [];
  const fieldsW = w.field ?? [];
  // A oneof is synthetic when all its members are proto3 `optional` fields.
  const members = new Map<number, WField[]>();
  for (const f of fieldsW) {
    if (f.oneof_index === undefined) continue;
    const list = members.get(f.oneof_index) ?? [];
    list.push(f);
    members.set(f.oneof_index, list);
  }
  const synthetic = oneofDecls.map((_, i) => {
    const list = members.get(i) ?? [];
    return list.length > 0 && list.every((f) => f.proto3_optional);
  });
  const realIndex = new Map<number, number>();
  oneofDecls.forEach((_, i) => {
    if (!synthetic[i]) realIndex.set(i, realIndex.size);
  });
  const msg: MessageDef = {
    name,
    fullName,
    fields: [],
    oneofs: oneofDecls.filter((_, i) => !synthetic[i]).map((o) => ({ name: checkName(o.name, 'oneof'), options: [], rawOptions: rawBytes(o.options) })),
    messages: regular.map((n) => decodeMessageDef(n, fullName, syntax)),
    enums: (w.enum_type ?? []).map((e) => decodeEnum(e, fullName)),
    extensions: (w.extension ?? []).map((f) => decodeField(f, syntax, undefined)),
    extensionRanges: (w.extension_range ?? []).map((r) => exclusiveRange(r)),
    reservedRanges: (w.reserved_range ?? []).map((r) => exclusiveRange(r)),
    reservedNames: [...(w.reserved_name ?? [])],
    options: [],
    rawOptions: rawBytes(w.options),
  };
  // The first nested message whose full name (or simple name) is a group field's type, found by index.
  let nestedByName: Map<string, number> | undefined;
  const nestedFor = (type: string): MessageDef | undefined => {
    if (!nestedByName) {
      nestedByName = new Map();
      msg.messages.forEach((m, i) => {
        for (const key of [`.${m.fullName}`, m.name]) if (!nestedByName!.has(key)) nestedByName!.set(key, i);
      });
    }
    const i = nestedByName.get(type);
    return i === undefined ? undefined : msg.messages[i];
  };
  for (const f of fieldsW) {
    const entry = f.type_name ? findMapEntry(mapEntries, f.type_name, fullName) : undefined;
    const def = decodeField(f, syntax, entry);
    if (f.oneof_index !== undefined && !f.proto3_optional) {
      const idx = realIndex.get(f.oneof_index);
      if (idx === undefined) throw new InvalidSchemaError(`field ${name}.${def.name} has an invalid oneof_index`);
      def.oneof = idx;
      delete def.label;
    }
    if (def.group) {
      const groupMsg = nestedFor(def.type);
      if (groupMsg) groupMsg.isGroup = true;
    }
    msg.fields.push(def);
  }
  return msg;
}

function isMapEntry(m: WMessage): boolean {
  // MessageOptions.map_entry is field 7 (varint): tag byte 0x38 followed by 1.
  const o = m.options;
  if (!o) return false;
  for (let i = 0; i + 1 < o.length; i++) if (o[i] === 0x38 && o[i + 1] === 1) return true;
  return false;
}

function findMapEntry(entries: Map<string, WMessage>, typeName: string, scope: string): WMessage | undefined {
  if (typeName.startsWith('.')) return entries.get(typeName);
  return entries.get(`.${qualify(scope, typeName)}`) ?? entriesBySuffix(entries).get(typeName);
}

const suffixIndexes = new WeakMap<Map<string, WMessage>, Map<string, WMessage>>();

/** Map entries by every dotted suffix of their full name (`b.C` and `C` of `.a.b.C`), the first entry winning. */
function entriesBySuffix(entries: Map<string, WMessage>): Map<string, WMessage> {
  let index = suffixIndexes.get(entries);
  if (!index) {
    index = new Map();
    for (const [key, entry] of entries) {
      for (let dot = key.indexOf('.'); dot >= 0; dot = key.indexOf('.', dot + 1)) {
        const suffix = key.slice(dot + 1);
        if (!index.has(suffix)) index.set(suffix, entry);
      }
    }
    suffixIndexes.set(entries, index);
  }
  return index;
}

function exclusiveRange(r: WRange): Range {
  const start = r.start ?? 0;
  const end = (r.end ?? start + 1) - 1;
  return { start, end: Math.min(end, MAX_FIELD_NUMBER) };
}

function decodeField(w: WField, syntax: FileDef['syntax'], mapEntry: WMessage | undefined): FieldDef {
  const name = checkName(w.name, 'field');
  if (w.number === undefined) throw new InvalidSchemaError(`field ${name} has no number in descriptor`);
  const def: FieldDef = { name, number: w.number, type: '', kind: 'unresolved', options: [] };
  if (mapEntry && w.label === LABEL_REPEATED) {
    const key = mapEntry.field?.find((f) => f.number === 1);
    const value = mapEntry.field?.find((f) => f.number === 2);
    if (!key || !value) throw new InvalidSchemaError(`map entry of field ${name} needs key and value fields`);
    def.mapKey = TYPE_NAMES[key.type ?? 0] ?? '';
    setType(def, value);
  } else {
    setType(def, w);
    let label: Label | undefined;
    if (w.label === LABEL_REQUIRED) label = 'required';
    else if (w.label === LABEL_REPEATED) label = 'repeated';
    else if (w.proto3_optional) label = 'optional';
    else if (syntax === 'proto2') label = 'optional';
    if (label) def.label = label;
  }
  if (w.proto3_optional) def.proto3Optional = true;
  if (w.extendee) def.extendee = w.extendee;
  if (w.default_value !== undefined) def.defaultValue = { k: 'raw', v: { descriptorDefault: w.default_value } };
  if (w.json_name !== undefined && w.json_name !== defaultJsonName(name)) def.jsonName = w.json_name;
  const raw = rawBytes(w.options);
  if (raw) def.rawOptions = raw;
  return def;
}

function setType(def: FieldDef, w: WField): void {
  const typeName = w.type !== undefined ? TYPE_NAMES[w.type] : undefined;
  if (typeName && SCALAR_TYPES.has(typeName)) {
    def.type = typeName;
    def.kind = 'scalar';
    return;
  }
  if (!w.type_name) throw new InvalidSchemaError(`field ${def.name} has neither a scalar type nor a type name`);
  def.type = w.type_name;
  if (typeName === 'group') {
    def.group = true;
    def.kind = 'group';
  } else if (typeName === 'message') def.kind = 'message';
  else if (typeName === 'enum') def.kind = 'enum';
  else def.kind = 'unresolved';
}

function decodeEnum(w: WEnum, scope: string): EnumDef {
  const name = checkName(w.name, 'enum');
  return {
    name,
    fullName: qualify(scope, name),
    values: (w.value ?? []).map((v) => {
      const value = { name: checkName(v.name, 'enum value'), number: v.number ?? 0, options: [] as OptionEntry[] };
      const raw = rawBytes(v.options);
      return raw ? { ...value, rawOptions: raw } : value;
    }),
    reservedRanges: (w.reserved_range ?? []).map((r) => ({ start: r.start ?? 0, end: r.end ?? r.start ?? 0 })),
    reservedNames: [...(w.reserved_name ?? [])],
    options: [],
    rawOptions: rawBytes(w.options),
  };
}

function decodeService(w: WService, scope: string): ServiceDef {
  const name = checkName(w.name, 'service');
  return {
    name,
    fullName: qualify(scope, name),
    methods: (w.method ?? []).map((m) => ({
      name: checkName(m.name, 'method'),
      inputType: m.input_type ?? '',
      outputType: m.output_type ?? '',
      clientStreaming: Boolean(m.client_streaming),
      serverStreaming: Boolean(m.server_streaming),
      options: [],
      rawOptions: rawBytes(m.options),
    })),
    options: [],
    rawOptions: rawBytes(w.options),
  };
}

// --- encoding ---------------------------------------------------------------------------------

/** Encodes a linked file as a serialized FileDescriptorProto named `name`. */
export function encodeDescriptor(file: FileDef, symbols: Symbols, name: string): Uint8Array {
  const enc = new Encoder(symbols);
  const w: WFile = { name };
  if (file.package) w.package = file.package;
  if (file.imports.length) {
    w.dependency = file.imports.map((i) => i.path);
    const pub = file.imports.flatMap((imp, i) => (imp.modifier === 'public' ? [i] : []));
    const weak = file.imports.flatMap((imp, i) => (imp.modifier === 'weak' ? [i] : []));
    if (pub.length) w.public_dependency = pub;
    if (weak.length) w.weak_dependency = weak;
  }
  if (file.messages.length) w.message_type = file.messages.map((m) => enc.message(m));
  if (file.enums.length) w.enum_type = file.enums.map((e) => enc.enumDef(e));
  if (file.services.length) w.service = file.services.map((s) => enc.service(s));
  if (file.extensions.length) w.extension = file.extensions.map((x) => enc.field(x, undefined));
  enc.options(w, '.google.protobuf.FileOptions', file.options);
  if (file.syntax === 'proto3') w.syntax = 'proto3';
  const type = fileDescriptorType();
  return type.encode(type.fromObject(w as Record<string, unknown>)).finish();
}

class Encoder {
  constructor(private readonly symbols: Symbols) {}

  /** Sets `w.options` to the encoded `type` message of `extra` and `entries`, unless that is empty. */
  options(w: { options?: Uint8Array }, type: string, entries: readonly OptionEntry[], extra: OptionEntry[] = []): void {
    const all = [...extra, ...entries];
    if (!all.length) return;
    const bytes = encodeMessage(type, all, this.symbols);
    if (bytes.length) w.options = bytes;
  }

  message(m: MessageDef): WMessage {
    const w: WMessage = { name: m.name };
    const mapEntries: WMessage[] = [];
    const realOneofs = m.oneofs.length;
    const syntheticOneofs: Array<{ name: string }> = [];
    let taken: Set<string> | undefined;
    w.field = m.fields.map((f) => {
      let entry: WMessage | undefined;
      if (f.mapKey !== undefined) {
        entry = this.mapEntry(f);
        mapEntries.push(entry);
      }
      const wf = this.field(f, entry ? `.${qualify(m.fullName, entry.name!)}` : undefined);
      if (f.proto3Optional) {
        wf.oneof_index = realOneofs + syntheticOneofs.length;
        taken ??= new Set([...m.fields.map((x) => x.name), ...m.oneofs.map((o) => o.name)]);
        syntheticOneofs.push({ name: syntheticOneofName(f.name, taken) });
      }
      return wf;
    });
    if (!w.field.length) delete w.field;
    const nested = [...m.messages.map((n) => this.message(n)), ...mapEntries];
    if (nested.length) w.nested_type = nested;
    if (m.enums.length) w.enum_type = m.enums.map((e) => this.enumDef(e));
    if (m.extensions.length) w.extension = m.extensions.map((x) => this.field(x, undefined));
    if (m.extensionRanges.length) w.extension_range = m.extensionRanges.map((r) => ({ start: r.start, end: r.end + 1 }));
    const oneofs = [
      ...m.oneofs.map((o) => {
        const wo: { name: string; options?: Uint8Array } = { name: o.name };
        this.options(wo, '.google.protobuf.OneofOptions', o.options);
        return wo;
      }),
      ...syntheticOneofs,
    ];
    if (oneofs.length) w.oneof_decl = oneofs;
    this.options(w, '.google.protobuf.MessageOptions', m.options);
    if (m.reservedRanges.length) w.reserved_range = m.reservedRanges.map((r) => ({ start: r.start, end: r.end + 1 }));
    if (m.reservedNames.length) w.reserved_name = [...m.reservedNames];
    return w;
  }

  private mapEntry(f: FieldDef): WMessage {
    const key: FieldDef = { name: 'key', number: 1, label: 'optional', type: f.mapKey!, kind: 'scalar', options: [] };
    const value: FieldDef = { name: 'value', number: 2, label: 'optional', type: f.type, kind: f.kind, options: [] };
    const mapEntryOption: OptionEntry = { name: 'map_entry', ext: false, number: 7, value: { k: 'bool', v: true } };
    const w: WMessage = {
      name: mapEntryName(f.name),
      field: [this.field(key, undefined), this.field(value, undefined)],
    };
    this.options(w, '.google.protobuf.MessageOptions', [], [mapEntryOption]);
    return w;
  }

  field(f: FieldDef, mapEntryType: string | undefined): WField {
    const w: WField = { name: f.name, number: f.number };
    if (mapEntryType) {
      w.label = LABEL_REPEATED;
      w.type = TYPE_NUMBERS['message'];
      w.type_name = mapEntryType;
    } else {
      w.label = f.label === 'required' ? LABEL_REQUIRED : f.label === 'repeated' ? LABEL_REPEATED : LABEL_OPTIONAL;
      if (f.kind === 'scalar') {
        w.type = TYPE_NUMBERS[f.type];
      } else {
        if (f.kind !== 'unresolved') w.type = TYPE_NUMBERS[f.kind === 'group' ? 'group' : f.kind];
        w.type_name = f.type;
      }
    }
    if (f.extendee) w.extendee = f.extendee;
    if (f.defaultValue) {
      const text = defaultText(f.defaultValue);
      if (text !== undefined) w.default_value = text;
    }
    if (f.oneof !== undefined) w.oneof_index = f.oneof;
    // Like protoc's FileDescriptor::CopyTo, only an explicit json_name is written.
    if (f.jsonName !== undefined) w.json_name = f.jsonName;
    this.options(w, '.google.protobuf.FieldOptions', f.options);
    if (f.proto3Optional) w.proto3_optional = true;
    return w;
  }

  enumDef(e: EnumDef): WEnum {
    const w: WEnum = {
      name: e.name,
      value: e.values.map((v) => {
        const wv: { name: string; number: number; options?: Uint8Array } = { name: v.name, number: v.number };
        this.options(wv, '.google.protobuf.EnumValueOptions', v.options);
        return wv;
      }),
    };
    this.options(w, '.google.protobuf.EnumOptions', e.options);
    if (e.reservedRanges.length) w.reserved_range = e.reservedRanges.map((r) => ({ start: r.start, end: r.end }));
    if (e.reservedNames.length) w.reserved_name = [...e.reservedNames];
    return w;
  }

  service(s: ServiceDef): WService {
    const w: WService = {
      name: s.name,
      method: s.methods.map((m) => {
        const wm: NonNullable<WService['method']>[number] = { name: m.name, input_type: m.inputType, output_type: m.outputType };
        this.options(wm, '.google.protobuf.MethodOptions', m.options);
        if (m.clientStreaming) wm.client_streaming = true;
        if (m.serverStreaming) wm.server_streaming = true;
        return wm;
      }),
    };
    this.options(w, '.google.protobuf.ServiceOptions', s.options);
    return w;
  }
}

function syntheticOneofName(fieldName: string, taken: ReadonlySet<string>): string {
  // protoc prefixes the field name with "_" and adds "X" until it clashes with nothing.
  let name = `_${fieldName}`;
  while (taken.has(name)) name = `X${name}`;
  return name;
}

/** A default value as descriptors store it (C-escaped for bytes, `inf`/`nan` for floats). */
export function defaultText(v: OptValue): string | undefined {
  switch (v.k) {
    case 'str': return v.v;
    case 'bytes': return cEscape(v.v);
    case 'bool': return v.v ? 'true' : 'false';
    case 'int': return v.v.toString();
    case 'float': return formatFloat(v.v);
    case 'enum': return v.v;
    default: return undefined;
  }
}

export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** protoc's CEscape: printable ASCII as is, the usual C escapes, octal for everything else. */
export function cEscape(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    switch (b) {
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x22: out += '\\"'; break;
      case 0x27: out += "\\'"; break;
      case 0x5c: out += '\\\\'; break;
      default:
        out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
    }
  }
  return out;
}
