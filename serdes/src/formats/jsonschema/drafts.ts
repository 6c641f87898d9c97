/**
 * JSON Schema drafts: which one a document uses, and the keyword groups each one knows.
 *
 * Like Confluent, a document's `$schema` picks the draft; without one (or with one we do not know)
 * the document is read as draft-07.
 */

export type JsonSchemaDraft = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

export const JSON_SCHEMA_DRAFTS: readonly JsonSchemaDraft[] = ['draft-04', 'draft-06', 'draft-07', '2019-09', '2020-12'];

/** Confluent reads schemas without `$schema` as draft-07. */
export const DEFAULT_DRAFT: JsonSchemaDraft = 'draft-07';

/** The meta-schema URI of each draft (as ajv registers it). */
export const META_SCHEMA_URI: Readonly<Record<JsonSchemaDraft, string>> = {
  'draft-04': 'http://json-schema.org/draft-04/schema#',
  'draft-06': 'http://json-schema.org/draft-06/schema#',
  'draft-07': 'http://json-schema.org/draft-07/schema#',
  '2019-09': 'https://json-schema.org/draft/2019-09/schema',
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
};

const SCHEMA_URI = /^https?:\/\/json-schema\.org\/(?:draft-0([467])\/schema|draft\/(2019-09|2020-12)\/schema)\/?#?$/;

/** The draft named by a `$schema` value, or undefined when it names none we know. */
export function draftOfUri(uri: string): JsonSchemaDraft | undefined {
  const m = SCHEMA_URI.exec(uri.trim());
  if (m === null) return undefined;
  if (m[1] !== undefined) return `draft-0${m[1]}` as JsonSchemaDraft;
  return m[2] as JsonSchemaDraft;
}

/** The draft a schema document is written in. */
export function detectDraft(value: unknown): JsonSchemaDraft {
  if (isJsonObject(value) && typeof value.$schema === 'string') {
    return draftOfUri(value.$schema) ?? DEFAULT_DRAFT;
  }
  return DEFAULT_DRAFT;
}

/** 2019-09 and later: `$ref` applies alongside its siblings, `$defs`, `$anchor`, unevaluated*, dependent*. */
export function isModernDraft(draft: JsonSchemaDraft): boolean {
  return draft === '2019-09' || draft === '2020-12';
}

/** The keyword that gives a schema its URI. */
export function idKeyword(draft: JsonSchemaDraft): 'id' | '$id' {
  return draft === 'draft-04' ? 'id' : '$id';
}

export type JsonObject = { readonly [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of a parsed JSON object (never something inherited such as `constructor`). */
export function own(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

// ---- keyword groups (as the reference implementation groups them into typed schemas) ----

export const NUMBER_KEYWORDS: readonly string[] = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
export const STRING_KEYWORDS: readonly string[] = ['minLength', 'maxLength', 'pattern', 'format'];
export const CONDITIONAL_KEYWORDS: readonly string[] = ['if', 'then', 'else'];

export function arrayKeywords(draft: JsonSchemaDraft): readonly string[] {
  switch (draft) {
    case 'draft-04':
      return ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
    case 'draft-06':
    case 'draft-07':
      return ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'];
    case '2019-09':
      return ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'unevaluatedItems'];
    case '2020-12':
      return ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'unevaluatedItems'];
  }
}

export function objectKeywords(draft: JsonSchemaDraft): readonly string[] {
  switch (draft) {
    case 'draft-04':
      return ['properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties', 'additionalProperties'];
    case 'draft-06':
    case 'draft-07':
      return ['properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties', 'additionalProperties', 'propertyNames'];
    case '2019-09':
    case '2020-12':
      return [
        'properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties',
        'additionalProperties', 'propertyNames', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties',
      ];
  }
}

// ---- where subschemas live (used to walk documents for $id, anchors and $ref) ----

/** Keywords whose value is one subschema. */
export const SCHEMA_KEYWORDS: readonly string[] = [
  'additionalProperties', 'additionalItems', 'items', 'not', 'contains', 'propertyNames', 'if', 'then', 'else',
  'unevaluatedProperties', 'unevaluatedItems', 'contentSchema',
];
/** Keywords whose value maps names to subschemas. */
export const SCHEMA_MAP_KEYWORDS: readonly string[] = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];
/** Keywords whose value is an array of subschemas. */
export const SCHEMA_ARRAY_KEYWORDS: readonly string[] = ['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems'];

/**
 * Calls `visit` with each schema object directly below `schema`, the keyword holding it and, in a map
 * or array, its name or index (walks push these on a stack, so the order decides which of several
 * errors is reported first: keep it).
 */
export function forEachChildSchema(schema: JsonObject, visit: (child: JsonObject, keyword: string, name?: string) => void): void {
  for (const kw of SCHEMA_KEYWORDS) {
    const child = own(schema, kw);
    if (isJsonObject(child)) visit(child, kw);
  }
  for (const kw of SCHEMA_MAP_KEYWORDS) {
    const map = own(schema, kw);
    if (!isJsonObject(map)) continue;
    for (const name of Object.keys(map)) {
      const child = map[name];
      if (isJsonObject(child)) visit(child, kw, name);
    }
  }
  for (const kw of SCHEMA_ARRAY_KEYWORDS) {
    const list = own(schema, kw);
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const child: unknown = list[i];
      if (isJsonObject(child)) visit(child, kw, String(i));
    }
  }
}
