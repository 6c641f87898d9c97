/** A parsed JSON schema: the registry's `ParsedSchema` plus what serializers need. */
import type { ParsedSchema, ResolvedReference, SchemaReference } from '../format.js';
import { sortTree, writeJson } from './canonical.js';
import { ModelBuilder, type Node } from './compatibility/model.js';
import { own, isJsonObject, type JsonSchemaDraft } from './drafts.js';
import { parseJsonTree } from './json-text.js';
import { SchemaGraph } from './references.js';
import { compileValidator, type ValidateFunction } from './validator.js';

/** Parses a referenced schema's text (used again when a normalized copy rebuilds its graph). */
export type ReferenceLoader = (reference: ResolvedReference) => unknown;

export interface JsonSchemaParts {
  readonly canonical: string;
  readonly value: unknown;
  readonly graph: SchemaGraph;
  readonly references: readonly ResolvedReference[];
  readonly load: ReferenceLoader;
}

export class JsonSchema implements ParsedSchema {
  readonly schemaType = 'JSON' as const;
  /** Compact JSON, keys in the order given (Confluent's canonical string). */
  readonly canonical: string;
  readonly references: readonly SchemaReference[];
  /** The references with their schema text, as given to `parse`. */
  readonly resolvedReferences: readonly ResolvedReference[];
  /** The schema as a JSON value. */
  readonly value: unknown;
  /** The draft it is read as: from `$schema`, draft-07 without one. */
  readonly draft: JsonSchemaDraft;

  readonly #graph: SchemaGraph;
  readonly #load: ReferenceLoader;
  #validate: ValidateFunction | undefined;
  #model: Node | undefined;

  /** Use `jsonSchemaFormat.parse` (or `parseJsonSchema`); this is for the parser. */
  constructor(parts: JsonSchemaParts) {
    this.canonical = parts.canonical;
    this.value = parts.value;
    this.#graph = parts.graph;
    this.#load = parts.load;
    this.draft = parts.graph.root.draft;
    this.resolvedReferences = parts.references;
    this.references = parts.references.map(({ name, subject, version }) => ({ name, subject, version }));
  }

  /**
   * Confluent's normalized form: every object's keys sorted (recursively; array order is kept, so
   * `required` and `enum` keep theirs), references sorted by name, subject, version and de-duplicated.
   */
  normalize(): JsonSchema {
    // The canonical text is read again rather than its tree kept by every parsed schema: the tree takes
    // several times the text's memory, and the registry caches many parsed schemas, few of them normalized.
    const tree = sortTree(parseJsonTree(this.canonical));
    const canonical = writeJson(tree);
    const value: unknown = JSON.parse(canonical);
    const references = sortReferences(this.resolvedReferences);
    const known = new Map<ResolvedReference, unknown>();
    for (const doc of this.#graph.referenced) if (doc.reference !== undefined) known.set(doc.reference, doc.value);
    const load: ReferenceLoader = (r) => (known.has(r) ? known.get(r) : this.#load(r));
    return new JsonSchema({ canonical, value, graph: new SchemaGraph(value, references, load), references, load: this.#load });
  }

  formatted(_format: string): string | undefined {
    return undefined;
  }

  /** The `title`, which RecordNameStrategy uses. */
  recordName(): string | undefined {
    const title = isJsonObject(this.value) ? own(this.value, 'title') : undefined;
    return typeof title === 'string' ? title : undefined;
  }

  /**
   * An ajv function validating data against this schema, with the referenced schemas registered.
   * Compiled on first use and cached.
   */
  validator(): ValidateFunction {
    this.#validate ??= compileValidator(this.#graph);
    return this.#validate;
  }

  /** The typed view the compatibility check walks (built on first use, cached). */
  model(): Node {
    this.#model ??= new ModelBuilder(this.#graph).root();
    return this.#model;
  }

  toString(): string {
    return this.canonical;
  }
}

function sortReferences(references: readonly ResolvedReference[]): ResolvedReference[] {
  const sorted = [...references].sort(
    (a, b) => compareStrings(a.name, b.name) || compareStrings(a.subject, b.subject) || a.version - b.version,
  );
  return sorted.filter((r, i) => i === 0 || !sameReference(sorted[i - 1]!, r));
}

function sameReference(a: SchemaReference, b: SchemaReference): boolean {
  return a.name === b.name && a.subject === b.subject && a.version === b.version;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
