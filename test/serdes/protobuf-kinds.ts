/** Protobuf message types covering every field kind, shared by the writer and decoder suites. */
import Long from 'long';
import protobuf from 'protobufjs';

export const KINDS_PROTO = `syntax = "proto3";
package t;
message All {
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 fx32 = 9; fixed64 fx64 = 10; sfixed32 sfx32 = 11;
  sfixed64 sfx64 = 12; bool b = 13; string s = 14; bytes by = 15; E e = 16;
  repeated int32 packed = 17; repeated string names = 18; repeated Inner inners = 19;
  map<string, Inner> byName = 20; map<int32, string> byNumber = 21; map<string, int64> counts = 28;
  oneof choice { string text = 22; Inner inner = 23; }
  Inner nested = 24; optional int32 maybe = 25; repeated sint64 zz = 26; repeated double ds = 27;
}
message Inner { string label = 1; Inner child = 2; repeated int64 values = 3; bytes blob = 4; }
message Narrow { string s = 14; }
message LongKeyed { map<int64, string> byLong = 1; map<bool, int32> byBool = 2; }
enum E { ZERO = 0; ONE = 1; NEG = -1; }
`;

export const kindsRoot = protobuf.parse(KINDS_PROTO).root;
export const All = kindsRoot.lookupType('t.All');
export const Inner = kindsRoot.lookupType('t.Inner');
export const Narrow = kindsRoot.lookupType('t.Narrow');
export const LongKeyed = kindsRoot.lookupType('t.LongKeyed');

/** An Inner message nested `depth` levels, with 64-bit values beyond 2^53. */
export const inner = (label: string, depth = 0): object =>
  depth === 0 ? { label } : { label, child: inner(label, depth - 1), values: [Long.fromString('-9007199254740993'), 5] };

/** A deterministic generator of random Inner trees (strings with non-ASCII, 64-bit values, blobs). */
export function randomInner(seed: number) {
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const str = (max = 200) =>
    String.fromCodePoint(...Array.from({ length: Math.floor(rand() * max) }, () => (rand() < 0.8 ? 32 + Math.floor(rand() * 90) : 0xa0 + Math.floor(rand() * 0x2000))));
  const message = (depth: number): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    if (rand() < 0.7) m.label = str();
    if (depth > 0 && rand() < 0.6) m.child = message(depth - 1);
    if (rand() < 0.5) m.values = Array.from({ length: Math.floor(rand() * 5) }, () => Long.fromBits((rand() * 2 ** 32) | 0, (rand() * 2 ** 32) | 0));
    if (rand() < 0.3) m.blob = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
    return m;
  };
  return { rand, str, message };
}
