/**
 * The DEK registry (Confluent's `/dek-registry/v1`): KEKs name a key in a KMS; DEKs are data keys wrapped by
 * a KEK, per subject, algorithm and version. The registry stores wrapped key material only. For a `shared`
 * KEK it may use the KMS itself: it then generates DEKs that are created without key material and answers
 * every DEK of that KEK with its unwrapped `keyMaterial` as well (Confluent's behaviour).
 *
 * Semantics follow Confluent's DekRegistry: create acts as undelete when the stored key is soft-deleted and
 * otherwise the same (else 40971); a KEK with live DEKs cannot be deleted, nor with any DEK permanently
 * (42272); permanent deletes need a soft delete first (40471); DEKs of a deleted KEK cannot be undeleted
 * (40472). Every write runs in one store write transaction.
 */
import { invalidKey, keyAlreadyExists, keyNotFound, keyNotSoftDeleted, keyReferenceExists, keySoftDeleted, dekGenerationFailed } from '../errors.js';
import { LATEST, parseVersionId } from '../version-id.js';
import type { DekAlgorithm, DekRecord, KekRecord, Store, StoreReader } from '../../store/store.js';
import {
  bodyAlgorithm,
  checkName,
  checkStorable,
  checkSubject,
  dekEntity,
  kekEntity,
  mergeProps,
  MIN_VERSION,
  normalizeKmsType,
  queryAlgorithm,
  sameDek,
  sameKek,
  sortedProps,
} from './entities.js';
import { generateKeyMaterial } from './key-material.js';
import type { KmsDrivers } from './kms.js';
import type { CreateDekRequest, CreateKekRequest, Dek, Kek, UpdateKekRequest } from './types.js';

const MAX_VERSION = 2 ** 31 - 1;

/** Which DEKs a delete or undelete names: every version of the subject's algorithm, or one. */
interface DekSelector {
  kekName: string;
  subject: string;
  algorithm: string | undefined;
  /** A version path segment; undefined: all versions. */
  version?: string | undefined;
}

export class DekRegistryService {
  constructor(
    private readonly store: Store,
    private readonly kms: KmsDrivers,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- KEKs ----------------------------------------------------------------------------------------

  async listKeks(deleted: boolean): Promise<string[]> {
    return (await this.store.listKeks()).filter((k) => deleted || !k.deleted).map((k) => k.name);
  }

  async getKek(name: string, deleted: boolean): Promise<Kek> {
    return kekEntity(await this.requireKek(this.store, checkName(name), deleted));
  }

  async createKek(req: CreateKekRequest): Promise<Kek> {
    const name = checkName(req.name);
    if (req.kmsKeyId === undefined || req.kmsKeyId === '') throw invalidKey('kmsKeyId');
    if (req.kmsType === undefined) throw invalidKey('kmsType');
    const kek: KekRecord = {
      name,
      kmsType: normalizeKmsType(checkStorable('kmsType', req.kmsType)),
      kmsKeyId: checkStorable('kmsKeyId', req.kmsKeyId),
      kmsProps: sortedProps(checkStorable('kmsProps', req.kmsProps ?? {})),
      ...(req.doc !== undefined ? { doc: checkStorable('doc', req.doc) } : {}),
      shared: req.shared,
      deleted: req.deleted,
      ts: this.now(),
    };
    return this.store.write(async (tx) => {
      const old = await tx.kek(name);
      // Creating a soft-deleted KEK again, identical, undeletes it (Confluent's create-as-undelete).
      if (old && (old.deleted === kek.deleted || !sameKek(old, kek))) throw keyAlreadyExists(name);
      await tx.putKek(kek);
      return kekEntity(kek);
    });
  }

  /** PUT: kmsProps, doc and shared may change; kmsType and kmsKeyId never do. */
  async updateKek(name: string, req: UpdateKekRequest): Promise<Kek> {
    checkName(name);
    return this.store.write(async (tx) => {
      const old = await this.requireKek(tx, name, false);
      const next: KekRecord = {
        ...old,
        kmsProps: req.kmsProps !== undefined ? mergeProps(checkStorable('kmsProps', req.kmsProps), old.kmsProps) : old.kmsProps,
        ...(req.doc !== undefined ? { doc: checkStorable('doc', req.doc) } : {}),
        shared: req.shared ?? old.shared,
      };
      if (sameKek(old, next)) return kekEntity(old);
      next.ts = this.now();
      await tx.putKek(next);
      return kekEntity(next);
    });
  }

  async deleteKek(name: string, permanent: boolean): Promise<void> {
    checkName(name);
    await this.store.write(async (tx) => {
      const kek = await this.requireKek(tx, name, true);
      const deks = await tx.listDeks(name);
      if (deks.some((d) => permanent || !d.deleted)) throw keyReferenceExists(name);
      if (permanent) {
        if (!kek.deleted) throw keyNotSoftDeleted(name);
        await tx.purgeKek(name);
      } else if (!kek.deleted) {
        await tx.putKek({ ...kek, deleted: true, ts: this.now() });
      }
    });
  }

  async undeleteKek(name: string): Promise<void> {
    checkName(name);
    await this.store.write(async (tx) => {
      const kek = await this.requireKek(tx, name, true);
      if (kek.deleted) await tx.putKek({ ...kek, deleted: false, ts: this.now() });
    });
  }

  // ---- DEKs ----------------------------------------------------------------------------------------

  /** Subjects with DEKs under the KEK, sorted; `canRead` (security) hides the others. */
  async listDekSubjects(kekName: string, deleted: boolean, canRead?: (subject: string) => boolean): Promise<string[]> {
    await this.requireKek(this.store, checkName(kekName), deleted);
    const subjects = new Set<string>();
    for (const d of await this.store.listDeks(kekName)) if (deleted || !d.deleted) subjects.add(d.subject);
    return [...subjects].filter((s) => !canRead || canRead(s)).sort();
  }

  async listDekVersions(kekName: string, subject: string, algorithm: string | undefined, deleted: boolean): Promise<number[]> {
    checkName(kekName);
    checkSubject(subject);
    const alg = queryAlgorithm(algorithm);
    await this.requireKek(this.store, kekName, deleted);
    return (await this.store.listDeks(kekName, subject)).filter((d) => d.algorithm === alg && (deleted || !d.deleted)).map((d) => d.version);
  }

  /** A DEK by version (`latest`/-1 for the latest; no version: version 1, as Confluent's GET without one). */
  async getDek(kekName: string, subject: string, version: string | undefined, algorithm: string | undefined, deleted: boolean): Promise<Dek> {
    checkName(kekName);
    checkSubject(subject);
    const v = version === undefined ? MIN_VERSION : parseVersionId(version);
    const alg = queryAlgorithm(algorithm);
    const kek = await this.requireKek(this.store, kekName, deleted);
    const dek = await this.findDek(this.store, kekName, subject, alg, v, deleted);
    if (!dek) throw keyNotFound(subject);
    return this.withKeyMaterial(kek, dek);
  }

  /**
   * Creates a DEK (`subject` from the path, else from the body). Without encryptedKeyMaterial the KEK must be
   * shared: the registry generates the key and wraps it with the KEK's KMS (else 42271).
   */
  async createDek(kekName: string, pathSubject: string | undefined, req: CreateDekRequest): Promise<Dek> {
    checkName(kekName);
    const subject = checkSubject(pathSubject ?? req.subject);
    const algorithm = bodyAlgorithm(req.algorithm);
    const version = req.version ?? MIN_VERSION;
    if (version < MIN_VERSION || version > MAX_VERSION) throw invalidKey('version');
    if (req.encryptedKeyMaterial !== undefined) checkStorable('encryptedKeyMaterial', req.encryptedKeyMaterial);
    const kek = await this.requireKek(this.store, kekName, req.deleted);
    let material = req.encryptedKeyMaterial;
    if (material === undefined) {
      if (!kek.shared) throw invalidKey('encryptedKeyMaterial');
      material = await this.wrapNewKey(kek, subject, algorithm);
    }
    const dek: DekRecord = { kekName, subject, version, algorithm, encryptedKeyMaterial: material, deleted: req.deleted, ts: this.now() };
    await this.store.write(async (tx) => {
      // The KEK may have gone since it was read outside the transaction.
      await this.requireKek(tx, kekName, true);
      const old = await this.findDek(tx, kekName, subject, algorithm, version, true);
      if (old && (old.deleted === dek.deleted || !sameDek(old, dek))) throw keyAlreadyExists(subject);
      await tx.putDek(dek);
    });
    return this.withKeyMaterial(kek, dek);
  }

  async deleteDek(sel: DekSelector, permanent: boolean): Promise<void> {
    await this.store.write(async (tx) => {
      const { deks } = await this.selectDeks(tx, sel);
      const affected = deks.filter((d) => permanent || !d.deleted);
      if (permanent) {
        const live = affected.find((d) => !d.deleted);
        if (live) throw keyNotSoftDeleted(live.subject);
        for (const d of affected) await tx.purgeDek(d.kekName, d.subject, d.algorithm, d.version);
      } else {
        for (const d of affected) await tx.putDek({ ...d, deleted: true, ts: this.now() });
      }
    });
  }

  async undeleteDek(sel: DekSelector): Promise<void> {
    await this.store.write(async (tx) => {
      const { kek, deks } = await this.selectDeks(tx, sel);
      if (kek.deleted) throw keySoftDeleted(kek.name);
      for (const d of deks) if (d.deleted) await tx.putDek({ ...d, deleted: false, ts: this.now() });
    });
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private async requireKek(reader: StoreReader, name: string, deleted: boolean): Promise<KekRecord> {
    const kek = await reader.kek(name);
    if (!kek || (kek.deleted && !deleted)) throw keyNotFound(name);
    return kek;
  }

  private async findDek(
    reader: StoreReader,
    kekName: string,
    subject: string,
    algorithm: DekAlgorithm,
    version: number,
    deleted: boolean,
  ): Promise<DekRecord | undefined> {
    const candidates = (await reader.listDeks(kekName, subject)).filter((d) => d.algorithm === algorithm && (deleted || !d.deleted));
    return version === LATEST ? candidates.at(-1) : candidates.find((d) => d.version === version);
  }

  /**
   * The DEKs a delete or undelete names (soft-deleted included): 40470 for a missing KEK, or when the
   * subject (or the version) has none of the algorithm.
   */
  private async selectDeks(reader: StoreReader, sel: DekSelector): Promise<{ kek: KekRecord; deks: DekRecord[] }> {
    checkName(sel.kekName);
    checkSubject(sel.subject);
    const version = sel.version === undefined ? undefined : parseVersionId(sel.version);
    const algorithm = queryAlgorithm(sel.algorithm);
    const kek = await this.requireKek(reader, sel.kekName, true);
    const all = (await reader.listDeks(sel.kekName, sel.subject)).filter((d) => d.algorithm === algorithm);
    const deks = version === undefined ? all : version === LATEST ? all.slice(-1) : all.filter((d) => d.version === version);
    if (deks.length === 0) throw keyNotFound(sel.subject);
    return { kek, deks };
  }

  private kmsOf(kek: KekRecord, what: string) {
    try {
      return this.kms.forKek(kek);
    } catch (e) {
      throw dekGenerationFailed(`Could not generate ${what}: ${(e as Error).message}`);
    }
  }

  private async wrapNewKey(kek: KekRecord, subject: string, algorithm: DekAlgorithm): Promise<string> {
    const what = `encrypted dek for ${subject}`;
    const kms = this.kmsOf(kek, what);
    try {
      return (await kms.encrypt(generateKeyMaterial(algorithm))).toString('base64');
    } catch (e) {
      throw dekGenerationFailed(`Could not generate ${what}: ${(e as Error).message}`);
    }
  }

  /** The DEK's answer; for a shared KEK with the key unwrapped (50070 when the KMS cannot). */
  private async withKeyMaterial(kek: KekRecord, dek: DekRecord): Promise<Dek> {
    if (!kek.shared) return dekEntity(dek);
    const what = `raw dek for ${dek.subject}`;
    const kms = this.kmsOf(kek, what);
    try {
      return dekEntity(dek, await kms.decrypt(Buffer.from(dek.encryptedKeyMaterial, 'base64')));
    } catch (e) {
      throw dekGenerationFailed(`Could not generate ${what}: ${(e as Error).message}`);
    }
  }
}
