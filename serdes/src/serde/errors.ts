/**
 * Errors thrown by the serializers and deserializers. Every error says what is wrong with the value or the
 * bytes; the registry's own error (when there is one) is kept as `cause`.
 */

/** Base class of every serializer/deserializer error. */
export class SerdeError extends Error {
  override name = 'SerdeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A value could not be serialized (it does not match the schema, or the schema could not be resolved). */
export class SerializationError extends SerdeError {
  override name = 'SerializationError';
}

/** Bytes could not be deserialized. */
export class DeserializationError extends SerdeError {
  override name = 'DeserializationError';
}

export type WireFormatProblem = 'magic-byte' | 'too-short' | 'message-indexes';

/** The bytes are not in the Confluent wire format (magic byte, 4-byte schema id, [message indexes], payload). */
export class WireFormatError extends DeserializationError {
  override name = 'WireFormatError';
  constructor(
    message: string,
    readonly problem: WireFormatProblem,
  ) {
    super(message);
  }
}

/** The schema id in the bytes is not known to the registry (Confluent error 40403). */
export class UnknownSchemaIdError extends DeserializationError {
  override name = 'UnknownSchemaIdError';
  constructor(
    readonly schemaId: number,
    options?: { cause?: unknown },
  ) {
    super(`schema id ${schemaId} is not known to the registry (40403); the bytes were written against another registry or the schema was deleted permanently`, options);
  }
}

/**
 * A synchronous fast path (`serializeSync` / `deserializeSync`) was called before the schema it needs was
 * resolved. Call the asynchronous method once (or `prepare`) first.
 */
export class SchemaNotCachedError extends SerdeError {
  override name = 'SchemaNotCachedError';
}
