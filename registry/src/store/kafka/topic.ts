/**
 * The `_schemas` topic's required shape: one partition (a single total order of writes) and
 * `cleanup.policy=compact` (latest value per key kept forever). Created that way when missing; an existing
 * topic of another shape is refused, naming the wrong setting, as Confluent's KafkaStore does.
 */
import kafkajs, { type Admin } from 'kafkajs';

// kafkajs is CommonJS: its runtime values come through the default export.
const { ConfigResourceTypes } = kafkajs;

export class TopicConfigError extends Error {
  override readonly name = 'TopicConfigError';
}

export async function ensureSchemasTopic(admin: Admin, topic: string, replicationFactor: number): Promise<void> {
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      });
      return;
    } catch (e) {
      // Another registry process created it at the same moment: check what it made.
      if ((e as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS' && !(await admin.listTopics()).includes(topic)) throw e;
    }
  }
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const partitions = metadata?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw new TopicConfigError(`the schemas topic ${topic} has ${partitions} partitions; it must have exactly 1 (one total order of writes)`);
  }
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy = described.resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue;
  if (policy !== 'compact') {
    throw new TopicConfigError(`the schemas topic ${topic} has cleanup.policy=${policy ?? 'unknown'}; it must be compact (deleting old records would lose schemas)`);
  }
}
