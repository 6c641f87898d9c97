/**
 * `AvroSchema`: a parsed Avro schema with its references, as the registry and the SDK use it.
 */
import type avsc from 'avsc';
import { InvalidSchemaError, type ParseOptions, type ParsedSchema, type ResolvedReference, type SchemaReference } from '../format.js';
import { buildAvscType, toAvscSchema } from './avsc.js';
import { toCanonical } from './canonical.js';
import { isNamed, type NamedNode, type SchemaNode } from './model.js';
import { toNormalizedText } from './normalize.js';
import { guardDepth, parseSchemaText } from './parse.js';

/** A referenced schema text, flattened out of the reference tree. */
interface FlatReference {
  name: string;
  schema: string;
}

/**
 * Confluent's reference resolution (`AbstractSchemaProvider.resolveReferences`): depth first, the
 * references of a reference before the reference itself, each reference name once (the first wins).
 */
function flattenReferences(references: readonly ResolvedReference[]): FlatReference[] {
  const out: FlatReference[] = [];
  const visited = new Set<string>();
  const visit = (refs: readonly ResolvedReference[]): void => {
    for (const ref of refs) {
      if (visited.has(ref.name)) continue;
      visited.add(ref.name);
      visit(ref.references);
      out.push({ name: ref.name, schema: ref.schema });
    }
  };
  visit(references);
  return out;
}

/** The named types of the references, and the full names of their top-level types. */
interface ReferenceContext {
  readonly known: Map<string, NamedNode>;
  readonly topLevelNames: readonly string[];
}

function parseReferences(references: readonly ResolvedReference[]): ReferenceContext {
  const known = new Map<string, NamedNode>();
  const topLevelNames: string[] = [];
  for (const ref of flattenReferences(references)) {
    // Referenced schemas are stored schemas: read them without the checks for new schemas.
    let root: SchemaNode;
    try {
      root = parseSchemaText(ref.schema, known, { validateNames: false, validateDefaults: false });
    } catch (e) {
      if (!(e instanceof InvalidSchemaError)) throw e;
      throw new InvalidSchemaError(`Invalid schema: referenced schema "${ref.name}" cannot be read: ${e.message}`);
    }
    topLevelNames.push(isNamed(root) ? root.name.full : root.type);
  }
  return { known, topLevelNames };
}

export class AvroSchema implements ParsedSchema {
  readonly schemaType = 'AVRO' as const;
  readonly references: readonly SchemaReference[];
  private canonicalText: string | undefined;
  private normalized: AvroSchema | undefined;
  private avsc: avsc.Type | undefined;

  private constructor(
    /** The schema model (Avro-Java's `Schema` object); named types from references are included. */
    readonly root: SchemaNode,
    private readonly referenceContext: ReferenceContext,
    private readonly resolvedReferences: readonly ResolvedReference[],
    private readonly options: ParseOptions,
  ) {
    this.references = resolvedReferences.map(({ name, subject, version }) => ({ name, subject, version }));
  }

  /** Parses `text` (throws `InvalidSchemaError`); `references` must hold every reference the text uses. */
  static parse(text: string, references: readonly ResolvedReference[] = [], options: ParseOptions = {}): AvroSchema {
    const context = parseReferences(references);
    const validate = options.validate !== false;
    const known = new Map(context.known);
    const limits = validate ? options.limits : undefined;
    const root = parseSchemaText(text, known, { validateNames: validate, validateDefaults: validate, limits });
    const schema = new AvroSchema(root, context, references, options);
    // Computed now so that a structure too deep to print is an invalid schema, not a later failure.
    guardDepth(() => schema.canonical);
    return schema;
  }

  /** Confluent's stored string (Avro-Java `Schema.toString` with the references' types by name). */
  get canonical(): string {
    this.canonicalText ??= toCanonical(this.root, { knownNames: this.referenceContext.topLevelNames });
    return this.canonicalText;
  }

  /** The text Confluent's `AvroSchemaUtils.toNormalizedString` produces (before it is parsed again). */
  normalizedText(): string {
    return toNormalizedText(this.root, this.referenceContext.topLevelNames);
  }

  /**
   * Confluent's `AvroSchema.normalize()`: the normalized text parsed again, with the references sorted
   * by subject and version and de-duplicated. Its `canonical` is what Confluent stores for
   * `normalize=true`: Avro-Java's usual key order, properties and aliases sorted, names qualified as the
   * normalized text gave them.
   */
  normalize(): AvroSchema {
    if (this.normalized === undefined) {
      const seen = new Set<string>();
      const refs = [...this.resolvedReferences]
        .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version))
        .filter((r) => {
          const key = JSON.stringify([r.name, r.subject, r.version]);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      this.normalized = AvroSchema.parse(this.normalizedText(), refs, this.options);
    }
    return this.normalized;
  }

  /**
   * Confluent's `?format=` for Avro: `resolved` writes the referenced types inline (Avro-Java
   * `toString()` without known names); anything else is unknown here and the caller answers `canonical`.
   */
  formatted(format: string): string | undefined {
    return format.trim().toLowerCase() === 'resolved' ? toCanonical(this.root) : undefined;
  }

  /** The full name of the top-level type when it is a record, enum or fixed. */
  get fullName(): string | undefined {
    return isNamed(this.root) ? this.root.name.full : undefined;
  }

  recordName(): string | undefined {
    return this.fullName;
  }

  /** Every named type the schema can use by name: its own and those of its references. */
  namedTypes(): ReadonlyMap<string, NamedNode> {
    const all = new Map(this.referenceContext.known);
    const visit = (node: SchemaNode, seen: Set<SchemaNode>): void => {
      if (seen.has(node)) return;
      seen.add(node);
      switch (node.type) {
        case 'record':
          all.set(node.name.full, node);
          node.fields.forEach((f) => visit(f.type, seen));
          return;
        case 'enum':
        case 'fixed':
          all.set(node.name.full, node);
          return;
        case 'array':
          visit(node.items, seen);
          return;
        case 'map':
          visit(node.values, seen);
          return;
        case 'union':
          node.types.forEach((t) => visit(t, seen));
          return;
        default:
      }
    };
    visit(this.root, new Set());
    return all;
  }

  /** The schema as avsc input: self-contained, referenced types defined inline where first used. */
  avscSchema(): unknown {
    return toAvscSchema(this.root);
  }

  /**
   * The avsc `Type` for this schema (built on first use, then cached), for `toBuffer`/`fromBuffer` and
   * `createResolver`. Options (e.g. `logicalTypes`) give a new, uncached Type.
   */
  avscType(options?: Partial<avsc.ForSchemaOptions>): avsc.Type {
    if (options !== undefined) return buildAvscType(this.root, options);
    this.avsc ??= buildAvscType(this.root);
    return this.avsc;
  }
}
