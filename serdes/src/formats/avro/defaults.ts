/**
 * Default-value validation, as Avro-Java's `Schema.isValidDefault` does when the parser validates
 * defaults (Confluent turns this on for schemas being registered).
 *
 * Decision: a union's default must match the union's FIRST branch. That is the Avro specification and
 * Avro-Java up to 1.11 (and what avsc enforces when the SDK builds a Type); Avro-Java 1.12+ accepts a
 * default matching any branch (AVRO-3649). Registering a schema whose default only matches a later branch
 * would give a schema that avsc-based clients cannot load, so we keep the strict rule.
 */
import { JsonNumber, type JsonValue } from './json.js';
import type { SchemaNode } from './model.js';

/** Field defaults of a record may refer back to the record itself; stop following them here. */
const MAX_DEPTH = 1000;

/** Does `value` (a field default, `undefined` for none) fit `node`? */
export function isValidDefault(node: SchemaNode, value: JsonValue | undefined, depth = 0): boolean {
  if (value === undefined || depth > MAX_DEPTH) return false;
  switch (node.type) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof value === 'string';
    case 'int':
      return value instanceof JsonNumber && value.fitsInt();
    case 'long':
      return value instanceof JsonNumber && value.fitsLong();
    case 'float':
    case 'double':
      return value instanceof JsonNumber;
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value) && value.every((v) => isValidDefault(node.items, v, depth + 1));
    case 'map':
      if (!(value instanceof Map)) return false;
      for (const v of value.values()) {
        if (!isValidDefault(node.values, v, depth + 1)) return false;
      }
      return true;
    case 'union': {
      const first = node.types[0];
      return first !== undefined && isValidDefault(first, value, depth + 1);
    }
    case 'record':
      if (!(value instanceof Map)) return false;
      return node.fields.every((f) => isValidDefault(f.type, value.has(f.name) ? value.get(f.name) : f.default, depth + 1));
  }
}
