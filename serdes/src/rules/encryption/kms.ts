/**
 * KMS clients wrap and unwrap data keys with a key-encryption key (KEK) that never leaves the KMS. A
 * driver makes clients for the key URLs it knows (`<kmsType>://<kmsKeyId>`, e.g. `local-kms://…`,
 * `aws-kms://…`); register a driver for a cloud KMS with `registerKmsDriver`. Built in: the local KMS,
 * whose KEK is derived from a secret exactly as Confluent's `local-kms` does (HKDF-SHA256 of the secret,
 * no salt, no info, 16 bytes → AES-128-GCM), so keys wrapped by one client unwrap in the other. The
 * secret comes from the serde's `ruleConfig.secret`, else the LOCAL_SECRET environment variable.
 */
import { hkdfSync } from 'node:crypto';
import { AesGcm } from './aead.js';

export interface KmsClient {
  /** Whether this client holds the key of `keyUrl`. */
  supported(keyUrl: string): boolean;
  encrypt(plaintext: Buffer): Promise<Buffer> | Buffer;
  decrypt(ciphertext: Buffer): Promise<Buffer> | Buffer;
}

export interface KmsDriver {
  /** The key URL prefix it serves, e.g. `aws-kms://`. */
  readonly prefix: string;
  newClient(config: Readonly<Record<string, string>>, keyUrl: string): KmsClient;
}

const drivers: KmsDriver[] = [];

export function registerKmsDriver(driver: KmsDriver): void {
  drivers.unshift(driver);
}

export class LocalKmsClient implements KmsClient {
  private readonly aead: AesGcm;
  constructor(secret: string) {
    this.aead = new AesGcm(Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), Buffer.alloc(0), 16)));
  }
  supported(keyUrl: string): boolean {
    return keyUrl.startsWith(LOCAL_KMS_PREFIX);
  }
  encrypt(plaintext: Buffer): Buffer {
    return this.aead.encrypt(plaintext);
  }
  decrypt(ciphertext: Buffer): Buffer {
    return this.aead.decrypt(ciphertext);
  }
}

export const LOCAL_KMS_PREFIX = 'local-kms://';

const localDriver: KmsDriver = {
  prefix: LOCAL_KMS_PREFIX,
  newClient(config) {
    const secret = config.secret ?? process.env.LOCAL_SECRET;
    if (secret == null || secret === '') throw new Error('the local KMS has no secret: set ruleConfig.secret or LOCAL_SECRET');
    return new LocalKmsClient(secret);
  },
};

/** A KMS client for `keyUrl` (made by the first driver whose prefix it has; cached per config and URL). */
const clients = new WeakMap<object, Map<string, KmsClient>>();

export function kmsClientFor(config: Readonly<Record<string, string>>, keyUrl: string): KmsClient {
  let byUrl = clients.get(config);
  if (byUrl === undefined) clients.set(config, (byUrl = new Map()));
  let client = byUrl.get(keyUrl);
  if (client === undefined) {
    const driver = drivers.find((d) => keyUrl.startsWith(d.prefix)) ?? (keyUrl.startsWith(LOCAL_KMS_PREFIX) ? localDriver : undefined);
    if (driver === undefined) throw new Error(`no KMS driver found for key URL ${keyUrl} (register one with registerKmsDriver)`);
    client = driver.newClient(config, keyUrl);
    byUrl.set(keyUrl, client);
  }
  return client;
}
