/**
 * The typed view of a JSON schema that the compatibility diff walks.
 *
 * Confluent does not diff raw JSON: its loader first turns every schema object into typed schemas,
 * one per keyword group, and the diff rules are written against those. This module rebuilds that view:
 *
 * - `enum`, each of `allOf`/`anyOf`/`oneOf`, `not`, `const` (draft-06+), and `type` each yield a part;
 *   `type: [..]` yields an `anyOf` of one typed part per type. A typed part reads its keyword group
 *   (string: minLength/maxLength/pattern/format; number: minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf;
 *   object and array keywords per draft) and consumes it.
 * - Keyword groups no `type` consumed are sniffed into untyped parts (an object part for
 *   `properties` without `type: object`, and so on); `if`/`then`/`else` become a conditional part.
 * - No part: an empty schema. One part: that part. Several: a synthetic `allOf` of the parts.
 * - `$ref`: a reference (draft-07 and earlier ignore its siblings; 2019-09+ combine it with them).
 * - `id`/`$id`, `title`, `description` and `default` belong to the schema object as a whole.
 *
 * Nodes are built once per schema object and cached, so the same definition reached through several
 * `$ref`s is one node (the diff memoizes and detects cycles by node identity). References are
 * resolved lazily.
 */
import {
  arrayKeywords,
  CONDITIONAL_KEYWORDS,
  hasOwn,
  idKeyword,
  isJsonObject,
  isModernDraft,
  JSON_SCHEMA_DRAFTS,
  NUMBER_KEYWORDS,
  objectKeywords,
  own,
  STRING_KEYWORDS,
  type JsonObject,
  type JsonSchemaDraft,
} from '../drafts.js';
import { jsonEquals, jsonHash, stringHash } from '../json-value.js';
import type { SchemaDocument, SchemaGraph } from '../references.js';
import { resolveUri, splitFragment, withoutFragment } from '../uri.js';

export interface Common {
  readonly id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly hasDefault: boolean;
  readonly defaultValue?: unknown;
}

interface NodeBase {
  /** The schema object (or boolean) this node was read from. */
  readonly raw: unknown;
  /** Which part of `raw` this node is; with `raw` it identifies equal subschemas (see `sameSubschema`). */
  readonly tag: string;
  readonly common: Common;
  /** The draft `raw` was read under (undefined for the shared true/false/unknown nodes). */
  readonly draft?: JsonSchemaDraft;
}

export interface LeafNode extends NodeBase {
  readonly kind: 'empty' | 'true' | 'false' | 'boolean' | 'null' | 'conditional';
}

export interface RefNode extends NodeBase {
  readonly kind: 'ref';
  readonly ref: string;
  /** The referenced schema; undefined when it does not resolve. */
  target(): Node | undefined;
}

export interface StringNode extends NodeBase {
  readonly kind: 'string';
  readonly requiresString: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

export interface NumberNode extends NodeBase {
  readonly kind: 'number';
  readonly requiresNumber: boolean;
  readonly requiresInteger: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  /** Numeric `exclusiveMinimum` (draft-06+); draft-04's boolean form is not a limit. */
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
}

export interface PatternProperty {
  readonly pattern: string;
  readonly schema: Node;
}

export interface ObjectNode extends NodeBase {
  readonly kind: 'object';
  readonly requiresObject: boolean;
  readonly properties: ReadonlyMap<string, Node>;
  readonly required: ReadonlySet<string>;
  readonly patternProperties: readonly PatternProperty[];
  /** False only for `additionalProperties: false`. */
  readonly permitsAdditional: boolean;
  /** `additionalProperties` given as a schema object. */
  readonly additionalSchema?: Node;
  /** `unevaluatedProperties` (2019-09+). */
  readonly unevaluated?: Node;
  readonly propertyDependencies: ReadonlyMap<string, ReadonlySet<string>>;
  readonly schemaDependencies: ReadonlyMap<string, Node>;
  readonly minProperties?: number;
  readonly maxProperties?: number;
}

export interface ArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly requiresArray: boolean;
  /** List validation: `items` as one schema. */
  readonly allItems?: Node;
  /** Tuple validation: `items: [..]`, or `prefixItems` in 2020-12. */
  readonly itemSchemas?: readonly Node[];
  /** False for `additionalItems: false` (2020-12: `items: false`). */
  readonly permitsAdditionalItems: boolean;
  readonly additionalItemsSchema?: Node;
  /** `unevaluatedItems` (2019-09+). */
  readonly unevaluated?: Node;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems: boolean;
  readonly minContains?: number;
  readonly maxContains?: number;
}

export interface EnumNode extends NodeBase {
  readonly kind: 'enum';
  readonly values: readonly unknown[];
}

export interface ConstNode extends NodeBase {
  readonly kind: 'const';
  readonly value: unknown;
}

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

export interface CombinedNode extends NodeBase {
  readonly kind: 'combined';
  readonly criterion: Criterion;
  readonly subschemas: readonly Node[];
  /** Made up from the keyword groups of one schema object rather than written as `allOf`. */
  readonly synthetic: boolean;
}

export interface NotNode extends NodeBase {
  readonly kind: 'not';
  readonly mustNotMatch: Node;
}

export type Node =
  | LeafNode
  | RefNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | EnumNode
  | ConstNode
  | CombinedNode
  | NotNode;

const NO_COMMON: Common = Object.freeze({ hasDefault: false });

export const TRUE_NODE: LeafNode = Object.freeze({ kind: 'true', raw: true, tag: 'true', common: NO_COMMON });
export const FALSE_NODE: LeafNode = Object.freeze({ kind: 'false', raw: false, tag: 'false', common: NO_COMMON });
const UNKNOWN_NODE: LeafNode = Object.freeze({ kind: 'empty', raw: {}, tag: 'empty', common: NO_COMMON });

interface Scope {
  readonly doc: SchemaDocument;
  readonly base: string;
}

const CRITERIA = ['allOf', 'anyOf', 'oneOf'] as const;
const CLASSIC_REF_KEYWORDS = ['$ref'];
const MODERN_REF_KEYWORDS = ['$ref', '$recursiveRef', '$dynamicRef'];

/** Per draft, the keyword group (array, object, number, string, conditional) of each keyword in one. */
const KEYWORD_GROUPS = new Map(
  JSON_SCHEMA_DRAFTS.map((draft) => {
    const groups = new Map<string, string>();
    const add = (keywords: readonly string[], group: string): void => keywords.forEach((k) => groups.set(k, group));
    add(arrayKeywords(draft), 'array');
    add(objectKeywords(draft), 'object');
    add(NUMBER_KEYWORDS, 'number');
    add(STRING_KEYWORDS, 'string');
    // if/then/else are read from draft-07 on.
    if (draft !== 'draft-04' && draft !== 'draft-06') add(CONDITIONAL_KEYWORDS, 'conditional');
    return [draft, groups as ReadonlyMap<string, string>] as const;
  }),
);

/** Builds (and caches) the typed view of one schema and the documents it references. */
export class ModelBuilder {
  private readonly cache = new Map<object, Node>();

  constructor(private readonly graph: SchemaGraph) {}

  root(): Node {
    return this.node(this.graph.root.value, { doc: this.graph.root, base: this.graph.root.uri });
  }

  private node(raw: unknown, scope: Scope): Node {
    if (raw === true) return TRUE_NODE;
    if (raw === false) return FALSE_NODE;
    if (!isJsonObject(raw)) return UNKNOWN_NODE;
    const cached = this.cache.get(raw);
    if (cached !== undefined) return cached;

    const draft = scope.doc.draft;
    const id = own(raw, idKeyword(draft));
    let inner = scope;
    if (typeof id === 'string' && splitFragment(id)[0] !== '') {
      inner = { doc: scope.doc, base: withoutFragment(resolveUri(scope.base, splitFragment(id)[0])) };
    }
    const common = readCommon(raw, idKeyword(draft));

    const parts: Node[] = [];
    let refKeyword: string | undefined;
    for (const kw of isModernDraft(draft) ? MODERN_REF_KEYWORDS : CLASSIC_REF_KEYWORDS) {
      if (typeof own(raw, kw) === 'string') {
        refKeyword = kw;
        break;
      }
    }
    if (refKeyword !== undefined) {
      const ref = this.reference(raw, own(raw, refKeyword) as string, refKeyword, inner);
      if (!isModernDraft(draft)) return this.remember(raw, { ...ref, common });
      parts.push(ref);
    }
    this.extractParts(raw, inner, parts);

    let node: Node;
    if (parts.length === 0) node = { kind: 'empty', raw, tag: 'empty', common, draft };
    else if (parts.length === 1) node = { ...parts[0]!, common };
    else node = { kind: 'combined', criterion: 'allOf', subschemas: parts, synthetic: true, raw, tag: 'synthetic', common, draft };
    return this.remember(raw, node);
  }

  private remember(raw: object, node: Node): Node {
    this.cache.set(raw, node);
    return node;
  }

  private reference(raw: JsonObject, ref: string, keyword: string, scope: Scope): RefNode {
    let resolved: Node | null | undefined;
    const resolve = (): Node | undefined => {
      if (resolved === undefined) {
        const location = this.graph.resolve(keyword === '$recursiveRef' ? '#' : ref, scope.base);
        resolved = location === undefined ? null : this.node(location.value, { doc: location.doc, base: location.base });
      }
      return resolved ?? undefined;
    };
    return { kind: 'ref', ref, raw, tag: keyword, common: NO_COMMON, target: resolve };
  }

  private extractParts(raw: JsonObject, scope: Scope, parts: Node[]): void {
    const draft = scope.doc.draft;
    const values = own(raw, 'enum');
    if (Array.isArray(values)) parts.push({ kind: 'enum', values, raw, tag: 'enum', common: NO_COMMON, draft });
    for (const criterion of CRITERIA) {
      const list = own(raw, criterion);
      if (Array.isArray(list)) {
        const subschemas = list.map((s) => this.node(s, scope));
        parts.push({ kind: 'combined', criterion, subschemas, synthetic: false, raw, tag: criterion, common: NO_COMMON, draft });
      }
    }
    if (hasOwn(raw, 'not')) {
      parts.push({ kind: 'not', mustNotMatch: this.node(own(raw, 'not'), scope), raw, tag: 'not', common: NO_COMMON, draft });
    }
    if (draft !== 'draft-04' && hasOwn(raw, 'const')) {
      parts.push({ kind: 'const', value: own(raw, 'const'), raw, tag: 'const', common: NO_COMMON, draft });
    }

    const consumed = new Set<string>();
    const type = own(raw, 'type');
    if (typeof type === 'string') {
      const part = this.typed(type, raw, scope);
      if (part !== undefined) parts.push(part);
      consumed.add(groupOf(type));
    } else if (Array.isArray(type)) {
      const subschemas: Node[] = [];
      for (const t of type) {
        if (typeof t !== 'string') continue;
        const part = this.typed(t, raw, scope);
        if (part !== undefined) subschemas.push(part);
        consumed.add(groupOf(t));
      }
      parts.push({ kind: 'combined', criterion: 'anyOf', subschemas, synthetic: false, raw, tag: 'types', common: NO_COMMON, draft });
    }

    // Which keyword groups the object has, in one pass over its keys.
    const groups = KEYWORD_GROUPS.get(draft)!;
    const present = new Set<string>();
    for (const key in raw) {
      const group = groups.get(key);
      if (group !== undefined) present.add(group);
    }
    if (!consumed.has('array') && present.has('array')) parts.push(this.array(raw, scope, false));
    if (!consumed.has('object') && present.has('object')) parts.push(this.object(raw, scope, false));
    if (!consumed.has('number') && present.has('number')) parts.push(this.number(raw, draft, false, false));
    if (!consumed.has('string') && present.has('string')) parts.push(this.string(raw, draft, false));
    if (present.has('conditional')) parts.push({ kind: 'conditional', raw, tag: 'conditional', common: NO_COMMON, draft });
  }

  private typed(type: string, raw: JsonObject, scope: Scope): Node | undefined {
    switch (type) {
      case 'string':
        return this.string(raw, scope.doc.draft, true);
      case 'integer':
        return this.number(raw, scope.doc.draft, true, true);
      case 'number':
        return this.number(raw, scope.doc.draft, true, false);
      case 'boolean':
        return { kind: 'boolean', raw, tag: 'type:boolean', common: NO_COMMON, draft: scope.doc.draft };
      case 'null':
        return { kind: 'null', raw, tag: 'type:null', common: NO_COMMON, draft: scope.doc.draft };
      case 'array':
        return this.array(raw, scope, true);
      case 'object':
        return this.object(raw, scope, true);
      default:
        return undefined;
    }
  }

  private string(raw: JsonObject, draft: JsonSchemaDraft, requiresString: boolean): StringNode {
    const pattern = own(raw, 'pattern');
    return {
      kind: 'string',
      raw,
      tag: requiresString ? 'type:string' : 'string',
      common: NO_COMMON,
      draft,
      requiresString,
      minLength: num(own(raw, 'minLength')),
      maxLength: num(own(raw, 'maxLength')),
      pattern: typeof pattern === 'string' ? pattern : undefined,
    };
  }

  private number(raw: JsonObject, draft: JsonSchemaDraft, requiresNumber: boolean, requiresInteger: boolean): NumberNode {
    const draft04 = draft === 'draft-04';
    return {
      kind: 'number',
      raw,
      tag: requiresInteger ? 'type:integer' : requiresNumber ? 'type:number' : 'number',
      common: NO_COMMON,
      draft,
      requiresNumber,
      requiresInteger,
      minimum: num(own(raw, 'minimum')),
      maximum: num(own(raw, 'maximum')),
      exclusiveMinimum: draft04 ? undefined : num(own(raw, 'exclusiveMinimum')),
      exclusiveMaximum: draft04 ? undefined : num(own(raw, 'exclusiveMaximum')),
      multipleOf: num(own(raw, 'multipleOf')),
    };
  }

  private object(raw: JsonObject, scope: Scope, requiresObject: boolean): ObjectNode {
    const modern = isModernDraft(scope.doc.draft);
    const properties = new Map<string, Node>();
    const props = own(raw, 'properties');
    if (isJsonObject(props)) for (const [name, schema] of Object.entries(props)) properties.set(name, this.node(schema, scope));

    const required = new Set<string>();
    const req = own(raw, 'required');
    if (Array.isArray(req)) for (const name of req) if (typeof name === 'string') required.add(name);

    const patternProperties: PatternProperty[] = [];
    const patterns = own(raw, 'patternProperties');
    if (isJsonObject(patterns)) {
      for (const [pattern, schema] of Object.entries(patterns)) patternProperties.push({ pattern, schema: this.node(schema, scope) });
    }

    const additional = own(raw, 'additionalProperties');
    const propertyDependencies = new Map<string, ReadonlySet<string>>();
    const schemaDependencies = new Map<string, Node>();
    const addDependencies = (deps: unknown, arrays: boolean, schemas: boolean): void => {
      if (!isJsonObject(deps)) return;
      for (const [name, dep] of Object.entries(deps)) {
        if (arrays && Array.isArray(dep)) propertyDependencies.set(name, new Set(dep.filter((d): d is string => typeof d === 'string')));
        else if (schemas && (isJsonObject(dep) || typeof dep === 'boolean')) schemaDependencies.set(name, this.node(dep, scope));
      }
    };
    addDependencies(own(raw, 'dependencies'), true, true);
    if (modern) {
      addDependencies(own(raw, 'dependentRequired'), true, false);
      addDependencies(own(raw, 'dependentSchemas'), false, true);
    }

    return {
      kind: 'object',
      raw,
      tag: requiresObject ? 'type:object' : 'object',
      common: NO_COMMON,
      draft: scope.doc.draft,
      requiresObject,
      properties,
      required,
      patternProperties,
      permitsAdditional: additional !== false,
      additionalSchema: isJsonObject(additional) ? this.node(additional, scope) : undefined,
      unevaluated: modern && hasOwn(raw, 'unevaluatedProperties') ? this.node(own(raw, 'unevaluatedProperties'), scope) : undefined,
      propertyDependencies,
      schemaDependencies,
      minProperties: num(own(raw, 'minProperties')),
      maxProperties: num(own(raw, 'maxProperties')),
    };
  }

  private array(raw: JsonObject, scope: Scope, requiresArray: boolean): ArrayNode {
    const draft = scope.doc.draft;
    const items = own(raw, 'items');
    let allItems: Node | undefined;
    let itemSchemas: Node[] | undefined;
    let permitsAdditionalItems = true;
    let additionalItemsSchema: Node | undefined;
    if (draft === '2020-12') {
      const prefix = own(raw, 'prefixItems');
      if (Array.isArray(prefix)) itemSchemas = prefix.map((s) => this.node(s, scope));
      if (items === false) permitsAdditionalItems = false;
      else if (isJsonObject(items)) {
        if ((itemSchemas?.length ?? 0) === 0) allItems = this.node(items, scope);
        else additionalItemsSchema = this.node(items, scope);
      }
    } else {
      if (Array.isArray(items)) itemSchemas = items.map((s) => this.node(s, scope));
      else if (isJsonObject(items) || typeof items === 'boolean') allItems = this.node(items, scope);
      const additional = own(raw, 'additionalItems');
      if (additional === false) permitsAdditionalItems = false;
      else if (isJsonObject(additional)) additionalItemsSchema = this.node(additional, scope);
    }
    return {
      kind: 'array',
      raw,
      tag: requiresArray ? 'type:array' : 'array',
      common: NO_COMMON,
      draft,
      requiresArray,
      allItems,
      itemSchemas,
      permitsAdditionalItems,
      additionalItemsSchema,
      unevaluated: isModernDraft(draft) && hasOwn(raw, 'unevaluatedItems') ? this.node(own(raw, 'unevaluatedItems'), scope) : undefined,
      minItems: num(own(raw, 'minItems')),
      maxItems: num(own(raw, 'maxItems')),
      uniqueItems: own(raw, 'uniqueItems') === true,
      minContains: num(own(raw, 'minContains')),
      maxContains: num(own(raw, 'maxContains')),
    };
  }
}

function readCommon(raw: JsonObject, idKw: string): Common {
  const id = own(raw, idKw);
  const title = own(raw, 'title');
  const description = own(raw, 'description');
  const hasDefault = hasOwn(raw, 'default');
  if (typeof id !== 'string' && typeof title !== 'string' && typeof description !== 'string' && !hasDefault) return NO_COMMON;
  return {
    id: typeof id === 'string' ? id : undefined,
    title: typeof title === 'string' ? title : undefined,
    description: typeof description === 'string' ? description : undefined,
    hasDefault,
    defaultValue: hasDefault ? own(raw, 'default') : undefined,
  };
}

function groupOf(type: string): string {
  return type === 'integer' ? 'number' : type;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Follows references to the schema they name (an unresolvable or circular chain reads as `{}`). */
export function deref(node: Node): Node {
  let current = node;
  for (let hops = 0; current.kind === 'ref'; hops++) {
    const target = current.target();
    if (target === undefined || hops > 64) return UNKNOWN_NODE;
    current = target;
  }
  return current;
}

/** True for `{}` and `true`, which accept anything. */
export function isEmptySchema(node: Node): boolean {
  return node.kind === 'empty' || node.kind === 'true';
}

/** Kafka Connect's bytes marker (`connect.type: bytes`): two such schemas are never compared further. */
export function isConnectBytes(node: Node): boolean {
  const raw = node.raw;
  return isJsonObject(raw) && own(raw, 'connect.type') === 'bytes';
}


const REF_KEYWORDS = new Set(['$ref', '$recursiveRef', '$dynamicRef']);

/**
 * Whether two nodes build identical typed subtrees: same keyword group (`tag`), same JSON, same draft, and
 * no references below (a `$ref` resolves differently in different documents; conservatively, a reference
 * keyword anywhere, data included, counts). One walk that stops at the first difference, so checking a
 * changed subschema costs little and an unchanged one no more than the diff it saves.
 */
export function structurallyEqual(a: Node, b: Node): boolean {
  if (a.kind === 'ref' || b.kind === 'ref' || a.tag !== b.tag) return false;
  const ra = a.raw;
  const rb = b.raw;
  if (typeof ra !== 'object' || ra === null || typeof rb !== 'object' || rb === null) return typeof ra !== 'object' && typeof rb !== 'object';
  return a.draft !== undefined && a.draft === b.draft && equalWithoutReferences(ra, rb);
}

/**
 * `jsonEquals`, false as soon as a reference keyword is met. An object's keys are compared before any of
 * its values, so versions that differ by a property are told apart without walking the others.
 */
function equalWithoutReferences(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalWithoutReferences(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  for (const key in a) {
    if (REF_KEYWORDS.has(key) || !hasOwn(b as JsonObject, key)) return false;
    count++;
  }
  for (const _ in b) if (--count < 0) return false;
  if (count !== 0) return false;
  for (const key in a) if (!equalWithoutReferences((a as JsonObject)[key], (b as JsonObject)[key])) return false;
  return true;
}

/** Equal subschemas (same keyword group, same JSON), as allOf/anyOf/oneOf collapse duplicates. */
export function sameSubschema(a: Node, b: Node): boolean {
  return a.tag === b.tag && jsonEquals(a.raw, b.raw);
}

/** A hash agreeing with `sameSubschema`. */
export function subschemaHash(node: Node): number {
  return jsonHash(node.raw) ^ stringHash(node.tag);
}
