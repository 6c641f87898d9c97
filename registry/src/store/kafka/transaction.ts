/**
 * One write transaction of the primary: the core's writes become `_schemas` records (and DEK registry
 * records for the keys topic, in the same Kafka transaction). Each record is applied
 * to the view at once (so the transaction reads its own writes) and undone when the transaction ends; the
 * store then commits the records to Kafka, and the topic reader applies them for good.
 */
import type { Config, Mode } from '@schemata/serdes';
import type { DekAlgorithm, DekRecord, IdCounter, KekRecord, NewSchema, SchemaRecord, StoreWriter, VersionRecord } from '../store.js';
import { DEFAULT_CONTEXT } from '../store.js';
import { DEFAULT_TENANT, encodeConfigValue, encodeContextValue, encodeKey, encodeModeValue, encodeSchemaValue, type RegistryKey } from './records.js';
import { encodeDekKey, encodeDekValue, encodeKekKey, encodeKekValue } from './key-records.js';
import type { KeyView, KeyViewRecord } from './key-view.js';
import { ViewReader } from './view-reader.js';
import type { SchemaView, ViewRecord } from './view.js';

export interface OutgoingRecord {
  key: string;
  value: string | null;
  /** The record's timestamp: a version's registration time (kept by a soft delete), else now. */
  timestamp: number;
}

export class KafkaTransaction extends ViewReader implements StoreWriter {
  readonly records: OutgoingRecord[] = [];
  /** Records for the DEK registry's topic. */
  readonly keyRecords: OutgoingRecord[] = [];
  private readonly undos: (() => void)[] = [];
  /** Schemas inserted but not yet carried by a version (the topic only holds subject-versions). */
  private readonly pending = new Map<string, SchemaRecord>();
  private readonly allocated = new Map<string, number>();

  constructor(view: SchemaView, keys: KeyView) {
    super(view, keys);
  }

  private putKey(record: KeyViewRecord, key: string, value: string | null, ts: number): void {
    this.undos.push(this.keys.apply(record));
    this.keyRecords.push({ key, value, timestamp: ts });
  }

  async putKek(kek: KekRecord): Promise<void> {
    this.putKey({ key: { type: 'KEK', name: kek.name }, value: kek }, encodeKekKey(kek.name), encodeKekValue(kek), kek.ts);
  }

  async purgeKek(name: string): Promise<void> {
    this.putKey({ key: { type: 'KEK', name }, value: null }, encodeKekKey(name), null, Date.now());
  }

  async putDek(dek: DekRecord): Promise<void> {
    const key = { type: 'DEK', kekName: dek.kekName, subject: dek.subject, algorithm: dek.algorithm, version: dek.version } as const;
    this.putKey({ key, value: dek }, encodeDekKey(key), encodeDekValue(dek), dek.ts);
  }

  async purgeDek(kekName: string, subject: string, algorithm: DekAlgorithm, version: number): Promise<void> {
    const key = { type: 'DEK', kekName, subject, algorithm, version } as const;
    this.putKey({ key, value: null }, encodeDekKey(key), null, Date.now());
  }

  private put(record: ViewRecord, key: RegistryKey, value: string | null): void {
    this.undos.push(this.view.apply(record));
    this.records.push({ key: encodeKey(key), value, timestamp: record.ts });
  }

  /** Takes every record of this transaction back out of the view (called whatever the outcome). */
  undo(): void {
    for (const undo of this.undos.reverse()) undo();
    this.undos.length = 0;
  }

  override async schemaById(context: string, id: number): Promise<SchemaRecord | undefined> {
    return this.pending.get(`${context}\u0000${id}`) ?? this.view.schemaById(context, id);
  }

  override async schemaIdByHash(context: string, hash: string): Promise<number | undefined> {
    for (const s of this.pending.values()) if (s.context === context && s.hash === hash) return s.id;
    return this.view.schemaIdByHash(context, hash);
  }

  override async maxSchemaId(context: string): Promise<number> {
    return Math.max(this.view.maxSchemaId(context), this.allocated.get(context) ?? 0);
  }

  async insertSchema(schema: NewSchema): Promise<number> {
    const id = schema.id ?? (await this.maxSchemaId(schema.context)) + 1;
    const { referenceTargets: _targets, ...rest } = schema;
    this.pending.set(`${schema.context}\u0000${id}`, { ...rest, id });
    this.allocated.set(schema.context, Math.max(id, this.allocated.get(schema.context) ?? 0));
    if (schema.context !== DEFAULT_CONTEXT && !this.view.hasContext(schema.context)) {
      // Confluent records a context's creation with a CONTEXT record (the view ignores it).
      const context = schema.context;
      this.records.push({
        key: encodeKey({ keytype: 'CONTEXT', tenant: DEFAULT_TENANT, context }),
        value: encodeContextValue(DEFAULT_TENANT, context),
        timestamp: Date.now(),
      });
    }
    return id;
  }

  async insertVersion(v: VersionRecord): Promise<void> {
    const key = `${v.context}\u0000${v.schemaId}`;
    const schema = this.pending.get(key) ?? this.view.schemaById(v.context, v.schemaId);
    if (!schema) throw new Error(`schema ${v.schemaId} of context ${v.context} does not exist`);
    this.writeVersion(v, schema, v.deleted);
    this.pending.delete(key);
  }

  private writeVersion(v: Pick<VersionRecord, 'subject' | 'version' | 'ts'>, s: SchemaRecord, deleted: boolean): void {
    const value = {
      subject: v.subject,
      version: v.version,
      id: s.id,
      schemaType: s.schemaType,
      references: s.references,
      schema: s.schema,
      deleted,
      ...(s.metadata ? { metadata: s.metadata } : {}),
      ...(s.ruleSet ? { ruleSet: s.ruleSet } : {}),
    };
    const key = { keytype: 'SCHEMA', subject: v.subject, version: v.version } as const;
    this.put({ key, value, ts: v.ts }, key, encodeSchemaValue(value));
  }

  async markVersionDeleted(subject: string, version: number): Promise<void> {
    const v = this.view.subjectVersion(subject, version);
    if (v) this.writeVersion(v, v.schema, true);
  }

  async purgeVersion(subject: string, version: number): Promise<void> {
    const key = { keytype: 'SCHEMA', subject, version } as const;
    this.put({ key, value: null, ts: Date.now() }, key, null);
  }

  async setConfig(scope: string, config: Config | undefined): Promise<void> {
    const key = { keytype: 'CONFIG', scope } as const;
    this.put({ key, value: config ?? null, ts: Date.now() }, key, config === undefined ? null : encodeConfigValue(scope, config));
  }

  async setMode(scope: string, mode: Mode | undefined): Promise<void> {
    const key = { keytype: 'MODE', scope } as const;
    this.put({ key, value: mode ?? null, ts: Date.now() }, key, mode === undefined ? null : encodeModeValue(scope, mode));
  }

  /** Counters raised by this transaction: the store applies them to the view once it has committed. */
  readonly raisedCounters = new Map<string, number>();

  async raiseIdCounter(context: string, maxId: number): Promise<void> {
    if (maxId <= (await this.maxSchemaId(context))) return;
    this.allocated.set(context, maxId);
    this.raisedCounters.set(context, maxId);
  }

  override async idCounters(): Promise<IdCounter[]> {
    const counters = new Map((await super.idCounters()).map((c) => [c.context, c.maxId]));
    for (const [context, id] of this.allocated) counters.set(context, Math.max(id, counters.get(context) ?? 0));
    return [...counters].map(([context, maxId]) => ({ context, maxId })).sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
  }

  async deleteContext(context: string): Promise<void> {
    const scope = `:${context}:`;
    if (this.view.config(scope) !== undefined) await this.setConfig(scope, undefined);
    if (this.view.mode(scope) !== undefined) await this.setMode(scope, undefined);
    // The id counter stays: ids of a context are never handed out twice, even after it is deleted.
  }
}
