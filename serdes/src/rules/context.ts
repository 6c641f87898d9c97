/**
 * What a rule executor sees while it runs: the rule, the subject and topic, the mode, the source and
 * target schemas (with their metadata and rule sets), the rule's parameters, and, for field rules, the
 * field being visited with its tags. Mirrors Confluent's RuleContext/FieldContext so executors behave
 * the same way in both clients.
 */
import type { Metadata, Rule, RuleMode, RuleSet, SchemaReference, SchemaType } from '../api/types.js';
import type { RegistryClient } from '../client/client.js';
import { wildcardMatch } from './wildcard.js';

export type FieldType =
  | 'RECORD'
  | 'ENUM'
  | 'ARRAY'
  | 'MAP'
  | 'COMBINED'
  | 'FIXED'
  | 'STRING'
  | 'BYTES'
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'NULL';

const PRIMITIVES = new Set<FieldType>(['STRING', 'BYTES', 'INT', 'LONG', 'FLOAT', 'DOUBLE', 'BOOLEAN', 'NULL']);

/** A schema as rules see it: the registry's answer with its metadata, rule set and (when known) version. */
export interface RuleSchema {
  schema: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  version?: number;
  id?: number;
}

export type RulePhase = 'MIGRATION' | 'DOMAIN' | 'ENCODING';

/** A field being visited by a field rule. */
export class FieldContext {
  constructor(
    /** The record (object) holding the field. */
    readonly containingMessage: unknown,
    /** `<record full name>.<field>` (Avro, Protobuf) or `$.<path>` (JSON Schema). */
    readonly fullName: string,
    readonly name: string,
    public type: FieldType,
    readonly tags: ReadonlySet<string>,
  ) {}

  isPrimitive(): boolean {
    return PRIMITIVES.has(this.type);
  }

  typeName(): string {
    return this.type;
  }
}

/** A field transform: what a field rule does to one field value. */
export interface FieldTransform {
  transform(ctx: RuleContext, field: FieldContext, value: unknown): unknown;
}

/** Walks a message along its schema, applying `transform` to fields (one per format). */
export type FieldTransformer = (ctx: RuleContext, transform: FieldTransform, msg: unknown) => Promise<unknown>;

export class RuleContext {
  private readonly fields: FieldContext[] = [];

  constructor(
    readonly source: RuleSchema | null,
    readonly target: RuleSchema,
    readonly subject: string,
    readonly topic: string,
    readonly isKey: boolean,
    readonly ruleMode: RuleMode,
    readonly rule: Rule,
    readonly index: number,
    readonly rules: readonly Rule[],
    /** Tags written in the schema itself (`confluent:tags`, `(confluent.field_meta).tags`), by field full name. */
    readonly inlineTags: ReadonlyMap<string, ReadonlySet<string>> | null,
    readonly fieldTransformer: FieldTransformer | null,
    /** The registry client of the serde (the encryption executor keeps its keys there). */
    readonly client: RegistryClient,
    /** The serde's `ruleConfig` (e.g. `secret` for the local KMS). */
    readonly config: Readonly<Record<string, string>>,
  ) {}

  /** A rule parameter: the rule's `params`, else the target schema's metadata properties. */
  getParameter(name: string): string | null {
    const fromRule = this.rule.params?.[name];
    if (fromRule != null) return fromRule;
    const fromMetadata = this.target.metadata?.properties?.[name];
    return fromMetadata ?? null;
  }

  getInlineTags(fullName: string): ReadonlySet<string> {
    return this.inlineTags?.get(fullName) ?? EMPTY_TAGS;
  }

  currentField(): FieldContext | null {
    return this.fields.length === 0 ? null : this.fields[this.fields.length - 1]!;
  }

  /** Enters a field: its tags are the inline ones (`tags`, else by full name) plus the metadata ones matching its name. */
  enterField(containingMessage: unknown, fullName: string, name: string, type: FieldType, tags: ReadonlySet<string> | null): FieldContext {
    const inline = tags ?? this.getInlineTags(fullName);
    const fromMetadata = this.metadataTags(fullName);
    let all: ReadonlySet<string> = inline;
    if (fromMetadata !== null) {
      const merged = new Set(inline);
      for (const t of fromMetadata) merged.add(t);
      all = merged;
    }
    const field = new FieldContext(containingMessage, fullName, name, type, all);
    this.fields.push(field);
    return field;
  }

  leaveField(): void {
    this.fields.pop();
  }

  private metadataTags(fullName: string): string[] | null {
    const tags = this.target.metadata?.tags;
    if (tags == null) return null;
    let out: string[] | null = null;
    for (const [pattern, values] of Object.entries(tags)) {
      if (wildcardMatch(fullName, pattern)) (out ??= []).push(...values);
    }
    return out;
  }
}

const EMPTY_TAGS: ReadonlySet<string> = new Set();

/** Whether a field with `fieldTags` is one the rule applies to (a rule without tags applies to every field). */
export function ruleAppliesTo(rule: Rule, fieldTags: ReadonlySet<string>): boolean {
  const ruleTags = rule.tags;
  if (ruleTags == null || ruleTags.length === 0) return true;
  for (const t of ruleTags) if (fieldTags.has(t)) return true;
  return false;
}
