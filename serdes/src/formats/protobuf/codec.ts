/**
 * Binary encoding and decoding of option messages (FileOptions, FieldOptions, ... and the custom
 * option extensions declared for them), driven by the linked model instead of generated code, so
 * that custom options survive the text <-> descriptor round trip.
 */
import protobuf from 'protobufjs';
import { InvalidSchemaError } from '../format.js';
import { fieldNamed, fieldNumbered, valueNamed, valueNumbered } from './indexes.js';
import { emptyMessage, type EnumDef, type FieldDef, type MessageDef, type OptionEntry, type OptValue } from './model.js';

/** What the codec needs to know about types, supplied by the linker. */
export interface TypeEnv {
  /** A message by fully-qualified name (leading dot). */
  message(fqn: string): MessageDef | undefined;
  enumDef(fqn: string): EnumDef | undefined;
  /** The extension of `extendee` (leading dot) with this number, if one is visible. */
  extensionByNumber(extendee: string, number: number): FieldDef | undefined;
  /** The extension field with this fully-qualified name (leading dot). */
  extensionByName(fqn: string): FieldDef | undefined;
  /** Whether a repeated scalar field is written packed. */
  isPacked(field: FieldDef): boolean;
}

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);

export function wireType(field: FieldDef): number {
  if (field.mapKey !== undefined) return 2;
  if (field.kind === 'enum' || VARINT_TYPES.has(field.type)) return 0;
  if (FIXED64_TYPES.has(field.type)) return 1;
  if (FIXED32_TYPES.has(field.type)) return 5;
  if (field.kind === 'group') return 3;
  return 2;
}

function isPackable(field: FieldDef): boolean {
  const wt = wireType(field);
  return field.label === 'repeated' && field.mapKey === undefined && (wt === 0 || wt === 1 || wt === 5);
}

/** The synthetic key/value message of a map field. */
export function mapEntryMessage(field: FieldDef): MessageDef {
  const value: FieldDef = { name: 'value', number: 2, type: field.type, kind: field.kind === 'group' ? 'message' : field.kind, options: [] };
  return { ...emptyMessage('Entry', ''), fields: [{ name: 'key', number: 1, type: field.mapKey!, kind: 'scalar', options: [] }, value] };
}

function toLongBits(v: bigint): { low: number; high: number } {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn), high: Number(u >> 32n) };
}

function writeScalar(w: protobuf.Writer, field: FieldDef, value: OptValue, env: TypeEnv): void {
  if (field.kind === 'enum') {
    const n = value.k === 'enum' ? enumNumber(field, value, env) : value.k === 'int' ? Number(value.v) : 0;
    w.int32(n);
    return;
  }
  switch (field.type) {
    case 'string':
      w.string(value.k === 'str' ? value.v : String((value as { v: unknown }).v));
      return;
    case 'bytes':
      w.bytes(value.k === 'bytes' ? value.v : new TextEncoder().encode(value.k === 'str' ? value.v : ''));
      return;
    case 'bool':
      w.bool(value.k === 'bool' ? value.v : false);
      return;
    case 'float':
      w.float(numberOf(value));
      return;
    case 'double':
      w.double(numberOf(value));
      return;
  }
  const big = value.k === 'int' ? value.v : BigInt(Math.trunc(numberOf(value)));
  switch (field.type) {
    case 'int32': w.int32(Number(BigInt.asIntN(32, big))); return;
    case 'uint32': w.uint32(Number(BigInt.asUintN(32, big))); return;
    case 'sint32': w.sint32(Number(BigInt.asIntN(32, big))); return;
    case 'fixed32': w.fixed32(Number(BigInt.asUintN(32, big))); return;
    case 'sfixed32': w.sfixed32(Number(BigInt.asIntN(32, big))); return;
    case 'int64': w.int64(toLongBits(big) as unknown as number); return;
    case 'uint64': w.uint64(toLongBits(big) as unknown as number); return;
    case 'sint64': w.sint64(toLongBits(big) as unknown as number); return;
    case 'fixed64': w.fixed64(toLongBits(big) as unknown as number); return;
    case 'sfixed64': w.sfixed64(toLongBits(big) as unknown as number); return;
  }
}

function numberOf(value: OptValue): number {
  if (value.k === 'float') return value.v;
  if (value.k === 'int') return Number(value.v);
  return 0;
}

function enumNumber(field: FieldDef, value: { v: string; n?: number }, env: TypeEnv): number {
  if (value.n !== undefined) return value.n;
  const e = env.enumDef(field.type);
  return (e && valueNamed(e, value.v))?.number ?? 0;
}

/** Field definition of an option entry within the options message `msg` (leading-dot fqn). */
export function fieldOfEntry(msg: MessageDef, entry: OptionEntry, env: TypeEnv): FieldDef | undefined {
  if (entry.ext) return env.extensionByName(entry.name);
  return fieldNamed(msg, entry.name);
}

/** Encodes typed option entries as the message `msgFqn` (leading dot). Unresolvable entries are dropped. */
export function encodeMessage(msgFqn: string, entries: readonly OptionEntry[], env: TypeEnv, msgDef?: MessageDef): Uint8Array {
  const w = protobuf.Writer.create();
  writeMessageBody(w, msgFqn, entries, env, msgDef);
  return w.finish();
}

function writeMessageBody(w: protobuf.Writer, msgFqn: string, entries: readonly OptionEntry[], env: TypeEnv, msgDef?: MessageDef): void {
  const msg = msgDef ?? env.message(msgFqn);
  if (!msg) return;
  const byField = new Map<FieldDef, OptValue[]>();
  for (const entry of entries) {
    if (entry.value.k === 'raw') continue;
    const field = fieldOfEntry(msg, entry, env);
    if (!field) continue;
    const list = byField.get(field) ?? [];
    list.push(entry.value);
    byField.set(field, list);
  }
  const fields = [...byField.keys()].sort((a, b) => a.number - b.number);
  for (const field of fields) {
    const values = byField.get(field)!;
    if (isPackable(field) && env.isPacked(field) && values.length) {
      w.uint32(((field.number << 3) | 2) >>> 0).fork();
      for (const v of values) writeScalar(w, field, v, env);
      w.ldelim();
      continue;
    }
    for (const v of values) writeValue(w, field, v, env);
  }
}

function writeValue(w: protobuf.Writer, field: FieldDef, value: OptValue, env: TypeEnv): void {
  const wt = wireType(field);
  if (field.mapKey !== undefined) {
    w.uint32(((field.number << 3) | 2) >>> 0).fork();
    writeMessageBody(w, '', value.k === 'msg' ? value.fields : [], env, mapEntryMessage(field));
    w.ldelim();
    return;
  }
  if (wt === 3) {
    w.uint32(((field.number << 3) | 3) >>> 0);
    writeMessageBody(w, field.type, value.k === 'msg' ? value.fields : [], env);
    w.uint32(((field.number << 3) | 4) >>> 0);
    return;
  }
  w.uint32(((field.number << 3) | wt) >>> 0);
  if (wt === 2 && field.kind !== 'scalar' && field.kind !== 'enum') {
    w.fork();
    writeMessageBody(w, field.type, value.k === 'msg' ? value.fields : [], env);
    w.ldelim();
    return;
  }
  writeScalar(w, field, value, env);
}

function longToBigInt(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  return BigInt((v as { toString(): string }).toString());
}

function readScalar(r: protobuf.Reader, field: FieldDef, env: TypeEnv): OptValue {
  if (field.kind === 'enum') {
    const n = r.int32();
    const e = env.enumDef(field.type);
    const name = e && valueNumbered(e, n)?.name;
    return name !== undefined ? { k: 'enum', v: name, n } : { k: 'int', v: BigInt(n) };
  }
  switch (field.type) {
    case 'string': return { k: 'str', v: r.string() };
    case 'bytes': return { k: 'bytes', v: Uint8Array.from(r.bytes()) };
    case 'bool': return { k: 'bool', v: r.bool() };
    case 'float': return { k: 'float', v: r.float() };
    case 'double': return { k: 'float', v: r.double() };
    case 'int32': return { k: 'int', v: BigInt(r.int32()) };
    case 'uint32': return { k: 'int', v: BigInt(r.uint32()) };
    case 'sint32': return { k: 'int', v: BigInt(r.sint32()) };
    case 'fixed32': return { k: 'int', v: BigInt(r.fixed32()) };
    case 'sfixed32': return { k: 'int', v: BigInt(r.sfixed32()) };
    case 'int64': return { k: 'int', v: BigInt.asIntN(64, longToBigInt(r.int64())) };
    case 'uint64': return { k: 'int', v: BigInt.asUintN(64, longToBigInt(r.uint64())) };
    case 'sint64': return { k: 'int', v: BigInt.asIntN(64, longToBigInt(r.sint64())) };
    case 'fixed64': return { k: 'int', v: BigInt.asUintN(64, longToBigInt(r.fixed64())) };
    case 'sfixed64': return { k: 'int', v: BigInt.asIntN(64, longToBigInt(r.sfixed64())) };
  }
  throw new InvalidSchemaError(`cannot decode option field ${field.name} of type ${field.type}`);
}

/**
 * Decodes an options message (or any message) into typed entries, in wire order. Fields that are
 * neither known nor a visible extension are skipped, as protoc does for unknown options.
 */
export function decodeMessage(msgFqn: string, bytes: Uint8Array, env: TypeEnv, msgDef?: MessageDef): OptionEntry[] {
  const r = protobuf.Reader.create(bytes);
  return readMessageBody(r, msgFqn, r.len, env, msgDef, undefined);
}

function readMessageBody(
  r: protobuf.Reader,
  msgFqn: string,
  end: number,
  env: TypeEnv,
  msgDef: MessageDef | undefined,
  groupNumber: number | undefined,
): OptionEntry[] {
  const msg = msgDef ?? env.message(msgFqn);
  const out: OptionEntry[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const number = tag >>> 3;
    const wt = tag & 7;
    if (wt === 4) {
      if (groupNumber === number) return out;
      throw new InvalidSchemaError('malformed options: unexpected end-group tag');
    }
    let field = msg && fieldNumbered(msg, number);
    let ext = false;
    if (!field && msg) {
      field = env.extensionByNumber(`.${msg.fullName}`, number);
      ext = field !== undefined;
    }
    if (!field) {
      r.skipType(wt);
      continue;
    }
    const name = ext ? `.${extensionFullName(field, env)}` : field.name;
    const repeated = field.label === 'repeated' || field.mapKey !== undefined;
    const push = (value: OptValue) => out.push({ name, ext, number, value, ...(repeated ? { repeated } : {}) } as OptionEntry);
    if (wt === 2 && isPackable(field)) {
      const len = r.uint32();
      const stop = r.pos + len;
      while (r.pos < stop) push(readScalar(r, field, env));
      continue;
    }
    if (field.mapKey !== undefined) {
      const len = r.uint32();
      push({ k: 'msg', fields: readMessageBody(r, '', r.pos + len, env, mapEntryMessage(field), undefined) });
      continue;
    }
    if (wt === 3) {
      push({ k: 'msg', fields: readMessageBody(r, field.type, Infinity, env, undefined, number) });
      continue;
    }
    if (wt === 2 && field.kind !== 'scalar' && field.kind !== 'enum') {
      const len = r.uint32();
      push({ k: 'msg', fields: readMessageBody(r, field.type, r.pos + len, env, undefined, undefined) });
      continue;
    }
    if (wt !== wireType(field)) {
      r.skipType(wt);
      continue;
    }
    push(readScalar(r, field, env));
  }
  return out;
}

/** Extension fields carry their full name in `FieldDef.name` only as the short name; see link.ts. */
const extensionNames = new WeakMap<FieldDef, string>();

export function setExtensionFullName(field: FieldDef, fullName: string): void {
  extensionNames.set(field, fullName);
}

export function extensionFullName(field: FieldDef, _env?: TypeEnv): string {
  return extensionNames.get(field) ?? field.name;
}
