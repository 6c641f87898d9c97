/**
 * The ciphers of Confluent's field-level encryption, byte for byte as its clients write them:
 * - AES-GCM (AES256_GCM data keys, and AES128_GCM for the local KMS): 12-byte random IV, ciphertext,
 *   16-byte tag, no associated data; node:crypto.
 * - AES-SIV (AES256_SIV data keys, deterministic): RFC 5297 with a 64-byte key (first half for S2V's
 *   CMAC, second half for CTR) and one empty associated-data string, output `V || C`, as Tink's
 *   deterministic AEAD (and the miscreant library Confluent's JS client uses) writes it. node:crypto has
 *   AES but not the SIV mode, so S2V (RFC 4493 CMAC) and the CTR step are composed here from its
 *   AES-CBC/AES-CTR; no other library is needed (tested against RFC 5297's vector and Confluent's client).
 * Data keys travel as Tink key protos: AesGcmKey {version = 1, key_value = 3}, AesSivKey {version = 1,
 * key_value = 2}, version 0 (so only the key bytes field is written).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

export type DekAlgorithm = 'AES128_GCM' | 'AES256_GCM' | 'AES256_SIV';

const IV = 12;
const TAG = 16;

/** Random IVs taken from a pooled CSPRNG buffer (one randomFillSync per 341 IVs instead of one each). */
const ivPool = Buffer.allocUnsafeSlow(IV * 341);
let ivPos = ivPool.length;

function randomIv(): Buffer {
  if (ivPos + IV > ivPool.length) {
    randomFillSync(ivPool);
    ivPos = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivPos, ivPos + IV));
  ivPool.fill(0, ivPos, ivPos + IV);
  ivPos += IV;
  return iv;
}

export function keySize(algorithm: DekAlgorithm): number {
  return algorithm === 'AES256_SIV' ? 64 : algorithm === 'AES128_GCM' ? 16 : 32;
}

/** A Tink key proto with the raw key in field `field` (version 0 is not written). */
function keyProto(field: number, raw: Buffer): Buffer {
  const len: number[] = [];
  let n = raw.length;
  while (n > 0x7f) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), raw]);
}

/** The raw key in a Tink AesGcmKey / AesSivKey proto (its bytes field `field`). */
function rawKeyOf(proto: Uint8Array, field: number): Buffer {
  const buf = Buffer.from(proto.buffer, proto.byteOffset, proto.byteLength);
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated key proto');
      const b = buf[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  let key: Buffer | undefined;
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new Error('truncated key proto');
      if (tag >>> 3 === field) key = buf.subarray(pos, pos + len);
      pos += len;
    } else throw new Error(`unexpected wire type ${wire} in key proto`);
  }
  if (key === undefined) throw new Error('key proto has no key bytes');
  return key;
}

const GCM_FIELD = 3;
const SIV_FIELD = 2;

/** A new data key, as the Tink key proto Confluent's clients store (wrapped) in the DEK registry. */
export function generateKey(algorithm: DekAlgorithm): Buffer {
  return keyProto(algorithm === 'AES256_SIV' ? SIV_FIELD : GCM_FIELD, randomBytes(keySize(algorithm)));
}

/** The key proto of a raw key (the local KMS's derived key). */
export function gcmKeyProto(raw: Buffer): Buffer {
  return keyProto(GCM_FIELD, raw);
}

export interface Aead {
  encrypt(plaintext: Uint8Array): Buffer;
  decrypt(ciphertext: Uint8Array): Buffer;
}

/** The cipher of a data key (its Tink key proto), checked against the algorithm's key size. */
export function aeadFor(algorithm: DekAlgorithm, keyMaterial: Uint8Array): Aead {
  const raw = rawKeyOf(keyMaterial, algorithm === 'AES256_SIV' ? SIV_FIELD : GCM_FIELD);
  if (raw.length !== keySize(algorithm)) throw new Error(`a ${algorithm} key has ${keySize(algorithm)} bytes, not ${raw.length}`);
  return algorithm === 'AES256_SIV' ? new AesSiv(raw) : new AesGcm(raw);
}

export class AesGcm implements Aead {
  private readonly cipher: string;
  constructor(private readonly key: Buffer) {
    if (key.length !== 16 && key.length !== 32) throw new Error(`AES-GCM keys have 16 or 32 bytes, not ${key.length}`);
    this.cipher = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const iv = randomIv();
    const c = createCipheriv(this.cipher as 'aes-256-gcm', this.key, iv);
    const body = c.update(plaintext);
    const final = c.final();
    return Buffer.concat([iv, body, final, c.getAuthTag()]);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (ciphertext.length < IV + TAG) throw new Error('ciphertext too short');
    const ct = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const d = createDecipheriv(this.cipher as 'aes-256-gcm', this.key, ct.subarray(0, IV));
    d.setAuthTag(ct.subarray(ct.length - TAG));
    return Buffer.concat([d.update(ct.subarray(IV, ct.length - TAG)), d.final()]);
  }
}

const ZERO = Buffer.alloc(16);

/** Doubling in GF(2^128) (RFC 5297 `dbl`). */
function dbl(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(16);
  let carry = 0;
  for (let i = 15; i >= 0; i--) {
    const v = b[i]!;
    out[i] = ((v << 1) & 0xff) | carry;
    carry = v >>> 7;
  }
  if (b[0]! & 0x80) out[15] = out[15]! ^ 0x87;
  return out;
}

function xorInto(a: Buffer, b: Buffer, offset = 0): void {
  for (let i = 0; i < b.length; i++) a[offset + i] = a[offset + i]! ^ b[i]!;
}

/** AES-CMAC (RFC 4493) with subkeys computed once. */
class Cmac {
  private readonly k1: Buffer;
  private readonly k2: Buffer;
  private readonly cbc: string;
  constructor(private readonly key: Buffer) {
    this.cbc = key.length === 16 ? 'aes-128-cbc' : key.length === 24 ? 'aes-192-cbc' : 'aes-256-cbc';
    const l = this.cbcMac(ZERO);
    this.k1 = dbl(l);
    this.k2 = dbl(this.k1);
  }

  private cbcMac(data: Buffer): Buffer {
    const c = createCipheriv(this.cbc as 'aes-256-cbc', this.key, ZERO);
    c.setAutoPadding(false);
    const out = c.update(data);
    c.final();
    return out.subarray(out.length - 16);
  }

  mac(message: Buffer): Buffer {
    const n = message.length === 0 ? 1 : Math.ceil(message.length / 16);
    const complete = message.length > 0 && message.length % 16 === 0;
    const data = Buffer.alloc(n * 16);
    message.copy(data);
    if (complete) xorInto(data, this.k1, (n - 1) * 16);
    else {
      data[message.length] = 0x80;
      xorInto(data, this.k2, (n - 1) * 16);
    }
    return this.cbcMac(data);
  }
}

/** AES-SIV (RFC 5297) with one associated-data string (empty, as Confluent's clients use it). */
export class AesSiv implements Aead {
  private readonly cmac: Cmac;
  private readonly ctrKey: Buffer;
  private readonly ctr: string;
  private static readonly EMPTY_AD = Buffer.alloc(0);

  constructor(key: Buffer) {
    if (key.length !== 32 && key.length !== 48 && key.length !== 64) throw new Error(`AES-SIV keys have 32, 48 or 64 bytes, not ${key.length}`);
    const half = key.length / 2;
    this.cmac = new Cmac(Buffer.from(key.subarray(0, half)));
    this.ctrKey = Buffer.from(key.subarray(half));
    this.ctr = half === 16 ? 'aes-128-ctr' : half === 24 ? 'aes-192-ctr' : 'aes-256-ctr';
  }

  private s2v(associated: readonly Buffer[], plaintext: Buffer): Buffer {
    let d = this.cmac.mac(ZERO);
    for (const ad of associated) {
      d = dbl(d);
      xorInto(d, this.cmac.mac(ad));
    }
    let t: Buffer;
    if (plaintext.length >= 16) {
      t = Buffer.from(plaintext);
      xorInto(t, d, t.length - 16);
    } else {
      t = dbl(d);
      const padded = Buffer.alloc(16);
      plaintext.copy(padded);
      padded[plaintext.length] = 0x80;
      xorInto(t, padded);
    }
    return this.cmac.mac(t);
  }

  private ctrXor(v: Buffer, data: Buffer): Buffer {
    const q = Buffer.from(v);
    q[8] = q[8]! & 0x7f;
    q[12] = q[12]! & 0x7f;
    const c = createCipheriv(this.ctr as 'aes-256-ctr', this.ctrKey, q);
    return Buffer.concat([c.update(data), c.final()]);
  }

  encryptWith(plaintext: Uint8Array, associated: readonly Buffer[]): Buffer {
    const p = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    const v = this.s2v(associated, p);
    return Buffer.concat([v, this.ctrXor(v, p)]);
  }

  decryptWith(ciphertext: Uint8Array, associated: readonly Buffer[]): Buffer {
    if (ciphertext.length < 16) throw new Error('ciphertext too short');
    const c = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const v = c.subarray(0, 16);
    const p = this.ctrXor(v, c.subarray(16));
    if (!timingSafeEqual(this.s2v(associated, p), v)) throw new Error('AES-SIV: ciphertext is not authentic (wrong key or changed bytes)');
    return p;
  }

  encrypt(plaintext: Uint8Array): Buffer {
    return this.encryptWith(plaintext, [AesSiv.EMPTY_AD]);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return this.decryptWith(ciphertext, [AesSiv.EMPTY_AD]);
  }
}
