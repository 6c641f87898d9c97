/**
 * `POST /subjects/{subject}`: is this schema registered under the subject, and as which version?
 * (Confluent's lookUpSchemaUnderSubject[UsingContexts].)
 *
 * The schema is parsed leniently and compared by identity. When nothing matches as sent, the lookup is
 * repeated with the metadata and rule set registration would have given it (the latest version's, merged
 * with the config's defaults and overrides), so a client that sends only the schema text still finds a
 * version registered with metadata. An unqualified subject not found in the default context is looked
 * for in every other context.
 */
import type { SchemaVersion } from '@schemata/serdes';
import type { VersionWithSchema } from '../store/store.js';
import type { ConfigService } from './config.js';
import { canonicalMetadata, canonicalRuleSet, mergeMetadata, mergeRuleSets } from './data-contracts.js';
import { versionEntity } from './entities.js';
import { RegistryError, schemaNotFound, subjectNotFound } from './errors.js';
import { findSameSchema, identityOf } from './identity.js';
import type { SchemaLoader } from './schemas.js';
import type { RegistryState } from './state.js';
import { DEFAULT_CONTEXT, parseSubject, qualify, type QualifiedSubject } from './subjects.js';
import { schemaText, type SchemaRequest } from './types.js';

export interface LookupOptions {
  normalize: boolean;
  /** Also match soft-deleted versions. */
  deleted: boolean;
  format?: string | undefined;
  /** Only these subjects are candidates of the fallback to other contexts (see reads.ts SubjectPredicate). */
  canRead?: ((subject: string) => boolean) | undefined;
}

export class LookupService {
  constructor(
    private readonly state: RegistryState,
    private readonly loader: SchemaLoader,
    private readonly configs: ConfigService,
  ) {}

  async lookup(subject: string, req: SchemaRequest, options: LookupOptions): Promise<SchemaVersion> {
    const qs = parseSubject(subject);
    const reader = this.state.store;
    let found = await this.lookupIn(qs, req, options);
    if (!found && qs.context === DEFAULT_CONTEXT && qs.name !== '') {
      for (const context of await reader.contexts()) {
        const other = qualify(context, qs.name);
        if (context === DEFAULT_CONTEXT || (options.canRead && !options.canRead(other.key))) continue;
        try {
          found = await this.lookupIn(other, req, options);
        } catch (e) {
          // The schema may not parse against another context's references: that context just does not match.
          if (e instanceof RegistryError && e.errorCode === 42201) continue;
          throw e;
        }
        if (found) break;
      }
    }
    if (found) return versionEntity(found, await this.loader.formatted(reader, found.schema, options.format));
    const versions = await this.state.versions(reader, qs.key);
    if (!versions.some((v) => options.deleted || !v.deleted)) throw subjectNotFound(qs.key);
    throw schemaNotFound();
  }

  private async lookupIn(qs: QualifiedSubject, req: SchemaRequest, options: LookupOptions): Promise<VersionWithSchema | undefined> {
    const schema = schemaText(req.schema);
    if (schema === undefined) return undefined;
    const reader = this.state.store;
    const { config, versions } = await this.configs.forSubject(reader, qs);
    const prepared = await this.loader.prepare(
      reader,
      qs.context,
      { schemaType: req.schemaType ?? 'AVRO', schema, references: req.references },
      { normalize: options.normalize || config.normalize === true, validate: false, allowDeletedReferences: true },
    );
    const candidates = options.deleted ? versions : versions.filter((v) => !v.deleted);
    if (candidates.length === 0) return undefined;

    const metadata = canonicalMetadata(req.metadata);
    const ruleSet = canonicalRuleSet(req.ruleSet);
    const found = findSameSchema(candidates, identityOf(prepared, metadata, ruleSet));
    if (found) return found;

    const latest = versions.filter((v) => !v.deleted).at(-1);
    if (!latest) return undefined;
    const asRegistered = identityOf(
      prepared,
      mergeMetadata(
        mergeMetadata(canonicalMetadata(config.defaultMetadata), req.metadata != null ? metadata : latest.schema.metadata),
        canonicalMetadata(config.overrideMetadata),
      ),
      mergeRuleSets(
        mergeRuleSets(canonicalRuleSet(config.defaultRuleSet), req.ruleSet != null ? ruleSet : latest.schema.ruleSet),
        canonicalRuleSet(config.overrideRuleSet),
      ),
    );
    return findSameSchema(candidates, asRegistered);
  }
}
