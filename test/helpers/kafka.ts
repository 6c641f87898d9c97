import { randomBytes } from 'node:crypto';

/** The Kafka broker the Kafka suites run against, or undefined (those suites then skip, and say so). */
export const KAFKA_BOOTSTRAP_SERVERS = process.env.KAFKA_BOOTSTRAP_SERVERS;

export const KAFKA_SKIP_REASON = 'KAFKA_BOOTSTRAP_SERVERS is not set, so the Kafka variant is skipped (.ci/run starts a broker with npm run kafka:start and sets it)';

/** Says once, loudly, in the test output that a Kafka suite was skipped and why. */
export function announceKafkaSkip(suite: string): void {
  if (!KAFKA_BOOTSTRAP_SERVERS) console.warn(`SKIPPED: ${suite}: ${KAFKA_SKIP_REASON}`);
}

/** A topic name no other test uses (the store creates the topic on open). */
export function freshTopic(label: string): string {
  return `schemata-test-${label.replace(/[^\w.-]/g, '_').toLowerCase()}-${randomBytes(4).toString('hex')}`;
}
