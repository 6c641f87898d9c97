/**
 * Reader/writer compatibility, restating Avro-Java `SchemaCompatibility.checkReaderWriterCompatibility`
 * (apache/avro, the call behind Confluent `AvroSchema.isBackwardCompatible(previous)` with
 * reader = the new schema and writer = the previous one):
 *
 * - a memo keyed on the (reader, writer) object pair; a pair met again while it is still being checked
 *   counts as compatible (recursive types), a pair checked before returns the stored result, including its
 *   incompatibilities and their original locations;
 * - same types: primitives match; arrays/maps check items/values; fixed checks name then size; enums check
 *   name then symbols (missing symbols are fine when the reader has a default that is one of its symbols);
 *   records check name then every reader field (matched by name or by one of its aliases; more than one
 *   match is an error; no match needs a reader default, except that an enum reader field with an enum
 *   default is checked against the whole writer record, an Avro-Java quirk); two unions need every writer
 *   branch to be readable by the reader union, each checked from a fresh location;
 * - different types: a writer union needs every branch readable (locations /0, /1, ...); a reader union
 *   needs one branch that reads the writer; the promotions int->long/float/double, long->float/double,
 *   float->double, string<->bytes; anything else is a TYPE_MISMATCH;
 * - names: equal simple names (namespaces are ignored), or a reader alias equal to the writer's full name;
 * - logical types are not looked at.
 *
 * Locations are JSON pointers built from the reader's side (`/fields/1/type/items`), as Avro-Java's
 * `Incompatibility.getLocation()` prints them. Messages follow Confluent's `Difference` descriptions and
 * name the field involved.
 */
import type { CompatibilityIssue } from '../format.js';
import { typeLabel, type EnumNode, type FieldNode, type FixedNode, type NamedNode, type RecordNode, type SchemaNode } from './model.js';
import { aliasFullNames } from './names.js';

export type IncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

/** One Avro-Java `Incompatibility`. */
export interface AvroIncompatibility {
  type: IncompatibilityType;
  /** JSON pointer, e.g. `/fields/1/type`. */
  location: string;
  /** Avro-Java's message, e.g. `reader type: INT not compatible with writer type: LONG`. */
  info: string;
  /** Dotted names of the reader fields leading to the location (`sub_record.f`), empty at the top. */
  fieldPath: string;
}

/** Thrown inside the check where Avro-Java throws (a reader field matching several writer fields). */
export class CompatibilityCheckError extends Error {}

interface Result {
  readonly compatible: boolean;
  readonly issues: readonly AvroIncompatibility[];
}

const COMPATIBLE: Result = { compatible: true, issues: [] };
/** Memo marker for a pair being checked further up the stack. */
const IN_PROGRESS: Result = { compatible: true, issues: [] };

function merged(a: Result, b: Result): Result {
  if (b.issues.length === 0 && (b.compatible || !a.compatible)) return a;
  if (a.issues.length === 0 && a.compatible) return b;
  return { compatible: a.compatible && b.compatible, issues: [...a.issues, ...b.issues] };
}

/** Avro-Java's repeated `mergedWith`, without copying the list at every step. */
class Merger {
  private compatible = true;
  private readonly issues: AvroIncompatibility[] = [];

  add(r: Result): void {
    if (!r.compatible) this.compatible = false;
    for (const i of r.issues) this.issues.push(i);
  }

  result(): Result {
    return this.compatible && this.issues.length === 0 ? COMPATIBLE : { compatible: this.compatible, issues: this.issues };
  }
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A position in the reader schema: the JSON pointer tokens and the reader fields passed through. */
class Location {
  readonly tokens: string[] = [];
  readonly fields: string[] = [];

  pointer(): string {
    // Avro-Java skips the root token ("").
    return `/${this.tokens.slice(1).map(escapeToken).join('/')}`;
  }
}

class Checker {
  private readonly memo = new Map<SchemaNode, Map<SchemaNode, Result>>();

  /** A check from a fresh location (Avro-Java's two-argument `getCompatibility`). */
  check(reader: SchemaNode, writer: SchemaNode): Result {
    return this.get('', reader, writer, new Location());
  }

  private get(token: string, reader: SchemaNode, writer: SchemaNode, loc: Location): Result {
    loc.tokens.push(token);
    let byWriter = this.memo.get(reader);
    if (byWriter === undefined) {
      byWriter = new Map();
      this.memo.set(reader, byWriter);
    }
    let result = byWriter.get(writer);
    if (result === IN_PROGRESS) {
      result = COMPATIBLE;
    } else if (result === undefined) {
      byWriter.set(writer, IN_PROGRESS);
      result = this.calculate(reader, writer, loc);
      byWriter.set(writer, result);
    }
    loc.tokens.pop();
    return result;
  }

  private incompatible(type: IncompatibilityType, info: string, loc: Location): Result {
    return {
      compatible: false,
      issues: [{ type, info, location: loc.pointer(), fieldPath: loc.fields.join('.') }],
    };
  }

  private typeMismatch(reader: SchemaNode, writer: SchemaNode, loc: Location): Result {
    return this.incompatible(
      'TYPE_MISMATCH',
      `reader type: ${typeLabel(reader)} not compatible with writer type: ${typeLabel(writer)}`,
      loc,
    );
  }

  private calculate(reader: SchemaNode, writer: SchemaNode, loc: Location): Result {
    if (reader.type === writer.type) {
      switch (reader.type) {
        case 'array':
          return this.get('items', reader.items, (writer as typeof reader).items, loc);
        case 'map':
          return this.get('values', reader.values, (writer as typeof reader).values, loc);
        case 'fixed':
          return merged(this.names(reader, writer as NamedNode, loc), this.fixedSize(reader, writer as FixedNode, loc));
        case 'enum':
          return merged(this.names(reader, writer as NamedNode, loc), this.enumSymbols(reader, writer as EnumNode, loc));
        case 'record':
          return merged(this.names(reader, writer as NamedNode, loc), this.fields(reader, writer as RecordNode, loc));
        case 'union': {
          const result = new Merger();
          (writer as typeof reader).types.forEach((branch, i) => {
            loc.tokens.push(String(i));
            if (!this.check(reader, branch).compatible) {
              result.add(this.incompatible('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeLabel(branch)}`, loc));
            }
            loc.tokens.pop();
          });
          return result.result();
        }
        default:
          return COMPATIBLE;
      }
    }

    if (writer.type === 'union') {
      const result = new Merger();
      writer.types.forEach((branch, i) => result.add(this.get(String(i), reader, branch, loc)));
      return result.result();
    }

    switch (reader.type) {
      case 'long':
        return writer.type === 'int' ? COMPATIBLE : this.typeMismatch(reader, writer, loc);
      case 'float':
        return writer.type === 'int' || writer.type === 'long' ? COMPATIBLE : this.typeMismatch(reader, writer, loc);
      case 'double':
        return writer.type === 'int' || writer.type === 'long' || writer.type === 'float'
          ? COMPATIBLE
          : this.typeMismatch(reader, writer, loc);
      case 'bytes':
        return writer.type === 'string' ? COMPATIBLE : this.typeMismatch(reader, writer, loc);
      case 'string':
        return writer.type === 'bytes' ? COMPATIBLE : this.typeMismatch(reader, writer, loc);
      case 'union':
        for (const branch of reader.types) {
          if (this.check(branch, writer).compatible) return COMPATIBLE;
        }
        return this.incompatible('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeLabel(writer)}`, loc);
      default:
        return this.typeMismatch(reader, writer, loc);
    }
  }

  private names(reader: NamedNode, writer: NamedNode, loc: Location): Result {
    loc.tokens.push('name');
    let result = COMPATIBLE;
    if (!schemaNameEquals(reader, writer)) {
      result = this.incompatible('NAME_MISMATCH', `expected: ${writer.name.full}`, loc);
    }
    loc.tokens.pop();
    return result;
  }

  private fixedSize(reader: FixedNode, writer: FixedNode, loc: Location): Result {
    loc.tokens.push('size');
    let result = COMPATIBLE;
    if (reader.size !== writer.size) {
      result = this.incompatible('FIXED_SIZE_MISMATCH', `expected: ${writer.size}, found: ${reader.size}`, loc);
    }
    loc.tokens.pop();
    return result;
  }

  private enumSymbols(reader: EnumNode, writer: EnumNode, loc: Location): Result {
    loc.tokens.push('symbols');
    let result = COMPATIBLE;
    const readerSymbols = new Set(reader.symbols);
    const missing = [...new Set(writer.symbols)].filter((s) => !readerSymbols.has(s)).sort();
    const readerDefaultUsable = reader.default !== undefined && readerSymbols.has(reader.default);
    if (missing.length > 0 && !readerDefaultUsable) {
      result = this.incompatible('MISSING_ENUM_SYMBOLS', `[${missing.join(', ')}]`, loc);
    }
    loc.tokens.pop();
    return result;
  }

  private fields(reader: RecordNode, writer: RecordNode, loc: Location): Result {
    const result = new Merger();
    loc.tokens.push('fields');
    for (const readerField of reader.fields) {
      loc.tokens.push(String(readerField.pos));
      loc.fields.push(readerField.name);
      const writerField = lookupWriterField(writer, readerField, loc);
      if (writerField === undefined) {
        if (readerField.default === undefined) {
          const t = readerField.type;
          if (t.type === 'enum' && t.default !== undefined) {
            result.add(this.get('type', t, writer, loc));
          } else {
            result.add(this.incompatible('READER_FIELD_MISSING_DEFAULT_VALUE', readerField.name, loc));
          }
        }
      } else {
        result.add(this.get('type', readerField.type, writerField.type, loc));
      }
      loc.fields.pop();
      loc.tokens.pop();
    }
    loc.tokens.pop();
    return result.result();
  }
}

/** Avro-Java `schemaNameEquals`: simple names, or a reader alias naming the writer's full name. */
export function schemaNameEquals(reader: NamedNode, writer: NamedNode): boolean {
  if (reader.name.name === writer.name.name) return true;
  return aliasFullNames(reader.name, reader.aliases).includes(writer.name.full);
}

/** Avro-Java `lookupWriterField`: by name and by each reader alias; two matches are an error. */
function lookupWriterField(writer: RecordNode, readerField: FieldNode, loc: Location): FieldNode | undefined {
  const matches: FieldNode[] = [];
  const direct = writer.fieldMap.get(readerField.name);
  if (direct !== undefined) matches.push(direct);
  for (const alias of readerField.aliases) {
    const f = writer.fieldMap.get(alias);
    if (f !== undefined) matches.push(f);
  }
  if (matches.length > 1) {
    throw new CompatibilityCheckError(
      `Reader record field '${readerField.name}' at path '${loc.pointer()}' matches multiple fields in writer record schema ${writer.name.full}: ${matches.map((f) => `'${f.name}'`).join(', ')}`,
    );
  }
  return matches[0];
}

/** Every incompatibility of reading `writer` data with `reader`, in Avro-Java's order. */
export function readerWriterIncompatibilities(reader: SchemaNode, writer: SchemaNode): AvroIncompatibility[] {
  return [...new Checker().check(reader, writer).issues];
}

export interface RoleNames {
  /** What to call the reader schema in messages ("new" for BACKWARD, "old" for FORWARD). */
  reader: string;
  /** What to call the writer schema. */
  writer: string;
}

function fieldPhrase(i: AvroIncompatibility): string {
  return i.fieldPath === '' ? '' : ` (field '${i.fieldPath}')`;
}

/**
 * The message for one incompatibility: Confluent's `Difference` description with the roles filled in,
 * naming the field and ending with Avro-Java's own detail.
 */
export function describeIncompatibility(i: AvroIncompatibility, roles: RoleNames): string {
  const { reader, writer } = roles;
  const path = i.location;
  switch (i.type) {
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return `The field '${i.info}' at path '${path}' in the ${reader} schema has no default value and is missing in the ${writer} schema`;
    case 'TYPE_MISMATCH':
      return i.fieldPath === ''
        ? `The type (path '${path}') of the ${reader} schema does not match with the ${writer} schema: ${i.info}`
        : `The type (path '${path}') of field '${i.fieldPath}' in the ${reader} schema does not match with the ${writer} schema: ${i.info}`;
    case 'NAME_MISMATCH':
      return `The name of the schema has changed (path '${path}')${fieldPhrase(i)}: ${i.info}`;
    case 'FIXED_SIZE_MISMATCH':
      return `The size of FIXED type field at path '${path}'${fieldPhrase(i)} in the ${reader} schema does not match with the ${writer} schema: ${i.info}`;
    case 'MISSING_ENUM_SYMBOLS':
      return `The ${reader} schema is missing enum symbols '${i.info}' at path '${path}'${fieldPhrase(i)} in the ${writer} schema`;
    case 'MISSING_UNION_BRANCH':
      return `The ${reader} schema is missing a type inside a union field at path '${path}'${fieldPhrase(i)} in the ${writer} schema: ${i.info}`;
  }
}

/** Confluent's verbose string for one incompatibility: `{errorType:'...', description:'...', additionalInfo:'...'}`. */
export function confluentMessage(i: AvroIncompatibility, roles: RoleNames): string {
  return `{errorType:'${i.type}', description:'${describeIncompatibility(i, roles)}', additionalInfo:'${i.info}'}`;
}

/** Issue type reported when the check itself fails (Confluent reports the exception as incompatible). */
export const CHECK_FAILED = 'UNEXPECTED_EXCEPTION';

/**
 * `checkReaderWriterCompatibility(reader, writer)` as `CompatibilityIssue`s. An exception inside the
 * check (ambiguous field aliases, or a schema too deep to walk) is one issue: Confluent catches it and
 * reports the schemas as incompatible.
 */
export function compatibilityIssues(reader: SchemaNode, writer: SchemaNode, roles: RoleNames): CompatibilityIssue[] {
  let found: AvroIncompatibility[];
  try {
    found = readerWriterIncompatibilities(reader, writer);
  } catch (e) {
    const detail = e instanceof RangeError ? 'schema nested too deeply to check' : e instanceof Error ? e.message : String(e);
    return [{ type: CHECK_FAILED, path: '/', message: `Unexpected exception during compatibility check: ${detail}` }];
  }
  return found.map((i) => ({ type: i.type, path: i.location, message: describeIncompatibility(i, roles) }));
}
