/**
 * Soft and permanent deletes of versions and subjects (Confluent's SubjectVersionsResource /
 * SubjectsResource delete paths and KafkaSchemaRegistry.deleteSchemaVersion / deleteSubject).
 *
 * A permanent delete needs a soft delete first. A version referenced by a live schema cannot be
 * soft-deleted; one referenced by any schema (soft-deleted referrers included) cannot be purged. Purging
 * the last version of a subject also drops the subject's config and mode (8.1+: a soft delete keeps them).
 */
import type { StoreWriter, VersionWithSchema } from '../store/store.js';
import {
  referenceExists,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from './errors.js';
import type { ModeService } from './mode.js';
import type { RegistryState, WriteEffects } from './state.js';
import { parseSubject, subjectScope } from './subjects.js';
import { LATEST, parseVersionId } from './version-id.js';

export class DeleteService {
  constructor(
    private readonly state: RegistryState,
    private readonly modes: ModeService,
  ) {}

  /** `DELETE /subjects/{s}/versions/{v}`: answers the version number deleted. */
  async deleteVersion(subject: string, versionRaw: string, permanent: boolean): Promise<number> {
    const qs = parseSubject(subject);
    const version = parseVersionId(versionRaw);
    return this.state.write(async (tx, fx) => {
      const versions = await this.state.versions(tx, qs.key);
      const target = version === LATEST ? versions.filter((v) => !v.deleted).at(-1) : versions.find((v) => v.version === version);
      if (target?.deleted && !permanent) throw versionSoftDeleted(qs.key, versionRaw);
      if (!target) {
        if (versions.length === 0) throw subjectNotFound(qs.key);
        throw versionNotFound(version);
      }
      await this.modes.requireWritable(tx, subjectScope(qs));
      await requireUnreferenced(tx, target, permanent);
      if (permanent && !target.deleted) throw versionNotSoftDeleted(qs.key, target.version);
      if (permanent) {
        await purge(tx, fx, target);
        if (versions.length === 1) await forgetSubjectSettings(tx, fx, qs.key);
      } else {
        await tx.markVersionDeleted(qs.key, target.version);
      }
      fx.subjects.add(qs.key);
      return target.version;
    });
  }

  /** `DELETE /subjects/{s}`: answers the versions deleted (permanent: every version, soft-deleted included). */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    const qs = parseSubject(subject);
    return this.state.write(async (tx, fx) => {
      const versions = await this.state.versions(tx, qs.key);
      if (versions.length === 0) throw subjectNotFound(qs.key);
      const live = versions.filter((v) => !v.deleted);
      if (!permanent && live.length === 0) throw subjectSoftDeleted(qs.key);
      await this.modes.requireWritable(tx, subjectScope(qs));
      const targets = permanent ? versions : live;
      for (const v of targets) {
        await requireUnreferenced(tx, v, permanent);
        if (permanent && !v.deleted) throw subjectNotSoftDeleted(qs.key);
      }
      if (permanent) {
        for (const v of targets) await purge(tx, fx, v);
        await forgetSubjectSettings(tx, fx, qs.key);
      } else {
        for (const v of targets) await tx.markVersionDeleted(qs.key, v.version);
      }
      fx.subjects.add(qs.key);
      return targets.map((v) => v.version);
    });
  }
}

/** 42206 when another schema still references the version (only live referrers count for soft deletes). */
async function requireUnreferenced(tx: StoreWriter, v: VersionWithSchema, permanent: boolean): Promise<void> {
  const referrers = await tx.referrers(v.subject, v.version);
  if (referrers.some((r) => permanent || !r.deleted)) throw referenceExists(v.subject, v.version);
}

async function purge(tx: StoreWriter, fx: WriteEffects, v: VersionWithSchema): Promise<void> {
  await tx.purgeVersion(v.subject, v.version);
  fx.purged.push({ context: v.context, id: v.schemaId });
}

async function forgetSubjectSettings(tx: StoreWriter, fx: WriteEffects, subject: string): Promise<void> {
  await tx.setConfig(subject, undefined);
  await tx.setMode(subject, undefined);
  fx.scopes.add(subject);
}
