/** Realistic schemas shared by the benchmarks. */

/** A ~10-field Avro record (nested record, array of records, enum, optional union, map). */
export const ORDER_AVRO = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme.shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customerId', type: 'string' },
    { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED', 'CANCELLED'] } },
    { name: 'total', type: 'double' },
    { name: 'currency', type: 'string' },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'LineItem',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
            { name: 'price', type: 'double' },
          ],
        },
      },
    },
    {
      name: 'shipping',
      type: {
        type: 'record',
        name: 'Address',
        fields: [
          { name: 'street', type: 'string' },
          { name: 'city', type: 'string' },
          { name: 'zip', type: 'string' },
          { name: 'country', type: 'string' },
        ],
      },
    },
    { name: 'coupon', type: ['null', 'string'], default: null },
    { name: 'attributes', type: { type: 'map', values: 'string' }, default: {} },
  ],
};

/**
 * Versions of one ~10-field schema per format, each with the same base fields plus one optional field of
 * its own (`extra_<tag>`, Protobuf field number `tag`): distinct schemas (distinct ids), all the same size,
 * and every pair mutually compatible while structurally different (the new version adds its field and
 * drops the old one's: Avro optional field with a default, Protobuf FIELD_ADDED/FIELD_REMOVED, JSON Schema
 * a string property covered by a partially open content model). So a check against N earlier versions
 * is N real pairwise diffs of equal cost.
 */
export const VARIANTS = {
  AVRO: (tag) =>
    JSON.stringify({ ...ORDER_AVRO, fields: [...ORDER_AVRO.fields, { name: `extra_${tag}`, type: ['null', 'string'], default: null }] }),
  JSON: (tag) =>
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Order',
      type: 'object',
      properties: {
        id: { type: 'integer' },
        customerId: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
        status: { type: 'string', enum: ['NEW', 'PAID', 'SHIPPED', 'CANCELLED'] },
        total: { type: 'number', minimum: 0 },
        currency: { type: 'string', minLength: 3, maxLength: 3 },
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, price: { type: 'number' } },
            required: ['sku', 'quantity'],
            additionalProperties: false,
          },
        },
        shipping: {
          type: 'object',
          properties: { street: { type: 'string' }, city: { type: 'string' }, zip: { type: 'string' }, country: { type: 'string' } },
          additionalProperties: false,
        },
        coupon: { oneOf: [{ type: 'null' }, { type: 'string' }] },
        attributes: { type: 'object', additionalProperties: { type: 'string' } },
        [`extra_${tag}`]: { type: 'string' },
      },
      required: ['id', 'customerId', 'status', 'total'],
      // Partially open: extra string properties come and go compatibly.
      additionalProperties: { type: 'string' },
    }),
  PROTOBUF: (tag) => `syntax = "proto3";
package com.acme.shop;
option java_outer_classname = "OrderProto";

message Order {
  int64 id = 1;
  string customer_id = 2;
  int64 created_at = 3;
  Status status = 4;
  double total = 5;
  string currency = 6;
  repeated LineItem items = 7;
  Address shipping = 8;
  optional string coupon = 9;
  map<string, string> attributes = 10;
  optional string extra_${tag} = ${tag};
}
enum Status { NEW = 0; PAID = 1; SHIPPED = 2; CANCELLED = 3; }
message LineItem { string sku = 1; int32 quantity = 2; double price = 3; }
message Address { string street = 1; string city = 2; string zip = 3; string country = 4; }
`,
};

/** Tags for VARIANTS: seeded version k of a subject, and never-registered candidates. */
export const versionTag = (k) => 100 + k;
export const candidateTag = (c) => 100_000 + c;

/**
 * A schema compatible with every VARIANTS version except version 1 (whose own field it redefines with an
 * incompatible type): registering it must fail under BACKWARD_TRANSITIVE, which proves that the check
 * reaches the oldest version. Avro and Protobuf only (in the JSON Schema variants a changed extra property
 * is also checked against the partially open content model of every version).
 */
export const BREAKS_ONLY_FIRST = {
  AVRO: () => JSON.stringify({ ...ORDER_AVRO, fields: [...ORDER_AVRO.fields, { name: `extra_${versionTag(1)}`, type: 'int', default: 0 }] }),
  PROTOBUF: () => VARIANTS.PROTOBUF(versionTag(1)).replace(`optional string extra_${versionTag(1)}`, `int64 extra_${versionTag(1)}`),
};
