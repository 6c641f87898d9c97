/**
 * Registering a schema under a subject (Confluent's KafkaSchemaRegistry.register / registerOrForward).
 *
 * 1. Fast path, outside any transaction: a schema already live under the subject is answered with its
 *    existing id and version (whatever the mode, as Confluent's pre-lock lookup does).
 * 2. Otherwise, inside one serialized write transaction: mode rules, the "empty schema" data-contract
 *    update (re-register the latest schema with new metadata/ruleSet), metadata/ruleSet merged with the
 *    config's defaults and overrides, the compatibility check, id reuse by content hash (or the IMPORT id),
 *    version = 1 + the highest ever (soft-deleted included), and tombstoning of soft-deleted versions of the
 *    subject that carried the same id. Check and allocation share the transaction, so they cannot race.
 */
import type { Metadata, RuleSet } from '@schemata/serdes';
import type { SchemaRecord, StoreReader, StoreWriter, VersionWithSchema } from '../store/store.js';
import { compatibilityMessages } from './compatibility.js';
import { hasDefaultsOrOverrides, type ConfigService } from './config.js';
import {
  canonicalMetadata,
  canonicalRuleSet,
  confluentVersionOf,
  mergeMetadata,
  mergeRuleSets,
  validateRuleSet,
  withConfluentVersion,
} from './data-contracts.js';
import { registeredEntity } from './entities.js';
import { incompatibleSchema, invalidSchema, operationNotPermitted } from './errors.js';
import { contentHash, findSameSchema, guidOf, identityOf } from './identity.js';
import { isImportLike, isReadOnly, readOnlyMessage } from './mode.js';
import type { PreparedSchema, SchemaLoader } from './schemas.js';
import type { RegistryState, WriteEffects } from './state.js';
import { requireStorable } from './storable.js';
import { contextPrefix, requireValidSubject, subjectScope, type QualifiedSubject, type Scope } from './subjects.js';
import { schemaText, type RegisterOptions, type RegisteredSchema, type SchemaRequest } from './types.js';
import { LATEST } from './version-id.js';

export class RegisterService {
  constructor(
    private readonly state: RegistryState,
    private readonly loader: SchemaLoader,
    private readonly configs: ConfigService,
  ) {}

  async register(subject: string, req: SchemaRequest, options: RegisterOptions): Promise<RegisteredSchema> {
    validateRuleSet(req.ruleSet);
    const qs = requireValidSubject(subject);
    requireStorableRequest(req);
    const { config, versions } = await this.configs.forSubject(this.state.store, qs);
    const normalize = options.normalize || config.normalize === true;
    const existing = hasDefaultsOrOverrides(config) ? undefined : await this.findLive(this.state.store, qs, req, normalize, versions);
    if (existing) return registeredEntity(existing);
    return this.state.write((tx, fx) => this.registerIn(tx, fx, qs, subjectScope(qs), req, options));
  }

  /** The fast path: the request's schema (with its own metadata) already live under the subject. */
  private async findLive(
    reader: StoreReader,
    qs: QualifiedSubject,
    req: SchemaRequest,
    normalize: boolean,
    versions: readonly VersionWithSchema[],
  ) {
    const schema = schemaText(req.schema);
    if (schema === undefined) return undefined;
    const requestedId = req.id ?? -1;
    const requestedVersion = req.version ?? 0;
    const prepared = await this.loader.prepare(
      reader,
      qs.context,
      { schemaType: req.schemaType ?? 'AVRO', schema, references: req.references },
      { normalize, validate: false, allowDeletedReferences: true },
    );
    let live = versions.filter((v) => !v.deleted);
    if (requestedVersion === LATEST) live = live.slice(-1);
    const found = findSameSchema(live, identityOf(prepared, canonicalMetadata(req.metadata), canonicalRuleSet(req.ruleSet)));
    if (!found) return undefined;
    if (requestedVersion === 0 || requestedVersion === LATEST) return requestedId < 0 || requestedId === found.schema.id ? found : undefined;
    return requestedId === found.schema.id && requestedVersion === found.version ? found : undefined;
  }

  private async registerIn(
    tx: StoreWriter,
    fx: WriteEffects,
    qs: QualifiedSubject,
    scope: Scope,
    req: SchemaRequest,
    options: RegisterOptions,
  ): Promise<RegisteredSchema> {
    const requestedId = req.id !== undefined && req.id >= 0 ? req.id : -1;
    const requestedVersion = req.version ?? 0;

    // Read inside the transaction: the config, mode and versions may have changed since the fast path looked.
    const { mode, config, versions } = await this.configs.forSubject(tx, qs);
    const context = contextPrefix(qs.context);
    if (isReadOnly(mode)) throw operationNotPermitted(readOnlyMessage(scope));
    if (requestedId >= 0 && !isImportLike(mode)) {
      throw operationNotPermitted(`Subject ${qs.key} in context ${context} is not in import mode`);
    }
    if (requestedId < 0 && mode !== 'READWRITE') {
      throw operationNotPermitted(`Subject ${qs.key} in context ${context} is not in read-write mode`);
    }
    const importing = isImportLike(mode);
    const normalize = options.normalize || config.normalize === true;

    const nextVersion = versions.length > 0 ? versions[versions.length - 1]!.version + 1 : 1;
    const live = versions.filter((v) => !v.deleted);
    const latest = live[live.length - 1];

    let schemaType: string = req.schemaType ?? 'AVRO';
    let text = schemaText(req.schema);
    let references = req.references;
    let metadata: Metadata | undefined;
    let ruleSet: RuleSet | undefined;
    if (importing) {
      if (text === undefined) throw invalidSchema('Empty schema');
      metadata = canonicalMetadata(req.metadata);
      ruleSet = canonicalRuleSet(req.ruleSet);
    } else {
      if (text === undefined) {
        // The data-contract update path: the latest schema again, with new metadata/ruleSet.
        if (!latest) throw invalidSchema('Empty schema');
        text = latest.schema.schema;
        schemaType = latest.schema.schemaType;
        references = latest.schema.references;
      }
      const specificMetadata = req.metadata != null ? canonicalMetadata(req.metadata) : latest?.schema.metadata;
      metadata = mergeMetadata(mergeMetadata(canonicalMetadata(config.defaultMetadata), specificMetadata), canonicalMetadata(config.overrideMetadata));
      const specificRuleSet = req.ruleSet != null ? canonicalRuleSet(req.ruleSet) : latest?.schema.ruleSet;
      ruleSet = mergeRuleSets(mergeRuleSets(canonicalRuleSet(config.defaultRuleSet), specificRuleSet), canonicalRuleSet(config.overrideRuleSet));
      if (requestedVersion !== 0 || confluentVersionOf(metadata) !== undefined) metadata = withConfluentVersion(metadata, nextVersion);
    }

    const prepared = await this.loader.prepare(
      tx,
      qs.context,
      { schemaType, schema: text, references },
      // IMPORT stores what it is given (canonicalised): no validation, no normalization.
      { normalize: normalize && !importing, validate: !importing, allowDeletedReferences: importing },
    );
    // JSON texts escape NUL and unpaired surrogates; other canonical forms (.proto string literals) may not.
    requireStorable(prepared.schema, (reason) => invalidSchema(`Invalid schema of type ${prepared.schemaType}, details: the schema text holds ${reason}`));
    const identity = identityOf(prepared, metadata, ruleSet);
    const hash = contentHash(identity);

    let schemaId = requestedId;
    const sameContentId = await tx.schemaIdByHash(qs.context, hash);
    if (sameContentId !== undefined && (schemaId < 0 || schemaId === sameContentId)) {
      if (requestedVersion === 0) {
        const same = findSameSchema(live, identity, (v) => v.schema.id === sameContentId);
        if (same) return registeredEntity(same);
      }
      schemaId = sameContentId;
    }
    if (requestedVersion === 0) {
      const same = findSameSchema(live, identity, (v) => schemaId < 0 || v.schema.id === schemaId);
      if (same) return registeredEntity(same);
    }

    if (!importing && !options.force) {
      const messages = await compatibilityMessages(config, { schemaType: prepared.schemaType, source: prepared.source, metadata }, live, this.loader, tx);
      if (messages.length > 0) throw incompatibleSchema(qs.key, messages);
    }

    let version = nextVersion;
    if (requestedVersion > 0) {
      if (requestedVersion !== nextVersion && !importing) throw invalidSchema('Version is not one more than previous version');
      version = requestedVersion;
      const taken = versions.find((v) => v.version === version);
      if (taken) {
        if (taken.schema.hash === hash && !taken.deleted) return registeredEntity(taken);
        throw operationNotPermitted(`Version ${version} already exists in subject ${qs.key}`);
      }
    }

    const record = await this.storeSchema(tx, qs.context, schemaId, prepared, { metadata, ruleSet, hash });
    const stored: VersionWithSchema = { subject: qs.key, context: qs.context, version, schemaId: record.id, deleted: false, ts: Date.now(), schema: record };
    await tx.insertVersion(stored);
    fx.added.push(stored);
    // Older soft-deleted versions of this subject with the same id are tombstoned (unless still referenced).
    for (const old of versions) {
      if (old.deleted && old.schema.id === record.id && old.version < version && (await tx.referrers(qs.key, old.version)).length === 0) {
        await tx.purgeVersion(qs.key, old.version);
        fx.subjects.add(qs.key);
      }
    }
    return registeredEntity(stored);
  }

  /** The schema row: reused when the content (or the imported id) already exists, inserted otherwise. */
  private async storeSchema(
    tx: StoreWriter,
    context: string,
    schemaId: number,
    prepared: PreparedSchema,
    content: { metadata: Metadata | undefined; ruleSet: RuleSet | undefined; hash: string },
  ): Promise<SchemaRecord> {
    const record: Omit<SchemaRecord, 'id'> = {
      context,
      guid: guidOf(content.hash),
      schemaType: prepared.schemaType,
      schema: prepared.schema,
      references: [...prepared.references],
      hash: content.hash,
      ...(content.metadata ? { metadata: content.metadata } : {}),
      ...(content.ruleSet ? { ruleSet: content.ruleSet } : {}),
    };
    if (schemaId >= 0) {
      const existing = await tx.schemaById(context, schemaId);
      if (existing) {
        if (existing.hash !== content.hash) {
          throw operationNotPermitted(`Overwrite new schema with id ${schemaId} in context ${contextPrefix(context)} is not permitted.`);
        }
        return existing;
      }
      await tx.insertSchema({ ...record, id: schemaId, referenceTargets: [...prepared.targets] });
      return { ...record, id: schemaId };
    }
    const id = await tx.insertSchema({ ...record, referenceTargets: [...prepared.targets] });
    return { ...record, id };
  }
}

/**
 * The request's own strings that would be stored as sent (storable.ts): metadata and reference names are
 * 42201 (part of the schema registered). Reference subjects are only looked up: one that cannot exist is an
 * unresolved reference (42201) like any missing one; rule sets are validateRuleSet's (42210).
 */
function requireStorableRequest(req: SchemaRequest): void {
  requireStorable(req.metadata, (reason) => invalidSchema(`Invalid metadata: a string holds ${reason}`));
  req.references.forEach((r, i) =>
    requireStorable(r.name, (reason) => invalidSchema(`Invalid schema reference at position ${i}: the name holds ${reason}`)),
  );
}
