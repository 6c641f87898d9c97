/**
 * The growing JSON Schema shapes that `bench:complexity` registers (test/bench/lib/complexity/jsonschema.mjs):
 * each `evolved(n)` must be a valid schema one entry larger than `schema(n)` and BACKWARD compatible with it,
 * or the benchmark would time an early rejection instead of the whole check.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_LIMITS } from '../../../serdes/src/formats/format.js';
import { jsonSchemaFormat } from '../../../serdes/src/formats/jsonschema/index.js';

interface GrowthCase {
  name: string;
  schemaType: string;
  schema(n: number): string;
  evolved(n: number): string;
}

// A plain-JS module without type declarations: imported by URL, typed here.
const url = new URL('../../bench/lib/complexity/jsonschema.mjs', import.meta.url).href;
const { cases } = (await import(url)) as { cases: GrowthCase[] };

/** The entries of the growing dimension of a case's schema text, each as JSON. */
function entries(name: string, text: string): string[] {
  const schema = JSON.parse(text) as Record<string, unknown>;
  if (name.startsWith('anyOf')) return (schema.anyOf as unknown[]).map((b) => JSON.stringify(b));
  if (name.startsWith('oneOf')) return (schema.oneOf as unknown[]).map((b) => JSON.stringify(b));
  if (name.startsWith('object')) return Object.entries(schema.properties as object).map((p) => JSON.stringify(p));
  return (schema.enum as unknown[]).map((v) => JSON.stringify(v));
}

describe('bench:complexity JSON Schema cases', () => {
  it('cover anyOf, oneOf, object properties and enum values', () => {
    expect(cases.map((c) => c.name)).toEqual(['anyOf of n object branches', 'oneOf of n object branches', 'object with n properties', 'enum with n values']);
    for (const c of cases) expect(c.schemaType).toBe('JSON');
  });

  for (const c of cases) {
    it.each([1, 2, 40])(`${c.name}: evolved(%i) is valid, one larger, changed and BACKWARD compatible`, (n) => {
      const options = { limits: DEFAULT_SCHEMA_LIMITS };
      const older = jsonSchemaFormat.parse(c.schema(n), [], options);
      const newer = jsonSchemaFormat.parse(c.evolved(n), [], options);
      const before = entries(c.name, c.schema(n));
      const after = entries(c.name, c.evolved(n));
      expect([before.length, after.length]).toEqual([n, n + 1]);
      expect(jsonSchemaFormat.backwardIssues(newer, older)).toEqual([]);
      // The old entries changed too (an enum's values cannot: its description does), so the check cannot
      // skip them as unchanged subschemas.
      if (c.name.startsWith('enum')) expect(JSON.parse(c.evolved(n)).description).not.toBe(JSON.parse(c.schema(n)).description);
      else for (const entry of before) expect(after).not.toContain(entry);
    });
  }
});
