/**
 * `serdes consume`: the console consumer with schemas. Prints each record as one JSON line on stdout,
 * decoded by the schema id in its bytes (see console/decoders.ts). A record that is not in the wire
 * format, names an unknown schema id or does not decode is reported on stderr with its partition and
 * offset, never printed as data; the command stops there (exit 1) unless --skip-errors.
 *
 * kafkajs has no group-less assign(): the consumer joins a consumer group of its own (a random id unless
 * group.id is given) and never commits offsets.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, REGISTRY_HELP, connect, runCommand, type Io } from './common.js';
import { FieldDecoder, isRecordProblem, parseDecodeFormat, type Decoded } from './console/decoders.js';
import { KAFKA_HELP, KAFKA_OPTIONS, consoleFlag, kafkaSetup, withTopic } from './kafka/connect.js';

export const CONSUME_HELP = `Usage: serdes consume TOPIC --bootstrap-servers HOST:PORT --registry URL [options]

Prints each record of TOPIC as one JSON line, decoded by the schema id in its bytes whatever the format:
Avro in Avro's JSON encoding (unions as {"type": value}), Protobuf as proto3 JSON (64-bit integers as exact
strings, enums by name, bytes as base64), JSON Schema payloads as written. Without --print-* options a
line is the value alone; with them, an object {"partition", "offset", "key", "keySchemaId", "value",
"valueSchemaId", "headers"} holding what was asked. A record that is not in the wire format, names an
unknown schema id or does not decode is reported on stderr with its partition and offset (never printed
as data), and the command stops (exit 1) unless --skip-errors.

Records:
  --from-beginning          start at the beginning (default: only records produced from now on)
  --partition <p>           read only this partition
  --offset <o>              with --partition: start at this offset (a number, earliest or latest)
  --max-messages <n>        stop after n records (errors count)
  --exit-at-end             stop once every partition read is at the end it had when the command started
  --timeout-ms <ms>         stop after this long without a record
  --value-format <f>        schema (default: by the id in the bytes), avro, protobuf, jsonschema (the same,
                            checking the type), string or bytes (printed as base64)
  --key-format <f>          as --value-format, for keys (default string)
  --print-key, --print-offset (partition and offset), --print-schema-id, --print-headers, --print-timestamp
  --skip-errors             report records that do not decode and go on
  --group <id>              consumer group (default: a random one; offsets are never committed)
${KAFKA_HELP}Console settings for --property: print.key, print.offset, print.partition, print.schema.ids,
print.headers, print.timestamp, skip.message.on.error (true/false).
Output:
  --json                    a JSON summary on stderr at the end (records go to stdout)
Exit codes: 0 ok, 1 a record did not decode, 2 usage, I/O, registry or broker error.
${REGISTRY_HELP.split('Output:')[0]}`;

const OPTIONS = {
  ...KAFKA_OPTIONS,
  'from-beginning': { type: 'boolean', default: false },
  partition: { type: 'string' },
  offset: { type: 'string' },
  'max-messages': { type: 'string' },
  'exit-at-end': { type: 'boolean', default: false },
  'timeout-ms': { type: 'string' },
  'value-format': { type: 'string' },
  'key-format': { type: 'string' },
  'print-key': { type: 'boolean', default: false },
  'print-offset': { type: 'boolean', default: false },
  'print-schema-id': { type: 'boolean', default: false },
  'print-headers': { type: 'boolean', default: false },
  'print-timestamp': { type: 'boolean', default: false },
  'skip-errors': { type: 'boolean', default: false },
  group: { type: 'string' },
} as const;

const CONSOLE_KEYS = ['print.key', 'print.offset', 'print.partition', 'print.schema.ids', 'print.headers', 'print.timestamp', 'skip.message.on.error'];
const MAX_LISTED = 100;
/** Output is written once this many characters are ready. */
const OUT_CHUNK = 64 * 1024;

function nonNegative(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new CliError(`consume: ${flag} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

interface RecordError {
  partition: number;
  offset: number;
  error: string;
}

export async function consume(argv: string[], io: Io): Promise<number> {
  return runCommand('consume', argv, io, { help: CONSUME_HELP, options: OPTIONS }, async ({ values, positionals }, context) => {
    const { secrets } = context;
    const json = values.json;
    if (positionals.length !== 1) throw new CliError('consume: give exactly one TOPIC');
    const topic = positionals[0]!;
    const setup = await kafkaSetup('consume', values, CONSOLE_KEYS, secrets);
    const flag = (option: boolean, key: string): boolean => option || consoleFlag(setup, key) === true;
    const print = {
      key: flag(values['print-key'], 'print.key'),
      offset: flag(values['print-offset'], 'print.offset') || flag(false, 'print.partition'),
      schemaId: flag(values['print-schema-id'], 'print.schema.ids'),
      headers: flag(values['print-headers'], 'print.headers'),
      timestamp: flag(values['print-timestamp'], 'print.timestamp'),
    };
    const wrapped = print.key || print.offset || print.schemaId || print.headers || print.timestamp;
    const skipErrors = flag(values['skip-errors'], 'skip.message.on.error');
    const maxMessages = nonNegative('--max-messages', values['max-messages']);
    const timeoutMs = nonNegative('--timeout-ms', values['timeout-ms']);
    const onlyPartition = nonNegative('--partition', values.partition);
    const offsetText = values.offset;
    if (offsetText !== undefined && onlyPartition === undefined) throw new CliError('consume: --offset needs --partition');
    if (offsetText !== undefined && offsetText !== 'earliest' && offsetText !== 'latest' && !/^\d+$/.test(offsetText)) {
      throw new CliError(`consume: --offset must be an offset, earliest or latest, got ${JSON.stringify(offsetText)}`);
    }
    const valueFormat = parseDecodeFormat('--value-format', values['value-format'] ?? 'schema');
    const keyFormat = parseDecodeFormat('--key-format', values['key-format'] ?? 'string');

    // stdout carries records only, so the registry is not announced there.
    const needsRegistry = valueFormat !== 'string' && valueFormat !== 'bytes' ? true : print.key && keyFormat !== 'string' && keyFormat !== 'bytes';
    const registry = needsRegistry ? connect('consume', values, io, secrets) : undefined;
    const valueDecoder = new FieldDecoder(registry?.client, topic, valueFormat, false);
    const keyDecoder = new FieldDecoder(registry?.client, topic, keyFormat, true);

    const kafka = await setup.kafka('serdes-consume');
    const offsets = await withTopic('consume', kafka, topic, undefined, (admin) => admin.fetchTopicOffsets(topic));
    const partitions = offsets.map((o) => o.partition).sort((a, b) => a - b);
    if (onlyPartition !== undefined && !partitions.includes(onlyPartition)) {
      throw new CliError(`consume: topic ${topic} has no partition ${onlyPartition} (it has ${partitions.join(', ')})`);
    }
    const read = onlyPartition === undefined ? partitions : [onlyPartition];
    /** Where each partition read starts, and the end it had at the start (for --exit-at-end). */
    const start = new Map<number, number>();
    const end = new Map<number, number>();
    for (const o of offsets) {
      if (!read.includes(o.partition)) continue;
      end.set(o.partition, Number(o.high));
      let s = values['from-beginning'] ? Number(o.low) : Number(o.high);
      if (o.partition === onlyPartition && offsetText !== undefined) {
        s = offsetText === 'earliest' ? Number(o.low) : offsetText === 'latest' ? Number(o.high) : Number(offsetText);
      }
      start.set(o.partition, s);
    }
    const position = new Map(start);

    const consumer: Consumer = kafka.consumer({
      // Batches of about 1 MiB: a whole topic in one batch keeps every decoded record alive at once.
      maxBytes: 8 << 20,
      maxBytesPerPartition: 1 << 20,
      maxWaitTimeInMs: 250,
      ...setup.settings.consumer,
      groupId: values.group ?? setup.settings.consumer.groupId ?? `serdes-console-${randomUUID()}`,
    });

    let count = 0;
    let errorCount = 0;
    const errors: RecordError[] = [];
    let failed: RecordError | undefined;
    let fatal: unknown;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let done = false;
    const stop = (): void => {
      if (done) return;
      done = true;
      finish();
    };
    const atEnd = (): boolean => [...position].every(([p, pos]) => pos >= end.get(p)!);
    let idle: NodeJS.Timeout | undefined;
    const touch = (): void => {
      if (timeoutMs === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(stop, timeoutMs);
    };
    const stdout = process.stdout;
    stdout.on('error', () => stop()); // EPIPE: the reader went away

    /** Decodes one part, naming it in the error. */
    const part = (name: string, decoder: FieldDecoder, bytes: Buffer | null): Decoded => {
      try {
        return decoder.decode(bytes);
      } catch (e) {
        if (e instanceof Error) e.message = `${name}: ${e.message}`;
        throw e;
      }
    };
    const line = (m: KafkaMessage, partition: number): string => {
      const value = part('value', valueDecoder, m.value);
      if (!wrapped) return value.json;
      let s = '{';
      if (print.offset) s += `"partition":${partition},"offset":${m.offset},`;
      if (print.timestamp) s += `"timestamp":${m.timestamp},`;
      if (print.key) {
        const key = part('key', keyDecoder, m.key);
        s += `"key":${key.json},`;
        if (print.schemaId && key.schemaId !== undefined) s += `"keySchemaId":${key.schemaId},`;
      }
      if (print.headers) {
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) {
          if (v === undefined) continue;
          h[k] = Array.isArray(v) ? v.map((x) => x.toString('utf8')) : v.toString('utf8');
        }
        s += `"headers":${JSON.stringify(h)},`;
      }
      s += `"value":${value.json}`;
      if (print.schemaId && value.schemaId !== undefined) s += `,"valueSchemaId":${value.schemaId}`;
      return `${s}}`;
    };

    /**
     * Loads the schemas a record needs (undefined when they are loaded already, the common case: no
     * promise per record); a record problem is left for `line` to throw again.
     */
    const load = (m: KafkaMessage): Promise<void> | undefined => {
      let todo: Array<[FieldDecoder, number]> | undefined;
      const check = (decoder: FieldDecoder, bytes: Buffer | null): void => {
        if (bytes === null) return;
        let id: number | undefined;
        try {
          id = decoder.needs(bytes);
        } catch (e) {
          if (!isRecordProblem(e)) throw e; // not in the wire format: `line` reports it
        }
        if (id !== undefined) (todo ??= []).push([decoder, id]);
      };
      check(valueDecoder, m.value);
      if (print.key) check(keyDecoder, m.key);
      if (todo === undefined) return undefined;
      return (async () => {
        for (const [decoder, id] of todo) await decoder.load(id);
      })();
    };

    // kafkajs restarts the consumer after a retriable failure; one it gives up on ends the command.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      fatal = payload.error;
      stop();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [p, s] of start) consumer.seek({ topic, partition: p, offset: String(s) });
      const others = partitions.filter((p) => !read.includes(p));
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: values['from-beginning'] });
      if ((values['exit-at-end'] && atEnd()) || maxMessages === 0) stop();
      touch();
      if (!done) {
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (done || !read.includes(batch.partition)) return;
            touch();
            let out = '';
            for (const m of batch.messages) {
              if (done) break;
              const offset = Number(m.offset);
              if (offset < position.get(batch.partition)!) continue;
              let text: string | undefined;
              try {
                const loading = load(m);
                if (loading !== undefined) await loading;
                text = line(m, batch.partition);
              } catch (e) {
                if (!isRecordProblem(e)) {
                  fatal = e;
                  stop();
                  break;
                }
                const err: RecordError = { partition: batch.partition, offset, error: e instanceof Error ? e.message : String(e) };
                errorCount++;
                if (errors.length < MAX_LISTED) errors.push(err);
                io.stderr(`consume: partition ${err.partition} offset ${err.offset}: ${secrets.redact(err.error)}\n`);
                if (!skipErrors) failed = err;
              }
              if (text !== undefined) {
                out += `${text}\n`;
                // Written in chunks: one string per batch would be a rope of every line, kept until the end.
                if (out.length >= OUT_CHUNK) {
                  stdout.write(out);
                  out = '';
                }
              }
              position.set(batch.partition, offset + 1);
              count++;
              if (failed !== undefined || (maxMessages !== undefined && count >= maxMessages)) {
                stop();
                break;
              }
            }
            if (!done) position.set(batch.partition, Math.max(position.get(batch.partition)!, Number(batch.lastOffset()) + 1));
            if (out !== '' && !stdout.write(out) && !done) await once(stdout, 'drain');
            if (values['exit-at-end'] && atEnd()) stop();
          },
        });
        await finished;
      }
    } finally {
      clearTimeout(idle);
      await consumer.disconnect().catch(() => undefined);
    }
    if (stdout.writableNeedDrain) await once(stdout, 'drain');

    const summary = {
      ok: fatal === undefined && failed === undefined,
      topic,
      consumed: count,
      errors: errorCount,
      ...(errors.length > 0 ? { errorRecords: errors } : {}),
      ...(fatal !== undefined ? { error: { message: secrets.redact(fatal instanceof Error ? fatal.message : String(fatal)) } } : {}),
    };
    if (fatal !== undefined) io.stderr(`consume: ${summary.error!.message}\n`);
    if (json) io.stderr(`${secrets.redact(JSON.stringify(summary, null, 2))}\n`);
    else io.stderr(`consumed ${count} record${count === 1 ? '' : 's'} from ${topic}${errorCount > 0 ? ` (${errorCount} did not decode)` : ''}\n`);
    if (fatal !== undefined) return EXIT_USAGE;
    return failed !== undefined ? EXIT_FAILED : EXIT_OK;
  });
}
