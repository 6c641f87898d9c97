/**
 * JSON lines to Avro values for `serdes produce`, and Avro values to JSON lines for `serdes consume`.
 *
 * Input: Avro's JSON encoding (what kafka-avro-console-producer takes: unions as `{"branch": value}`,
 * bytes and fixed as strings of code points 0–255) and, for convenience, plain JSON where that is
 * unambiguous (a union member given bare, when it matches exactly one branch). Records must not carry
 * fields the schema lacks, and may leave out fields that have a default. Every mismatch names its path
 * (`order.lines[2].qty`).
 *
 * Output: Avro's JSON encoding (avsc's `toString`), as kafka-avro-console-consumer prints it.
 */
import type avsc from 'avsc';

/** A value that does not fit the schema, with the path of the field that does not. */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path === '' ? problem : `field ${JSON.stringify(path)}: ${problem}`);
  }
}

export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The parts of an avsc Type the conversion reads. */
export interface AvscAny {
  typeName: string;
  name?: string;
  branchName?: string;
  fields?: Array<{ name: string; type: AvscAny; defaultValue(): unknown }>;
  types?: AvscAny[];
  symbols?: string[];
  size?: number;
  itemsType?: AvscAny;
  valuesType?: AvscAny;
  underlyingType?: AvscAny;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const MAX_LONG = 9007199254740990;
const MIN_LONG = -9007199254740990;

function latin1(v: unknown, what: string): Buffer {
  if (typeof v !== 'string') throw new FieldError('', `expected ${what} as a string of code points 0-255, got ${show(v)}`);
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) > 0xff) throw new FieldError('', `${what} string has a character above U+00FF at index ${i}`);
  }
  return Buffer.from(v, 'latin1');
}

/** `e` (thrown at `key` of the value being converted) with `key` in front of its path. */
function under(key: string, e: unknown): unknown {
  if (!(e instanceof FieldError)) return e;
  const path = e.path === '' ? key : e.path.startsWith('[') ? `${key}${e.path}` : `${key}.${e.path}`;
  return new FieldError(path, e.problem);
}

/** Whether `v` can be read as a value of `t` (tried on a copy: conversion works in place). */
function fits(t: AvscAny, v: unknown): boolean {
  try {
    convert(t, v !== null && typeof v === 'object' ? structuredClone(v) : v);
    return true;
  } catch {
    return false;
  }
}

const recordFieldNames = new WeakMap<object, Set<string>>();

/**
 * `v` (parsed JSON) as the value avsc writes for type `t`, converted in place (records, arrays and maps
 * are the parsed objects themselves, their members replaced where the JSON form differs); throws a
 * FieldError naming the path (`path` is put in front of it). Paths are built only on failure.
 */
export function fromJson(t: AvscAny, v: unknown, path = ''): unknown {
  try {
    return convert(t, v);
  } catch (e) {
    throw path === '' ? e : under(path, e);
  }
}

function convert(t: AvscAny, v: unknown): unknown {
  switch (t.typeName) {
    case 'null':
      if (v !== null) throw new FieldError('', `expected null, got ${show(v)}`);
      return null;
    case 'boolean':
      if (typeof v !== 'boolean') throw new FieldError('', `expected a boolean, got ${show(v)}`);
      return v;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX) throw new FieldError('', `expected an int (32-bit integer), got ${show(v)}`);
      return v;
    case 'long':
      // The range the Avro serializer accepts (avsc's): integers a JavaScript number holds exactly.
      if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_LONG || v > MAX_LONG) {
        throw new FieldError('', `expected a long from ${MIN_LONG} to ${MAX_LONG} (integers a JavaScript number holds exactly), got ${show(v)}`);
      }
      return v;
    case 'float':
    case 'double':
      if (typeof v !== 'number') throw new FieldError('', `expected a ${t.typeName}, got ${show(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string') throw new FieldError('', `expected a string, got ${show(v)}`);
      return v;
    case 'bytes':
      return latin1(v, 'bytes');
    case 'fixed': {
      const b = latin1(v, `fixed ${t.name}`);
      if (b.length !== t.size) throw new FieldError('', `expected ${t.size} bytes for fixed ${t.name}, got ${b.length}`);
      return b;
    }
    case 'enum':
      if (typeof v !== 'string' || !t.symbols!.includes(v)) throw new FieldError('', `expected one of the symbols of enum ${t.name} (${t.symbols!.join(', ')}), got ${show(v)}`);
      return v;
    case 'array': {
      if (!Array.isArray(v)) throw new FieldError('', `expected an array, got ${show(v)}`);
      const items = t.itemsType!;
      for (let i = 0; i < v.length; i++) {
        try {
          v[i] = convert(items, v[i]);
        } catch (e) {
          throw under(`[${i}]`, e);
        }
      }
      return v;
    }
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError('', `expected a map (JSON object), got ${show(v)}`);
      const m = v as Record<string, unknown>;
      for (const k in m) {
        try {
          m[k] = convert(t.valuesType!, m[k]);
        } catch (e) {
          throw under(k, e);
        }
      }
      return m;
    }
    case 'record':
    case 'error': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError('', `expected a ${t.name} record (JSON object), got ${show(v)}`);
      const obj = v as Record<string, unknown>;
      const fields = t.fields!;
      let names = recordFieldNames.get(t);
      if (names === undefined) recordFieldNames.set(t, (names = new Set(fields.map((f) => f.name))));
      let present = 0;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        const x = obj[f.name];
        if (x === undefined && !Object.prototype.hasOwnProperty.call(obj, f.name)) {
          if (f.defaultValue() === undefined) throw new FieldError(f.name, 'is missing (the field has no default)');
          continue; // avsc writes the default
        }
        present++;
        try {
          obj[f.name] = convert(f.type, x);
        } catch (e) {
          throw under(f.name, e);
        }
      }
      if (Object.keys(obj).length !== present) {
        for (const k of Object.keys(obj)) {
          if (!names.has(k)) throw new FieldError(k, `record ${t.name} has no such field (it has ${[...names].join(', ') || 'none'})`);
        }
      }
      return obj;
    }
    case 'union:unwrapped':
    case 'union:wrapped':
      return unionFromJson(t, v);
    default:
      if (t.typeName.startsWith('logical:') && t.underlyingType) return convert(t.underlyingType, v);
      throw new FieldError('', `Avro type ${t.typeName} is not supported by the console producer`);
  }
}

function unionFromJson(t: AvscAny, v: unknown): unknown {
  const branches = t.types!;
  const wrap = t.typeName === 'union:wrapped';
  const as = (b: AvscAny, x: unknown): unknown => {
    const value = convert(b, x);
    return wrap && value !== null ? { [b.branchName!]: value } : value;
  };
  if (v === null) {
    if (branches.some((b) => b.typeName === 'null')) return null;
    throw new FieldError('', `null is not a branch of the union (${branches.map((b) => b.branchName).join(', ')})`);
  }
  // Avro's JSON encoding: {"<branch name>": value}.
  if (typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const b = branches.find((x) => x.branchName === keys[0] || (x.name !== undefined && x.name.split('.').pop() === keys[0]));
      if (b !== undefined && b.typeName !== 'null') return as(b, (v as Record<string, unknown>)[keys[0]!]);
    }
  }
  // Plain JSON: the one branch that takes it.
  const candidates = branches.filter((b) => b.typeName !== 'null' && fits(b, v));
  if (candidates.length === 1) return as(candidates[0]!, v);
  const names = branches.map((b) => b.branchName).join(', ');
  if (candidates.length === 0) {
    throw new FieldError('', `${show(v)} matches no branch of the union (${names}); Avro JSON writes a union value as {"<branch>": value}`);
  }
  throw new FieldError('', `${show(v)} matches several branches of the union (${names}): write it as {"<branch>": value}`);
}

type Printer = (v: unknown) => string;

const number = (v: unknown): string => (Number.isFinite(v) ? String(v) : 'null'); // as JSON.stringify
const printers = new WeakMap<object, Printer>();

/**
 * A printer of values of `t` in Avro's JSON encoding, built once per type: the same text as avsc's
 * `toString` (unions wrapped, bytes and fixed as latin1 strings), without the intermediate copy of every
 * value that avsc's `_copy` makes (half of `serdes consume`'s time went there and to its garbage).
 */
export function avroJsonPrinter(t: AvscAny): Printer {
  let p = printers.get(t);
  if (p === undefined) {
    p = buildPrinter(t);
    printers.set(t, p);
  }
  return p;
}

function buildPrinter(t: AvscAny): Printer {
  switch (t.typeName) {
    case 'null':
      return () => 'null';
    case 'boolean':
      return (v) => (v ? 'true' : 'false');
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return number;
    case 'string':
    case 'enum':
      return (v) => JSON.stringify(v);
    case 'bytes':
    case 'fixed':
      return (v) => JSON.stringify((v as Buffer).toString('latin1'));
    case 'array': {
      let item: Printer | undefined;
      return (v) => {
        item ??= avroJsonPrinter(t.itemsType!);
        const a = v as unknown[];
        let s = '[';
        for (let i = 0; i < a.length; i++) s += (i === 0 ? '' : ',') + item(a[i]);
        return `${s}]`;
      };
    }
    case 'map': {
      let value: Printer | undefined;
      return (v) => {
        value ??= avroJsonPrinter(t.valuesType!);
        let s = '{';
        let first = true;
        for (const k in v as Record<string, unknown>) {
          s += `${first ? '' : ','}${JSON.stringify(k)}:${value((v as Record<string, unknown>)[k])}`;
          first = false;
        }
        return `${s}}`;
      };
    }
    case 'record':
    case 'error': {
      const fields = t.fields!;
      const keys = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
      let ps: Printer[] | undefined; // built on first use: records may be recursive
      return (v) => {
        ps ??= fields.map((f) => avroJsonPrinter(f.type));
        const r = v as Record<string, unknown>;
        let s = '';
        for (let i = 0; i < fields.length; i++) s += keys[i]! + ps[i]!(r[fields[i]!.name]);
        return fields.length === 0 ? '{}' : `${s}}`;
      };
    }
    case 'union:wrapped': {
      const byName = new Map(t.types!.map((b) => [b.branchName!, b]));
      return (v) => {
        if (v === null) return 'null';
        const name = Object.keys(v as object)[0]!;
        return `{${JSON.stringify(name)}:${avroJsonPrinter(byName.get(name)!)((v as Record<string, unknown>)[name])}}`;
      };
    }
    case 'union:unwrapped': {
      const branches = t.types!;
      const index = (t as unknown as { _getIndex(v: unknown): number })._getIndex.bind(t);
      const heads = branches.map((b) => `{${JSON.stringify(b.branchName)}:`);
      return (v) => {
        if (v === null) return 'null';
        const i = index(v);
        return `${heads[i]}${avroJsonPrinter(branches[i]!)(v)}}`;
      };
    }
    default:
      return (v) => (t as unknown as avsc.Type).toString(v);
  }
}

/** An Avro value as one line of Avro's JSON encoding. */
export function toJsonLine(type: avsc.Type, value: unknown): string {
  return avroJsonPrinter(type as unknown as AvscAny)(value);
}
