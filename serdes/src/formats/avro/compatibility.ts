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
 *   needs one branch that reads the writer (looked up, not tried in turn: see `Checker`); the promotions int->long/float/double, long->float/double,
 *   float->double, string<->bytes; anything else is a TYPE_MISMATCH;
 * - names: equal simple names (namespaces are ignored), or a reader alias equal to the writer's full name;
 * - logical types are not looked at.
 *
 * Locations are JSON pointers built from the reader's side (`/fields/1/type/items`), as Avro-Java's
 * `Incompatibility.getLocation()` prints them. Messages follow Confluent's `Difference` descriptions and
 * name the field involved.
 */
import type { CompatibilityIssue } from '../format.js';
import {
  isNamed,
  typeLabel,
  type EnumNode,
  type FieldNode,
  type FixedNode,
  type NamedNode,
  type RecordNode,
  type SchemaNode,
  type UnionNode,
} from './model.js';
import { mayRead, recordShape, schemaNameEquals, sortedUnion, UnionIndex } from './union-index.js';

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

/** The location a fresh check starts from (Avro-Java's two-argument `getCompatibility`): the root token. */
function freshLocation(): Location {
  const loc = new Location();
  loc.tokens.push('');
  return loc;
}

/** How a reader union looks for a branch that reads a writer type. */
export type BranchScan =
  /** Only the branches that can matter (see `Checker`); the default. */
  | 'indexed'
  /** Every branch in order, as Avro-Java's loop does (n x m checks); the reference in tests. */
  | 'every-branch';

/**
 * Pair checks a compatibility check may spend on union branches that cannot match but are still tried
 * so that messages stay Avro-Java's (see `Checker`). A few milliseconds of work at most.
 */
export const SKIPPABLE_BRANCH_BUDGET = 20_000;

export interface CheckerOptions {
  /** Default 'indexed'. */
  scan?: BranchScan;
  /** Default `SKIPPABLE_BRANCH_BUDGET` (tests lower it to see what happens past it). */
  budget?: number;
}

interface MemoEntry {
  writer: SchemaNode;
  result: Result;
  more?: Map<SchemaNode, Result>;
}

/** Results by (reader, writer) object pair. Most readers meet one writer, so that one is kept inline. */
class PairMemo {
  private readonly entries = new Map<SchemaNode, MemoEntry>();

  /** The stored result; when there is none, the pair is marked IN_PROGRESS (then call `finish`). */
  lookupOrBegin(reader: SchemaNode, writer: SchemaNode): Result | undefined {
    const e = this.entries.get(reader);
    if (e === undefined) {
      this.entries.set(reader, { writer, result: IN_PROGRESS });
      return undefined;
    }
    if (e.writer === writer) return e.result;
    e.more ??= new Map();
    const result = e.more.get(writer);
    if (result === undefined) e.more.set(writer, IN_PROGRESS);
    return result;
  }

  finish(reader: SchemaNode, writer: SchemaNode, result: Result): void {
    const e = this.entries.get(reader) as MemoEntry;
    if (e.writer === writer) e.result = result;
    else e.more?.set(writer, result);
  }
}

/** Unions up to this size are walked branch by branch (cheaper than building an index). */
const SMALL_UNION = 8;

/** A reader union scanned against a writer, and how many of its leading branches count as tried. */
interface Scan {
  readonly union: UnionNode;
  tried: number;
}

/**
 * One check: Avro-Java's algorithm, with two shortcuts that change nothing it reports.
 *
 * 1. A reader union does not try every branch in turn until one reads the writer type. It tries the
 *    candidates of its index (union-index.ts) and any branch whose pair with the writer is in progress
 *    (that pair counts as compatible); every other branch is certain to be incompatible. Skipping those
 *    must not change what Avro-Java reports, and it could, because Avro-Java memoises every pair it checks
 *    with the locations of that check, and a pair met again later answers with the stored locations:
 *    - the skipped pair itself may be met again through a field of a named type: each scan records how
 *      many leading branches count as tried, and such a pair is then computed from a fresh location, as
 *      Avro-Java computed it inside the scan;
 *    - a skipped record (a name mismatch) would have had its fields compared: that reaches only pairs
 *      private to the two records when both have flat fields and the reader has no field aliases (which
 *      can also make the comparison throw). Other record branches are still tried, in order, within
 *      `SKIPPABLE_BRANCH_BUDGET` pair checks per check; past it (very large unions of records with nested
 *      named types) they are skipped too, and a location reused from an earlier pair may then differ
 *      from Avro-Java's.
 * 2. Only pairs that involve a named type are memoised. A pair of two unnamed types (primitives, arrays,
 *    maps, unions) is reached only through the pair of their nearest named ancestors (or the roots),
 *    which is itself memoised, so it is computed at most once and never met again while in progress.
 *    (The reference mode memoises every pair, as Avro-Java does; the tests compare the two.)
 */
class Checker {
  private readonly memo = new PairMemo();
  /** The reader unions whose named branches are in `unionsOf`. */
  private readonly registered = new Set<UnionNode>();
  /** The reader unions each named branch belongs to (only named types are met in more than one place). */
  private readonly unionsOf = new Map<SchemaNode, UnionNode[]>();
  /** The scans made against each writer type. */
  private readonly scans = new Map<SchemaNode, Scan[]>();
  /** The pairs in progress (the memo's IN_PROGRESS entries), innermost last. */
  private readonly stackReaders: SchemaNode[] = [];
  private readonly stackWriters: SchemaNode[] = [];
  /** Pairs computed so far, and what may still be spent on branches that cannot match. */
  private computed = 0;
  private budget: number;
  private readonly mode: BranchScan;

  constructor(options: CheckerOptions) {
    this.mode = options.scan ?? 'indexed';
    this.budget = options.budget ?? SKIPPABLE_BRANCH_BUDGET;
  }

  /** A check from a fresh location (Avro-Java's two-argument `getCompatibility`). */
  check(reader: SchemaNode, writer: SchemaNode): Result {
    return this.get('', reader, writer, new Location());
  }

  private get(token: string, reader: SchemaNode, writer: SchemaNode, loc: Location): Result {
    const memoised = this.mode === 'every-branch' || isNamed(reader) || isNamed(writer);
    if (memoised) {
      const known = this.memo.lookupOrBegin(reader, writer);
      if (known !== undefined) return known === IN_PROGRESS ? COMPATIBLE : known;
    }
    loc.tokens.push(token);
    this.stackReaders.push(reader);
    this.stackWriters.push(writer);
    this.computed++;
    const result = this.calculate(reader, writer, this.skippedInScan(reader, writer) ? freshLocation() : loc);
    this.stackReaders.pop();
    this.stackWriters.pop();
    if (memoised) this.memo.finish(reader, writer, result);
    loc.tokens.pop();
    return result;
  }

  /** The index of a large union; registers its named branches (those can be met again elsewhere). */
  private index(union: UnionNode): UnionIndex {
    const index = UnionIndex.of(union);
    if (!this.registered.has(union)) {
      this.registered.add(union);
      this.registerNamedBranches(union);
    }
    return index;
  }

  private registerNamedBranches(union: UnionNode): void {
    for (const branch of union.types) {
      if (!isNamed(branch)) continue;
      const unions = this.unionsOf.get(branch);
      if (unions === undefined) this.unionsOf.set(branch, [union]);
      else unions.push(union);
    }
  }

  private position(union: UnionNode, branch: SchemaNode): number {
    return union.types.length <= SMALL_UNION ? union.types.indexOf(branch) : (this.index(union).positions.get(branch) ?? -1);
  }

  /** Whether Avro-Java would have checked this pair already, in a union scan that skipped it here. */
  private skippedInScan(reader: SchemaNode, writer: SchemaNode): boolean {
    if (!isNamed(reader)) return false;
    const scans = this.unionsOf.has(reader) ? this.scans.get(writer) : undefined;
    if (scans === undefined) return false;
    for (const scan of scans) {
      const p = this.position(scan.union, reader);
      if (p >= 0 && p < scan.tried) return true;
    }
    return false;
  }

  /** The readers whose pair with `writer` is in progress (usually none). */
  private readersInProgress(writer: SchemaNode): SchemaNode[] {
    const readers: SchemaNode[] = [];
    this.stackWriters.forEach((w, i) => {
      if (w === writer) readers.push(this.stackReaders[i] as SchemaNode);
    });
    return readers;
  }

  /** A branch that cannot read `writer` whose comparison could still reach shared types or throw. */
  private notSkippable(branch: SchemaNode, writer: SchemaNode): boolean {
    return (
      branch.type === 'record' &&
      writer.type === 'record' &&
      (!recordShape(writer).flat || !recordShape(branch).plain)
    );
  }

  /** Tries branch `p` against `writer`; true when it reads it. */
  private tryBranch(union: UnionNode, p: number, writer: SchemaNode, scan: Scan | undefined, spending: boolean): boolean {
    // Avro-Java tried the branches before this one first.
    if (scan !== undefined) scan.tried = p;
    const before = this.computed;
    const compatible = this.check(union.types[p] as SchemaNode, writer).compatible;
    if (spending) this.budget -= 1 + this.computed - before;
    return compatible;
  }

  /** Avro-Java: the first reader branch compatible with `writer` (not a union) makes the union compatible. */
  private readerUnion(reader: UnionNode, writer: SchemaNode, loc: Location): Result {
    const small = reader.types.length <= SMALL_UNION;
    if (small && !this.registered.has(reader) && reader.types.some(isNamed)) {
      this.registered.add(reader);
      this.registerNamedBranches(reader);
    }
    // Scans matter only where a skipped branch can be met again elsewhere: named branches.
    let scan: Scan | undefined;
    if (small ? reader.types.some(isNamed) : this.index(reader).hasNamed) {
      scan = { union: reader, tried: 0 };
      const scans = this.scans.get(writer);
      if (scans === undefined) this.scans.set(writer, [scan]);
      else scans.push(scan);
    }
    const found = small ? this.scanSmall(reader, writer, scan) : this.scanIndexed(reader, writer, scan);
    if (found) return COMPATIBLE;
    if (scan !== undefined) scan.tried = reader.types.length;
    return this.incompatible('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeLabel(writer)}`, loc);
  }

  private scanSmall(reader: UnionNode, writer: SchemaNode, scan: Scan | undefined): boolean {
    const inProgress = this.mode === 'every-branch' ? [] : this.readersInProgress(writer);
    for (let p = 0; p < reader.types.length; p++) {
      const branch = reader.types[p] as SchemaNode;
      if (this.mode === 'every-branch' || mayRead(branch, writer) || inProgress.includes(branch)) {
        if (this.tryBranch(reader, p, writer, scan, false)) return true;
      } else if (this.budget > 0 && this.notSkippable(branch, writer)) {
        if (this.tryBranch(reader, p, writer, scan, true)) return true;
      }
    }
    return false;
  }

  private scanIndexed(reader: UnionNode, writer: SchemaNode, scan: Scan | undefined): boolean {
    const index = this.index(reader);
    let first: readonly number[];
    if (this.mode === 'every-branch') {
      first = reader.types.map((_, i) => i);
    } else {
      const inProgress: number[] = [];
      for (const r of this.readersInProgress(writer)) {
        const p = index.positions.get(r);
        if (p !== undefined) inProgress.push(p);
      }
      first = sortedUnion([index.candidates(writer), inProgress.sort((a, b) => a - b)]);
    }
    let extra: readonly number[] = [];
    if (this.mode === 'indexed' && writer.type === 'record' && index.records.length > 0) {
      extra = recordShape(writer).flat ? index.nonPlainRecords : index.records;
    }
    // Both lists ascending: try them merged, in branch order, the extra ones only within the budget.
    let i = 0;
    let j = 0;
    for (;;) {
      const a = first[i];
      const b = this.budget > 0 ? extra[j] : undefined;
      if (a !== undefined && (b === undefined || a <= b)) {
        i++;
        if (a === b) j++;
        if (this.tryBranch(reader, a, writer, scan, false)) return true;
      } else if (b !== undefined) {
        j++;
        if (this.tryBranch(reader, b, writer, scan, true)) return true;
      } else {
        return false;
      }
    }
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
        return this.readerUnion(reader, writer, loc);
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
      // Aliases are looked up one by one: count them as work where a budget applies.
      this.computed += readerField.aliases.length;
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

/** Avro-Java `lookupWriterField`: by name and by each reader alias; two matches are an error. */
function lookupWriterField(writer: RecordNode, readerField: FieldNode, loc: Location): FieldNode | undefined {
  const direct = writer.fieldMap.get(readerField.name);
  if (readerField.aliases.length === 0) return direct;
  const matches: FieldNode[] = [];
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
export function readerWriterIncompatibilities(
  reader: SchemaNode,
  writer: SchemaNode,
  options: CheckerOptions = {},
): AvroIncompatibility[] {
  return [...new Checker(options).check(reader, writer).issues];
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
