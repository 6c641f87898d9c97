import { describe, expect, it } from 'vitest';
import { avroFormat } from '../../../serdes/src/formats/index.js';
import { readerWriterIncompatibilities } from '../../../serdes/src/formats/avro/index.js';
import { expectedIncompatibilities, parse, pairCases } from './fixtures.js';

const cases = pairCases();

describe('Avro pairwise compatibility corpus (test/fixtures/compat/avro.json)', () => {
  it('holds the 137 cases the README announces', () => {
    expect(cases).toHaveLength(137);
  });

  describe.each(cases)('$id: $description', (c) => {
    const writer = parse(c.writer);
    const reader = parse(c.reader);

    it(`backward (new reads old) is ${c.backward}`, () => {
      expect(avroFormat.backwardIssues(reader, writer).length === 0).toBe(c.backward);
    });

    it(`forward (old reads new) is ${c.forward}`, () => {
      expect(avroFormat.backwardIssues(writer, reader).length === 0).toBe(c.forward);
    });

    it('reports exactly the incompatibilities Avro-Java reports (type, location, message)', () => {
      const expected = expectedIncompatibilities(c.reference_incompatibilities);
      const actual = [
        ...readerWriterIncompatibilities(reader.root, writer.root).map((i) => ({ direction: 'B', ...i })),
        ...readerWriterIncompatibilities(writer.root, reader.root).map((i) => ({ direction: 'F', ...i })),
      ].map((i) => ({ direction: i.direction, type: i.type, path: i.location, info: i.info }));
      expect(actual).toEqual(expected);
    });
  });
});
