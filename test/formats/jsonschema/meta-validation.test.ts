/**
 * Meta-validation replaces ajv's `uniqueItems` (pairwise, so quadratic for an `enum`) with a hashing one:
 * it must answer exactly as ajv's own does, with the same error, including which keyword fails first.
 */
import { describe, expect, it } from 'vitest';
import { createAjv, describeErrors, metaSchemaError } from '../../../serdes/src/formats/jsonschema/ajv.js';
import { JSON_SCHEMA_DRAFTS, META_SCHEMA_URI } from '../../../serdes/src/formats/jsonschema/drafts.js';
import { prng as random } from '../../helpers/prng.js';

// Values that are equal in JSON but written differently, equal-looking values of different types, and
// type names (valid and not) for `type` arrays.
const VALUES: readonly unknown[] = [
  1, 1.5, '1', 'a', 'b', 'string', 'null', 'number', 'nope', null, true, false, 0, -0,
  { a: 1, b: [2] }, { b: [2], a: 1 }, [1, 2], [2, 1], [], {},
];

describe('meta-validation uniqueItems', () => {
  for (const draft of JSON_SCHEMA_DRAFTS) {
    it(`${draft}: same verdict and error as ajv's own uniqueItems on 600 generated schemas`, () => {
      const stock = createAjv(draft, { allErrors: false });
      const next = random(JSON_SCHEMA_DRAFTS.indexOf(draft) + 11);
      // Half the lists hold strings only, which pass `required`'s and `type`'s item checks (2019-09 and
      // 2020-12 require unique `required` and `type` entries, not `enum` values).
      const list = (): unknown[] => {
        const values = next() < 0.5 ? VALUES : VALUES.filter((v) => typeof v === 'string');
        return Array.from({ length: Math.floor(next() * 6) }, () => values[Math.floor(next() * values.length)]);
      };
      let rejected = 0;
      for (let round = 0; round < 600; round++) {
        const keyword = ['enum', 'required', 'type'][round % 3]!;
        const inner = { [keyword]: list(), ...(next() < 0.3 ? { minItems: list().length } : {}) };
        const schema = next() < 0.5 ? inner : { properties: { x: inner }, items: [{ allOf: [inner] }] };
        const expected = stock.validate(META_SCHEMA_URI[draft], schema) ? undefined : describeErrors(stock.errors ?? []);
        expect(metaSchemaError(schema, draft), JSON.stringify(schema)).toBe(expected);
        if (expected?.includes('duplicate')) rejected++;
      }
      // Duplicates must actually have been met, else nothing was compared.
      expect(rejected).toBeGreaterThan(10);
    });
  }
});
