/**
 * Which `logicalType` properties Avro-Java recognises (`LogicalTypes.fromSchemaIgnoreInvalid`, Avro
 * 1.12): anything else, or a known logical type on the wrong base type, is just a property.
 *
 * Only Confluent's normalizer cares (it writes a recognised logical type's attributes first); the
 * compatibility check ignores logical types completely, as Avro-Java's does.
 */
import { JsonNumber } from './json.js';
import type { SchemaNode } from './model.js';

export interface LogicalType {
  name: string;
  /** decimal only */
  precision?: number;
  /** decimal only; 0 when absent */
  scale?: number;
}

const INT_TYPES = new Set(['date', 'time-millis']);
const LONG_TYPES = new Set([
  'time-micros',
  'timestamp-millis',
  'timestamp-micros',
  'timestamp-nanos',
  'local-timestamp-millis',
  'local-timestamp-micros',
  'local-timestamp-nanos',
]);

/** An int property as Avro-Java reads it (`getObjectProp` must give an Integer). */
function intProp(node: SchemaNode, key: string): number | null | undefined {
  if (node.type === 'union') return undefined;
  const v = node.props.get(key);
  if (v === undefined) return undefined;
  return v instanceof JsonNumber && v.fitsInt() ? v.toNumber() : null;
}

function decimal(node: SchemaNode): LogicalType | undefined {
  if (node.type !== 'bytes' && node.type !== 'fixed') return undefined;
  const precision = intProp(node, 'precision');
  if (precision === undefined || precision === null || precision <= 0) return undefined;
  const s = intProp(node, 'scale');
  if (s === null) return undefined;
  const scale = s ?? 0;
  if (scale < 0 || scale > precision) return undefined;
  if (node.type === 'fixed') {
    const max = Math.round(Math.floor(Math.log10(Math.pow(2, 8 * node.size - 1) - 1)));
    if (precision > max) return undefined;
  }
  return { name: 'decimal', precision, scale };
}

/** The logical type Avro-Java would attach to `node`, if any. */
export function logicalTypeOf(node: SchemaNode): LogicalType | undefined {
  if (node.type === 'union') return undefined;
  const name = node.props.get('logicalType');
  if (typeof name !== 'string') return undefined;
  if (name === 'decimal') return decimal(node);
  if (INT_TYPES.has(name)) return node.type === 'int' ? { name } : undefined;
  if (LONG_TYPES.has(name)) return node.type === 'long' ? { name } : undefined;
  switch (name) {
    case 'uuid':
      return node.type === 'string' || (node.type === 'fixed' && node.size === 16) ? { name } : undefined;
    case 'big-decimal':
      return node.type === 'bytes' ? { name } : undefined;
    case 'duration':
      return node.type === 'fixed' && node.size === 12 ? { name } : undefined;
    default:
      return undefined;
  }
}
