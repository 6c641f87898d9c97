/**
 * `@schemata/serdes/kafka`: Kafka client settings in Java properties form (what Kafka's tools and
 * Confluent's `kafkastore.*` settings use) → kafkajs connection options. Loads no kafkajs code.
 */
export { parseProperties } from './properties.js';
export {
  boolSetting,
  CONNECTION_SETTINGS,
  ConnectionSettings,
  intSetting,
  isConnectionSetting,
  KafkaConfigError,
  type KafkaConnection,
  type SecretCollector,
} from './connection.js';
