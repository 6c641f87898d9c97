/**
 * The in-memory model of one .proto file, shared by both input representations (.proto text and
 * serialized FileDescriptorProto), the printer, the descriptor encoder and the compatibility checker.
 *
 * A file goes through two stages: the parsers (`parse.ts`, `descriptor.ts`) build it with type
 * references as written and options in raw form; `link.ts` resolves every reference to a fully
 * qualified name (leading dot), types every option and validates the file.
 */

export type Syntax = 'proto2' | 'proto3';
export type Label = 'optional' | 'required' | 'repeated';

export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

/** Map keys may be any integral or string scalar (not floating point, bytes, enums or messages). */
export const MAP_KEY_TYPES: ReadonlySet<string> = new Set([
  'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string',
]);

/** Highest field number (2^29 - 1), also what `max` means in ranges. */
export const MAX_FIELD_NUMBER = 536_870_911;
/** Field numbers reserved for the protobuf implementation. */
export const RESERVED_IMPL_RANGE: Range = { start: 19_000, end: 19_999 };

/** An inclusive range of numbers, as written in `reserved 2 to 5;` or `extensions 100 to max;`. */
export interface Range {
  start: number;
  end: number;
}

/** A typed option value. Integers are bigints so 64-bit values survive. */
export type OptValue =
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: Uint8Array }
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'enum'; v: string; n?: number }
  | { k: 'msg'; fields: OptionEntry[] }
  /** A value whose option could not be resolved (only when parsing without validation). */
  | { k: 'raw'; v: unknown };

/**
 * One option assignment. `name` is a plain field name of the options message (`java_package`) or,
 * when `ext` is set, the extension's fully-qualified name with a leading dot after linking (before
 * linking: the name as written between the parentheses). Repeated options appear as several entries.
 */
export interface OptionEntry {
  name: string;
  ext: boolean;
  /** The option field's number once resolved (used for ordering and encoding). */
  number?: number;
  /** The option field is repeated (or a map): several entries with this name are all kept. */
  repeated?: boolean;
  value: OptValue;
}

/** Options before linking: protobufjs' parsed option values, or the serialized options message. */
export type RawOptions =
  | { kind: 'pbjs'; entries: Array<[string, unknown]> }
  | { kind: 'bytes'; bytes: Uint8Array };

export type FieldKind = 'scalar' | 'message' | 'enum' | 'group' | 'unresolved';

export interface FieldDef {
  name: string;
  number: number;
  /** The label as written: undefined for proto3 fields without one, oneof members and maps. */
  label?: Label;
  /** Scalar name, or a type reference (as written before linking, `.full.Name` after). Map value type for maps. */
  type: string;
  kind: FieldKind;
  /** Set for `map<K, V>` fields: the key scalar (the value type is `type`). */
  mapKey?: string;
  /** Index into the message's `oneofs` for members of a real (non-synthetic) oneof. */
  oneof?: number;
  /** A proto3 `optional` field (a synthetic oneof in descriptors). */
  proto3Optional?: boolean;
  /** A proto2 group field: `type` names the group's message, nested in the same message. */
  group?: boolean;
  /** proto2 `[default = ...]`, typed after linking. */
  defaultValue?: OptValue;
  /** An explicit `json_name` that differs from the default one. */
  jsonName?: string;
  options: OptionEntry[];
  rawOptions?: RawOptions;
  /** Extensions only: the extended message (as written, `.full.Name` after linking). */
  extendee?: string;
}

export interface OneofDef {
  name: string;
  options: OptionEntry[];
  rawOptions?: RawOptions;
}

export interface MessageDef {
  name: string;
  /** Fully-qualified name without the leading dot (set by the parsers). */
  fullName: string;
  /** Declared fields in declaration order, oneof members included, extensions excluded. */
  fields: FieldDef[];
  oneofs: OneofDef[];
  /** Nested messages in declaration order; group bodies are here too (flagged `isGroup`). */
  messages: MessageDef[];
  enums: EnumDef[];
  /** Extension fields declared inside this message (`extend X { ... }` blocks). */
  extensions: FieldDef[];
  extensionRanges: Range[];
  reservedRanges: Range[];
  reservedNames: string[];
  options: OptionEntry[];
  rawOptions?: RawOptions;
  /** The body of a proto2 group: printed inline with its field, still a nested message in descriptors. */
  isGroup?: boolean;
}

export interface EnumValueDef {
  name: string;
  number: number;
  options: OptionEntry[];
  rawOptions?: RawOptions;
}

export interface EnumDef {
  name: string;
  fullName: string;
  values: EnumValueDef[];
  reservedRanges: Range[];
  reservedNames: string[];
  options: OptionEntry[];
  rawOptions?: RawOptions;
}

export interface MethodDef {
  name: string;
  inputType: string;
  outputType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  options: OptionEntry[];
  rawOptions?: RawOptions;
}

export interface ServiceDef {
  name: string;
  fullName: string;
  methods: MethodDef[];
  options: OptionEntry[];
  rawOptions?: RawOptions;
}

export interface ImportDef {
  path: string;
  modifier?: 'public' | 'weak';
}

export interface FileDef {
  syntax: Syntax;
  /** '' when the file declares no package. */
  package: string;
  imports: ImportDef[];
  options: OptionEntry[];
  rawOptions?: RawOptions;
  messages: MessageDef[];
  enums: EnumDef[];
  services: ServiceDef[];
  /** Top-level extension fields (`extend X { ... }` outside messages). */
  extensions: FieldDef[];
}

export function qualify(scope: string, name: string): string {
  return scope ? `${scope}.${name}` : name;
}

/** `name` without underscores, the letter after each one upper-cased (and the first one too, if `upperFirst`). */
function camelCase(name: string, upperFirst: boolean): string {
  let out = '';
  let upper = upperFirst;
  for (const ch of name) {
    if (ch === '_') {
      upper = true;
    } else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else {
      out += ch;
    }
  }
  return out;
}

/** protoc's default JSON name: underscores removed, the letter after each one upper-cased. */
export function defaultJsonName(name: string): string {
  return camelCase(name, false);
}

/** protoc's name for the synthetic map entry message of a map field: `my_map` -> `MyMapEntry`. */
export function mapEntryName(fieldName: string): string {
  return `${camelCase(fieldName, true)}Entry`;
}

/** A message with nothing declared in it yet. */
export function emptyMessage(name: string, fullName: string): MessageDef {
  return {
    name,
    fullName,
    fields: [],
    oneofs: [],
    messages: [],
    enums: [],
    extensions: [],
    extensionRanges: [],
    reservedRanges: [],
    reservedNames: [],
    options: [],
  };
}

/** Every message of a file, depth first in declaration order (group bodies included). */
export function* allMessages(messages: readonly MessageDef[]): Generator<MessageDef> {
  for (const m of messages) {
    yield m;
    yield* allMessages(m.messages);
  }
}
