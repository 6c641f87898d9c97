/**
 * How `serdes produce` turns the text of a key or a value into bytes, per `--key-format` /
 * `--value-format`: `avro`, `protobuf`, `jsonschema` (the text is JSON, checked field by field and
 * serialized by our serializers in Confluent's wire format, registering the schema as they do), `string`
 * (the text as UTF-8) or `bytes` (the text is base64).
 *
 * The schema comes from a file (registered under the topic's subject, as the serializers auto-register),
 * a schema id, or the subject's latest version. Once prepared, `encode` is synchronous.
 */
import { readFile } from 'node:fs/promises';
import type protobuf from 'protobufjs';
import type { RegistryClient } from '../../client/client.js';
import type { SchemaType } from '../../formats/format.js';
import type { Serializer, SerializerOptions } from '../../serde/serde.js';
import { HEADER_SIZE } from '../../wire.js';
import { CliError } from '../common.js';
import { fromJson } from './avro-json.js';

export type ConsoleFormat = 'avro' | 'protobuf' | 'jsonschema' | 'string' | 'bytes';

const SCHEMA_TYPES: Partial<Record<ConsoleFormat, SchemaType>> = { avro: 'AVRO', protobuf: 'PROTOBUF', jsonschema: 'JSON' };

/** `avro`, `protobuf`/`proto`, `jsonschema`/`json`, `string`, `bytes` (any case). */
export function parseConsoleFormat(command: string, flag: string, text: string): ConsoleFormat {
  const t = text.trim().toLowerCase().replace(/[-_ ]/g, '');
  if (t === 'avro') return 'avro';
  if (t === 'protobuf' || t === 'proto') return 'protobuf';
  if (t === 'jsonschema' || t === 'json') return 'jsonschema';
  if (t === 'string') return 'string';
  if (t === 'bytes') return 'bytes';
  throw new CliError(`${command}: ${flag} must be avro, protobuf, jsonschema, string or bytes, got ${JSON.stringify(text)}`);
}

export function schemaTypeOfFormat(format: ConsoleFormat): SchemaType | undefined {
  return SCHEMA_TYPES[format];
}

/** Where a key's or value's schema comes from. */
export interface SchemaSource {
  file?: string | undefined;
  id?: number | undefined;
  /** Protobuf: the message type to write (default: the file's first message). */
  messageType?: string | undefined;
}

/** A key or value encoder, ready to use. */
export interface FieldEncoder {
  /** `AVRO schema id 3 (subject orders-value)`, `string`, … */
  readonly description: string;
  readonly format: ConsoleFormat;
  readonly schemaId: number | undefined;
  readonly subject: string | undefined;
  /** The bytes for `text`; throws (FieldError, SerializationError, SyntaxError) when it does not fit. */
  encode(text: string): Buffer;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Prepares the encoder of the key (`isKey`) or the value of `topic`. */
export async function fieldEncoder(
  client: RegistryClient,
  topic: string,
  isKey: boolean,
  format: ConsoleFormat,
  source: SchemaSource,
): Promise<FieldEncoder> {
  const what = isKey ? 'key' : 'value';
  if (format === 'string') {
    return { description: 'string (UTF-8)', format, schemaId: undefined, subject: undefined, encode: (text) => Buffer.from(text, 'utf8') };
  }
  if (format === 'bytes') {
    return {
      description: 'bytes (base64)',
      format,
      schemaId: undefined,
      subject: undefined,
      encode: (text) => {
        const t = text.trim();
        if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(t)) throw new CliError('not base64');
        return Buffer.from(t, 'base64');
      },
    };
  }
  let schemaText: string | undefined;
  if (source.file !== undefined) {
    try {
      schemaText = await readFile(source.file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the ${what} schema ${source.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const options: SerializerOptions = { isKey };
  if (source.id !== undefined) options.useSchemaId = source.id;
  else if (schemaText === undefined) {
    options.useLatestVersion = true;
    options.latestCacheTtlMs = 0;
  }
  // Each format's modules load only when used (ajv and protobufjs take a good part of a second to load).
  const avro = format === 'avro' ? await import('../../serde/avro.js') : undefined;
  const proto = format === 'protobuf' ? await import('../../serde/protobuf.js') : undefined;
  let serializer: Serializer<unknown, never>;
  if (avro) serializer = new avro.AvroSerializer(client, { ...options, ...(schemaText !== undefined ? { schema: schemaText } : {}) }) as never;
  else if (proto) {
    serializer = new proto.ProtobufSerializer(client, {
      ...options,
      ...(schemaText !== undefined ? { schema: schemaText } : {}),
      ...(source.messageType !== undefined ? { messageType: source.messageType } : {}),
    }) as never;
  } else serializer = new (await import('../../serde/json.js')).JsonSerializer(client, { ...options, ...(schemaText !== undefined ? { schema: schemaText } : {}) }) as never;

  const { subject, schemaId } = await serializer.prepare(topic);
  const registered = await client.getSchemaById(schemaId);
  const type = registered.schemaType ?? 'AVRO';
  if (type !== SCHEMA_TYPES[format]) throw new CliError(`${what} schema id ${schemaId} is a ${type} schema, not ${SCHEMA_TYPES[format]}`);
  const references = await client.resolveReferences(registered.references);
  const info = { schema: registered.schema, schemaType: type, ...(registered.references ? { references: registered.references } : {}) };

  let encode: (text: string) => Buffer;
  if (avro) {
    const avroT = avro.avroType(info, references).type;
    encode = (text) => serializer.serializeSync(topic, fromJson(avroT as never, parseJson(text), '') as never);
  } else if (proto) {
    const { messageFromJson } = await import('./protobuf-json.js');
    const schema = (await import('../../formats/protobuf/index.js')).parseProtobuf(info.schema, references, { validate: false });
    const name = source.messageType?.replace(/^\./, '') ?? schema.messageTypes()[0];
    if (name === undefined) throw new CliError(`${what} schema id ${schemaId} declares no message type`);
    const msgType: protobuf.Type = schema.protobufRoot({ keepCase: false }).lookupType(name);
    encode = (text) => serializer.serializeSync(topic, messageFromJson(msgType, parseJson(text)) as never);
  } else {
    // The serializer validates with ajv (naming the field); the line's own text is sent, so numbers
    // beyond 2^53 keep their digits.
    encode = (text) => {
      const framed = serializer.serializeSync(topic, parseJson(text) as never);
      const payload = Buffer.from(text.trim(), 'utf8');
      const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
      framed.copy(out, 0, 0, HEADER_SIZE);
      payload.copy(out, HEADER_SIZE);
      return out;
    };
  }
  return { description: `${type} schema id ${schemaId} (subject ${subject})`, format, schemaId, subject, encode };
}
