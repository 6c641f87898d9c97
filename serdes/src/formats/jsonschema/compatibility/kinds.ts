/**
 * The kinds of difference the JSON Schema diff reports (Confluent's names), which of them are
 * compatible under each `compatibilityPolicy`, and a sentence for each.
 */

export type CompatibilityPolicy = 'STRICT' | 'LENIENT';

/** One finding of the diff: its kind and where (`#/properties/foo`). */
export interface Difference {
  readonly type: string;
  readonly path: string;
}

const STRICT: readonly string[] = [
  'ID_CHANGED', 'DESCRIPTION_CHANGED', 'TITLE_CHANGED', 'DEFAULT_CHANGED', 'SCHEMA_REMOVED', 'TYPE_EXTENDED',
  'MAX_LENGTH_INCREASED', 'MAX_LENGTH_REMOVED', 'MIN_LENGTH_DECREASED', 'MIN_LENGTH_REMOVED', 'PATTERN_REMOVED',
  'MAXIMUM_INCREASED', 'MAXIMUM_REMOVED', 'MINIMUM_DECREASED', 'MINIMUM_REMOVED',
  'EXCLUSIVE_MAXIMUM_INCREASED', 'EXCLUSIVE_MAXIMUM_REMOVED', 'EXCLUSIVE_MINIMUM_DECREASED', 'EXCLUSIVE_MINIMUM_REMOVED',
  'MULTIPLE_OF_REDUCED', 'MULTIPLE_OF_REMOVED',
  'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', 'REQUIRED_ATTRIBUTE_REMOVED',
  'DEPENDENCY_ARRAY_NARROWED', 'DEPENDENCY_ARRAY_REMOVED', 'DEPENDENCY_SCHEMA_REMOVED',
  'MAX_PROPERTIES_INCREASED', 'MAX_PROPERTIES_REMOVED', 'MIN_PROPERTIES_DECREASED', 'MIN_PROPERTIES_REMOVED',
  'ADDITIONAL_PROPERTIES_ADDED', 'ADDITIONAL_PROPERTIES_EXTENDED',
  'UNEVALUATED_PROPERTIES_ADDED', 'UNEVALUATED_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'MAX_ITEMS_INCREASED', 'MAX_ITEMS_REMOVED', 'MIN_ITEMS_DECREASED', 'MIN_ITEMS_REMOVED',
  'MAX_CONTAINS_INCREASED', 'MAX_CONTAINS_REMOVED', 'MIN_CONTAINS_DECREASED', 'MIN_CONTAINS_REMOVED',
  'UNIQUE_ITEMS_REMOVED', 'ADDITIONAL_ITEMS_ADDED', 'ADDITIONAL_ITEMS_EXTENDED',
  'UNEVALUATED_ITEMS_ADDED', 'UNEVALUATED_ITEMS_EXTENDED',
  'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ENUM_ARRAY_EXTENDED',
  'COMBINED_TYPE_EXTENDED', 'PRODUCT_TYPE_NARROWED', 'SUM_TYPE_EXTENDED', 'NOT_TYPE_NARROWED',
];

/** LENIENT also accepts changes that only matter to data carrying properties the old schema did not describe. */
const LENIENT_EXTRA: readonly string[] = [
  'ADDITIONAL_PROPERTIES_NARROWED', 'ADDITIONAL_PROPERTIES_REMOVED',
  'UNEVALUATED_PROPERTIES_NARROWED', 'UNEVALUATED_PROPERTIES_REMOVED',
  'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
];

export const COMPATIBLE_CHANGES_STRICT: ReadonlySet<string> = new Set(STRICT);
export const COMPATIBLE_CHANGES_LENIENT: ReadonlySet<string> = new Set([...STRICT, ...LENIENT_EXTRA]);

export function compatibleChanges(policy: CompatibilityPolicy = 'STRICT'): ReadonlySet<string> {
  return policy === 'LENIENT' ? COMPATIBLE_CHANGES_LENIENT : COMPATIBLE_CHANGES_STRICT;
}

// ---- messages ----

/** What the path points at, for a person: "property 'foo'", "item 2", "'#/not'". */
function subject(path: string): string {
  const m = /(?:^|\/)(properties|required|dependencies|items)\/([^/]+)$/.exec(path);
  if (m !== null) {
    if (m[1] === 'items') return `item ${m[2]} (${path})`;
    if (m[1] === 'dependencies') return `the dependency of property '${m[2]}' (${path})`;
    return `property '${m[2]}' (${path})`;
  }
  const owner = /(?:^|\/)properties\/([^/]+)\/[^/]+$/.exec(path);
  if (owner !== null) return `'${path}' of property '${owner[1]}'`;
  return `'${path}'`;
}

const KEYWORD_OF: Readonly<Record<string, string>> = {
  MAX_LENGTH: 'maxLength', MIN_LENGTH: 'minLength', PATTERN: 'pattern', MAXIMUM: 'maximum', MINIMUM: 'minimum',
  EXCLUSIVE_MAXIMUM: 'exclusiveMaximum', EXCLUSIVE_MINIMUM: 'exclusiveMinimum', MULTIPLE_OF: 'multipleOf',
  MAX_PROPERTIES: 'maxProperties', MIN_PROPERTIES: 'minProperties', MAX_ITEMS: 'maxItems', MIN_ITEMS: 'minItems',
  MAX_CONTAINS: 'maxContains', MIN_CONTAINS: 'minContains', UNIQUE_ITEMS: 'uniqueItems',
  ADDITIONAL_PROPERTIES: 'additionalProperties', UNEVALUATED_PROPERTIES: 'unevaluatedProperties',
  ADDITIONAL_ITEMS: 'additionalItems', UNEVALUATED_ITEMS: 'unevaluatedItems',
};

/**
 * A sentence describing `diff` as found by a backward check: the reader is the schema being checked,
 * the writer the earlier one whose data it must read (FORWARD checks swap them).
 */
export function describeDifference(diff: Difference): string {
  const { type, path } = diff;
  const where = subject(path);
  switch (type) {
    case 'TYPE_CHANGED':
      return `The type of ${where} differs between the writer and reader schemas`;
    case 'TYPE_NARROWED':
      return `The reader schema narrows the type of ${where} (number to integer)`;
    case 'SCHEMA_ADDED':
      return `The reader schema adds a schema at ${where} that the writer schema does not constrain`;
    case 'REQUIRED_ATTRIBUTE_ADDED':
      return `The reader schema makes ${where} required without a default`;
    case 'ADDITIONAL_PROPERTIES_REMOVED':
    case 'ADDITIONAL_ITEMS_REMOVED':
    case 'UNEVALUATED_PROPERTIES_REMOVED':
    case 'UNEVALUATED_ITEMS_REMOVED':
      return `The reader schema no longer allows what the writer schema allowed at ${where}`;
    case 'ADDITIONAL_PROPERTIES_NARROWED':
    case 'ADDITIONAL_ITEMS_NARROWED':
    case 'UNEVALUATED_PROPERTIES_NARROWED':
    case 'UNEVALUATED_ITEMS_NARROWED':
      return `The reader schema constrains ${where} with a schema where the writer schema allowed any value`;
    case 'DEPENDENCY_ARRAY_ADDED':
    case 'DEPENDENCY_SCHEMA_ADDED':
      return `The reader schema adds ${where}`;
    case 'DEPENDENCY_ARRAY_EXTENDED':
      return `The reader schema requires more properties in ${where}`;
    case 'DEPENDENCY_ARRAY_CHANGED':
      return `The reader schema changes ${where}`;
    case 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
      return `The reader schema adds ${where}, but the writer schema's open content model already allowed it with any value`;
    case 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
      return `The reader schema adds required ${where} without a default, and the writer schema's open content model allowed it with any value`;
    case 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL':
      return `The reader schema adds required ${where} (with a default), but the writer schema's open content model allowed it with any value`;
    case 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL':
      return `The reader schema adds required ${where} without a default, which data written with the writer schema lacks`;
    case 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return `The reader schema removes ${where}, and its closed content model rejects data that has it`;
    case 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `The reader schema adds ${where} with a schema incompatible with the writer schema's patternProperties/additionalProperties that covered it`;
    case 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `The reader schema removes ${where}, and its patternProperties/additionalProperties do not accept the values the writer schema allowed`;
    case 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL':
      return `The reader schema adds ${where}, but the writer schema's open content model already allowed any value there`;
    case 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return `The reader schema removes ${where}, and its closed content model rejects arrays that long`;
    case 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `The reader schema adds ${where} with a schema incompatible with the writer schema's additional items schema`;
    case 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `The reader schema removes ${where}, and its additional items schema does not accept the values the writer schema allowed`;
    case 'ENUM_ARRAY_NARROWED':
      return `The reader schema removes values from the enum at ${where}`;
    case 'ENUM_ARRAY_CHANGED':
      return `The reader schema changes the allowed values (enum/const) at ${where}`;
    case 'COMBINED_TYPE_CHANGED':
      return `The reader schema changes the combination keyword (allOf/anyOf/oneOf) at ${where}`;
    case 'PRODUCT_TYPE_EXTENDED':
      return `The reader schema adds subschemas to the allOf at ${where}`;
    case 'SUM_TYPE_NARROWED':
      return `The reader schema removes alternatives from the anyOf/oneOf at ${where}`;
    case 'COMBINED_TYPE_SUBSCHEMAS_CHANGED':
      return `The subschemas of ${where} in the reader schema cannot all be matched with compatible ones in the writer schema`;
    case 'NOT_TYPE_EXTENDED':
      return `The reader schema's 'not' at ${where} excludes more values than the writer schema's`;
    case 'UNIQUE_ITEMS_ADDED':
      return `The reader schema requires unique items at ${where}`;
    default:
      break;
  }
  const m = /^([A-Z_]+?)_(ADDED|REMOVED|INCREASED|DECREASED|EXTENDED|NARROWED|CHANGED|EXPANDED|REDUCED)$/.exec(type);
  const keyword = m !== null ? KEYWORD_OF[m[1]!] : undefined;
  if (m !== null && keyword !== undefined) {
    const verb: Readonly<Record<string, string>> = {
      ADDED: `adds '${keyword}'`, REMOVED: `removes '${keyword}'`, INCREASED: `increases '${keyword}'`,
      DECREASED: `decreases '${keyword}'`, EXTENDED: `widens '${keyword}'`, NARROWED: `narrows '${keyword}'`,
      CHANGED: `changes '${keyword}'`, EXPANDED: `changes '${keyword}' to a multiple of its old value`,
      REDUCED: `changes '${keyword}' to a divisor of its old value`,
    };
    return `The reader schema ${verb[m[2]!]} at ${where}`;
  }
  return `${type} at ${where}`;
}
