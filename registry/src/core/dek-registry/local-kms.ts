/**
 * The local KMS (`kmsType: local-kms`), byte-compatible with the Confluent clients' local KMS: the key is
 * HKDF-SHA256 (no salt, no info) of a secret, 16 bytes, used as AES-128-GCM; a wrapped key is
 * IV (12 bytes) ‖ ciphertext ‖ tag (16 bytes). A client configured with the same secret unwraps what the
 * registry wraps and the other way round.
 *
 * The secret comes from the registry's configuration (LOCAL_KMS_SECRET / LOCAL_KMS_SECRET_FILE), or from the
 * KEK's `kmsProps.secret` as Confluent's driver allows (that one is stored with the KEK and never returned:
 * see entities.ts). It is held only inside a closure: never in an enumerable field, never logged.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { KekRecord } from '../../store/store.js';
import type { Kms, KmsDriver } from './kms.js';
import type { Secret } from './secret.js';

export const LOCAL_KMS_TYPE = 'local-kms';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AES-128-GCM key a secret stands for. */
function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), Buffer.alloc(0), 16));
}

export function localKms(secret: string): Kms {
  const key = deriveKey(secret);
  return {
    async encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-128-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]);
    },
    async decrypt(ciphertext) {
      if (ciphertext.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
      const decipher = createDecipheriv('aes-128-gcm', key, ciphertext.subarray(0, IV_BYTES));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
      return Buffer.concat([decipher.update(ciphertext.subarray(IV_BYTES, ciphertext.length - TAG_BYTES)), decipher.final()]);
    },
  };
}

/** The local KMS driver; `secret` is the configured one (undefined: only KEKs with kmsProps.secret work). */
export function localKmsDriver(secret: Secret | undefined): KmsDriver {
  return {
    kmsType: LOCAL_KMS_TYPE,
    forKek(kek: KekRecord): Kms {
      const s = kek.kmsProps.secret ?? secret?.reveal();
      if (s === undefined || s === '') throw new Error(`No secret configured for ${LOCAL_KMS_TYPE}://${kek.kmsKeyId}`);
      return localKms(s);
    },
  };
}
