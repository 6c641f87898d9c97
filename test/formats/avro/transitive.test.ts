import { describe, expect, it } from 'vitest';
import { chainCases, checkLevel, parse } from './fixtures.js';

const chains = chainCases();

describe('Avro history chains (test/fixtures/compat/avro-transitive.json)', () => {
  it('holds the 15 chains the README announces', () => {
    expect(chains).toHaveLength(15);
  });

  it.each(chains)('$id ($level): $description', (c) => {
    const history = c.history.map(parse);
    const issues = checkLevel(c.level, history, parse(c.new));
    expect(issues.length === 0).toBe(c.compatible);
  });
});

describe('checkLevel (the helper applying a level to a history)', () => {
  const v1 = parse('{"type":"record","name":"r","fields":[{"name":"f1","type":"string"}]}');
  const v2 = parse('{"type":"record","name":"r","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string","default":"x"}]}');
  const v3 = parse('{"type":"record","name":"r","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string"}]}');

  it('checks only the latest version for a non-transitive level', () => {
    expect(checkLevel('BACKWARD', [v1, v2], v3)).toEqual([]);
  });

  it('checks every version for a transitive level', () => {
    const issues = checkLevel('BACKWARD_TRANSITIVE', [v1, v2], v3);
    expect(issues.map((i) => i.type)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
  });

  it('FORWARD swaps reader and writer, FULL does both', () => {
    const dropped = parse('{"type":"record","name":"r","fields":[]}');
    expect(checkLevel('BACKWARD', [v1], dropped)).toEqual([]);
    expect(checkLevel('FORWARD', [v1], dropped).map((i) => i.path)).toEqual(['/fields/0']);
    expect(checkLevel('FULL', [v1], dropped)).toHaveLength(1);
    expect(checkLevel('NONE', [v1], v3)).toEqual([]);
  });
});
