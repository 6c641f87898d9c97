/**
 * DEK key material as the Confluent clients use it: a serialized Tink key proto, not raw AES bytes.
 * AES-GCM: AesGcmKey { version = 0, key_value (field 3) }; AES-SIV: AesSivKey { version = 0,
 * key_value (field 2) }. Version 0 is proto3's default and not written, so the bytes are one tag, one
 * length and the key.
 */
import { randomBytes } from 'node:crypto';
import type { DekAlgorithm } from '../../store/store.js';

const FORMATS: Record<DekAlgorithm, { tag: number; size: number }> = {
  AES128_GCM: { tag: 0x1a, size: 16 },
  AES256_GCM: { tag: 0x1a, size: 32 },
  AES256_SIV: { tag: 0x12, size: 64 },
};

/** A fresh random DEK of the algorithm, in the clients' serialized form. */
export function generateKeyMaterial(algorithm: DekAlgorithm): Buffer {
  const { tag, size } = FORMATS[algorithm];
  return Buffer.concat([Buffer.from([tag, size]), randomBytes(size)]);
}
