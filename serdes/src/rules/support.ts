/**
 * The glue between a serde and the rule engine: the format's field walker and inline tags for a schema
 * (compiled once per schema text), and the calls a serializer (WRITE, encoding WRITE) and a deserializer
 * (encoding READ, migrations, READ) make.
 */
import type { ResolvedReference } from '../formats/format.js';
import type { RegistryClient } from '../client/client.js';
import type { DeserializationError, SerializationError } from '../serde/errors.js';
import type { FieldTransformer, RuleSchema } from './context.js';
import { hasRules, RuleEngine } from './execute.js';
import type { RuleRegistry } from './registry.js';

/** What a format gives the rules: its field walker for a schema, and the schema's inline field tags. */
export interface RuleFormat {
  recordName(info: RuleSchema, references: ResolvedReference[]): string | undefined;
  fieldTransformer(info: RuleSchema, references: ResolvedReference[]): FieldTransformer;
  inlineTags(info: RuleSchema, references: ResolvedReference[]): ReadonlyMap<string, ReadonlySet<string>> | null;
}

export interface RuleOptions {
  /** Executors, actions and overrides (default: the built-in executors CEL, CEL_FIELD, JSONATA, ENCRYPT, ENCRYPT_PAYLOAD). */
  ruleRegistry?: RuleRegistry;
  /** Configuration of the executors, e.g. `secret` for the local KMS (else the LOCAL_SECRET environment variable). */
  ruleConfig?: Record<string, string>;
}

interface Compiled {
  readonly recordName: string | undefined;
  readonly fieldTransformer: FieldTransformer;
  readonly inlineTags: ReadonlyMap<string, ReadonlySet<string>> | null;
}

export class RuleSupport {
  readonly engine: RuleEngine;
  private readonly compiled = new Map<string, Promise<Compiled>>();
  /** The same, by schema object: the per-message path skips building the text key. */
  private readonly byObject = new WeakMap<RuleSchema, Promise<Compiled>>();

  constructor(
    private readonly client: RegistryClient,
    private readonly format: RuleFormat,
    registry: RuleRegistry,
    config: Readonly<Record<string, string>>,
    isKey: boolean,
    ErrorClass: typeof SerializationError | typeof DeserializationError,
  ) {
    this.engine = new RuleEngine(registry, client, config, isKey, ErrorClass);
  }

  /** The walker and inline tags of `info`, compiled once per schema text. */
  compile(info: RuleSchema): Promise<Compiled> {
    const hit = this.byObject.get(info);
    if (hit !== undefined) return hit;
    const made = this.compileByText(info);
    this.byObject.set(info, made);
    made.catch(() => this.byObject.delete(info));
    return made;
  }

  private compileByText(info: RuleSchema): Promise<Compiled> {
    const key = `${info.schemaType ?? 'AVRO'}\0${info.schema}\0${JSON.stringify(info.references ?? [])}`;
    let p = this.compiled.get(key);
    if (p === undefined) {
      p = (async () => {
        const refs = await this.client.resolveReferences(info.references);
        const f = this.format;
        return { recordName: f.recordName(info, refs), fieldTransformer: f.fieldTransformer(info, refs), inlineTags: f.inlineTags(info, refs) };
      })();
      this.compiled.set(key, p);
      p.catch(() => this.compiled.delete(key));
    }
    return p;
  }

  static hasWriteRules(info: RuleSchema): boolean {
    return hasRules(info.ruleSet, 'DOMAIN', 'WRITE') || hasRules(info.ruleSet, 'ENCODING', 'WRITE');
  }

  static hasReadRules(info: RuleSchema): boolean {
    return hasRules(info.ruleSet, 'DOMAIN', 'READ') || hasRules(info.ruleSet, 'ENCODING', 'READ');
  }

  /** DOMAIN rules of `target` in `mode` (WRITE or READ); `tagsFrom` gives the inline tags (Confluent: the writer schema). */
  async domain(subject: string, topic: string, mode: 'WRITE' | 'READ', target: RuleSchema, msg: unknown, tagsFrom: RuleSchema = target): Promise<unknown> {
    if (!hasRules(target.ruleSet, 'DOMAIN', mode)) return msg;
    const c = await this.compile(target);
    const inlineTags = tagsFrom === target ? c.inlineTags : (await this.compile(tagsFrom)).inlineTags;
    return this.engine.execute({ subject, topic, phase: 'DOMAIN', mode, source: null, target, inlineTags, fieldTransformer: c.fieldTransformer }, msg);
  }

  /** ENCODING rules of `target` on the payload bytes (after the schema id and message indexes). */
  async encoding(subject: string, topic: string, mode: 'WRITE' | 'READ', target: RuleSchema, payload: Buffer): Promise<Buffer> {
    if (!hasRules(target.ruleSet, 'ENCODING', mode)) return payload;
    const out = await this.engine.execute({ subject, topic, phase: 'ENCODING', mode, source: null, target, inlineTags: null, fieldTransformer: null }, payload);
    return out as Buffer;
  }

  /** Migration rules of each step from the writer's version to the reader's (UPGRADE or DOWNGRADE). */
  async migrate(subject: string, topic: string, steps: readonly MigrationStep[], msg: unknown): Promise<unknown> {
    for (const s of steps) {
      const c = await this.compile(s.target);
      msg = await this.engine.execute(
        { subject, topic, phase: 'MIGRATION', mode: s.mode, source: s.source, target: s.target, inlineTags: null, fieldTransformer: c.fieldTransformer },
        msg,
      );
    }
    return msg;
  }

  /**
   * The migration steps from `source` (the writer schema) to `target` (the reader schema, a version of
   * `subject`): the versions in between that have migration rules for the direction, as Confluent's
   * client finds them (the writer's version is looked up under the subject, deleted versions included).
   */
  async migrations(subject: string, source: RuleSchema, target: RuleSchema & { version: number }): Promise<MigrationStep[]> {
    const found = await this.client.lookupSchema(subject, source, { deleted: true });
    const src: RuleSchema & { version: number } = { ...source, version: found.version };
    if (src.version === target.version) return [];
    const mode = src.version < target.version ? 'UPGRADE' : 'DOWNGRADE';
    const [first, last] = mode === 'UPGRADE' ? [src, target] : [target, src];
    const versions: (RuleSchema & { version: number })[] = [first];
    for (let v = first.version + 1; v < last.version; v++) {
      const got = await this.client.getVersion(subject, v, { deleted: true });
      versions.push({ ...got, schemaType: got.schemaType ?? 'AVRO' });
    }
    versions.push(last);
    const steps: MigrationStep[] = [];
    for (let i = 1; i < versions.length; i++) {
      const v = versions[i]!;
      if (!hasRules(v.ruleSet, 'MIGRATION', mode)) continue;
      steps.push(mode === 'UPGRADE' ? { mode, source: versions[i - 1]!, target: v } : { mode, source: v, target: versions[i - 1]! });
    }
    return mode === 'DOWNGRADE' ? steps.reverse() : steps;
  }
}

export interface MigrationStep {
  readonly mode: 'UPGRADE' | 'DOWNGRADE';
  readonly source: RuleSchema;
  readonly target: RuleSchema;
}
