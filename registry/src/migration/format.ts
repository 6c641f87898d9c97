/**
 * The export file format of `schema-registry export` / `import`, version 1.
 *
 * NDJSON: UTF-8, one JSON object per line, lines ended by `\n`. Streamable both ways: the writer never
 * holds the registry as one string and a reader parses line by line.
 *
 *   {"format":"schemata-export","version":1,"exportedAt":"2026-…Z","source":"postgres"}        header, first line
 *   {"type":"context","context":".","maxId":42}                                             a context's id counter
 *   {"type":"schema","context":".","id":7,"schemaType":"AVRO","schema":"…","references":[…],
 *    "metadata":{…},"ruleSet":{…},"referenceTargets":[{"subject":"b","version":2}]}         a schema under an id
 *   {"type":"version","subject":":.ctx:orders","version":3,"id":7,"deleted":false,"ts":1764…}  a subject version
 *   {"type":"setting","scope":"orders-value","config":{…},"mode":"READONLY"}                   a scope's config/mode
 *   {"type":"kek","name":"k1","kmsType":"aws-kms","kmsKeyId":"…","kmsProps":{},"shared":false,
 *    "deleted":false,"ts":1764…}                                                          a KEK (DEK registry)
 *   {"type":"dek","kekName":"k1","subject":"s","algorithm":"AES256_GCM","version":1,
 *    "encryptedKeyMaterial":"…","deleted":false,"ts":1764…}                               a DEK (wrapped only)
 *   {"type":"end","contexts":2,"schemas":10,"versions":25,"settings":3}                     last line: the counts
 *
 * - `maxId` is the largest id ever allocated in the context, permanently deleted ones included: import
 *   raises the target's counter to it, so those ids are never handed out again.
 * - `schema` is the stored text (canonical or normalized), copied byte for byte: ids are preserved, and a
 *   consumer fetching an id after the move must get exactly the bytes it got before.
 * - `references` are as registered (`version` -1 meaning "latest at registration"); `referenceTargets` are
 *   the subject-versions they resolved to then (qualified subject keys), which `referencedby` and delete
 *   checks answer from. Subjects are stored keys: bare in the default context, `:.ctx:name` otherwise.
 * - The content hash and guid are not in the file: import recomputes them with the core's function
 *   (core/identity.ts), so the target's content-addressed lookups always agree with its own code, and a
 *   hand-edited file cannot make a hash disagree with the content it names.
 * - `ts` is the registration time (epoch ms); `deleted` marks a soft-deleted version. Permanently deleted
 *   versions are simply absent.
 * - KEKs and DEKs (the DEK registry) are copied as stored, KMS credentials in kmsProps included, and DEKs only
 *   as wrapped key material. The end line counts them (`keks`, `deks`) only when there are any, so files
 *   without them are what earlier version-1 writers wrote.
 * - Scopes: `` global, `:.ctx:` a context, `:.__GLOBAL:` registry-wide, otherwise a subject key.
 * - Order, as written: the header; per context (sorted), its context line, then its versions sorted by
 *   subject and version, each schema line just before the first version line that uses it; then the
 *   settings sorted by scope; then the end line. Readers accept body lines in any order.
 * - The end line's counts must match the lines read, so a truncated file is refused rather than imported
 *   in part. Unknown members and line types are refused (version 1 readers cannot know what they mean);
 *   a later format bumps `version`.
 */
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { COMPATIBILITY_LEVELS, MODES, type Config, type Metadata, type Mode, type RuleSet, type SchemaReference, type SchemaType } from '@schemata/serdes';
import type { DekRecord, KekRecord } from '../store/store.js';
import { InvalidExportFile } from './errors.js';

export const FORMAT = 'schemata-export';
export const FORMAT_VERSION = 1;

export interface HeaderLine {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  /** ISO 8601 time the export started. */
  exportedAt: string;
  /** The kind of store exported from (`embedded`, `postgres`, `kafka`); informative. */
  source: string;
}

export interface ContextLine {
  type: 'context';
  context: string;
  maxId: number;
}

export interface SchemaLine {
  type: 'schema';
  context: string;
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
  metadata?: Metadata;
  ruleSet?: RuleSet;
  referenceTargets: { subject: string; version: number }[];
}

export interface VersionLine {
  type: 'version';
  subject: string;
  version: number;
  id: number;
  deleted: boolean;
  ts: number;
}

export interface SettingLine {
  type: 'setting';
  scope: string;
  config?: Config;
  mode?: Mode;
}

/** A KEK of the DEK registry, as stored. */
export type KekLine = { type: 'kek' } & KekRecord;

/** A DEK, as stored (wrapped key material only). */
export type DekLine = { type: 'dek' } & DekRecord;

export interface EndLine {
  type: 'end';
  contexts: number;
  schemas: number;
  versions: number;
  settings: number;
  /** Present when the file holds KEKs or DEKs. */
  keks?: number;
  deks?: number;
}

export type BodyLine = ContextLine | SchemaLine | VersionLine | SettingLine | KekLine | DekLine;
export type Line = BodyLine | EndLine;

// ---- the JSON Schemas the lines are checked against (also the format's exact reference) --------------

const MAX_INT = 2 ** 31 - 1;
/** Postgres `text` cannot hold NUL: refused here with the line number rather than by the database. */
const text = { type: 'string', pattern: '^[^\\u0000]*$' };
const id = { type: 'integer', minimum: 1, maximum: MAX_INT };
const contextName = { type: 'string', pattern: '^\\.[^\\u0000]*$' };
const stringMap = { type: 'object', additionalProperties: text };
const stringList = { type: 'array', items: text };
const object = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });

const metadata = object({ tags: { type: 'object', additionalProperties: stringList }, properties: stringMap, sensitive: stringList });
const rule = object(
  {
    name: text,
    doc: text,
    kind: { enum: ['TRANSFORM', 'CONDITION'] },
    mode: { enum: ['UPGRADE', 'DOWNGRADE', 'UPDOWN', 'WRITE', 'READ', 'WRITEREAD'] },
    type: text,
    tags: stringList,
    params: stringMap,
    expr: text,
    onSuccess: text,
    onFailure: text,
    disabled: { type: 'boolean' },
  },
  ['name', 'type'],
);
const rules = { type: 'array', items: { $ref: '#/$defs/rule' } };
const ruleSet = object({ migrationRules: rules, domainRules: rules, encodingRules: rules, enableAt: text });
const defs = { metadata, rule, ruleSet };

const LINE_SCHEMAS: Record<Line['type'], SchemaObject> = {
  context: object({ type: { const: 'context' }, context: contextName, maxId: { type: 'integer', minimum: 0, maximum: MAX_INT } }, ['type', 'context', 'maxId']),
  schema: object(
    {
      type: { const: 'schema' },
      context: contextName,
      id,
      schemaType: { enum: ['AVRO', 'PROTOBUF', 'JSON'] },
      schema: text,
      references: {
        type: 'array',
        items: object({ name: text, subject: text, version: { type: 'integer', minimum: -1, maximum: MAX_INT } }, ['name', 'subject', 'version']),
      },
      metadata: { $ref: '#/$defs/metadata' },
      ruleSet: { $ref: '#/$defs/ruleSet' },
      referenceTargets: { type: 'array', items: object({ subject: text, version: id }, ['subject', 'version']) },
    },
    ['type', 'context', 'id', 'schemaType', 'schema', 'references', 'referenceTargets'],
  ),
  version: object(
    { type: { const: 'version' }, subject: text, version: id, id, deleted: { type: 'boolean' }, ts: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
    ['type', 'subject', 'version', 'id', 'deleted', 'ts'],
  ),
  setting: object(
    {
      type: { const: 'setting' },
      scope: text,
      config: object({
        compatibilityLevel: { enum: [...COMPATIBILITY_LEVELS] },
        normalize: { type: 'boolean' },
        validateFields: { type: 'boolean' },
        compatibilityGroup: text,
        compatibilityPolicy: { enum: ['STRICT', 'LENIENT'] },
        alias: text,
        defaultMetadata: { $ref: '#/$defs/metadata' },
        overrideMetadata: { $ref: '#/$defs/metadata' },
        defaultRuleSet: { $ref: '#/$defs/ruleSet' },
        overrideRuleSet: { $ref: '#/$defs/ruleSet' },
      }),
      mode: { enum: [...MODES] },
    },
    ['type', 'scope'],
  ),
  kek: object(
    {
      type: { const: 'kek' },
      name: { type: 'string', pattern: '^[\\p{L}_][\\p{L}\\p{Nd}_-]{0,63}$' },
      kmsType: text,
      kmsKeyId: text,
      kmsProps: stringMap,
      doc: text,
      shared: { type: 'boolean' },
      deleted: { type: 'boolean' },
      ts: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    },
    ['type', 'name', 'kmsType', 'kmsKeyId', 'kmsProps', 'shared', 'deleted', 'ts'],
  ),
  dek: object(
    {
      type: { const: 'dek' },
      kekName: text,
      // No control characters (Confluent's checkSubject).
      subject: { type: 'string', minLength: 1, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' },
      algorithm: { enum: ['AES128_GCM', 'AES256_GCM', 'AES256_SIV'] },
      version: id,
      encryptedKeyMaterial: text,
      deleted: { type: 'boolean' },
      ts: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    },
    ['type', 'kekName', 'subject', 'algorithm', 'version', 'encryptedKeyMaterial', 'deleted', 'ts'],
  ),
  end: object(
    {
      type: { const: 'end' },
      contexts: { type: 'integer', minimum: 0 },
      schemas: { type: 'integer', minimum: 0 },
      versions: { type: 'integer', minimum: 0 },
      settings: { type: 'integer', minimum: 0 },
      keks: { type: 'integer', minimum: 0 },
      deks: { type: 'integer', minimum: 0 },
    },
    ['type', 'contexts', 'schemas', 'versions', 'settings'],
  ),
};

const HEADER_SCHEMA = object(
  { format: { const: FORMAT }, version: { const: FORMAT_VERSION }, exportedAt: text, source: text },
  ['format', 'version'],
);

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = new Map<string, ValidateFunction>(Object.entries(LINE_SCHEMAS).map(([type, schema]) => [type, ajv.compile({ ...schema, $defs: defs })]));
const validateHeader = ajv.compile(HEADER_SCHEMA);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'invalid';
  const where = e.instancePath === '' ? '' : `${e.instancePath.slice(1).replaceAll('/', '.')} `;
  const extra = e.keyword === 'additionalProperties' ? ` ("${String(e.params.additionalProperty)}")` : e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${where}${e.message ?? 'is invalid'}${extra}`;
}

/** The first line, checked: the format name and a version this reader understands. */
export function decodeHeader(value: unknown, lineNo: number): HeaderLine {
  if (!isObject(value) || value.format !== FORMAT) {
    throw new InvalidExportFile(`line ${lineNo}: not a schemata export file (the first line must be {"format":"${FORMAT}",…})`);
  }
  if (value.version !== FORMAT_VERSION) {
    throw new InvalidExportFile(`line ${lineNo}: export format version ${JSON.stringify(value.version)} is not supported (this version reads ${FORMAT_VERSION})`);
  }
  if (!validateHeader(value)) throw new InvalidExportFile(`line ${lineNo}: header ${describe(validateHeader.errors)}`);
  return value as unknown as HeaderLine;
}

/** A line after the header, checked against its type's schema. */
export function decodeLine(value: unknown, lineNo: number): Line {
  const type = isObject(value) ? value.type : undefined;
  const validate = typeof type === 'string' ? validators.get(type) : undefined;
  if (!validate) throw new InvalidExportFile(`line ${lineNo}: unknown line type ${JSON.stringify(type ?? null)}`);
  if (!validate(value)) throw new InvalidExportFile(`line ${lineNo}: ${String(type)} ${describe(validate.errors)}`);
  return value as unknown as Line;
}
