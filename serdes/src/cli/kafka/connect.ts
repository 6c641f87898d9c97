/**
 * What `serdes produce` and `serdes consume` share to reach Kafka: `--bootstrap-servers`,
 * `--command-config FILE` and `--property key=value` (client settings, see client-config.ts, plus the
 * console settings each command reads itself, such as `parse.key` or `print.key`), and the kafkajs client
 * built from them (kafkajs is loaded only by these commands).
 */
import { readFile } from 'node:fs/promises';
import type { Admin, Kafka } from 'kafkajs';
import { CliError, type Secrets } from '../common.js';
import { clientSettings, type ClientSettings } from './client-config.js';
import { parseProperties } from '../../kafka/properties.js';

export const KAFKA_OPTIONS = {
  'bootstrap-servers': { type: 'string' },
  'command-config': { type: 'string' },
  property: { type: 'string', multiple: true },
} as const;

export const KAFKA_HELP = `Kafka:
  --bootstrap-servers <host:port,...>   the brokers (or bootstrap.servers in the command config)
  --command-config <file>   client settings in Java properties form, as Kafka's tools take them:
                            security.protocol, sasl.mechanism (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config,
                            ssl.ca.location / ssl.truststore.location (PEM), ssl.keystore.* (PKCS12, PEM),
                            ssl.certificate.location, ssl.key.location, client.id, acks, ... (an unknown
                            key is an error that lists the known ones)
  --property <key=value>    a console setting (below) or a client setting as in --command-config
                            (repeatable; wins over the file)
`;

export interface KafkaSetup {
  settings: ClientSettings;
  /** The console settings given with --property (the keys `consoleKeys` named). */
  console: Map<string, string>;
  brokers: string[];
  /** Builds the kafkajs client (loads kafkajs). */
  kafka(clientId: string): Promise<Kafka>;
}

function splitProperty(command: string, text: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0) throw new CliError(`${command}: --property must be key=value, got ${JSON.stringify(text)}`);
  return [text.slice(0, i).trim(), text.slice(i + 1)];
}

export async function kafkaSetup(
  command: string,
  values: { 'bootstrap-servers'?: string | undefined; 'command-config'?: string | undefined; property?: string[] | undefined },
  consoleKeys: readonly string[],
  secrets: Secrets,
): Promise<KafkaSetup> {
  const pairs: Array<[string, string]> = [];
  const consoleSettings = new Map<string, string>();
  const file = values['command-config'];
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(`${command}: cannot read --command-config ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    pairs.push(...parseProperties(text));
  }
  for (const p of values.property ?? []) {
    const [k, v] = splitProperty(command, p);
    if (consoleKeys.includes(k)) consoleSettings.set(k, v);
    else pairs.push([k, v]);
  }
  let settings: ClientSettings;
  try {
    settings = clientSettings(pairs, secrets);
  } catch (e) {
    throw new CliError(`${command}: ${secrets.redact(e instanceof Error ? e.message : String(e))}`);
  }
  const raw = values['bootstrap-servers'];
  const brokers = raw !== undefined ? raw.split(',').map((b) => b.trim()).filter(Boolean) : (settings.kafka.brokers ?? []);
  if (brokers.length === 0) throw new CliError(`${command}: no brokers: pass --bootstrap-servers <host:port> (or bootstrap.servers in --command-config)`);
  return {
    settings,
    console: consoleSettings,
    brokers,
    async kafka(clientId) {
      const { Kafka, logLevel } = await import('kafkajs');
      return new Kafka({
        clientId,
        connectionTimeout: 5_000,
        requestTimeout: 30_000,
        logLevel: logLevel.NOTHING,
        ...settings.kafka,
        retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 3_000, ...settings.kafka.retry },
        brokers,
      });
    },
  };
}

/** A console setting that is a boolean (`true`/`false`), if given. */
export function consoleFlag(setup: KafkaSetup, key: string): boolean | undefined {
  const v = setup.console.get(key);
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new CliError(`--property ${key} must be true or false, got ${JSON.stringify(v)}`);
}

/**
 * Runs `body` with an admin client after checking that `topic` exists; with `create`, a missing topic is
 * created first (`partitions` partitions, the broker's default replication) and `onCreated` is called.
 */
export async function withTopic<T>(
  command: string,
  kafka: Kafka,
  topic: string,
  create: { partitions: number; onCreated(): void } | undefined,
  body: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      if (create === undefined) throw new CliError(`${command}: topic ${JSON.stringify(topic)} does not exist${command === 'produce' ? ' (--create-topic creates it)' : ''}`);
      await admin.createTopics({ topics: [{ topic, numPartitions: create.partitions }], waitForLeaders: true });
      create.onCreated();
    }
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}
