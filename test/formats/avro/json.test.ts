import { describe, expect, it } from 'vitest';
import {
  JsonNumber,
  JsonSyntaxError,
  javaDoubleToString,
  javaFloatToString,
  jsonEquals,
  parseJson,
  writeJson,
} from '../../../serdes/src/formats/avro/json.js';

describe('Java number formatting', () => {
  it.each([
    [1, '1.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [123.456, '123.456'],
    [-0, '-0.0'],
    [1.5e-7, '1.5E-7'],
    [1e21, '1.0E21'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-2.5e-300, '-2.5E-300'],
  ])('Double.toString(%s) = %s', (value, expected) => {
    expect(javaDoubleToString(value)).toBe(expected);
  });

  it.each([
    [0.1, '0.1'],
    [1 / 3, '0.33333334'],
    [1e10, '1.0E10'],
    [16777217, '1.6777216E7'],
  ])('Float.toString(%s) = %s', (value, expected) => {
    expect(javaFloatToString(value)).toBe(expected);
  });
});

describe('JSON reader', () => {
  it('keeps integral numbers exact and tells them from decimals', () => {
    const v = parseJson('[9223372036854775807, 1, 1.0, 1e2, -0]') as JsonNumber[];
    expect(v.map((n) => [n.text, n.integral])).toEqual([
      ['9223372036854775807', true],
      ['1', true],
      ['1.0', false],
      ['1e2', false],
      ['0', true],
    ]);
    expect(v[0]?.fitsLong()).toBe(true);
    expect(v[0]?.fitsInt()).toBe(false);
    expect(JsonNumber.fromLexeme('9223372036854775808').fitsLong()).toBe(false);
  });

  it('accepts comments, keeps the last duplicate at the first position', () => {
    const v = parseJson('// lead\n{"a": 1, /* mid */ "b": 2, "a": 3}');
    expect(writeJson(v)).toBe('{"a":3,"b":2}');
  });

  it('reports syntax errors with line and column', () => {
    const attempt = (text: string): JsonSyntaxError => {
      try {
        parseJson(text);
      } catch (e) {
        return e as JsonSyntaxError;
      }
      throw new Error('parsed');
    };
    expect(attempt('{\n  "a": 01\n}')).toMatchObject({ line: 2, column: 9 });
    expect(attempt('{"a": 01}').message).toContain('leading zeroes');
    expect(attempt('"\\x"').message).toContain('unrecognized character escape');
    expect(attempt('{"a": "x\ny"}').message).toContain('control character');
    expect(attempt('[1,]').message).toContain('expected a JSON value');
    expect(attempt('/* open').message).toContain('unterminated comment');
    expect(attempt('[1] x').message).toContain('dangling content');
  });

  it('limits the nesting depth', () => {
    expect(() => parseJson('['.repeat(3) + ']'.repeat(3), 2)).toThrow('nesting depth exceeds the maximum of 2');
    expect(() => parseJson('['.repeat(2) + ']'.repeat(2), 2)).not.toThrow();
  });
});

describe('JSON writer and equality', () => {
  it('escapes like Jackson and can sort keys', () => {
    const v = parseJson('{"z":"\\u0001\\t\\"\\\\/é","a":[true,null,1.50]}');
    expect(writeJson(v)).toBe('{"z":"\\u0001\\t\\"\\\\/é","a":[true,null,1.5]}');
    expect(writeJson(v, { sortKeys: true })).toBe('{"a":[true,null,1.5],"z":"\\u0001\\t\\"\\\\/é"}');
  });

  it('compares like JsonNode.equals', () => {
    expect(jsonEquals(parseJson('{"a":1,"b":[2.0]}'), parseJson('{"b":[2.0],"a":1}'))).toBe(true);
    expect(jsonEquals(parseJson('1'), parseJson('1.0'))).toBe(false);
    expect(jsonEquals(JsonNumber.fromDouble(NaN), JsonNumber.fromDouble(NaN))).toBe(true);
    expect(jsonEquals(parseJson('[1,2]'), parseJson('[2,1]'))).toBe(false);
  });
});
