import { describe, expect, it } from 'vitest';
import { formatFor } from '@schemata/serdes/formats';

describe('format registry', () => {
  it('knows the three schema types and nothing else', () => {
    expect(formatFor('AVRO')?.type).toBe('AVRO');
    expect(formatFor('PROTOBUF')?.type).toBe('PROTOBUF');
    expect(formatFor('JSON')?.type).toBe('JSON');
    expect(formatFor('XML')).toBeUndefined();
    expect(formatFor('toString')).toBeUndefined();
  });
});
