/**
 * The shared JSON Schema compatibility corpus (test/fixtures/compat/jsonschema.json), every case in
 * both directions: BACKWARD is `backwardIssues(reader, writer)`, FORWARD the same call swapped.
 */
import { describe, expect, it } from 'vitest';
import { diffJsonSchemas, jsonSchemaFormat, type JsonSchema } from '../../../serdes/src/formats/jsonschema/index.js';
import { loadCorpus, type PairCase } from '../corpus.js';

interface Case extends PairCase {
  backward_lenient?: boolean;
  confluent_changes?: string[] | null;
}

const cases = loadCorpus<Case[]>('jsonschema.json');
const parse = (text: string) => jsonSchemaFormat.parse(text) as JsonSchema;

describe('jsonschema.json corpus', () => {
  it('holds the 91 cases the README announces, 3 of them without a verdict in one direction', () => {
    expect(cases).toHaveLength(91);
    const nullVerdicts = cases.filter((c) => c.backward === null || c.forward === null);
    expect(nullVerdicts.map((c) => c.id)).toEqual(['jsonschema-001', 'jsonschema-131', 'jsonschema-132']);
  });

  // The corpus has no verdict for these; ours, derived from Confluent's rules (evidence in NOTES.md).
  it.each([
    ['jsonschema-001', 'forward', false],
    ['jsonschema-131', 'forward', true],
    ['jsonschema-132', 'forward', true],
  ] as const)('our chosen verdict for %s %s is %s', (id, direction, expected) => {
    const c = cases.find((x) => x.id === id)!;
    const [newer, older] = direction === 'forward' ? [parse(c.writer), parse(c.reader)] : [parse(c.reader), parse(c.writer)];
    expect(jsonSchemaFormat.backwardIssues(newer, older).length === 0).toBe(expected);
  });

  for (const c of cases) {
    describe(`${c.id} ${c.description}`, () => {
      const writer = () => parse(c.writer);
      const reader = () => parse(c.reader);

      // A null verdict is tested above with our chosen answer, so no test is generated for it here.
      if (c.backward !== null)
        it(`BACKWARD is ${String(c.backward)}`, () => {
        const issues = jsonSchemaFormat.backwardIssues(reader(), writer());
        expect(issues.length === 0, JSON.stringify(issues)).toBe(c.backward);
      });

      if (c.forward !== null)
        it(`FORWARD is ${String(c.forward)}`, () => {
        const issues = jsonSchemaFormat.backwardIssues(writer(), reader());
        expect(issues.length === 0, JSON.stringify(issues)).toBe(c.forward);
      });

      // Only cases that carry a LENIENT verdict or a change list get those tests (not skipped ones).
      if (c.backward_lenient !== undefined)
        it(`BACKWARD under LENIENT is ${String(c.backward_lenient)}`, () => {
        const issues = jsonSchemaFormat.backwardIssues(reader(), writer(), { policy: 'LENIENT' });
        expect(issues.length === 0, JSON.stringify(issues)).toBe(c.backward_lenient);
      });

      if (c.confluent_changes != null)
        it("reports Confluent's differences (kind and path)", () => {
        const found = diffJsonSchemas(writer(), reader()).map((d) => `${d.type} ${d.path}`);
        expect([...found].sort()).toEqual([...c.confluent_changes!].sort());
        // Every incompatibility reported to the user is one Confluent lists.
        const issues = jsonSchemaFormat.backwardIssues(reader(), writer()).map((i) => `${i.type} ${i.path}`);
        for (const issue of issues) expect(c.confluent_changes).toContain(issue);
      });
    });
  }
});
