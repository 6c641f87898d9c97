/**
 * `$ref` resolution for one schema and the schemas it references.
 *
 * A `SchemaGraph` indexes the root document and every referenced document (their `$id`s and anchors),
 * and resolves a `$ref` the way Confluent's loader does: against the base URI in scope, first among the
 * documents registered for this schema (under the reference `name`, the name resolved against the
 * referrer's base, and the document's own `$id`), then among the JSON Schema meta-schemas that ship with
 * ajv. A reference that resolves nowhere is an error; nothing is ever fetched from the network.
 */
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedReference } from '../format.js';
import { detectDraft, forEachChildSchema, idKeyword, isJsonObject, isModernDraft, own, type JsonSchemaDraft } from './drafts.js';
import {
  anchorName,
  DEFAULT_BASE_URI,
  evaluatePointer,
  pointerOf,
  resolveUri,
  type SchemaPath,
  splitFragment,
  withoutFragment,
} from './uri.js';

/** One JSON document taking part in resolution: the schema itself, a referenced schema, or a meta-schema. */
export interface SchemaDocument {
  /** Base URI of the document (its `$id` when it has one). */
  readonly uri: string;
  readonly value: unknown;
  readonly draft: JsonSchemaDraft;
  /** Every key this document is registered under (reference name, resolved URIs, `$id`). */
  readonly keys: readonly string[];
  /** The reference this document came from; undefined for the root and for meta-schemas. */
  readonly reference?: ResolvedReference;
}

/** A subschema found by resolution, with the document and base URI it lives in. */
export interface SchemaLocation {
  readonly doc: SchemaDocument;
  readonly base: string;
  readonly value: unknown;
}

/** A `$ref` (or `$recursiveRef` / `$dynamicRef`) occurrence. */
export interface RefSite {
  readonly keyword: '$ref' | '$recursiveRef' | '$dynamicRef';
  readonly ref: string;
  readonly base: string;
  readonly doc: SchemaDocument;
  /** JSON pointer of the schema object holding the reference, within its document. */
  readonly pointer: string;
}

/** `$id`s, anchors and reference sites of a set of documents. */
class DocumentIndex {
  readonly resources = new Map<string, SchemaLocation>();
  readonly anchors = new Map<string, SchemaLocation>();
  readonly sites = new Map<SchemaDocument, RefSite[]>();
  /**
   * The base URI in effect at indexed schema objects, kept only where it is not their document's (inside
   * a nested `$id`): elsewhere a pointer's target has its resource's base, and most schemas have no
   * nested `$id`, so most documents keep no entry per object.
   */
  readonly baseOf = new WeakMap<object, string>();

  register(key: string, location: SchemaLocation): void {
    if (!this.resources.has(key)) this.resources.set(key, location);
  }

  /** Walks a document's subschemas (iteratively) recording `$id`s, anchors and references. */
  index(doc: SchemaDocument): void {
    const sites: RefSite[] = [];
    this.sites.set(doc, sites);
    const idKw = idKeyword(doc.draft);
    const modern = isModernDraft(doc.draft);
    const stack: Array<{ value: unknown; base: string; path: SchemaPath | undefined }> = [{ value: doc.value, base: doc.uri, path: undefined }];
    while (stack.length > 0) {
      const { value, base: parentBase, path } = stack.pop()!;
      if (!isJsonObject(value)) continue;
      let base = parentBase;
      const id = own(value, idKw);
      if (typeof id === 'string') {
        const [uriPart, fragment] = splitFragment(id);
        if (uriPart !== '') {
          base = withoutFragment(resolveUri(parentBase, uriPart));
          this.register(base, { doc, base, value });
        }
        if (!modern && fragment) this.anchors.set(`${base}#${anchorName(fragment)}`, { doc, base, value });
      }
      if (base !== doc.uri) this.baseOf.set(value, base);
      if (modern) {
        for (const kw of ['$anchor', '$dynamicAnchor']) {
          const anchor = own(value, kw);
          if (typeof anchor === 'string') this.anchors.set(`${base}#${anchor}`, { doc, base, value });
        }
      }
      for (const keyword of modern ? (['$ref', '$recursiveRef', '$dynamicRef'] as const) : (['$ref'] as const)) {
        const ref = own(value, keyword);
        if (typeof ref === 'string') sites.push({ keyword, ref, base, doc, pointer: pointerOf(path) });
      }
      forEachChildSchema(value, (child, keyword, name) => stack.push({ value: child, base, path: { parent: path, keyword, name } }));
    }
  }

  /** Resolves `ref` written where `base` is in effect. */
  resolve(ref: string, base: string): SchemaLocation | undefined {
    const [uriPart, fragment] = splitFragment(ref);
    const target = uriPart === '' ? withoutFragment(base) : withoutFragment(resolveUri(base, uriPart));
    const resource = this.resources.get(target) ?? (uriPart !== '' ? this.resources.get(uriPart) : undefined);
    if (resource === undefined) return undefined;
    if (fragment === undefined || fragment === '') return resource;
    if (fragment.startsWith('/') || fragment.startsWith('%2F') || fragment.startsWith('%2f')) {
      const value = evaluatePointer(resource.value, fragment);
      if (!isJsonObject(value) && typeof value !== 'boolean') return undefined;
      const inner = isJsonObject(value) ? this.baseOf.get(value) : undefined;
      return { doc: resource.doc, base: inner ?? resource.base, value };
    }
    return this.anchors.get(`${resource.base}#${anchorName(fragment)}`) ?? this.anchors.get(`${target}#${anchorName(fragment)}`);
  }
}

/** A referenced schema, parsed. */
export interface ReferencedDocument {
  readonly reference: ResolvedReference;
  readonly value: unknown;
}

/** The root schema and everything it may `$ref`. */
export class SchemaGraph {
  readonly root: SchemaDocument;
  /** Referenced documents, depth-first in declaration order, each once. */
  readonly referenced: readonly SchemaDocument[];
  private readonly index = new DocumentIndex();

  /**
   * @param rootValue the parsed schema
   * @param references the schema's references, resolved recursively
   * @param load parses a referenced schema's text (throws InvalidSchemaError for bad text)
   */
  constructor(rootValue: unknown, references: readonly ResolvedReference[], load: (reference: ResolvedReference) => unknown) {
    const rootDraft = detectDraft(rootValue);
    const rootId = isJsonObject(rootValue) ? own(rootValue, idKeyword(rootDraft)) : undefined;
    const rootUri = typeof rootId === 'string' ? withoutFragment(resolveUri(DEFAULT_BASE_URI, rootId)) : DEFAULT_BASE_URI;
    this.root = { uri: rootUri, value: rootValue, draft: rootDraft, keys: [rootUri] };
    this.index.register(rootUri, { doc: this.root, base: rootUri, value: rootValue });

    const referenced: SchemaDocument[] = [];
    const loaded = new Map<string, SchemaDocument>();
    const visit = (refs: readonly ResolvedReference[], declaringBase: string, path: ReadonlySet<string>): void => {
      for (const reference of refs) {
        const identity = `${reference.subject}\u0000${reference.version}`;
        if (path.has(identity)) continue; // a reference cycle: its documents are already registered
        const registered = withoutFragment(resolveUri(declaringBase, reference.name));
        let doc = loaded.get(identity);
        if (doc === undefined) {
          const value = load(reference);
          const draft = detectDraft(value);
          const id = isJsonObject(value) ? own(value, idKeyword(draft)) : undefined;
          const uri = typeof id === 'string' && splitFragment(id)[0] !== '' ? withoutFragment(resolveUri(registered, id)) : registered;
          doc = { uri, value, draft, keys: [], reference };
          loaded.set(identity, doc);
          referenced.push(doc);
        }
        const location = { doc, base: doc.uri, value: doc.value };
        const keys = doc.keys as string[];
        for (const key of unique([reference.name, registered, doc.uri, withoutFragment(resolveUri(rootUri, reference.name))])) {
          this.index.register(key, location);
          if (!keys.includes(key)) keys.push(key);
        }
        visit(reference.references, doc.uri, new Set([...path, identity]));
      }
    };
    visit(references, rootUri, new Set());
    this.referenced = referenced;

    this.index.index(this.root);
    for (const doc of referenced) this.index.index(doc);
  }

  /** Resolves a `$ref` value written where `base` is in effect; meta-schemas resolve too. */
  resolve(ref: string, base: string): SchemaLocation | undefined {
    return this.index.resolve(ref, base) ?? metaIndex().resolve(ref, base);
  }

  /**
   * References that resolve nowhere, reachable from the root schema (references inside referenced
   * documents count once those documents are reached).
   */
  unresolved(): RefSite[] {
    const missing: RefSite[] = [];
    const queue: SchemaDocument[] = [this.root];
    const seen = new Set<SchemaDocument>(queue);
    while (queue.length > 0) {
      const doc = queue.shift()!;
      for (const site of this.index.sites.get(doc) ?? []) {
        if (site.keyword === '$recursiveRef') continue; // always "#": the document itself
        const location = this.resolve(site.ref, site.base);
        if (location === undefined) {
          // A $dynamicRef to an anchor may be satisfied by the dynamic scope; only its static form is checked.
          if (site.keyword === '$dynamicRef' && !(splitFragment(site.ref)[1] ?? '').startsWith('/')) continue;
          missing.push(site);
        } else if (!seen.has(location.doc) && location.doc.reference !== undefined) {
          seen.add(location.doc);
          queue.push(location.doc);
        }
      }
    }
    return missing;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

// ---- meta-schemas (shipped with ajv), so a schema may $ref the draft it is written in ----

let metaSchemas: DocumentIndex | undefined;

function metaIndex(): DocumentIndex {
  if (metaSchemas !== undefined) return metaSchemas;
  const index = new DocumentIndex();
  const require = createRequire(import.meta.url);
  const files: string[] = [require.resolve('ajv-draft-04/dist/refs/json-schema-draft-04.json')];
  const ajvRefs = dirname(require.resolve('ajv/dist/refs/json-schema-draft-07.json'));
  files.push(join(ajvRefs, 'json-schema-draft-06.json'), join(ajvRefs, 'json-schema-draft-07.json'));
  for (const dir of ['json-schema-2019-09', 'json-schema-2020-12']) {
    files.push(join(ajvRefs, dir, 'schema.json'));
    for (const f of readdirSync(join(ajvRefs, dir, 'meta'))) if (f.endsWith('.json')) files.push(join(ajvRefs, dir, 'meta', f));
  }
  for (const file of files) {
    const value: unknown = require(file);
    const draft = detectDraft(value);
    const id = isJsonObject(value) ? own(value, idKeyword(draft)) ?? own(value, 'id') : undefined;
    if (typeof id !== 'string') continue;
    const uri = withoutFragment(id);
    const doc: SchemaDocument = { uri, value, draft, keys: [uri] };
    const location = { doc, base: uri, value };
    index.register(uri, location);
    index.register(uri.replace(/^http:/, 'https:'), location);
    index.register(uri.replace(/^https:/, 'http:'), location);
    index.index(doc);
  }
  metaSchemas = index;
  return index;
}
