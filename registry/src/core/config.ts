/**
 * Compatibility configuration (Confluent's ConfigResource). Levels: subject → context (`:.ctx:`, for
 * qualified subjects) or global (`/config`, for the default context) → `:.__GLOBAL:` → the server default
 * (BACKWARD unless configured). A level holding only some members is merged over the ones below it.
 * GET answers `compatibilityLevel`; PUT takes and echoes `compatibility`; PUT is a partial update.
 */
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type Config, type Mode } from '@schemata/serdes';
import type { StoreReader, VersionWithSchema } from '../store/store.js';
import { LoadingCache } from './cache.js';
import { canonicalMetadata, canonicalRuleSet, validateRuleSet } from './data-contracts.js';
import { invalidCompatibilityLevel, invalidSubject, subjectCompatibilityNotConfigured, subjectNotFound, unprocessable } from './errors.js';
import { modeIn, type ModeService } from './mode.js';
import type { RegistryState } from './state.js';
import { requireStorable } from './storable.js';
import { globalScope, requireValidSubject, scopeOf, subjectScope, type QualifiedSubject, type Scope } from './subjects.js';
import type { ConfigUpdate, ConfigUpdateResponse } from './types.js';

export function parseCompatibilityLevel(raw: string): CompatibilityLevel {
  const upper = raw.toUpperCase();
  const level = COMPATIBILITY_LEVELS.find((l) => l === upper);
  if (!level) throw invalidCompatibilityLevel();
  return level;
}

function parsePolicy(raw: string): 'STRICT' | 'LENIENT' {
  const upper = raw.toUpperCase();
  if (upper === 'STRICT' || upper === 'LENIENT') return upper;
  throw invalidCompatibilityLevel();
}

/** Members set in `over` replace those of `base`. */
function overlay(base: Config, over: Config | undefined): Config {
  if (!over) return base;
  const out: Config = { ...base };
  for (const [k, v] of Object.entries(over) as [keyof Config, Config[keyof Config]][]) {
    if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** True when registration must merge metadata or rule sets from the config. */
export function hasDefaultsOrOverrides(config: Config): boolean {
  return Boolean(config.defaultMetadata || config.overrideMetadata || config.defaultRuleSet || config.overrideRuleSet);
}

function toUpdateResponse(config: Config): ConfigUpdateResponse {
  const { compatibilityLevel, ...rest } = config;
  return compatibilityLevel === undefined ? rest : { compatibility: compatibilityLevel, ...rest };
}

/** A subject's versions (soft-deleted included, ascending) with the config and mode in force for it. */
export interface SubjectSettings {
  versions: readonly VersionWithSchema[];
  config: Config;
  mode: Mode;
}

export class ConfigService {
  /** Exclusive stores: the merged config per scope, dropped whenever any config changes. */
  private readonly effectiveCache: LoadingCache<string, Config> | undefined;

  constructor(
    private readonly state: RegistryState,
    private readonly modes: ModeService,
    private readonly serverDefault: CompatibilityLevel,
  ) {
    if (state.exclusive) {
      const cache = new LoadingCache<string, Config>(10_000);
      state.onWrite((fx) => {
        if (fx.scopes.size > 0) cache.invalidateAll();
      });
      this.effectiveCache = cache;
    }
  }

  /** The config in force for a scope: every level of its chain merged over the server default. */
  async effective(reader: StoreReader, scope: Scope): Promise<Config> {
    const load = async () => this.merge(await this.state.configs(reader, scope.chain));
    if (this.effectiveCache) return (await this.effectiveCache.get(scope.key, load))!;
    return load();
  }

  /**
   * What registering, looking up or checking a schema under a subject reads first: the subject's versions,
   * the config and the mode in force. Exclusive stores: the caches; shared stores: one query.
   */
  async forSubject(reader: StoreReader, qs: QualifiedSubject): Promise<SubjectSettings> {
    const scope = subjectScope(qs);
    if (this.state.exclusive) {
      const mode = await this.modes.effective(reader, scope);
      const config = await this.effective(reader, scope);
      return { versions: await this.state.versions(reader, qs.key), config, mode };
    }
    const { versions, settings } = await this.state.versionsAndSettings(reader, qs.key, scope.chain);
    return { versions, config: this.merge(settings.map((s) => s.config)), mode: modeIn(settings.map((s) => s.mode)) };
  }

  /** The levels of a chain (most specific first) merged over the server default. */
  private merge(levels: readonly (Config | undefined)[]): Config {
    let out: Config = { compatibilityLevel: this.serverDefault };
    for (let i = levels.length - 1; i >= 0; i--) out = overlay(out, levels[i]);
    return out;
  }

  /** `GET /config[/{subject}]`: a subject without its own config is 40408 unless `defaultToGlobal`. */
  async get(subject: string | undefined, defaultToGlobal: boolean): Promise<Config> {
    const scope = subject === undefined ? globalScope() : scopeOf(subject);
    const reader = this.state.store;
    if (scope.kind === 'global' || defaultToGlobal) return this.effective(reader, scope);
    const own = await this.state.config(reader, scope.key);
    if (own === undefined) throw subjectCompatibilityNotConfigured(scope.label);
    return own;
  }

  /** `PUT /config[/{subject}]`: members left out keep their stored value. */
  async update(subject: string | undefined, body: ConfigUpdate): Promise<ConfigUpdateResponse> {
    if (subject !== undefined) requireValidSubject(subject, true);
    const scope = subject === undefined ? globalScope() : scopeOf(subject);
    const change = parseUpdate(body);
    return this.state.write(async (tx, fx) => {
      await this.modes.requireWritable(tx, scope);
      const merged = overlay((await tx.config(scope.key)) ?? {}, change);
      await tx.setConfig(scope.key, merged);
      fx.scopes.add(scope.key);
      return toUpdateResponse(merged);
    });
  }

  /** `DELETE /config[/{subject}]`: answers the removed config; a subject without one is 40401. */
  async delete(subject: string | undefined): Promise<Config> {
    const scope = subject === undefined ? globalScope() : scopeOf(subject);
    return this.state.write(async (tx, fx) => {
      const own = await tx.config(scope.key);
      if (own === undefined) {
        if (scope.kind === 'global') return this.effective(tx, scope);
        throw subjectNotFound(scope.label);
      }
      await tx.setConfig(scope.key, undefined);
      fx.scopes.add(scope.key);
      return own;
    });
  }
}

/**
 * Validates a config update: 42203 for unknown levels/policies, 42210 for bad rule sets; strings a store
 * cannot hold (storable.ts) are 42208 in `alias` (it names a subject) and 422 elsewhere (Confluent has no
 * rule for them: it would store them).
 */
function parseUpdate(body: ConfigUpdate): Config {
  if (body.alias !== undefined) requireStorable(body.alias, () => invalidSubject(body.alias!));
  for (const key of ['compatibilityGroup', 'defaultMetadata', 'overrideMetadata'] as const) {
    requireStorable(body[key], (reason) => unprocessable(`Invalid ${key}: a string holds ${reason}`));
  }
  const out: Config = {};
  if (body.compatibility !== undefined) out.compatibilityLevel = parseCompatibilityLevel(body.compatibility);
  if (body.normalize !== undefined) out.normalize = body.normalize;
  if (body.validateFields !== undefined) out.validateFields = body.validateFields;
  if (body.compatibilityGroup !== undefined) out.compatibilityGroup = body.compatibilityGroup;
  if (body.compatibilityPolicy !== undefined) out.compatibilityPolicy = parsePolicy(body.compatibilityPolicy);
  if (body.alias !== undefined) out.alias = body.alias;
  const defaultMetadata = canonicalMetadata(body.defaultMetadata);
  if (defaultMetadata) out.defaultMetadata = defaultMetadata;
  const overrideMetadata = canonicalMetadata(body.overrideMetadata);
  if (overrideMetadata) out.overrideMetadata = overrideMetadata;
  validateRuleSet(body.defaultRuleSet);
  validateRuleSet(body.overrideRuleSet);
  const defaultRuleSet = canonicalRuleSet(body.defaultRuleSet);
  if (defaultRuleSet) out.defaultRuleSet = defaultRuleSet;
  const overrideRuleSet = canonicalRuleSet(body.overrideRuleSet);
  if (overrideRuleSet) out.overrideRuleSet = overrideRuleSet;
  return out;
}
