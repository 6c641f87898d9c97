/**
 * JSON lines to Protobuf messages for `serdes produce`, and messages to JSON lines for `serdes consume`,
 * following proto3's JSON mapping where protobufjs can: field names in lowerCamelCase (the .proto names
 * are accepted too), 64-bit integers as strings (numbers accepted when exact), enums by name (numbers
 * accepted), bytes as base64, NaN/Infinity as strings. Input is checked strictly, field by field (an
 * unknown field, a string where a number belongs, an integer out of range are errors naming the path),
 * because protobufjs' own `fromObject` silently turns wrong values into zeros.
 *
 * Well-known types (Timestamp, Duration, wrappers, Struct) are read and written as ordinary messages
 * (`{"seconds": "…", "nanos": …}`), not in their special JSON forms.
 */
import protobuf from 'protobufjs';
import Long from 'long';
import { FieldError, show } from './avro-json.js';

const INT32: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};
const UNSIGNED64 = new Set(['uint64', 'fixed64']);
const SIGNED64 = new Set(['int64', 'sint64', 'sfixed64']);

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const fieldMaps = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** A message type's fields by their name and by their lowerCamelCase name. */
function fieldsOf(type: protobuf.Type): Map<string, protobuf.Field> {
  let m = fieldMaps.get(type);
  if (m === undefined) {
    m = new Map();
    for (const f of type.fieldsArray) {
      m.set(f.name, f);
      m.set(camel(f.name), f);
    }
    fieldMaps.set(type, m);
  }
  return m;
}

function integerText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return v.trim();
  return undefined;
}

function scalar(type: string, v: unknown, path: string): unknown {
  const range = INT32[type];
  if (range !== undefined) {
    const t = integerText(v);
    const n = t === undefined ? NaN : Number(t);
    if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw new FieldError(path, `expected a ${type} (integer from ${range[0]} to ${range[1]}), got ${show(v)}`);
    return n;
  }
  if (SIGNED64.has(type) || UNSIGNED64.has(type)) {
    const t = integerText(v);
    if (t === undefined || (typeof v === 'number' && !Number.isSafeInteger(v))) {
      throw new FieldError(path, `expected a ${type} (an integer; beyond ±2^53 write it as a string), got ${show(v)}`);
    }
    const unsigned = UNSIGNED64.has(type);
    const big = BigInt(t);
    if (unsigned ? big < 0n || big > 0xffffffffffffffffn : big < -(2n ** 63n) || big >= 2n ** 63n) {
      throw new FieldError(path, `${t} is out of range for ${type}`);
    }
    return Long.fromString(t, unsigned);
  }
  switch (type) {
    case 'double':
    case 'float':
      if (typeof v === 'number') return v;
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
      throw new FieldError(path, `expected a ${type}, got ${show(v)}`);
    case 'bool':
      if (typeof v !== 'boolean') throw new FieldError(path, `expected a boolean, got ${show(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string') throw new FieldError(path, `expected a string, got ${show(v)}`);
      return v;
    case 'bytes': {
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw new FieldError(path, `expected bytes as a base64 string, got ${show(v)}`);
      return Buffer.from(v, 'base64');
    }
    default:
      throw new FieldError(path, `unsupported field type ${type}`);
  }
}

function single(field: protobuf.Field, v: unknown, path: string): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return messageFromJson(rt, v, path);
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(rt.values, v)) return rt.values[v];
    if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v; // open enums keep unknown numbers
    throw new FieldError(path, `expected a symbol of enum ${rt.name} (${Object.keys(rt.values).join(', ')}), got ${show(v)}`);
  }
  return scalar(field.type, v, path);
}

/** `v` (parsed JSON) as a plain object protobufjs encodes as `type`; throws FieldError naming the path. */
export function messageFromJson(type: protobuf.Type, v: unknown, path = ''): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError(path, `expected a ${type.name} message (JSON object), got ${show(v)}`);
  const fields = fieldsOf(type);
  const out: Record<string, unknown> = {};
  const oneofsSet = new Map<string, string>();
  for (const [key, x] of Object.entries(v)) {
    const p = join(path, key);
    const field = fields.get(key) ?? fields.get(camel(key));
    if (field === undefined) throw new FieldError(p, `message ${type.name} has no such field (it has ${type.fieldsArray.map((f) => f.name).join(', ') || 'none'})`);
    if (x === null) continue; // proto3 JSON: null means the default
    field.resolve();
    if (field.partOf) {
      const other = oneofsSet.get(field.partOf.name);
      if (other !== undefined) throw new FieldError(p, `oneof ${field.partOf.name} already has ${other} set`);
      oneofsSet.set(field.partOf.name, field.name);
    }
    if (field.map) {
      if (typeof x !== 'object' || Array.isArray(x)) throw new FieldError(p, `expected a map (JSON object), got ${show(x)}`);
      const keyType = (field as unknown as protobuf.MapField).keyType;
      const m: Record<string, unknown> = {};
      for (const [k, mv] of Object.entries(x as Record<string, unknown>)) {
        const kp = join(p, k);
        if (keyType === 'bool') {
          if (k !== 'true' && k !== 'false') throw new FieldError(kp, `map key must be true or false`);
        } else if (keyType !== 'string') {
          const parsed = scalar(keyType, k, kp);
          if (Long.isLong(parsed)) m[(parsed as Long).toString()] = single(field, mv, kp);
          else m[String(parsed)] = single(field, mv, kp);
          continue;
        }
        m[k] = single(field, mv, kp);
      }
      out[field.name] = m;
    } else if (field.repeated) {
      if (!Array.isArray(x)) throw new FieldError(p, `expected an array, got ${show(x)}`);
      out[field.name] = x.map((e, i) => single(field, e, `${p}[${i}]`));
    } else {
      out[field.name] = single(field, x, p);
    }
  }
  return out;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, json: true };

/** toObject writes unset message fields as null; proto3 JSON leaves them out (no other value is null). */
const dropNull = (_key: string, v: unknown): unknown => (v === null ? undefined : v);

/**
 * A decoded message as one JSON line: scalar fields with their defaults, unset message fields left out,
 * 64-bit integers as exact strings, enums by name, bytes as base64.
 */
export function messageToJsonLine(type: protobuf.Type, message: protobuf.Message): string {
  return JSON.stringify(type.toObject(message, TO_OBJECT), dropNull);
}
