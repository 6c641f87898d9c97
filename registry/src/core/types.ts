/**
 * What the core's use cases take and return. Requests arrive already decoded (http/bodies.ts checks their
 * shape); responses are Confluent's entities (serdes' REST types) plus the few shapes those do not cover.
 */
import type { CompatibilityLevel, Config, Metadata, RuleSet, SchemaReference, SchemaType } from '@schemata/serdes';

/** The schema text, or undefined when it is absent or whitespace only (Confluent's "empty schema"). */
export const schemaText = (s: string | undefined): string | undefined => (s === undefined || s.trim() === '' ? undefined : s);

/** The body of register, lookup and compatibility calls. */
export interface SchemaRequest {
  /** Absent or blank = "empty schema" (re-register the latest schema with new metadata/ruleSet). */
  schema?: string;
  /** As sent; absent means AVRO. */
  schemaType?: string;
  references: SchemaReference[];
  /** `null`/absent: not given (the previous version's applies on registration); `{}` replaces it. */
  metadata?: Metadata | null;
  ruleSet?: RuleSet | null;
  /** IMPORT mode only. */
  id?: number;
  version?: number;
}

export interface RegisterOptions {
  normalize: boolean;
  /** Confluent master: skip the compatibility check. */
  force: boolean;
}

/** `POST /subjects/{s}/versions` answer (Confluent 8.x: the registered schema without its subject). */
export interface RegisteredSchema {
  id: number;
  version: number;
  guid: string;
  schemaType: SchemaType;
  references?: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  schema: string;
  ts: number;
}

/** `PUT /config` body: the write key is `compatibility` (GET answers `compatibilityLevel`). */
export interface ConfigUpdate {
  compatibility?: string;
  normalize?: boolean;
  validateFields?: boolean;
  compatibilityGroup?: string;
  compatibilityPolicy?: string;
  alias?: string;
  defaultMetadata?: Metadata;
  overrideMetadata?: Metadata;
  defaultRuleSet?: RuleSet;
  overrideRuleSet?: RuleSet;
}

/** `PUT /config` answer: the stored config in the request's shape. */
export type ConfigUpdateResponse = Omit<Config, 'compatibilityLevel'> & { compatibility?: CompatibilityLevel };

export interface CompatibilityResult {
  is_compatible: boolean;
  /** Only with `verbose=true`. */
  messages?: string[];
}

export interface SubjectVersionRef {
  subject: string;
  version: number;
}

export interface ContextId {
  context: string;
  id: number;
}

export interface Page {
  offset: number;
  /** Non-positive: no limit. */
  limit: number;
}

export function paginate<T>(items: readonly T[], page: Page): T[] {
  const start = Math.max(0, page.offset);
  return page.limit > 0 ? items.slice(start, start + page.limit) : items.slice(start);
}
