export * from './errors.js';
export { Serializer, Deserializer, type SerializerOptions, type DeserializerOptions, type SerdeOptions, type TopicWriter } from './serde.js';
export {
  AvroSerializer,
  AvroDeserializer,
  avroSchemaInfo,
  avroType,
  type AvroSchemaInput,
  type AvroSerializerOptions,
  type AvroDeserializerOptions,
} from './avro.js';
export {
  ProtobufSerializer,
  ProtobufDeserializer,
  type ProtobufSchemaInput,
  type ProtobufImportSource,
  type ProtobufParseOptions,
  type ProtobufSerializerOptions,
  type ProtobufDeserializerOptions,
} from './protobuf.js';
export {
  JsonSerializer,
  JsonDeserializer,
  jsonSchemaInfo,
  jsonValidator,
  type JsonSchemaInput,
  type JsonSerializerOptions,
  type JsonDeserializerOptions,
} from './json.js';
