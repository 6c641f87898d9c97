/**
 * readString, the string reader of the Avro and Protobuf decoders: every length class (empty, interned
 * ≤ 16 bytes, short ASCII ≤ 32, long), non-ASCII, and the intern table under collisions: whatever the
 * table holds, the answer is the string of the bytes asked for.
 */
import { describe, expect, it } from 'vitest';
import { readString, type NodeBuffer } from '../../serdes/src/serde/avsc-internal.js';

const read = (text: string, prefix = 'xx') => {
  const buf = Buffer.from(prefix + text + 'yy', 'utf8') as NodeBuffer;
  return readString(buf, Buffer.byteLength(prefix), Buffer.byteLength(text));
};

describe('readString', () => {
  it('reads every length class and non-ASCII text', () => {
    for (const s of ['', 'a', 'EUR', 'x'.repeat(16), 'x'.repeat(17), 'y'.repeat(32), 'z'.repeat(33), 'Zürich', '日本', '🎉ok', 'é'.repeat(40)]) {
      expect(read(s)).toBe(s);
      expect(read(s, '')).toBe(s); // again, at another offset: a hit in the intern table for short ASCII
    }
  });

  it('answers the bytes asked for, never a colliding string from the table', () => {
    // 20,000 distinct short strings through a 4,096-slot table: collisions are certain.
    const strings = Array.from({ length: 20_000 }, (_, i) => `k${i.toString(36)}`);
    for (let round = 0; round < 3; round++) {
      for (const s of strings) expect(read(s)).toBe(s);
    }
    // Same length, same characters, other order (the hash mixes positions; the check compares bytes).
    for (const [a, b] of [['ab', 'ba'], ['EUR', 'URE'], ['abcdefghijklmnop', 'ponmlkjihgfedcba']]) {
      expect(read(a!)).toBe(a);
      expect(read(b!)).toBe(b);
      expect(read(a!)).toBe(a);
    }
  });
});
