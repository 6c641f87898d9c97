/**
 * How `serdes consume` turns the bytes of a key or a value into one JSON text: by the schema id in the
 * bytes, whatever the format (`schema`; `avro`, `protobuf`, `jsonschema` also check that the id is of
 * that type), or as a UTF-8 string (`string`) or base64 (`bytes`).
 *
 * - Avro: Avro's JSON encoding (unions as {"type": value}), as kafka-avro-console-consumer prints it;
 * - Protobuf: proto3-style JSON, 64-bit integers as exact strings, enums by name, bytes as base64;
 * - JSON Schema: the payload text itself (so large integers print exactly), on one line.
 *
 * Bytes that are not in the wire format, name an unknown schema id or do not decode throw a SerdeError
 * (the command prints an error line); a registry that cannot be reached throws a RegistryError-caused
 * DeserializationError that `isRecordProblem` tells apart, so the command stops instead of skipping.
 */
import type protobuf from 'protobufjs';
import type avsc from 'avsc';
import type { RegistryClient } from '../../client/client.js';
import { RegistryError } from '../../client/errors.js';
import type { SchemaType } from '../../formats/format.js';
import type { AvroDeserializer } from '../../serde/avro.js';
import { DeserializationError, SerdeError, UnknownSchemaIdError, WireFormatError } from '../../serde/errors.js';
import type { ProtobufDeserializer } from '../../serde/protobuf.js';
import { HEADER_SIZE, readSchemaId } from '../../wire.js';
import { CliError } from '../common.js';
import { avroJsonPrinter, type AvscAny } from './avro-json.js';

export type DecodeFormat = 'schema' | 'avro' | 'protobuf' | 'jsonschema' | 'string' | 'bytes';

export function parseDecodeFormat(flag: string, text: string): DecodeFormat {
  const t = text.trim().toLowerCase().replace(/[-_ ]/g, '');
  if (t === 'schema' || t === 'auto') return 'schema';
  if (t === 'avro') return 'avro';
  if (t === 'protobuf' || t === 'proto') return 'protobuf';
  if (t === 'jsonschema' || t === 'json') return 'jsonschema';
  if (t === 'string') return 'string';
  if (t === 'bytes') return 'bytes';
  throw new CliError(`consume: ${flag} must be schema, avro, protobuf, jsonschema, string or bytes, got ${JSON.stringify(text)}`);
}

const TYPE_OF: Partial<Record<DecodeFormat, SchemaType>> = { avro: 'AVRO', protobuf: 'PROTOBUF', jsonschema: 'JSON' };

export interface Decoded {
  json: string;
  schemaId: number | undefined;
}

type ById = (bytes: Buffer) => string;

/** The failure of one record (print an error line), as opposed to the registry being unreachable (stop). */
export function isRecordProblem(e: unknown): boolean {
  if (e instanceof WireFormatError || e instanceof UnknownSchemaIdError) return true;
  if (e instanceof SerdeError) {
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof RegistryError && (cause.status === 0 || cause.status >= 500 || cause.status === 401 || cause.status === 403)) return false;
    return true;
  }
  return e instanceof SyntaxError;
}

/** Decodes keys or values of one topic; `load` must have run for a record's schema id before `decode`. */
export class FieldDecoder {
  private readonly byId = new Map<number, ById>();
  private avro: AvroDeserializer | undefined;
  private proto: ProtobufDeserializer | undefined;

  constructor(
    private readonly client: RegistryClient | undefined,
    private readonly topic: string,
    readonly format: DecodeFormat,
    private readonly isKey: boolean,
  ) {}

  get usesRegistry(): boolean {
    return this.format !== 'string' && this.format !== 'bytes';
  }

  /** The schema id of `bytes` if its decoder still has to be loaded (else undefined). Throws WireFormatError. */
  needs(bytes: Buffer): number | undefined {
    if (!this.usesRegistry) return undefined;
    const id = readSchemaId(bytes);
    return this.byId.has(id) ? undefined : id;
  }

  /**
   * Fetches schema `id` and prepares its decoder. When the id cannot serve (unknown, not of the expected
   * type, unusable), every record with it fails with that error; a registry that cannot be reached throws.
   */
  async load(id: number): Promise<void> {
    if (this.byId.has(id)) return;
    try {
      await this.loadUncached(id);
    } catch (e) {
      if (!isRecordProblem(e)) throw e;
      this.byId.set(id, () => {
        throw e;
      });
    }
  }

  private async loadUncached(id: number): Promise<void> {
    const client = this.client!;
    let info;
    try {
      info = await client.getSchemaById(id);
    } catch (e) {
      if (e instanceof RegistryError && (e.errorCode === 40403 || (e.status === 404 && e.errorCode <= 0))) throw new UnknownSchemaIdError(id, { cause: e });
      throw new DeserializationError(`cannot fetch schema id ${id}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const type = info.schemaType ?? 'AVRO';
    const expected = TYPE_OF[this.format];
    if (expected !== undefined && expected !== type) throw new DeserializationError(`schema id ${id} is a ${type} schema, not ${expected}`);
    const opts = { isKey: this.isKey };
    // Each format's modules load only when a record needs them.
    if (type === 'AVRO') {
      const { AvroDeserializer, avroType } = await import('../../serde/avro.js');
      this.avro ??= new AvroDeserializer(client, opts);
      await this.avro.prepare(id);
      const refs = await client.resolveReferences(info.references);
      const avroT = avroType({ schema: info.schema, schemaType: 'AVRO', ...(info.references ? { references: info.references } : {}) }, refs).type as avsc.Type;
      const d = this.avro;
      const print = avroJsonPrinter(avroT as unknown as AvscAny);
      this.byId.set(id, (bytes) => print(d.deserializeSync(this.topic, bytes)));
    } else if (type === 'PROTOBUF') {
      const { ProtobufDeserializer } = await import('../../serde/protobuf.js');
      const { messageToJsonLine } = await import('./protobuf-json.js');
      this.proto ??= new ProtobufDeserializer(client, opts);
      await this.proto.prepare(id);
      const d = this.proto;
      this.byId.set(id, (bytes) => {
        const m = d.deserializeSync(this.topic, bytes) as protobuf.Message;
        return messageToJsonLine(m.$type, m);
      });
    } else {
      this.byId.set(id, (bytes) => jsonPayload(bytes, id));
    }
  }

  /** The JSON text of `bytes` (null: `null`). Throws a SerdeError for bytes that do not decode. */
  decode(bytes: Buffer | null): Decoded {
    if (bytes === null) return { json: 'null', schemaId: undefined };
    if (this.format === 'string') return { json: JSON.stringify(bytes.toString('utf8')), schemaId: undefined };
    if (this.format === 'bytes') return { json: JSON.stringify(bytes.toString('base64')), schemaId: undefined };
    const id = readSchemaId(bytes);
    const decode = this.byId.get(id);
    if (decode === undefined) throw new Error(`schema id ${id} is not loaded`);
    return { json: decode(bytes), schemaId: id };
  }
}

/** A JSON Schema payload as one line, checked to be JSON (printed as written: big integers stay exact). */
function jsonPayload(bytes: Buffer, id: number): string {
  let text = bytes.toString('utf8', HEADER_SIZE);
  try {
    JSON.parse(text);
  } catch (e) {
    throw new DeserializationError(`the payload of a message with schema id ${id} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Line breaks can only be whitespace between tokens in valid JSON (in strings they are escaped).
  if (/[\r\n]/.test(text)) text = text.replace(/[\r\n]+/g, ' ');
  return text.trim();
}
