/**
 * Compatibility levels over the format modules' `backwardIssues` (Confluent's CompatibilityChecker and
 * SchemaValidatorBuilder): BACKWARD = the new schema reads data written with the old one, FORWARD = the
 * old reads the new, FULL = both; non-transitive levels check the newest live version, *_TRANSITIVE levels
 * every live version from newest to oldest, stopping at the first failure. A different schemaType is
 * incompatible unless the level is NONE. Messages follow Confluent's wording so tools that grep them work.
 */
import type { CompatibilityIssue, CompatibilityLevel, Config, Metadata, SchemaType } from '@schemata/serdes';
import type { SchemaSource } from '../schema-work/types.js';
import type { StoreReader, VersionWithSchema } from '../store/store.js';
import type { ConfigService } from './config.js';
import { canonicalMetadata } from './data-contracts.js';
import { invalidSchema, RegistryError, versionNotFound } from './errors.js';
import { workError, type SchemaLoader } from './schemas.js';
import type { RegistryState } from './state.js';
import { parseSubject } from './subjects.js';
import { schemaText, type CompatibilityResult, type SchemaRequest } from './types.js';
import { LATEST, parseVersionId } from './version-id.js';

export interface CheckOptions {
  normalize: boolean;
  verbose: boolean;
}

export const DIFFERENT_SCHEMA_TYPE = 'Incompatible because of different schema type';
const MAX_SCHEMA_IN_MESSAGE = 10 * 1024;
const UNEXPECTED = 'Unexpected exception during compatibility check:';

export interface Candidate {
  readonly schemaType: SchemaType;
  readonly source: SchemaSource;
  readonly metadata?: Metadata | undefined;
}

function describeIssue(schemaType: SchemaType, issue: CompatibilityIssue): string {
  switch (schemaType) {
    case 'AVRO':
      return `{errorType:'${issue.type}', description:'${issue.message}', additionalInfo:'${issue.path}'}`;
    case 'PROTOBUF':
      return `Found incompatible change: Difference{fullPath='${issue.path}', type=${issue.type}}: ${issue.message}`;
    case 'JSON':
      return `Found incompatible change: Difference{jsonPath='${issue.path}', type=${issue.type}}: ${issue.message}`;
  }
}

function oldSchemaNotes(previous: VersionWithSchema): string[] {
  const text = previous.schema.schema;
  const shown = text.length <= MAX_SCHEMA_IN_MESSAGE ? `'${text}'` : `<truncated> '${text.slice(0, MAX_SCHEMA_IN_MESSAGE)}...'`;
  return [`{oldSchemaVersion: ${previous.version}}`, `{oldSchema: ${shown}}`];
}

/**
 * The described issues of `newer` reading data written with `older`. A schema that breaks the checker is
 * an answer (Confluent reports the exception as a message); a limit or the time budget is an error.
 */
async function issues(newer: SchemaSource, older: SchemaSource, schemaType: SchemaType, loader: SchemaLoader, config: Config): Promise<string[]> {
  const options = { validateFields: config.validateFields === true, ...(config.compatibilityPolicy ? { policy: config.compatibilityPolicy } : {}) };
  const result = await loader.work.backwardIssues(newer, older, options);
  if (result.ok) return result.value.map((i) => describeIssue(schemaType, i));
  if (result.failure.kind !== 'invalid') throw workError(result.failure);
  return [`${UNEXPECTED} ${result.failure.message}`];
}

async function checkOne(
  level: CompatibilityLevel,
  candidate: Candidate,
  previous: VersionWithSchema,
  loader: SchemaLoader,
  reader: StoreReader,
  config: Config,
): Promise<string[]> {
  if (previous.schema.schemaType !== candidate.schemaType) return [DIFFERENT_SCHEMA_TYPE];
  let old: SchemaSource;
  try {
    old = await loader.sourceOf(reader, previous.schema);
  } catch (e) {
    return [`${UNEXPECTED} ${e instanceof Error ? e.message : String(e)}`];
  }
  const type = candidate.schemaType;
  const backward = () => issues(candidate.source, old, type, loader, config);
  const forward = () => issues(old, candidate.source, type, loader, config);
  const withNotes = (msgs: string[]) => (msgs.length > 0 ? [...msgs, ...oldSchemaNotes(previous)] : msgs);
  if (level.startsWith('BACKWARD')) return withNotes(await backward());
  if (level.startsWith('FORWARD')) return withNotes(await forward());
  return [...(await forward()), ...withNotes(await backward())];
}

/**
 * The incompatibilities of `candidate` against the live `previous` versions (ascending) under `config`
 * (an effective config: its compatibilityLevel is set). Empty when compatible.
 */
export async function compatibilityMessages(
  config: Config,
  candidate: Candidate,
  previous: readonly VersionWithSchema[],
  loader: SchemaLoader,
  reader: StoreReader,
): Promise<string[]> {
  const level = config.compatibilityLevel ?? 'BACKWARD';
  if (level === 'NONE' || previous.length === 0) return [];
  let against = previous;
  const group = config.compatibilityGroup;
  if (group) {
    // Only versions in the same compatibility group (equal metadata property, possibly absent) count.
    const value = candidate.metadata?.properties?.[group];
    against = against.filter((p) => p.schema.metadata?.properties?.[group] === value);
  }
  const newestFirst = [...against].reverse();
  const checked = level.endsWith('_TRANSITIVE') ? newestFirst : newestFirst.slice(0, 1);
  // Versions holding the same schema (same id, or the same text with other metadata) share the verdict.
  const passed = new Set<unknown>();
  for (const p of checked) {
    if (passed.has(p.schema.id)) continue;
    const source = p.schema.schemaType === candidate.schemaType ? await loader.sourceOf(reader, p.schema).catch(() => undefined) : undefined;
    if (source && passed.has(source)) continue;
    const msgs = await checkOne(level, candidate, p, loader, reader, config);
    if (msgs.length > 0) return [...msgs, `{validateFields: '${config.validateFields === true}', compatibility: '${level}'}`];
    passed.add(p.schema.id);
    if (source) passed.add(source);
  }
  return [];
}

/**
 * `POST /compatibility/subjects/{s}/versions[/{v}]` (Confluent's CompatibilityResource). A named version is
 * checked alone; without one, every live version is passed and the level decides which count. Never writes.
 */
export class CompatibilityService {
  constructor(
    private readonly state: RegistryState,
    private readonly loader: SchemaLoader,
    private readonly configs: ConfigService,
  ) {}

  async check(subject: string, versionRaw: string | undefined, req: SchemaRequest, options: CheckOptions): Promise<CompatibilityResult> {
    const qs = parseSubject(subject);
    const version = versionRaw === undefined ? undefined : parseVersionId(versionRaw);
    const reader = this.state.store;
    const { config, versions } = await this.configs.forSubject(reader, qs);
    const live = versions.filter((v) => !v.deleted);
    let previous: VersionWithSchema[];
    if (version === undefined) previous = live;
    else if (version === LATEST) previous = live.slice(-1);
    else {
      const found = live.find((v) => v.version === version);
      if (!found) throw versionNotFound(version);
      previous = [found];
    }
    const result = (messages: string[]): CompatibilityResult =>
      options.verbose ? { is_compatible: messages.length === 0, messages } : { is_compatible: messages.length === 0 };

    let candidate: Candidate;
    try {
      const schema = schemaText(req.schema);
      if (schema === undefined) throw invalidSchema('Empty schema');
      const prepared = await this.loader.prepare(
        reader,
        qs.context,
        { schemaType: req.schemaType ?? 'AVRO', schema, references: req.references },
        { normalize: options.normalize || config.normalize === true, validate: true, allowDeletedReferences: true },
      );
      candidate = { schemaType: prepared.schemaType, source: prepared.source, metadata: canonicalMetadata(req.metadata) };
    } catch (e) {
      // With verbose=true an invalid schema is an answer, not an error.
      if (options.verbose && e instanceof RegistryError && e.errorCode === 42201) return result([e.message]);
      throw e;
    }
    if (previous.length === 0) return result([]);
    return result(await compatibilityMessages(config, candidate, previous, this.loader, reader));
  }
}
