/**
 * `serdes produce`: the console producer with schemas (kafka-avro-console-producer and its Protobuf and
 * JSON Schema siblings). Reads one record a line from stdin, serializes key and value with our
 * serializers in Confluent's wire format and sends them with kafkajs in batches (one batch in flight
 * while the next is read). A line that does not fit stops the command (exit 1) after the lines before it
 * are sent; nothing of that line is sent. `--skip-invalid` reports it and goes on.
 */
import { createInterface } from 'node:readline';
import type { IHeaders, Message, Producer } from 'kafkajs';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, REGISTRY_HELP, connectAndAnnounce, exitCodeFor, runCommand, splitPair, type Io } from './common.js';
import { RegistryError } from '../client/errors.js';
import { fieldEncoder, parseConsoleFormat, schemaTypeOfFormat, type ConsoleFormat, type FieldEncoder, type SchemaSource } from './console/encoders.js';
import { KAFKA_HELP, KAFKA_OPTIONS, consoleFlag, kafkaSetup, withTopic } from './kafka/connect.js';

export const PRODUCE_HELP = `Usage: serdes produce TOPIC --bootstrap-servers HOST:PORT --registry URL [options] < records

Reads one record a line from stdin (blank lines are skipped) and sends it to TOPIC. Key and value are
serialized per their format: avro, protobuf and jsonschema lines are JSON (Avro: Avro's JSON encoding,
unions as {"type": value}, or plain JSON where unambiguous; Protobuf: proto3 JSON, 64-bit integers as
strings, enums by name, bytes as base64), written in Confluent's wire format with the schema registered
under <topic>-key / <topic>-value as the serializers do; string lines are sent as UTF-8, bytes lines are
base64. A line that does not fit its schema is reported with its line number and field and nothing of it
is sent; the command stops there (exit 1) unless --skip-invalid.

Records:
  --value-format <f>        avro, protobuf, jsonschema, string or bytes (default: from the extension of
                            --value-schema, .avsc .proto .json)
  --value-schema <file>     the value schema (registered under <topic>-value)
  --value-schema-id <id>    write values with this registered schema id
                            (neither: the latest version of <topic>-value)
  --value-message <name>    Protobuf: the message type to write (default: the file's first message)
  --key-format <f>          as --value-format, for keys (default string)
  --key-schema, --key-schema-id, --key-message   as for values, for keys (subject <topic>-key)
  --parse-key               each line is KEY<separator>VALUE (also --property parse.key=true)
  --key-separator <sep>     default a tab (also --property key.separator=SEP)
  --header <key=value>      a header on every record (repeatable)
  --skip-invalid            report lines that do not fit and go on (also --property ignore.error=true)
  --batch-size <n>          records per produce request (default 1000)
  --create-topic            create TOPIC first if it does not exist (--partitions, default 1)
  --partitions <n>
${KAFKA_HELP}Console settings for --property: parse.key, key.separator, ignore.error.
${REGISTRY_HELP.replace('Exit codes: 0 ok, 1 incompatible / refused by the registry, 2 usage or I/O error.', 'Exit codes: 0 ok, 1 a line did not fit (or the registry refused the schema), 2 usage, I/O or broker error.')}`;

const OPTIONS = {
  ...KAFKA_OPTIONS,
  'value-format': { type: 'string' },
  'value-schema': { type: 'string' },
  'value-schema-id': { type: 'string' },
  'value-message': { type: 'string' },
  'key-format': { type: 'string' },
  'key-schema': { type: 'string' },
  'key-schema-id': { type: 'string' },
  'key-message': { type: 'string' },
  'parse-key': { type: 'boolean', default: false },
  'key-separator': { type: 'string' },
  header: { type: 'string', multiple: true },
  'skip-invalid': { type: 'boolean', default: false },
  'batch-size': { type: 'string' },
  'create-topic': { type: 'boolean', default: false },
  partitions: { type: 'string' },
} as const;

const CONSOLE_KEYS = ['parse.key', 'key.separator', 'ignore.error'];
/** A batch is sent once it holds this many bytes, whatever --batch-size says (brokers refuse > 1 MiB by default). */
const BATCH_BYTES = 512 * 1024;
/** At most this many invalid lines are listed in the --json summary. */
const MAX_LISTED = 100;

function positiveInt(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text)) throw new CliError(`produce: ${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function formatOf(flag: string, explicit: string | undefined, file: string | undefined, fallback: ConsoleFormat | undefined): ConsoleFormat {
  if (explicit !== undefined) return parseConsoleFormat('produce', flag, explicit);
  const ext = file === undefined ? '' : (/\.[^./\\]+$/.exec(file)?.[0]?.toLowerCase() ?? '');
  if (ext === '.avsc') return 'avro';
  if (ext === '.proto') return 'protobuf';
  if (ext === '.json') return 'jsonschema';
  if (fallback !== undefined) return fallback;
  throw new CliError(`produce: pass ${flag} (avro, protobuf, jsonschema, string or bytes)`);
}

function schemaSource(flagPrefix: string, format: ConsoleFormat, file: string | undefined, id: string | undefined, message: string | undefined): SchemaSource {
  if (file !== undefined && id !== undefined) throw new CliError(`produce: --${flagPrefix}-schema and --${flagPrefix}-schema-id exclude each other`);
  if (schemaTypeOfFormat(format) === undefined && (file !== undefined || id !== undefined)) {
    throw new CliError(`produce: --${flagPrefix}-schema and --${flagPrefix}-schema-id need a schema format (avro, protobuf, jsonschema), not ${format}`);
  }
  if (id !== undefined && !/^\d+$/.test(id)) throw new CliError(`produce: --${flagPrefix}-schema-id must be a schema id, got ${JSON.stringify(id)}`);
  return { file, id: id === undefined ? undefined : Number(id), messageType: message };
}

interface Invalid {
  line: number;
  error: string;
}

export async function produce(argv: string[], io: Io): Promise<number> {
  return runCommand('produce', argv, io, { help: PRODUCE_HELP, options: OPTIONS }, async ({ values, positionals }, context) => {
    const { out, secrets } = context;
    if (positionals.length !== 1) throw new CliError('produce: give exactly one TOPIC');
    const topic = positionals[0]!;
    const setup = await kafkaSetup('produce', values, CONSOLE_KEYS, secrets);
    const parseKey = values['parse-key'] || consoleFlag(setup, 'parse.key') === true;
    const separator = values['key-separator'] ?? setup.console.get('key.separator') ?? '\t';
    if (separator === '') throw new CliError('produce: the key separator must not be empty');
    const skipInvalid = values['skip-invalid'] || consoleFlag(setup, 'ignore.error') === true;
    const batchSize = positiveInt('--batch-size', values['batch-size'], 1000);
    const partitions = positiveInt('--partitions', values.partitions, 1);
    const headers: IHeaders = {};
    for (const h of values.header ?? []) {
      const [k, v] = splitPair('produce', h, '--header key=value');
      headers[k] = v;
    }
    const hasHeaders = Object.keys(headers).length > 0;

    const valueFormat = formatOf('--value-format', values['value-format'], values['value-schema'], undefined);
    const valueSource = schemaSource('value', valueFormat, values['value-schema'], values['value-schema-id'], values['value-message']);
    const keyFormat = formatOf('--key-format', values['key-format'], values['key-schema'], 'string');
    const keySource = schemaSource('key', keyFormat, values['key-schema'], values['key-schema-id'], values['key-message']);
    if (!parseKey && (values['key-format'] !== undefined || values['key-schema'] !== undefined || values['key-schema-id'] !== undefined)) {
      throw new CliError('produce: key options need --parse-key (each line KEY<separator>VALUE)');
    }

    const needsRegistry = schemaTypeOfFormat(valueFormat) !== undefined || (parseKey && schemaTypeOfFormat(keyFormat) !== undefined);
    const registry = needsRegistry ? connectAndAnnounce('produce', values, io, context) : undefined;
    const prepare = async (isKey: boolean, format: ConsoleFormat, source: SchemaSource): Promise<FieldEncoder> => {
      try {
        return await fieldEncoder(registry?.client as never, topic, isKey, format, source);
      } catch (e) {
        if (e instanceof CliError) throw new CliError(`produce: ${e.message}`, e.exitCode);
        // A registry that answered (refused the schema, unknown id or subject) is exit 1, like the other commands.
        const cause = (e as { cause?: unknown }).cause;
        if (cause instanceof RegistryError) throw new CliError(`produce: ${secrets.redact(e instanceof Error ? e.message : String(e))}`, exitCodeFor(cause));
        throw e;
      }
    };
    const valueEncoder = await prepare(false, valueFormat, valueSource);
    const keyEncoder = parseKey ? await prepare(true, keyFormat, keySource) : undefined;
    if (keyEncoder) out.line(`key: ${keyEncoder.description}`);
    out.line(`value: ${valueEncoder.description}`);

    const kafka = await setup.kafka('serdes-produce');
    const onCreated = (): void => out.line(`created topic ${topic} (${partitions} partition${partitions === 1 ? '' : 's'})`);
    await withTopic('produce', kafka, topic, values['create-topic'] ? { partitions, onCreated } : undefined, async () => undefined);
    const { Partitioners } = await import('kafkajs');
    const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...setup.settings.producer });
    await producer.connect();

    let produced = 0;
    let inflight: Promise<void> = Promise.resolve();
    let sendError: unknown;
    const send = (messages: Message[]): void => {
      inflight = inflight.then(async () => {
        if (sendError !== undefined) return;
        try {
          await producer.send({ topic, messages, ...setup.settings.send });
          produced += messages.length;
        } catch (e) {
          sendError = e;
        }
      });
    };

    const invalid: Invalid[] = [];
    let invalidCount = 0;
    let lineNo = 0;
    let stoppedAt: Invalid | undefined;
    let batch: Message[] = [];
    let batchBytes = 0;
    const input = createInterface({ input: io.stdin ?? process.stdin, crlfDelay: Infinity });
    try {
      for await (const line of input) {
        lineNo++;
        if (line.trim() === '') continue;
        let key: Buffer | null = null;
        let value: Buffer;
        let part = 'value';
        try {
          let valueText = line;
          if (keyEncoder) {
            part = 'key';
            const i = line.indexOf(separator);
            if (i < 0) throw new CliError(`no key separator ${JSON.stringify(separator)} in the line`);
            key = keyEncoder.encode(line.slice(0, i));
            valueText = line.slice(i + separator.length);
            part = 'value';
          }
          value = valueEncoder.encode(valueText);
        } catch (e) {
          const error = `${part}: ${e instanceof Error ? e.message : String(e)}`;
          invalidCount++;
          if (invalid.length < MAX_LISTED) invalid.push({ line: lineNo, error });
          out.warn(`produce: line ${lineNo}: ${error}`);
          if (skipInvalid) continue;
          stoppedAt = { line: lineNo, error };
          break;
        }
        const m: Message = { key, value };
        if (hasHeaders) m.headers = headers;
        batch.push(m);
        batchBytes += value.length + (key?.length ?? 0);
        if (batch.length >= batchSize || batchBytes >= BATCH_BYTES) {
          await inflight; // one batch in flight while the next one is read
          if (sendError !== undefined) break;
          send(batch);
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0 && sendError === undefined) send(batch);
      await inflight;
    } finally {
      input.close();
      await producer.disconnect().catch(() => undefined);
    }

    const summary = {
      ok: sendError === undefined && stoppedAt === undefined,
      topic,
      produced,
      lines: lineNo,
      invalid: invalidCount,
      ...(invalid.length > 0 ? { invalidLines: invalid } : {}),
      ...(stoppedAt ? { stoppedAt: stoppedAt.line } : {}),
      ...(keyEncoder ? { key: { format: keyEncoder.format, schemaId: keyEncoder.schemaId, subject: keyEncoder.subject } } : {}),
      value: { format: valueEncoder.format, schemaId: valueEncoder.schemaId, subject: valueEncoder.subject },
      ...(sendError !== undefined ? { error: { message: secrets.redact(sendError instanceof Error ? sendError.message : String(sendError)) } } : {}),
    };
    if (sendError !== undefined) out.warn(`produce: sending to ${topic} failed: ${summary.error!.message}`);
    const skipped = invalidCount > 0 && skipInvalid ? `, ${invalidCount} invalid line${invalidCount === 1 ? '' : 's'} skipped` : '';
    out.line(`produced ${produced} record${produced === 1 ? '' : 's'} to ${topic}${skipped}`);
    if (stoppedAt) out.line(`stopped at line ${stoppedAt.line}: nothing from it on was sent`);
    out.document(summary);
    if (sendError !== undefined) return EXIT_USAGE;
    return stoppedAt ? EXIT_FAILED : EXIT_OK;
  });
}
