/**
 * Field-level encryption (ENCRYPT, a field rule on the fields whose tags it names) and payload
 * encryption (ENCRYPT_PAYLOAD, an encoding rule on the whole payload), with Confluent's semantics and
 * bytes:
 * - parameters (rule params, else the schema's metadata properties): `encrypt.kek.name` (required),
 *   `encrypt.kms.type` and `encrypt.kms.key.id` (to create the KEK on first write), `encrypt.dek.algorithm`
 *   (AES256_GCM default, AES128_GCM, AES256_SIV for deterministic encryption), `encrypt.dek.expiry.days`
 *   (rotation: then the ciphertext starts with 0x00 and the 4-byte DEK version);
 * - the KEK is read from the DEK registry (created on write if missing); the DEK of (KEK, subject,
 *   algorithm) is read (created on write with key material from the KMS, wrapped by the KEK; for a shared
 *   KEK the registry makes it and answers the key material) and unwrapped by the KMS once, then cached;
 * - strings become base64 of the ciphertext, bytes stay bytes; other field types are refused.
 * A wrong or missing key fails the rule (default onFailure ERROR), so no field comes out unreadable as if
 * it were plaintext, and nothing is decrypted without the key.
 */
import type { FieldContext, FieldTransform, FieldType, RuleContext } from '../context.js';
import { FieldRuleExecutor, RuleError, type RuleExecutor } from '../registry.js';
import { aeadFor, generateKey, type Aead, type DekAlgorithm } from './aead.js';
import { dekRegistryOf, DekRegistry, type Dek, type Kek } from './dek-registry.js';
import { kmsClientFor } from './kms.js';

const KEK_NAME = 'encrypt.kek.name';
const KMS_KEY_ID = 'encrypt.kms.key.id';
const KMS_TYPE = 'encrypt.kms.type';
const DEK_ALGORITHM = 'encrypt.dek.algorithm';
const DEK_EXPIRY_DAYS = 'encrypt.dek.expiry.days';
const ALTERNATE_KMS_KEY_IDS = 'encrypt.alternate.kms.key.ids';
const MILLIS_IN_DAY = 24 * 60 * 60 * 1000;
const ALGORITHMS = new Set<DekAlgorithm>(['AES128_GCM', 'AES256_GCM', 'AES256_SIV']);

function status(e: unknown): number | undefined {
  return (e as { status?: number } | null)?.status;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A DEK with its cipher, ready to use. */
interface ReadyDek {
  readonly dek: Dek;
  readonly aead: Aead;
}

/**
 * Unwrapped DEKs, per registry client and per serde configuration (its KMS secrets): a serde configured
 * with another (or no) secret never reads a key another serde unwrapped.
 */
const ready = new WeakMap<DekRegistry, WeakMap<object, Map<string, ReadyDek>>>();

function readyFor(registry: DekRegistry, config: object): Map<string, ReadyDek> {
  let byConfig = ready.get(registry);
  if (byConfig === undefined) ready.set(registry, (byConfig = new WeakMap()));
  let m = byConfig.get(config);
  if (m === undefined) byConfig.set(config, (m = new Map()));
  return m;
}

/** Wraps/unwraps with the KEK's KMS key, then with each alternate key id until one works. */
async function withKms<T>(ctx: RuleContext, kek: Kek, what: 'encrypt' | 'decrypt', input: Buffer): Promise<T> {
  const alternates = kek.kmsProps?.[ALTERNATE_KMS_KEY_IDS] ?? ctx.config[ALTERNATE_KMS_KEY_IDS];
  const ids = [kek.kmsKeyId, ...(alternates ? alternates.split(',').map((s) => s.trim()) : [])];
  let last: unknown;
  for (const id of ids) {
    try {
      const client = kmsClientFor(ctx.config, `${kek.kmsType}://${id}`);
      return (await (what === 'encrypt' ? client.encrypt(input) : client.decrypt(input))) as T;
    } catch (e) {
      last = e;
    }
  }
  throw new RuleError(`failed to ${what} key with all KMS keys: ${describe(last)}`);
}

export class EncryptionTransform {
  private kek: Promise<Kek> | undefined;
  private readonly registry: DekRegistry;

  constructor(
    ctx: RuleContext,
    readonly algorithm: DekAlgorithm,
    readonly kekName: string,
    readonly expiryDays: number,
  ) {
    this.registry = dekRegistryOf(ctx.client);
  }

  private getKek(ctx: RuleContext): Promise<Kek> {
    return (this.kek ??= this.getOrCreateKek(ctx));
  }

  private async getOrCreateKek(ctx: RuleContext): Promise<Kek> {
    const isRead = ctx.ruleMode === 'READ';
    const kmsType = ctx.getParameter(KMS_TYPE);
    const kmsKeyId = ctx.getParameter(KMS_KEY_ID);
    let kek = await this.retrieveKek();
    if (kek === null) {
      if (isRead) throw new RuleError(`no kek found for ${this.kekName} during consume`);
      if (!kmsType) throw new RuleError(`no kms type found for ${this.kekName} during produce`);
      if (!kmsKeyId) throw new RuleError(`no kms key id found for ${this.kekName} during produce`);
      try {
        kek = await this.registry.registerKek(this.kekName, kmsType, kmsKeyId, false);
      } catch (e) {
        if (status(e) !== 409) throw new RuleError(`could not register kek ${this.kekName}: ${describe(e)}`);
        kek = await this.retrieveKek();
      }
      if (kek === null) throw new RuleError(`no kek found for ${this.kekName} during produce`);
    }
    if (kmsType && kmsType !== kek.kmsType) throw new RuleError(`found ${this.kekName} with kms type ${kek.kmsType} which differs from rule kms type ${kmsType}`);
    if (kmsKeyId && kmsKeyId !== kek.kmsKeyId) throw new RuleError(`found ${this.kekName} with kms key id ${kek.kmsKeyId} which differs from rule kms keyId ${kmsKeyId}`);
    return kek;
  }

  private async retrieveKek(): Promise<Kek | null> {
    try {
      return await this.registry.getKek(this.kekName, false);
    } catch (e) {
      if (status(e) === 404) return null;
      throw new RuleError(`could not get kek ${this.kekName}: ${describe(e)}`);
    }
  }

  private async retrieveDek(subject: string, version: number, deleted: boolean): Promise<Dek | null> {
    try {
      const dek = await this.registry.getDek(this.kekName, subject, this.algorithm, version, deleted);
      return dek.encryptedKeyMaterial != null ? dek : null;
    } catch (e) {
      if (status(e) === 404) return null;
      throw new RuleError(`could not get dek for kek ${this.kekName}, subject ${subject}: ${describe(e)}`);
    }
  }

  private isExpired(ctx: RuleContext, dek: Dek | null): boolean {
    return ctx.ruleMode !== 'READ' && this.expiryDays > 0 && dek !== null && (Date.now() - (dek.ts ?? 0)) / MILLIS_IN_DAY >= this.expiryDays;
  }

  /** The DEK of `version` (1 without rotation, -1 for the latest), created on write when missing or expired. */
  private async getOrCreateDek(ctx: RuleContext, version: number): Promise<ReadyDek> {
    const isRead = ctx.ruleMode === 'READ';
    const cacheKey = DekRegistry.dekKey(this.kekName, ctx.subject, version, this.algorithm, isRead);
    const hit = readyFor(this.registry, ctx.config).get(cacheKey);
    if (hit !== undefined && !this.isExpired(ctx, hit.dek)) return hit;
    const kek = await this.getKek(ctx);
    let dek = await this.retrieveDek(ctx.subject, version, isRead);
    const expired = this.isExpired(ctx, dek);
    if (dek === null || expired) {
      if (isRead) throw new RuleError(`no dek found for ${this.kekName} during consume`);
      const encrypted = kek.shared ? undefined : (await withKms<Buffer>(ctx, kek, 'encrypt', generateKey(this.algorithm))).toString('base64');
      const newVersion = expired ? dek!.version + 1 : 1;
      try {
        dek = await this.registry.registerDek(this.kekName, ctx.subject, this.algorithm, newVersion, encrypted);
      } catch (e) {
        if (status(e) === 409) dek = await this.retrieveDek(ctx.subject, version, false);
        else if (dek === null) throw new RuleError(`could not register dek for kek ${this.kekName}, subject ${ctx.subject}: ${describe(e)}`);
        // else: an expired DEK stays in use when a new one cannot be made (as Confluent's client does)
      }
      if (dek === null) throw new RuleError(`no dek found for ${this.kekName} during produce`);
    }
    let material: Buffer;
    if (dek.keyMaterial) material = Buffer.from(dek.keyMaterial, 'base64');
    else material = await withKms<Buffer>(ctx, kek, 'decrypt', Buffer.from(dek.encryptedKeyMaterial!, 'base64'));
    let aead: Aead;
    try {
      aead = aeadFor(this.algorithm, material);
    } catch (e) {
      throw new RuleError(`the key material of dek ${this.kekName}/${ctx.subject} v${dek.version} is not a ${this.algorithm} key: ${describe(e)}`);
    }
    const made = { dek, aead };
    const cache = readyFor(this.registry, ctx.config);
    if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, made);
    return made;
  }

  /** Encrypts (WRITE) or decrypts (READ) one value; synchronous once the DEK is cached. */
  transform(ctx: RuleContext, type: FieldType, value: unknown): unknown {
    if (value == null) return null;
    const rotated = this.expiryDays > 0;
    if (ctx.ruleMode === 'WRITE') {
      const plaintext = type === 'BYTES' ? toBuffer(value) : type === 'STRING' ? Buffer.from(String(value), 'utf8') : null;
      if (plaintext === null) throw new RuleError(`type ${type} not supported for encryption`);
      const version = rotated ? -1 : 1;
      const hit = rotated ? undefined : readyFor(this.registry, ctx.config).get(DekRegistry.dekKey(this.kekName, ctx.subject, version, this.algorithm, false));
      const seal = (d: ReadyDek): unknown => {
        let ct = d.aead.encrypt(plaintext);
        if (rotated) {
          const prefix = Buffer.alloc(5);
          prefix.writeInt32BE(d.dek.version, 1);
          ct = Buffer.concat([prefix, ct]);
        }
        return type === 'STRING' ? ct.toString('base64') : ct;
      };
      return hit !== undefined ? seal(hit) : this.getOrCreateDek(ctx, version).then(seal);
    }
    if (ctx.ruleMode === 'READ') {
      let ct = type === 'STRING' ? Buffer.from(String(value), 'base64') : type === 'BYTES' ? toBuffer(value) : null;
      if (ct === null) return value;
      let version = 1;
      if (rotated) {
        if (ct.length < 5 || ct[0] !== 0) throw new RuleError(`Message encoded with magic byte ${ct[0]}, expected 0`);
        version = ct.readInt32BE(1);
        ct = ct.subarray(5);
      }
      const open = (d: ReadyDek): unknown => {
        const pt = d.aead.decrypt(ct);
        return type === 'STRING' ? pt.toString('utf8') : pt;
      };
      const hit = readyFor(this.registry, ctx.config).get(DekRegistry.dekKey(this.kekName, ctx.subject, version, this.algorithm, true));
      return hit !== undefined ? open(hit) : this.getOrCreateDek(ctx, version).then(open);
    }
    throw new RuleError(`unsupported rule mode ${ctx.ruleMode}`);
  }
}

function toBuffer(v: unknown): Buffer | null {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

function newTransform(ctx: RuleContext): EncryptionTransform {
  const algorithmName = ctx.getParameter(DEK_ALGORITHM) ?? 'AES256_GCM';
  if (!ALGORITHMS.has(algorithmName as DekAlgorithm)) throw new RuleError(`unsupported dek format ${algorithmName}`);
  const kekName = ctx.getParameter(KEK_NAME);
  if (kekName == null) throw new RuleError('no kek name found');
  if (kekName === '') throw new RuleError('empty kek name');
  const expiry = ctx.getParameter(DEK_EXPIRY_DAYS);
  let days = 0;
  if (expiry != null) {
    days = Number(expiry);
    if (Number.isNaN(days)) throw new RuleError('invalid expiry days');
    if (days < 0) throw new RuleError('negative expiry days');
  }
  return new EncryptionTransform(ctx, algorithmName as DekAlgorithm, kekName, days);
}

/** ENCRYPT_PAYLOAD: the whole payload (an encoding rule). */
export class EncryptionExecutor implements RuleExecutor {
  type(): string {
    return 'ENCRYPT_PAYLOAD';
  }
  transform(ctx: RuleContext, msg: unknown): unknown {
    return newTransform(ctx).transform(ctx, 'BYTES', msg);
  }
}

/** ENCRYPT: the fields whose tags the rule names. */
export class FieldEncryptionExecutor extends FieldRuleExecutor {
  type(): string {
    return 'ENCRYPT';
  }
  newTransform(ctx: RuleContext): FieldTransform {
    const t = newTransform(ctx);
    return { transform: (c: RuleContext, field: FieldContext, value: unknown) => t.transform(c, field.type, value) };
  }
}

