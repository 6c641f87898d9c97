/**
 * Schemas and values shared by the real-client interop suites, and factories for both third-party
 * clients pointed at a live registry.
 *
 * Protobuf types are built at runtime the way generated code would carry them: as
 * google.protobuf.FileDescriptorProto messages turned into descriptors with @bufbuild/protobuf v2 (the
 * library @confluentinc/schemaregistry itself uses), so the Confluent serializer registers exactly what it
 * would for protoc-gen-es output. The same files are also written out as .proto text for kafkajs.
 */
import { create, createFileRegistry, createMutableRegistry, type DescMessage, type MutableRegistry } from '@bufbuild/protobuf';
import {
  DescriptorProtoSchema,
  EnumDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type FieldDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

// ---------------------------------------------------------------------------------------------------
// Clients

/** A fresh Confluent client (fresh caches); short retry waits so a wrongly retried 5xx surfaces quickly. */
export function confluentClient(url: string): SchemaRegistryClient {
  return new SchemaRegistryClient({ baseURLs: [url], retriesWaitMs: 20, retriesMaxWaitMs: 100 });
}

/** A fresh kafkajs client (fresh, unbounded caches). */
export function kafkajsClient(url: string, options?: ConstructorParameters<typeof SchemaRegistry>[1]): SchemaRegistry {
  return new SchemaRegistry({ host: url, retry: { initialRetryTimeInSecs: 0.01, maxRetryTimeInSecs: 0.1 } }, options);
}

/** kafkajs keeps its REST client private; its manifest is the only way to reach the compatibility endpoint. */
export interface KafkajsApi {
  Subject: {
    compatible(args: { subject: string; version?: number | string; body: Record<string, unknown> }): Promise<{ data(): any; status(): number }>;
    config(args: { subject: string }): Promise<{ data(): any; status(): number }>;
  };
}
export function kafkajsApi(registry: SchemaRegistry): KafkajsApi {
  return (registry as unknown as { api: KafkajsApi }).api;
}

// ---------------------------------------------------------------------------------------------------
// Avro

export const PAYMENT_V1 = {
  type: 'record',
  name: 'Payment',
  namespace: 'acme.avro',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD', 'GBP'] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

/** BACKWARD (and FORWARD) compatible with v1: one field added with a default. */
export const PAYMENT_V2 = { ...PAYMENT_V1, fields: [...PAYMENT_V1.fields, { name: 'memo', type: 'string', default: '' }] };

/** BACKWARD incompatible with v1: a field added without a default cannot be read from v1 data. */
export const PAYMENT_BAD = { ...PAYMENT_V1, fields: [...PAYMENT_V1.fields, { name: 'required_memo', type: 'string' }] };

export const PAYMENT_VALUE = { id: 'pay-1', amount: 12.5, currency: 'EUR', note: 'first' };
export const PAYMENT_VALUE_NULL_NOTE = { id: 'pay-2', amount: -3.25, currency: 'GBP', note: null };

// ---------------------------------------------------------------------------------------------------
// JSON Schema

export const CUSTOMER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Customer',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', minLength: 1 },
    email: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'name'],
  additionalProperties: false,
};

export const CUSTOMER_VALUE = { id: 7, name: 'Ada', email: 'ada@example.org', tags: ['vip', 'eu'] };
/** Violates CUSTOMER_SCHEMA twice: `id` is a string and `name` is missing. */
export const CUSTOMER_INVALID = { id: 'seven', email: 'x@example.org' };

// ---------------------------------------------------------------------------------------------------
// Protobuf: acme/money.proto and acme/order.proto (which imports it), as descriptors and as text

function field(name: string, number: number, type: Type, extra: { typeName?: string; label?: Label } = {}): FieldDescriptorProto {
  return create(FieldDescriptorProtoSchema, { name, number, type, label: Label.OPTIONAL, jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), ...extra });
}

export const MONEY_FILE = create(FileDescriptorProtoSchema, {
  name: 'acme/money.proto',
  package: 'acme',
  syntax: 'proto3',
  messageType: [
    create(DescriptorProtoSchema, {
      name: 'Money',
      field: [field('currency_code', 1, Type.STRING), field('units', 2, Type.INT64), field('nanos', 3, Type.INT32)],
    }),
  ],
});

export const ORDER_FILE = create(FileDescriptorProtoSchema, {
  name: 'acme/order.proto',
  package: 'acme',
  syntax: 'proto3',
  dependency: ['acme/money.proto'],
  messageType: [
    create(DescriptorProtoSchema, {
      name: 'Order',
      field: [
        field('id', 1, Type.STRING),
        field('total', 2, Type.MESSAGE, { typeName: '.acme.Money' }),
        field('lines', 3, Type.MESSAGE, { typeName: '.acme.Order.Line', label: Label.REPEATED }),
        field('status', 4, Type.ENUM, { typeName: '.acme.Order.Status' }),
      ],
      nestedType: [
        create(DescriptorProtoSchema, {
          name: 'Line',
          field: [field('sku', 1, Type.STRING), field('quantity', 2, Type.INT32), field('price', 3, Type.MESSAGE, { typeName: '.acme.Money' })],
        }),
      ],
      enumType: [
        create(EnumDescriptorProtoSchema, {
          name: 'Status',
          value: [
            { name: 'STATUS_UNSPECIFIED', number: 0 },
            { name: 'PLACED', number: 1 },
            { name: 'SHIPPED', number: 2 },
          ],
        }),
      ],
    }),
    create(DescriptorProtoSchema, {
      name: 'Shipment',
      field: [field('order_id', 1, Type.STRING), field('carrier', 2, Type.STRING)],
    }),
  ],
});

/** The same two files as .proto text (what kafkajs registers and reads). */
export const MONEY_PROTO = `syntax = "proto3";
package acme;

message Money {
  string currency_code = 1;
  int64 units = 2;
  int32 nanos = 3;
}
`;

export const ORDER_PROTO = `syntax = "proto3";
package acme;

import "acme/money.proto";

message Order {
  string id = 1;
  Money total = 2;
  repeated Line lines = 3;
  Status status = 4;

  message Line {
    string sku = 1;
    int32 quantity = 2;
    Money price = 3;
  }

  enum Status {
    STATUS_UNSPECIFIED = 0;
    PLACED = 1;
    SHIPPED = 2;
  }
}

message Shipment {
  string order_id = 1;
  string carrier = 2;
}
`;

export interface OrderTypes {
  registry: MutableRegistry;
  Money: DescMessage;
  Order: DescMessage;
  Line: DescMessage;
  Shipment: DescMessage;
}

/** Descriptors for the acme files, as a registry the Confluent ProtobufSerializer can look messages up in. */
export function orderTypes(): OrderTypes {
  const files = createFileRegistry(create(FileDescriptorSetSchema, { file: [MONEY_FILE, ORDER_FILE] }));
  const get = (name: string): DescMessage => {
    const m = files.getMessage(name);
    if (!m) throw new Error(`descriptor ${name} missing`);
    return m;
  };
  return { registry: createMutableRegistry(files), Money: get('acme.Money'), Order: get('acme.Order'), Line: get('acme.Order.Line'), Shipment: get('acme.Shipment') };
}

export function sampleOrder(t: OrderTypes) {
  const eur = (units: bigint, nanos: number) => create(t.Money, { currencyCode: 'EUR', units, nanos }) as any;
  return create(t.Order, {
    id: 'order-42',
    total: eur(21n, 500_000_000),
    lines: [create(t.Line, { sku: 'A-1', quantity: 2, price: eur(10n, 0) }) as any, create(t.Line, { sku: 'B-7', quantity: 1, price: eur(1n, 500_000_000) }) as any],
    status: 1,
  } as any);
}

/** sampleOrder as protobufjs `toObject({longs: String, enums: String})` renders it (what kafkajs decodes). */
export const SAMPLE_ORDER_OBJECT = {
  id: 'order-42',
  total: { currencyCode: 'EUR', units: '21', nanos: 500_000_000 },
  lines: [
    { sku: 'A-1', quantity: 2, price: { currencyCode: 'EUR', units: '10' } },
    { sku: 'B-7', quantity: 1, price: { currencyCode: 'EUR', units: '1', nanos: 500_000_000 } },
  ],
  status: 'PLACED',
};

/** A message for kafkajs `encode` (protobufjs accepts plain objects with camelCase names and numeric enums). */
export const KAFKAJS_ORDER_PAYLOAD = {
  id: 'order-42',
  total: { currencyCode: 'EUR', units: 21, nanos: 500_000_000 },
  lines: [
    { sku: 'A-1', quantity: 2, price: { currencyCode: 'EUR', units: 10 } },
    { sku: 'B-7', quantity: 1, price: { currencyCode: 'EUR', units: 1, nanos: 500_000_000 } },
  ],
  status: 1,
};

/** Renders a protobufjs message (kafkajs decode output) as a plain object with string longs and enum names. */
export function protobufjsObject(message: any): unknown {
  return message.$type.toObject(message, { longs: String, enums: String });
}

// ---------------------------------------------------------------------------------------------------
// Wire helpers

/** The schema id of a prefix-framed (magic 0x00) payload. */
export function schemaIdOf(bytes: Buffer): number {
  if (bytes[0] !== 0) throw new Error(`magic byte ${bytes[0]}, expected 0`);
  return bytes.readInt32BE(1);
}

/** kafkajs Protobuf bytes are `0x00 + id + body`; Confluent wire format puts the message-index array ([0] = one 0x00) before the body. */
export function spliceFirstMessageIndex(kafkajsBytes: Buffer): Buffer {
  return Buffer.concat([kafkajsBytes.subarray(0, 5), Buffer.from([0]), kafkajsBytes.subarray(5)]);
}
