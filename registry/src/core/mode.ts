/**
 * Modes (Confluent's ModeResource and KafkaSchemaRegistry.setMode): READWRITE (default), READONLY,
 * READONLY_OVERRIDE (deprecated; read-only at its own level, as Confluent master treats it), IMPORT, and
 * FORWARD (registry-wide `:.__GLOBAL:` only). Resolution runs subject → context or global → `:.__GLOBAL:`.
 */
import { MODES, type Mode } from '@schemata/serdes';
import type { StoreReader, StoreWriter } from '../store/store.js';
import {
  invalidMode,
  operationNotPermitted,
  subjectModeNotConfigured,
  subjectNotFound,
} from './errors.js';
import type { RegistryState, WriteEffects } from './state.js';
import {
  contextPrefix,
  GLOBAL_CONTEXT,
  globalScope,
  requireValidSubject,
  scopeOf,
  type Scope,
} from './subjects.js';

export const DEFAULT_MODE: Mode = 'READWRITE';

export interface ModeBody {
  mode: Mode;
}

export const isReadOnly = (mode: Mode) => mode === 'READONLY' || mode === 'READONLY_OVERRIDE';
export const isImportLike = (mode: Mode) => mode === 'IMPORT' || mode === 'FORWARD';

/** The mode in force given the modes stored along a scope chain (most specific first). */
export function modeIn(levels: readonly (Mode | undefined)[]): Mode {
  return levels.find((m) => m !== undefined) ?? DEFAULT_MODE;
}

/** The message Confluent uses: the context part is the qualified context, empty for the default one. */
export function readOnlyMessage(scope: Scope): string {
  return `Subject ${scope.label} in context ${contextPrefix(scope.context)} is in read-only mode`;
}

export class ModeService {
  constructor(private readonly state: RegistryState) {}

  /** The mode in force for a scope. */
  async effective(reader: StoreReader, scope: Scope): Promise<Mode> {
    return modeIn(await this.state.modes(reader, scope.chain));
  }

  /** 42205 when the scope is read-only (register, deletes and config updates call this). */
  async requireWritable(reader: StoreReader, scope: Scope): Promise<Mode> {
    const mode = await this.effective(reader, scope);
    if (isReadOnly(mode)) throw operationNotPermitted(readOnlyMessage(scope));
    return mode;
  }

  /** `GET /mode[/{subject}]`; a subject without its own mode is 40409 unless `defaultToGlobal`. */
  async get(subject: string | undefined, defaultToGlobal: boolean): Promise<ModeBody> {
    const scope = subject === undefined ? globalScope() : scopeOf(subject);
    const reader = this.state.store;
    if (scope.kind === 'global' || defaultToGlobal) return { mode: await this.effective(reader, scope) };
    const own = await this.state.mode(reader, scope.key);
    if (own === undefined) throw subjectModeNotConfigured(scope.label);
    return { mode: own };
  }

  /** `PUT /mode[/{subject}]`. Switching to IMPORT needs an empty scope unless `force`. */
  async update(subject: string | undefined, requested: string, force: boolean): Promise<ModeBody> {
    if (subject !== undefined) requireValidSubject(subject, true);
    const scope = subject === undefined ? globalScope() : scopeOf(subject);
    const mode = parseMode(requested);
    if (mode === 'FORWARD' && !(scope.kind === 'registry' && scope.context === GLOBAL_CONTEXT)) {
      throw invalidMode('Forward mode only supported on global level');
    }
    await this.state.write(async (tx, fx) => {
      if (mode === 'IMPORT' && !force && (await this.effective(tx, scope)) !== 'IMPORT') {
        if (await hasLiveSubjects(tx, scope)) throw operationNotPermitted('Cannot import since found existing subjects');
        // Imported ids must not collide with leftovers: soft-deleted versions in scope go (as Confluent's ClearSubject).
        await purgeSoftDeleted(tx, scope, fx);
      }
      await tx.setMode(scope.key, mode);
      fx.scopes.add(scope.key);
    });
    return { mode };
  }

  /** `DELETE /mode[/{subject}]`: answers the removed mode; a subject without one is 40401. */
  async delete(subject: string | undefined): Promise<ModeBody> {
    const scope = subject === undefined ? globalScope() : scopeOf(subject);
    return this.state.write(async (tx, fx) => {
      const own = await tx.mode(scope.key);
      if (own === undefined) {
        if (scope.kind === 'global') return { mode: await this.effective(tx, scope) };
        throw subjectNotFound(scope.label);
      }
      await tx.setMode(scope.key, undefined);
      fx.scopes.add(scope.key);
      return { mode: own };
    });
  }
}

/** Case-insensitive; 42204 for anything else. */
export function parseMode(raw: string): Mode {
  const upper = raw.toUpperCase();
  const mode = MODES.find((m) => m === upper);
  if (!mode) throw invalidMode();
  return mode;
}

/** The subjects a scope covers: one subject, one context, or (global levels) every context. */
async function subjectsInScope(tx: StoreReader, scope: Scope): Promise<{ subject: string; deleted: boolean }[]> {
  if (scope.kind === 'subject') {
    const versions = await tx.subjectVersions(scope.key);
    return versions.length === 0 ? [] : [{ subject: scope.key, deleted: versions.every((v) => v.deleted) }];
  }
  if (scope.kind === 'context') return tx.listSubjects({ context: scope.context });
  return tx.listSubjects({});
}

async function hasLiveSubjects(tx: StoreReader, scope: Scope): Promise<boolean> {
  return (await subjectsInScope(tx, scope)).some((s) => !s.deleted);
}

async function purgeSoftDeleted(tx: StoreWriter, scope: Scope, fx: WriteEffects): Promise<void> {
  for (const { subject } of await subjectsInScope(tx, scope)) {
    for (const v of await tx.subjectVersions(subject)) {
      if (!v.deleted || (await tx.referrers(subject, v.version)).length > 0) continue;
      await tx.purgeVersion(subject, v.version);
      fx.purged.push({ context: v.context, id: v.schemaId });
    }
    fx.subjects.add(subject);
  }
  fx.everything = true;
}
