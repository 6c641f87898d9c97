/**
 * The JSON entities of Confluent's Schema Registry REST API, shared by the registry (which serves them)
 * and the client (which reads them). Field names follow Confluent exactly.
 */
import type { SchemaReference, SchemaType } from '../formats/format.js';

export type { SchemaReference, SchemaType };

export interface Metadata {
  tags?: Record<string, string[]>;
  properties?: Record<string, string>;
  sensitive?: string[];
}

export type RuleKind = 'TRANSFORM' | 'CONDITION';
export type RuleMode = 'UPGRADE' | 'DOWNGRADE' | 'UPDOWN' | 'WRITE' | 'READ' | 'WRITEREAD';

export interface Rule {
  name: string;
  doc?: string;
  kind?: RuleKind;
  mode?: RuleMode;
  type: string;
  tags?: string[];
  params?: Record<string, string>;
  expr?: string;
  onSuccess?: string;
  onFailure?: string;
  disabled?: boolean;
}

export interface RuleSet {
  migrationRules?: Rule[];
  domainRules?: Rule[];
  encodingRules?: Rule[];
  enableAt?: string;
}

/** The body of `POST /subjects/{s}/versions`, `POST /subjects/{s}` and the compatibility endpoints. */
export interface RegisterSchemaRequest {
  schema?: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  metadata?: Metadata | null;
  ruleSet?: RuleSet | null;
  /** IMPORT mode only. */
  id?: number;
  version?: number;
}

/** A schema version as `GET /subjects/{s}/versions/{v}` returns it. */
export interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  guid?: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  schema: string;
  ts?: number;
  deleted?: boolean;
}

/** `GET /schemas/ids/{id}`. */
export interface SchemaById {
  schema: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  maxId?: number;
  subject?: string;
  version?: number;
  guid?: string;
  ts?: number;
  deleted?: boolean;
}

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT', 'FORWARD'] as const;
export type Mode = (typeof MODES)[number];

/** A stored configuration (global, context or subject level); every member optional so levels merge. */
export interface Config {
  compatibilityLevel?: CompatibilityLevel;
  normalize?: boolean;
  validateFields?: boolean;
  compatibilityGroup?: string;
  compatibilityPolicy?: 'STRICT' | 'LENIENT';
  alias?: string;
  defaultMetadata?: Metadata;
  overrideMetadata?: Metadata;
  defaultRuleSet?: RuleSet;
  overrideRuleSet?: RuleSet;
}

/** Confluent's JSON error body. */
export interface ErrorBody {
  error_code: number;
  message: string;
}
