/**
 * Subject name strategies: which registry subject a (topic, key or value, schema) goes to.
 *
 * - TopicNameStrategy (the default): `<topic>-key` / `<topic>-value`;
 * - RecordNameStrategy: the record's full name (Avro full name, Protobuf message full name, JSON Schema
 *   `title`), the same for keys and values;
 * - TopicRecordNameStrategy: `<topic>-<record name>`.
 *
 * A custom function with the same signature may be given instead.
 */

/**
 * `recordName` is the full name of the record being written (undefined when the schema has none, e.g. an
 * Avro `string` or a JSON Schema without `title`).
 */
export type SubjectNameStrategy = (topic: string, isKey: boolean, recordName: string | undefined) => string;

export type SubjectNameStrategyName = 'topic' | 'record' | 'topic-record';

function needRecordName(strategy: string, recordName: string | undefined): string {
  if (recordName === undefined || recordName === '') {
    throw new TypeError(
      `${strategy} needs a record name, and this schema has none (Avro: a named record/enum/fixed; Protobuf: a message; JSON Schema: a "title")`,
    );
  }
  return recordName;
}

export const TopicNameStrategy: SubjectNameStrategy = (topic, isKey) => `${topic}-${isKey ? 'key' : 'value'}`;

export const RecordNameStrategy: SubjectNameStrategy = (_topic, _isKey, recordName) =>
  needRecordName('RecordNameStrategy', recordName);

export const TopicRecordNameStrategy: SubjectNameStrategy = (topic, _isKey, recordName) =>
  `${topic}-${needRecordName('TopicRecordNameStrategy', recordName)}`;

/** True when the strategy needs the record name (so a serializer must know its schema before it can name the subject). */
export function strategyUsesRecordName(strategy: SubjectNameStrategy): boolean {
  return strategy !== TopicNameStrategy;
}

/** A strategy by name or function; undefined gives TopicNameStrategy. */
export function subjectNameStrategy(strategy: SubjectNameStrategy | SubjectNameStrategyName | undefined): SubjectNameStrategy {
  if (strategy === undefined || strategy === 'topic') return TopicNameStrategy;
  if (strategy === 'record') return RecordNameStrategy;
  if (strategy === 'topic-record') return TopicRecordNameStrategy;
  if (typeof strategy === 'function') return strategy;
  throw new TypeError(`unknown subject name strategy ${JSON.stringify(strategy)}`);
}
