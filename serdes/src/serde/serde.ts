/**
 * What the Avro, Protobuf and JSON Schema serdes share: which subject and schema id a topic writes with
 * (auto-register, lookup, latest version, given id or version), the per-topic and per-id caches, the
 * asynchronous API and the synchronous fast path, compiling schemas with their references (the caller's,
 * a reader schema, the registry's), and the mapping of registry errors to serde errors.
 *
 * Fast path: once a topic's schema id (serializer) or a schema id's decoder (deserializer) is cached,
 * `serializeSync` / `deserializeSync` run without promises or HTTP; `serialize` / `deserialize` also take
 * that path after one map lookup, so the asynchronous API costs one resolved promise per call.
 */
import type { ResolvedReference, SchemaType } from '../formats/format.js';
import type { SchemaById } from '../api/types.js';
import type { RegistryClient, SchemaInfo } from '../client/client.js';
import { RegistryError } from '../client/errors.js';
import { subjectNameStrategy, type SubjectNameStrategy, type SubjectNameStrategyName } from '../strategy.js';
import { HEADER_SIZE, readSchemaId } from '../wire.js';
import type { RuleSchema } from '../rules/context.js';
import { RuleRegistry } from '../rules/registry.js';
import { RuleSupport, type RuleFormat, type RuleOptions } from '../rules/support.js';
import { loadOnce, onceUntilFailure } from './cache.js';
import { DeserializationError, SchemaNotCachedError, SerdeError, SerializationError, UnknownSchemaIdError } from './errors.js';

export interface SerdeOptions extends RuleOptions {
  /** Serde for message keys (subject `<topic>-key` with TopicNameStrategy). Default false (values). */
  isKey?: boolean;
}

/** The registry used when a serde is given none: the built-in executors only. */
const defaultRuleRegistry = new RuleRegistry();

export interface SerializerOptions extends SerdeOptions {
  /** Subject name strategy: 'topic' (default), 'record', 'topic-record' or a function. */
  subjectNameStrategy?: SubjectNameStrategy | SubjectNameStrategyName;
  /**
   * Register the schema under the subject if it is not there yet (default true, like Confluent). When
   * false, the schema is looked up (`POST /subjects/{s}`) and serialization fails if it is not registered.
   */
  autoRegister?: boolean;
  /** Write with the subject's latest version (fetched from the registry, refreshed after `latestCacheTtlMs`). */
  useLatestVersion?: boolean;
  /** Write with the subject's latest version whose metadata properties have these values (refreshed like useLatestVersion). */
  useLatestWithMetadata?: Record<string, string>;
  /** Write with this schema id (its schema comes from the registry). */
  useSchemaId?: number;
  /** Write with this version of the subject. */
  useVersion?: number;
  /** Register and look up with `normalize=true`. */
  normalize?: boolean;
  /**
   * How long a `useLatestVersion` answer is used before it is fetched again, in ms (default 60 000; 0 or
   * Infinity: never). The refresh runs in the background; until it succeeds the previous schema is used.
   */
  latestCacheTtlMs?: number;
}

export interface DeserializerOptions extends SerdeOptions {
  /**
   * The subject of a topic, for rules (their DEKs, migrations) and the use* options below: 'topic'
   * (default), 'record', 'topic-record' or a function.
   */
  subjectNameStrategy?: SubjectNameStrategy | SubjectNameStrategyName;
  /**
   * Read records as the subject's latest version: migration rules (JSONATA, UPGRADE/DOWNGRADE) of the
   * versions in between run on the way, and the latest version's READ rules run on the result.
   */
  useLatestVersion?: boolean;
  /** As useLatestVersion, with the latest version whose metadata properties have these values. */
  useLatestWithMetadata?: Record<string, string>;
}

/** The schema id a topic writes with, and what encodes it. */
export interface TopicWriter<W> {
  readonly subject: string;
  readonly schemaId: number;
  readonly writer: W;
  /** Epoch ms after which the entry is refreshed (Infinity: never). */
  readonly expires: number;
  /** The schema written with, when it has WRITE rules (domain or encoding) to run. */
  readonly rules?: RuleSchema | undefined;
}

/** A compiled schema: what a format needs to encode or decode, plus its record name for the strategies. */
export interface Compiled {
  readonly recordName: string | undefined;
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Registry failures while resolving a writer schema become serde errors that keep the registry error as cause. */
export function registryFailure(ErrorClass: typeof SerializationError | typeof DeserializationError, what: string, e: unknown): SerdeError {
  if (e instanceof SerdeError) return e;
  if (e instanceof RegistryError) {
    const code = e.errorCode > 0 ? ` ${e.errorCode}` : '';
    const status = e.status > 0 ? `HTTP ${e.status}${code}: ` : '';
    return new ErrorClass(`${what}: ${status}${e.message}`, { cause: e });
  }
  return new ErrorClass(`${what}: ${describe(e)}`, { cause: e });
}

/** Buffer view of any Uint8Array (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A caller's SchemaInfo as one of `type`: a `schemaType` it gives must be that one. */
export function typedSchemaInfo(info: SchemaInfo, type: SchemaType): SchemaInfo {
  if (info.schemaType !== undefined && info.schemaType !== type) {
    throw new TypeError(`expected ${type === 'AVRO' ? 'an' : 'a'} ${type} schema, got ${info.schemaType}`);
  }
  return { ...info, schemaType: type };
}

/** A reference tree as a list, each referenced version once, references before the schemas that use them. */
export function flattenReferences(
  refs: readonly ResolvedReference[],
  out: ResolvedReference[] = [],
  seen = new Set<string>(),
): ResolvedReference[] {
  for (const r of refs) {
    const key = `${r.subject}\0${r.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    flattenReferences(r.references, out, seen);
    out.push(r);
  }
  return out;
}

/**
 * What the format module's parse offers (`viaFormat` answers undefined when it offers nothing), else what
 * `direct` builds straight from the library; when both fail, the format module's error is the one thrown
 * (its messages are the registry's).
 */
export function viaFormatOr<X>(viaFormat: () => X | undefined, direct: () => X): X {
  let formatError: unknown;
  try {
    const x = viaFormat();
    if (x !== undefined) return x;
  } catch (e) {
    formatError = e;
  }
  try {
    return direct();
  } catch (e) {
    throw formatError ?? e;
  }
}

/** A schema as the registry answered it (by id or by version), as the SchemaInfo the serdes compile. */
function schemaInfoOf(answer: SchemaById | SchemaInfo): SchemaInfo {
  const info: SchemaInfo = { schema: answer.schema, schemaType: answer.schemaType ?? 'AVRO' };
  if (answer.references) info.references = answer.references;
  if (answer.metadata) info.metadata = answer.metadata;
  if (answer.ruleSet) info.ruleSet = answer.ruleSet;
  return info;
}

function schemaVersionOf(v: SchemaInfo & { version: number; id: number }): RuleSchema & { version: number } {
  return { ...schemaInfoOf(v), version: v.version, id: v.id };
}

/** The rule support of a serde, made on first use (a serde whose schemas have no rules never makes it). */
function ruleSupportOf(
  serde: { client: RegistryClient; ruleFormat(): RuleFormat },
  options: RuleOptions,
  isKey: boolean,
  ErrorClass: typeof SerializationError | typeof DeserializationError,
): () => RuleSupport {
  let support: RuleSupport | undefined;
  return () =>
    (support ??= new RuleSupport(serde.client, serde.ruleFormat(), options.ruleRegistry ?? defaultRuleRegistry, options.ruleConfig ?? {}, isKey, ErrorClass));
}

function rulesRequireAsync(what: string): SchemaNotCachedError {
  return new SchemaNotCachedError(`${what} has rules (data contract): use the asynchronous API, rules may need the registry`);
}

/**
 * Fetches the references of a schema and compiles it; a failure becomes an `ErrorClass` error that says
 * which of the two steps failed: `cannot fetch the references of <schema>`, or `<failure>: <why>`.
 */
async function compileWithReferences<X>(
  ErrorClass: typeof SerializationError | typeof DeserializationError,
  names: { schema: string; failure: string },
  references: () => Promise<ResolvedReference[]>,
  compile: (references: ResolvedReference[]) => X | Promise<X>,
): Promise<X> {
  let refs: ResolvedReference[];
  try {
    refs = await references();
  } catch (e) {
    throw registryFailure(ErrorClass, `cannot fetch the references of ${names.schema}`, e);
  }
  try {
    return await compile(refs);
  } catch (e) {
    throw e instanceof SerdeError ? e : new ErrorClass(`${names.failure}: ${describe(e)}`, { cause: e });
  }
}

export abstract class Serializer<T, W extends Compiled> {
  protected readonly isKey: boolean;
  protected readonly strategy: SubjectNameStrategy;
  private readonly topics = new Map<string, TopicWriter<W>>();
  private readonly resolving = new Map<string, Promise<TopicWriter<W>>>();
  private readonly byId = new Map<number, Promise<W>>();
  private readonly rules: () => RuleSupport;
  /** The caller's schema, compiled on first use. */
  private readonly compileLocal = onceUntilFailure(() =>
    compileWithReferences(
      SerializationError,
      { schema: 'the schema', failure: `invalid ${this.schemaType} schema` },
      () => this.localReferences(this.schemaInfo!),
      (refs) => this.compile(this.schemaInfo!, refs, false),
    ),
  );

  protected constructor(
    readonly client: RegistryClient,
    protected readonly schemaType: SchemaType,
    /** The schema given by the caller, if any (registered or looked up unless a use* option says otherwise). */
    protected readonly schemaInfo: SchemaInfo | undefined,
    protected readonly options: SerializerOptions,
  ) {
    this.isKey = options.isKey ?? false;
    this.strategy = subjectNameStrategy(options.subjectNameStrategy);
    this.rules = ruleSupportOf(this, options, this.isKey, SerializationError);
    const modes = [
      options.useLatestVersion ? 1 : 0,
      options.useSchemaId !== undefined ? 1 : 0,
      options.useVersion !== undefined ? 1 : 0,
      options.useLatestWithMetadata !== undefined ? 1 : 0,
    ];
    if (modes.reduce((a, b) => a + b, 0) > 1) {
      throw new TypeError('useLatestVersion, useLatestWithMetadata, useSchemaId and useVersion exclude each other');
    }
    if (schemaInfo === undefined && modes.every((m) => m === 0)) {
      throw new TypeError('a serializer needs a `schema`, or one of useLatestVersion, useLatestWithMetadata, useSchemaId, useVersion');
    }
  }

  /** The format's field walker and inline tags, for field rules. */
  abstract ruleFormat(): RuleFormat;

  /** Where the payload starts in framed bytes (after the schema id and, for Protobuf, the message indexes). */
  protected payloadOffset(_bytes: Buffer): number {
    return HEADER_SIZE;
  }

  /** Runs the WRITE rules of `entry`'s schema on `value`, encodes it, and runs the encoding rules on the payload. */
  private async encodeWithRules(topic: string, entry: TopicWriter<W>, value: T): Promise<Buffer> {
    const info = entry.rules!;
    const support = this.rules();
    const ruled = (await support.domain(entry.subject, topic, 'WRITE', info, value)) as T;
    const bytes = this.encode(entry, ruled);
    if (!info.ruleSet?.encodingRules?.length) return bytes;
    const offset = this.payloadOffset(bytes);
    const payload = await support.encoding(entry.subject, topic, 'WRITE', info, bytes.subarray(offset));
    return Buffer.concat([bytes.subarray(0, offset), payload]);
  }

  /** Compiles a schema (the caller's, or one fetched from the registry) for writing. */
  protected abstract compile(info: SchemaInfo, references: ResolvedReference[], fromRegistry: boolean): W;

  /** Encodes `value` with the topic's writer: header, [message indexes], payload. */
  protected abstract encode(entry: TopicWriter<W>, value: T): Buffer;

  /** The references of the caller's schema with their texts, to compile it. Default: fetched from the registry. */
  protected localReferences(info: SchemaInfo): Promise<ResolvedReference[]> {
    return this.client.resolveReferences(info.references);
  }

  /**
   * The caller's schema as it is registered (or looked up, `autoRegister: false`) under the subject.
   * Default: as given. The Protobuf serializer registers the files it imports first and adds the
   * references to them.
   */
  protected async schemaToRegister(info: SchemaInfo, _local: W, _options: { autoRegister: boolean; normalize: boolean }): Promise<SchemaInfo> {
    return info;
  }

  /**
   * Serializes `value` for `topic`, resolving the subject and schema id on first use. An expired
   * `useLatestVersion` entry keeps being used while a refresh runs in the background, so a registry that
   * is slow or down at refresh time does not stall producers.
   */
  async serialize(topic: string, value: T): Promise<Buffer> {
    let entry = this.topics.get(topic);
    if (entry === undefined) entry = await this.resolve(topic);
    else if (entry.expires !== Infinity && entry.expires <= Date.now()) this.resolve(topic).catch(() => undefined);
    if (entry.rules !== undefined) return this.encodeWithRules(topic, entry, value);
    return this.encode(entry, value);
  }

  /**
   * The synchronous fast path: serializes with the cached schema id of `topic`. Throws SchemaNotCachedError
   * before the first `serialize`/`prepare` for that topic. An expired `useLatestVersion` entry keeps being
   * used while a refresh runs in the background.
   */
  serializeSync(topic: string, value: T): Buffer {
    const entry = this.topics.get(topic);
    if (entry === undefined) {
      throw new SchemaNotCachedError(`no schema id is cached for topic ${JSON.stringify(topic)} yet: await serialize() or prepare() once first`);
    }
    if (entry.expires !== Infinity && entry.expires <= Date.now()) this.resolve(topic).catch(() => undefined);
    if (entry.rules !== undefined) throw rulesRequireAsync(`the schema of topic ${JSON.stringify(topic)} (id ${entry.schemaId})`);
    return this.encode(entry, value);
  }

  /** Resolves (and caches) the subject and schema id `topic` writes with, without serializing anything. */
  async prepare(topic: string): Promise<{ subject: string; schemaId: number }> {
    const { subject, schemaId } = await this.resolve(topic);
    return { subject, schemaId };
  }

  private resolve(topic: string): Promise<TopicWriter<W>> {
    return loadOnce(this.resolving, this.topics, topic, (t) => this.resolveUncached(t));
  }

  private compileFromRegistry(id: number, info: SchemaById | SchemaInfo): Promise<W> {
    let p = this.byId.get(id);
    if (p === undefined) {
      p = (async () => {
        const refs = await this.client.resolveReferences(info.references);
        const schemaInfo = schemaInfoOf(info);
        if (schemaInfo.schemaType !== this.schemaType) {
          throw new SerializationError(`schema id ${id} is a ${schemaInfo.schemaType} schema, not ${this.schemaType}`);
        }
        return this.compile(schemaInfo, refs, true);
      })();
      this.byId.set(id, p);
      p.catch(() => this.byId.delete(id));
    }
    return p;
  }

  private async resolveUncached(topic: string): Promise<TopicWriter<W>> {
    const entry = await this.resolveWriter(topic);
    return entry.rules !== undefined && !RuleSupport.hasWriteRules(entry.rules) ? { ...entry, rules: undefined } : entry;
  }

  private async resolveWriter(topic: string): Promise<TopicWriter<W>> {
    const o = this.options;
    const subjectFor = (recordName: string | undefined): string => {
      try {
        return this.strategy(topic, this.isKey, recordName);
      } catch (e) {
        throw new SerializationError(describe(e), { cause: e });
      }
    };
    const step = async <R>(what: string, fn: () => Promise<R>): Promise<R> => {
      try {
        return await fn();
      } catch (e) {
        throw registryFailure(SerializationError, what, e);
      }
    };

    if (o.useSchemaId !== undefined) {
      const id = o.useSchemaId;
      const info = await step(`cannot fetch schema id ${id}`, () => this.client.getSchemaById(id));
      const writer = await step(`cannot use schema id ${id}`, () => this.compileFromRegistry(id, info));
      const local = this.schemaInfo ? await this.compileLocal() : undefined;
      return { subject: subjectFor(local?.recordName ?? writer.recordName), schemaId: id, writer, expires: Infinity, rules: schemaInfoOf(info) };
    }

    const local = this.schemaInfo ? await this.compileLocal() : undefined;
    const subject = subjectFor(local?.recordName);

    if (o.useVersion !== undefined || o.useLatestVersion || o.useLatestWithMetadata !== undefined) {
      const latest = o.useVersion === undefined;
      const what = o.useLatestWithMetadata
        ? `cannot fetch the latest version with metadata ${JSON.stringify(o.useLatestWithMetadata)} of subject ${JSON.stringify(subject)}`
        : latest
          ? `cannot fetch the latest version of subject ${JSON.stringify(subject)}`
          : `cannot fetch version ${o.useVersion} of subject ${JSON.stringify(subject)}`;
      // The serializer keeps its own per-topic TTL, so the latest version is always asked of the registry.
      const version = await step(what, () =>
        o.useLatestWithMetadata
          ? this.client.getLatestWithMetadata(subject, o.useLatestWithMetadata, { fresh: true })
          : latest
            ? this.client.getLatestVersion(subject, { fresh: true })
            : this.client.getVersion(subject, o.useVersion!),
      );
      const writer = await step(`cannot use schema id ${version.id} (${subject} version ${version.version})`, () =>
        this.compileFromRegistry(version.id, version),
      );
      const ttl = o.latestCacheTtlMs ?? 60_000;
      return { subject, schemaId: version.id, writer, expires: latest && ttl > 0 ? Date.now() + ttl : Infinity, rules: schemaInfoOf(version) };
    }

    const normalize = o.normalize ?? false;
    const autoRegister = o.autoRegister !== false;
    const info = await step('cannot prepare the schema for registration', () => this.schemaToRegister(this.schemaInfo!, local!, { autoRegister, normalize }));
    const id =
      !autoRegister
        ? (await step(`schema is not registered under subject ${JSON.stringify(subject)} (autoRegister is off)`, () =>
            this.client.lookupSchema(subject, info, { normalize }),
          )).id
        : (await step(`cannot register the schema under subject ${JSON.stringify(subject)}`, () =>
            this.client.register(subject, info, { normalize }),
          )).id;
    return { subject, schemaId: id, writer: local!, expires: Infinity, rules: info };
  }
}

export abstract class Deserializer<T, R> {
  protected readonly isKey: boolean;
  private readonly readers = new Map<number, R>();
  private readonly loading = new Map<number, Promise<R>>();
  private lastId = -1;
  private lastReader: R | undefined;
  /** Writer schemas (by id) whose records go through rules: READ or encoding rules, or every one with useLatest*. */
  private readonly ruleful = new Map<number, RuleSchema>();
  private readonly rules: () => RuleSupport;
  private readonly strategy: SubjectNameStrategy;
  private readonly readsLatest: boolean;

  protected constructor(
    readonly client: RegistryClient,
    protected readonly schemaType: SchemaType,
    private readonly serdeOptions: DeserializerOptions,
  ) {
    this.isKey = serdeOptions.isKey ?? false;
    this.strategy = subjectNameStrategy(serdeOptions.subjectNameStrategy);
    this.rules = ruleSupportOf(this, serdeOptions, this.isKey, DeserializationError);
    if (serdeOptions.useLatestVersion && serdeOptions.useLatestWithMetadata) {
      throw new TypeError('useLatestVersion and useLatestWithMetadata exclude each other');
    }
    this.readsLatest = serdeOptions.useLatestVersion === true || serdeOptions.useLatestWithMetadata !== undefined;
  }

  /** The format's field walker and inline tags, for field rules. */
  abstract ruleFormat(): RuleFormat;

  /** Where the payload starts in framed bytes (after the schema id and, for Protobuf, the message indexes). */
  protected payloadOffset(_bytes: Buffer): number {
    return HEADER_SIZE;
  }

  /**
   * Decodes bytes written with `reader`'s writer schema as `readerInfo` (useLatestVersion without
   * migrations). Default: as written (JSON, Protobuf); Avro resolves to the reader schema.
   */
  protected decodeAs(_readerInfo: RuleSchema, reader: R, bytes: Buffer, schemaId: number): T | Promise<T> {
    return this.decode(reader, bytes, schemaId);
  }

  private async subjectOf(topic: string, info: RuleSchema): Promise<string> {
    try {
      return this.strategy(topic, this.isKey, (await this.rules().compile(info)).recordName);
    } catch (e) {
      throw e instanceof SerdeError ? e : new DeserializationError(describe(e), { cause: e });
    }
  }

  private async readerSchemaOf(subject: string): Promise<(RuleSchema & { version: number }) | null> {
    const o = this.serdeOptions;
    try {
      if (o.useLatestWithMetadata !== undefined) return schemaVersionOf(await this.client.getLatestWithMetadata(subject, o.useLatestWithMetadata));
      if (o.useLatestVersion) return schemaVersionOf(await this.client.getLatestVersion(subject));
    } catch (e) {
      throw registryFailure(DeserializationError, `cannot fetch the latest version of subject ${JSON.stringify(subject)} to read as`, e);
    }
    return null;
  }

  /** The rule path: encoding READ rules, migrations to the latest version (useLatest*), decoding, READ rules. */
  private async decodeWithRules(topic: string, bytes: Buffer, id: number, reader: R, writer: RuleSchema): Promise<T> {
    const support = this.rules();
    const subject = await this.subjectOf(topic, writer);
    if (writer.ruleSet?.encodingRules?.length) {
      const offset = this.payloadOffset(bytes);
      const payload = await support.encoding(subject, topic, 'READ', writer, bytes.subarray(offset));
      bytes = Buffer.concat([bytes.subarray(0, offset), payload]);
    }
    const readerInfo = await this.readerSchemaOf(subject);
    let msg: unknown;
    if (readerInfo !== null) {
      let steps;
      try {
        steps = await support.migrations(subject, writer, readerInfo);
      } catch (e) {
        throw registryFailure(DeserializationError, `cannot find the migrations from schema id ${id} to version ${readerInfo.version} of ${JSON.stringify(subject)}`, e);
      }
      if (steps.length > 0) msg = await support.migrate(subject, topic, steps, this.decode(reader, bytes, id));
      else msg = await this.decodeAs(readerInfo, reader, bytes, id);
    } else {
      msg = this.decode(reader, bytes, id);
    }
    return (await support.domain(subject, topic, 'READ', readerInfo ?? writer, msg, writer)) as T;
  }

  /** Compiles the writer schema `id` (and the reader schema, if any) for reading. */
  protected abstract compile(id: number, writer: SchemaInfo, references: ResolvedReference[]): R | Promise<R>;

  /** Decodes the payload of `bytes` (a Buffer; the header is already checked) with the compiled reader. */
  protected abstract decode(reader: R, bytes: Buffer, schemaId: number): T;

  /**
   * Deserializes framed bytes. `null`/`undefined` (a Kafka tombstone) gives `null`. `topic` is taken for
   * the same call shape as serialize (and Confluent's client); the writer schema is fetched by id alone.
   */
  async deserialize(topic: string, bytes: Uint8Array): Promise<T>;
  async deserialize(topic: string, bytes: Uint8Array | null | undefined): Promise<T | null>;
  async deserialize(_topic: string, bytes: Uint8Array | null | undefined): Promise<T | null> {
    if (bytes === null || bytes === undefined) return null;
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`expected a Buffer or Uint8Array to deserialize, got ${typeof bytes}`);
    const id = readSchemaId(bytes);
    let reader = id === this.lastId ? this.lastReader! : this.readers.get(id);
    if (reader === undefined) reader = await this.load(id);
    this.lastId = id;
    this.lastReader = reader;
    if (this.ruleful.size !== 0) {
      const writer = this.ruleful.get(id);
      if (writer !== undefined) return this.decodeWithRules(_topic, asBuffer(bytes), id, reader, writer);
    }
    return this.decode(reader, asBuffer(bytes), id);
  }

  /**
   * The synchronous fast path: deserializes bytes whose schema id was seen before (by `deserialize` or
   * `prepare`). Throws SchemaNotCachedError for a new id.
   */
  deserializeSync(topic: string, bytes: Uint8Array): T;
  deserializeSync(topic: string, bytes: Uint8Array | null | undefined): T | null;
  deserializeSync(_topic: string, bytes: Uint8Array | null | undefined): T | null {
    if (bytes === null || bytes === undefined) return null;
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`expected a Buffer or Uint8Array to deserialize, got ${typeof bytes}`);
    const id = readSchemaId(bytes);
    let reader: R | undefined;
    if (id === this.lastId) reader = this.lastReader!;
    else {
      reader = this.readers.get(id);
      if (reader === undefined) {
        throw new SchemaNotCachedError(`schema id ${id} is not cached yet: await deserialize() or prepare(${id}) once first`);
      }
      this.lastId = id;
      this.lastReader = reader;
    }
    if (this.ruleful.size !== 0 && this.ruleful.has(id)) throw rulesRequireAsync(`schema id ${id}`);
    return this.decode(reader, Buffer.isBuffer(bytes) ? bytes : asBuffer(bytes), id);
  }

  /** Fetches and compiles schema `id` so that `deserializeSync` can read it. */
  async prepare(schemaId: number): Promise<void> {
    if (!this.readers.has(schemaId)) await this.load(schemaId);
  }

  /**
   * `compile` applied to a reader schema (`readerSchema` option) and its references, fetched from the
   * registry. Subclasses keep the promise with onceUntilFailure.
   */
  protected compileReaderSchema<X>(info: SchemaInfo, compile: (info: SchemaInfo, references: ResolvedReference[]) => X): Promise<X> {
    return compileWithReferences(
      DeserializationError,
      { schema: 'the reader schema', failure: 'invalid reader schema' },
      () => this.client.resolveReferences(info.references),
      (refs) => compile(info, refs),
    );
  }

  private load(id: number): Promise<R> {
    return loadOnce(this.loading, this.readers, id, (i) => this.loadUncached(i));
  }

  private async loadUncached(id: number): Promise<R> {
    let info: SchemaById;
    try {
      info = await this.client.getSchemaById(id);
    } catch (e) {
      if (e instanceof RegistryError && (e.errorCode === 40403 || (e.status === 404 && e.errorCode <= 0))) {
        throw new UnknownSchemaIdError(id, { cause: e });
      }
      throw registryFailure(DeserializationError, `cannot fetch writer schema id ${id}`, e);
    }
    const type = info.schemaType ?? 'AVRO';
    if (type !== this.schemaType) {
      throw new DeserializationError(`schema id ${id} is a ${type} schema; this is the ${this.schemaType} deserializer`);
    }
    const writer: RuleSchema = { ...schemaInfoOf(info), id };
    if (this.readsLatest || RuleSupport.hasReadRules(writer)) this.ruleful.set(id, writer);
    return compileWithReferences(
      DeserializationError,
      { schema: `schema id ${id}`, failure: `cannot use schema id ${id}` },
      () => this.client.resolveReferences(info.references),
      (refs) => this.compile(id, schemaInfoOf(info), refs),
    );
  }
}
