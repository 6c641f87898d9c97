/**
 * ajv instances: one shared instance per draft validates schemas against their meta-schema (created on
 * first use), and `createAjv` makes fresh instances for compiling data validators.
 */
import { createRequire } from 'node:module';
import AjvModule from 'ajv';
import Ajv2019Module from 'ajv/dist/2019.js';
import Ajv2020Module from 'ajv/dist/2020.js';
import AjvDraft04Module from 'ajv-draft-04';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { AnySchemaObject, ErrorObject, FuncKeywordDefinition, Options, SchemaValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import type AjvCoreModule from 'ajv/dist/core.js';
import { forEachChildSchema, isJsonObject, isModernDraft, META_SCHEMA_URI, own, type JsonObject, type JsonSchemaDraft } from './drafts.js';
import { JsonValueMap } from './json-value.js';
import { pointerOf, type SchemaPath } from './uri.js';

export type AjvInstance = AjvCoreModule.default;

const Ajv = AjvModule.default;
const Ajv2019 = Ajv2019Module.default;
const Ajv2020 = Ajv2020Module.default;
const AjvDraft04 = AjvDraft04Module.default;
const draft06MetaSchema = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json') as object;

/**
 * Patterns are Java regular expressions in Confluent; JavaScript's `u` mode rejects some of their
 * harmless escapes (`\_`, `\ `), so a pattern that fails in `u` mode is compiled without it.
 */
const lenientRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string): RegExp => {
    try {
      return new RegExp(pattern, flags);
    } catch (e) {
      if (!flags.includes('u')) throw e;
      return new RegExp(pattern, flags.replace('u', ''));
    }
  },
  { code: 'new RegExp' },
);

export function isValidRegExp(pattern: string): boolean {
  try {
    lenientRegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * A new ajv instance for `draft`, with the formats of ajv-formats and lenient patterns.
 * (ajv never checks `format` while validating against a meta-schema, so `pattern` syntax is checked
 * separately: see `invalidPattern`.)
 */
export function createAjv(draft: JsonSchemaDraft, options: Options = {}): AjvInstance {
  const opts: Options = {
    strict: false,
    logger: false,
    code: { regExp: lenientRegExp },
    formats: { ...fullFormats, regex: { type: 'string', validate: isValidRegExp } },
    ...options,
  };
  let ajv: AjvInstance;
  switch (draft) {
    case 'draft-04':
      ajv = new AjvDraft04(opts);
      break;
    case 'draft-06':
      ajv = new Ajv(opts);
      ajv.addMetaSchema(draft06MetaSchema);
      break;
    case 'draft-07':
      ajv = new Ajv(opts);
      break;
    case '2019-09':
      ajv = new Ajv2019(opts);
      break;
    case '2020-12':
      ajv = new Ajv2020(opts);
      break;
  }
  return ajv;
}

const metaValidators = new Map<JsonSchemaDraft, AjvInstance>();

/**
 * Validates `schema` against the meta-schema of `draft`. Returns undefined when valid, else the most
 * specific error as "<path> <message>" (e.g. `/properties/a/type must be equal to one of the allowed values`).
 */
export function metaSchemaError(schema: unknown, draft: JsonSchemaDraft): string | undefined {
  let ajv = metaValidators.get(draft);
  if (ajv === undefined) {
    ajv = createAjv(draft, { allErrors: false });
    ajv.removeKeyword('uniqueItems');
    ajv.addKeyword(uniqueItemsKeyword(draft));
    metaValidators.set(draft, ajv);
  }
  try {
    if (ajv.validate(META_SCHEMA_URI[draft], schema)) return undefined;
  } catch (e) {
    if (e instanceof RangeError) return '/ is nested too deeply to validate';
    throw e;
  }
  return describeErrors(ajv.errors ?? []);
}

/**
 * `uniqueItems` in linear time, for meta-validation. Unless the meta-schema types the items as scalars,
 * ajv compares them pairwise, so an `enum` (whose values must be unique up to draft-07) of n values cost
 * n²/2 deep comparisons. Here items are hashed by content. The result, the pair reported and its message
 * are ajv's, and the keyword keeps its place in ajv's evaluation order (which decides the error reported
 * when several keywords fail).
 */
function uniqueItemsKeyword(draft: JsonSchemaDraft): FuncKeywordDefinition {
  return {
    keyword: 'uniqueItems',
    type: 'array',
    schemaType: 'boolean',
    errors: true,
    ...(isModernDraft(draft) ? { before: 'maxContains' } : {}),
    validate: function uniqueItems(unique: boolean, items: readonly unknown[], parent?: AnySchemaObject): boolean {
      if (!unique) return true;
      const types = scalarTypes(parent?.items);
      const repeat = types === undefined ? lastRepeat(items) : repeatFromEnd(items, types);
      if (repeat === undefined) return true;
      const { i, j } = repeat;
      (uniqueItems as SchemaValidateFunction).errors = [
        { keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, params: { i, j } },
      ];
      return false;
    },
  };
}

/** The `type`s of an items schema when ajv treats them as scalars (its hashing path), else undefined. */
function scalarTypes(items: unknown): readonly string[] | undefined {
  const type = isJsonObject(items) ? own(items, 'type') : undefined;
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
  return types.length > 0 && !types.some((t) => t === 'object' || t === 'array') ? types : undefined;
}

/** ajv's pairwise path: the last item equal to an earlier one (i), and the nearest such earlier one (j). */
function lastRepeat(items: readonly unknown[]): { i: number; j: number } | undefined {
  const lastIndex = new JsonValueMap<number>();
  let repeat: { i: number; j: number } | undefined;
  items.forEach((item, i) => {
    const j = lastIndex.get(item);
    if (j !== undefined) repeat = { i, j };
    lastIndex.set(item, i);
  });
  return repeat;
}

/**
 * ajv's hashing path: from the end, items of another type skipped, the first item (i) whose value (as a
 * property name; strings suffixed when several types are allowed) was seen at a later index (j).
 */
function repeatFromEnd(items: readonly unknown[], types: readonly string[]): { i: number; j: number } | undefined {
  const seen = new Map<string, number>();
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!types.some((t) => hasType(item, t))) continue;
    const key = String(types.length > 1 && typeof item === 'string' ? `${item}_` : item);
    const j = seen.get(key);
    if (j !== undefined) return { i, j };
    seen.set(key, i);
  }
  return undefined;
}

/** ajv's type test (with its default `strictNumbers`). */
function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/** The deepest error first (ajv lists a failing `anyOf` after the branch errors that explain it). */
export function describeErrors(errors: readonly ErrorObject[]): string {
  let best: ErrorObject | undefined;
  for (const error of errors) {
    if (best === undefined || depth(error.instancePath) > depth(best.instancePath)) best = error;
  }
  if (best === undefined) return 'does not match its meta-schema';
  return `${best.instancePath === '' ? '/' : best.instancePath} ${best.message ?? `fails keyword ${best.keyword}`}`;
}

function depth(pointer: string): number {
  let n = 0;
  for (let i = 0; i < pointer.length; i++) if (pointer.charCodeAt(i) === 0x2f) n++;
  return n;
}

/** The first `pattern` / `patternProperties` regex that does not compile, as "<path> <message>". */
export function invalidPattern(schema: unknown): string | undefined {
  if (!isJsonObject(schema)) return undefined;
  const stack: Array<[JsonObject, SchemaPath | undefined]> = [[schema, undefined]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    const pattern = own(value, 'pattern');
    if (typeof pattern === 'string' && !isValidRegExp(pattern)) {
      return `${pointerOf(path)}/pattern must be a valid regular expression`;
    }
    const patterns = own(value, 'patternProperties');
    if (isJsonObject(patterns)) {
      for (const key of Object.keys(patterns)) {
        if (!isValidRegExp(key)) return `${pointerOf(path, 'patternProperties')} property name '${key}' must be a valid regular expression`;
      }
    }
    forEachChildSchema(value, (child, keyword, name) => stack.push([child, { parent: path, keyword, name }]));
  }
  return undefined;
}
