/**
 * Key management for shared KEKs: the registry wraps and unwraps DEKs with the KMS key a KEK names only when
 * the KEK is `shared`. A `Kms` is one KMS key; a `KmsDriver` makes one from a KEK (its kmsType, kmsKeyId and
 * kmsProps). The local KMS (`local-kms`) is built in; cloud KMSs plug in as drivers.
 */
import type { KekRecord } from '../../store/store.js';

/** One KMS key: wraps (encrypts) and unwraps (decrypts) key material. */
export interface Kms {
  encrypt(plaintext: Buffer): Promise<Buffer>;
  decrypt(ciphertext: Buffer): Promise<Buffer>;
}

/** Makes the `Kms` of a KEK of one kmsType; throws when it cannot (missing credentials, bad key id). */
export interface KmsDriver {
  readonly kmsType: string;
  forKek(kek: KekRecord): Kms;
}

/** The drivers the registry may use for shared KEKs, by kmsType. */
export class KmsDrivers {
  private readonly drivers = new Map<string, KmsDriver>();

  constructor(drivers: readonly KmsDriver[] = []) {
    for (const d of drivers) this.drivers.set(d.kmsType, d);
  }

  /** The KEK's KMS; throws (a message naming the KEK's key URL, never a secret) when there is none. */
  forKek(kek: KekRecord): Kms {
    const driver = this.drivers.get(kek.kmsType);
    if (!driver) throw new Error(`No kms client found for ${kek.kmsType}://${kek.kmsKeyId}`);
    return driver.forKek(kek);
  }
}
