/**
 * Data-contract rules executed by our serdes and by @confluentinc/schemaregistry 1.10.1 against the same
 * live registry: CEL conditions and field transforms (a record one client rejects, the other rejects
 * too; a record both accept is written to the same bytes), onSuccess/onFailure actions, disabled rules,
 * READ rules, and JSONata migrations across a major version read the same by both.
 */
import {
  AvroDeserializer as ConfluentAvroDeserializer,
  AvroSerializer as ConfluentAvroSerializer,
  CelExecutor,
  CelFieldExecutor,
  JsonDeserializer as ConfluentJsonDeserializer,
  JsonSerializer as ConfluentJsonSerializer,
  JsonataExecutor,
  ProtobufDeserializer as ConfluentProtobufDeserializer,
  ProtobufSerializer as ConfluentProtobufSerializer,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  RuleRegistry,
  SchemaNotCachedError,
  SerializationError,
  DeserializationError,
  type Rule,
  type RuleContext,
} from '../../serdes/src/index.js';
import { confluentClient } from './schemas.js';
import { confluentProtobufTypes, failure, rulesRegistry } from './rules-helpers.js';
import { create } from '@bufbuild/protobuf';

CelExecutor.register();
CelFieldExecutor.register();
JsonataExecutor.register();

const live = rulesRegistry();

const PAYMENT = {
  type: 'record',
  name: 'Payment',
  namespace: 'acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'card', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

const positive: Rule = { name: 'positive', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.amount > 0.0' };
const maskPii: Rule = { name: 'mask', kind: 'TRANSFORM', mode: 'WRITE', type: 'CEL_FIELD', tags: ['PII'], expr: 'typeName == "STRING" ; value.substring(0, 4) + "****"' };

async function registerAvro(subject: string, rules: Rule[], extra: { metadata?: object } = {}): Promise<number> {
  const r = await live.client().register(subject, { schemaType: 'AVRO', schema: JSON.stringify(PAYMENT), ruleSet: { domainRules: rules }, ...extra });
  return r.id;
}


const ours = (o: object = {}) => new AvroSerializer(live.client(), { useLatestVersion: true, ...o });
const theirs = () => new ConfluentAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
const theirsDe = () => new ConfluentAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, {});
const good = { id: 'p-1', amount: 12.5, card: '4111111111111111', note: null };
const bad = { ...good, amount: -3 };

describe('CEL rules, Avro', () => {
  it('a CEL condition and a CEL_FIELD transform on a tagged field: same bytes from both clients, each reads the other', async () => {
    const topic = 'cel-avro';
    await registerAvro(`${topic}-value`, [positive, maskPii]);
    const mine = await ours().serialize(topic, good);
    const conf = await theirs().serialize(topic, { ...good });
    expect(mine.equals(conf)).toBe(true);
    const read = (await theirsDe().deserialize(topic, mine)) as Record<string, unknown>;
    expect({ ...read }).toEqual({ ...good, card: '4111****' });
    const back = (await new AvroDeserializer(live.client()).deserialize(topic, conf)) as Record<string, unknown>;
    expect({ ...back }).toEqual({ ...good, card: '4111****' });
  });

  it('the caller object is not changed by our transforms (Confluent changes it in place)', async () => {
    const topic = 'cel-avro';
    const value = { ...good };
    await ours().serialize(topic, value);
    expect(value.card).toBe(good.card);
  });

  it('a failing condition fails in both clients, with the rule named', async () => {
    const topic = 'cel-avro';
    const mine = await failure(ours().serialize(topic, bad));
    expect(mine).toBeInstanceOf(SerializationError);
    expect(mine.message).toBe("rule positive failed: Expr failed: 'message.amount > 0.0'");
    const conf = await failure(theirs().serialize(topic, { ...bad }));
    expect(conf.message).toBe(mine.message);
  });

  it('the rule doc is the failure message when there is one', async () => {
    const topic = 'cel-avro-doc';
    await registerAvro(`${topic}-value`, [{ ...positive, doc: 'amount must be positive' }]);
    const mine = await failure(ours().serialize(topic, bad));
    const conf = await failure(theirs().serialize(topic, { ...bad }));
    expect(mine.message).toBe('rule positive failed: amount must be positive');
    expect(conf.message).toBe(mine.message);
  });

  it('onFailure NONE lets the record through in both; the same bytes', async () => {
    const topic = 'cel-avro-none';
    await registerAvro(`${topic}-value`, [{ ...positive, onFailure: 'NONE' }]);
    const mine = await ours().serialize(topic, bad);
    const conf = await theirs().serialize(topic, { ...bad });
    expect(mine.equals(conf)).toBe(true);
  });

  it('a disabled rule does not run in either client', async () => {
    const topic = 'cel-avro-disabled';
    await registerAvro(`${topic}-value`, [{ ...positive, disabled: true }, { ...maskPii, disabled: true }]);
    const mine = await ours().serialize(topic, bad);
    const conf = await theirs().serialize(topic, { ...bad });
    expect(mine.equals(conf)).toBe(true);
    expect({ ...((await new AvroDeserializer(live.client()).deserialize(topic, mine)) as object) }).toEqual(bad);
  });

  it('onFailure DLQ: neither client has a DLQ action built in, so both fail; ours runs a registered one', async () => {
    const topic = 'cel-avro-dlq';
    await registerAvro(`${topic}-value`, [{ ...positive, onFailure: 'DLQ' }]);
    const mine = await failure(ours().serialize(topic, bad));
    const conf = await failure(theirs().serialize(topic, { ...bad }));
    expect(mine.message).toBe('Could not find rule action of type DLQ');
    expect(conf.message).toBe(mine.message);

    const dead: Array<{ msg: unknown; error: string; rule: string }> = [];
    const registry = new RuleRegistry().registerAction({
      type: () => 'DLQ',
      run: (ctx: RuleContext, msg: unknown, error: Error | null) => {
        dead.push({ msg, error: error?.message ?? '', rule: ctx.rule.name });
      },
    });
    await ours({ ruleRegistry: registry }).serialize(topic, bad);
    expect(dead).toEqual([{ msg: bad, error: "Expr failed: 'message.amount > 0.0'", rule: 'positive' }]);
  });

  it('an override disables a rule type for one serializer only', async () => {
    const topic = 'cel-avro';
    const registry = new RuleRegistry().registerOverride({ type: 'CEL', disabled: true });
    await expect(ours({ ruleRegistry: registry }).serialize(topic, bad)).resolves.toBeInstanceOf(Buffer);
    await expect(ours().serialize(topic, bad)).rejects.toThrow(/rule positive failed/);
  });

  it('a READ rule: writing succeeds, reading a record that breaks it fails in ours; Confluent 1.10.1 fails open there', async () => {
    const topic = 'cel-avro-read';
    await registerAvro(`${topic}-value`, [{ name: 'small', kind: 'CONDITION', mode: 'READ', type: 'CEL', expr: 'message.amount < 100.0' }]);
    const big = { ...good, amount: 500 };
    const bytes = await ours().serialize(topic, big);
    const mine = await failure(new AvroDeserializer(live.client()).deserialize(topic, bytes));
    expect(mine).toBeInstanceOf(DeserializationError);
    expect(mine.message).toBe("rule small failed: Expr failed: 'message.amount < 100.0'");
    // Confluent's client hands CEL the avsc record instance, which @bufbuild/cel refuses ("Unsupported
    // input"), and takes that error object as a passing answer: the condition never sees the record.
    // The record reads there, so this checks the known difference rather than hiding it (NOTES.md).
    expect({ ...((await theirsDe().deserialize(topic, bytes)) as object) }).toEqual(big);
    // A small one reads in both.
    const ok = await ours().serialize(topic, good);
    expect({ ...((await new AvroDeserializer(live.client()).deserialize(topic, ok)) as object) }).toEqual(good);
    expect({ ...((await theirsDe().deserialize(topic, ok)) as object) }).toEqual(good);
  });

  it('a CEL expression that errs fails the rule in ours (Confluent takes the error as a passing answer)', async () => {
    const topic = 'cel-avro-err';
    await registerAvro(`${topic}-value`, [{ name: 'typo', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.amout > 0.0' }]);
    const mine = await failure(ours().serialize(topic, good));
    expect(mine.message).toMatch(/^rule typo failed: CEL evaluation failed: /);
    await expect(theirs().serialize(topic, { ...good })).resolves.toBeInstanceOf(Buffer);
  });

  it('WRITEREAD with a metadata-tagged field: the transform runs on both sides, chosen by metadata tags', async () => {
    const topic = 'cel-avro-meta';
    await registerAvro(
      `${topic}-value`,
      [{ name: 'upper', kind: 'TRANSFORM', mode: 'WRITEREAD', type: 'CEL_FIELD', tags: ['LOUD'], expr: 'value.upperAscii()' }],
      { metadata: { tags: { 'acme.Payment.id': ['LOUD'], '**.note': ['LOUD'] } } },
    );
    const v = { ...good, id: 'abc', note: 'hi' };
    const mine = await ours().serialize(topic, v);
    const conf = await theirs().serialize(topic, { ...v });
    expect(mine.equals(conf)).toBe(true);
    expect({ ...((await new AvroDeserializer(live.client()).deserialize(topic, mine)) as object) }).toEqual({ ...v, id: 'ABC', note: 'HI' });
    expect({ ...((await theirsDe().deserialize(topic, mine)) as object) }).toEqual({ ...v, id: 'ABC', note: 'HI' });
  });

  it('serializeSync and deserializeSync refuse schemas with rules instead of skipping them', async () => {
    const ser = ours();
    await ser.serialize('cel-avro', good);
    expect(() => ser.serializeSync('cel-avro', good)).toThrow(SchemaNotCachedError);
    const bytes = await ours().serialize('cel-avro-read', good);
    const de = new AvroDeserializer(live.client());
    await de.deserialize('cel-avro-read', bytes);
    expect(() => de.deserializeSync('cel-avro-read', bytes)).toThrow(/has rules/);
    // WRITE-only rules do not touch the read path: it stays synchronous.
    const plain = new AvroDeserializer(live.client());
    const written = await ours().serialize('cel-avro', good);
    await plain.deserialize('cel-avro', written);
    expect({ ...(plain.deserializeSync('cel-avro', written) as object) }).toEqual({ ...good, card: '4111****' });
  });
});

const CUSTOMER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Customer',
  type: 'object',
  properties: {
    name: { type: 'string' },
    email: { type: 'string', 'confluent:tags': ['PII'] },
    age: { type: 'integer' },
  },
  required: ['name', 'age'],
};

describe('CEL rules, JSON Schema', () => {
  const jsonOurs = () => new JsonSerializer(live.client(), { useLatestVersion: true });
  const jsonTheirs = () => new ConfluentJsonSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });

  beforeAll(async () => {
    await live.client().register('cel-json-value', {
      schemaType: 'JSON',
      schema: JSON.stringify(CUSTOMER),
      ruleSet: {
        domainRules: [
          { name: 'adult', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.age >= 18' },
          { name: 'redact', kind: 'TRANSFORM', mode: 'WRITE', type: 'CEL_FIELD', tags: ['PII'], expr: '"<redacted>"' },
          { name: 'name-nonempty', kind: 'CONDITION', mode: 'WRITE', type: 'CEL_FIELD', expr: 'name != "name" || value != ""' },
        ],
      },
    });
  });

  it('valid: the same bytes, read back redacted by both', async () => {
    const v = { name: 'Ada', email: 'ada@example.com', age: 36 };
    const mine = await jsonOurs().serialize('cel-json', v);
    const conf = await jsonTheirs().serialize('cel-json', { ...v });
    expect(mine.toString('hex')).toBe(conf.toString('hex'));
    const expected = { ...v, email: '<redacted>' };
    expect(await new JsonDeserializer(live.client()).deserialize('cel-json', mine)).toEqual(expected);
    expect(await new ConfluentJsonDeserializer(confluentClient(live.url()), SerdeType.VALUE, {}).deserialize('cel-json', mine)).toEqual(expected);
  });

  it('a message condition and a field condition fail in both', async () => {
    for (const v of [{ name: 'Kid', age: 9 }, { name: '', age: 40 }]) {
      const mine = await failure(jsonOurs().serialize('cel-json', v));
      const conf = await failure(jsonTheirs().serialize('cel-json', { ...v }));
      expect(mine.message).toMatch(/^rule (adult|name-nonempty) failed: Expr failed/);
      expect(conf.message).toBe(mine.message);
    }
  });
});

describe('JSONata migrations across a major version', () => {
  const V1 = { type: 'record', name: 'Widget', namespace: 'acme', fields: [{ name: 'name', type: 'string' }, { name: 'size', type: 'int' }] };
  const V2 = { type: 'record', name: 'Widget', namespace: 'acme', fields: [{ name: 'name', type: 'string' }, { name: 'height', type: 'int' }] };
  const subject = 'widgets-value';
  const topic = 'widgets';

  beforeAll(async () => {
    await live.client().updateConfig(subject, { compatibilityLevel: 'NONE' });
    await live.client().register(subject, { schemaType: 'AVRO', schema: JSON.stringify(V1), metadata: { properties: { 'app.major': '1' } } });
    await live.client().register(subject, {
      schemaType: 'AVRO',
      schema: JSON.stringify(V2),
      metadata: { properties: { 'app.major': '2' } },
      ruleSet: {
        migrationRules: [
          { name: 'up', kind: 'TRANSFORM', type: 'JSONATA', mode: 'UPGRADE', expr: "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])" },
          { name: 'down', kind: 'TRANSFORM', type: 'JSONATA', mode: 'DOWNGRADE', expr: "$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.'height'}])" },
        ],
      },
    });
  });

  it('UPGRADE: a v1 record (written by either live.client()) reads as v2 in both, with useLatestWithMetadata and useLatestVersion', async () => {
    const v1 = { name: 'bolt', size: 7 };
    const mineBytes = await new AvroSerializer(live.client(), { useLatestWithMetadata: { 'app.major': '1' } }).serialize(topic, v1);
    const confBytes = await new ConfluentAvroSerializer(confluentClient(live.url()), SerdeType.VALUE, {
      autoRegisterSchemas: false,
      useLatestWithMetadata: { 'app.major': '1' },
    }).serialize(topic, { ...v1 });
    expect(mineBytes.equals(confBytes)).toBe(true);
    const expected = { name: 'bolt', height: 7 };
    const readers = [
      new AvroDeserializer(live.client(), { useLatestWithMetadata: { 'app.major': '2' } }),
      new AvroDeserializer(live.client(), { useLatestVersion: true }),
    ];
    for (const de of readers) expect({ ...((await de.deserialize(topic, mineBytes)) as object) }).toEqual(expected);
    const conf = new ConfluentAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, { useLatestWithMetadata: { 'app.major': '2' } });
    expect({ ...((await conf.deserialize(topic, mineBytes)) as object) }).toEqual(expected);
  });

  it('DOWNGRADE: a v2 record reads as v1 in both', async () => {
    const bytes = await new AvroSerializer(live.client(), { useLatestWithMetadata: { 'app.major': '2' } }).serialize(topic, { name: 'nut', height: 3 });
    const expected = { name: 'nut', size: 3 };
    expect({ ...((await new AvroDeserializer(live.client(), { useLatestWithMetadata: { 'app.major': '1' } }).deserialize(topic, bytes)) as object) }).toEqual(expected);
    const conf = new ConfluentAvroDeserializer(confluentClient(live.url()), SerdeType.VALUE, { useLatestWithMetadata: { 'app.major': '1' } });
    expect({ ...((await conf.deserialize(topic, bytes)) as object) }).toEqual(expected);
  });

  it('JSON Schema: a v1 record reads as v2 in both', async () => {
    const s = 'jwidgets-value';
    const J1 = { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' } } };
    const J2 = { type: 'object', properties: { name: { type: 'string' }, height: { type: 'integer' } } };
    await live.client().updateConfig(s, { compatibilityLevel: 'NONE' });
    await live.client().register(s, { schemaType: 'JSON', schema: JSON.stringify(J1), metadata: { properties: { 'app.major': '1' } } });
    await live.client().register(s, {
      schemaType: 'JSON',
      schema: JSON.stringify(J2),
      metadata: { properties: { 'app.major': '2' } },
      ruleSet: { migrationRules: [{ name: 'up', kind: 'TRANSFORM', type: 'JSONATA', mode: 'UPGRADE', expr: "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])" }] },
    });
    const bytes = await new JsonSerializer(live.client(), { useLatestWithMetadata: { 'app.major': '1' } }).serialize('jwidgets', { name: 'x', size: 2 });
    expect(await new JsonDeserializer(live.client(), { useLatestVersion: true }).deserialize('jwidgets', bytes)).toEqual({ name: 'x', height: 2 });
    const conf = new ConfluentJsonDeserializer(confluentClient(live.url()), SerdeType.VALUE, { useLatestVersion: true });
    expect(await conf.deserialize('jwidgets', bytes)).toEqual({ name: 'x', height: 2 });
  });
});

describe('CEL rules, Protobuf', () => {
  const PROTO = `syntax = "proto3";
package acme;
import "confluent/meta.proto";

message Transfer {
  string id = 1;
  int64 amount_cents = 2;
  string iban = 3 [(confluent.field_meta).tags = "PII"];
  Party from = 4;
}
message Party {
  string name = 1;
}
`;

  it('a condition on an int64 field and a field transform: the same bytes, each reads the other; ours enforces the condition, Confluent 1.10.1 cannot', async () => {
    const topic = 'cel-proto';
    const { id } = await live.client().register(`${topic}-value`, {
      schemaType: 'PROTOBUF',
      schema: PROTO,
      ruleSet: {
        domainRules: [
          { name: 'positive', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.amountCents > 0' },
          { name: 'mask', kind: 'TRANSFORM', mode: 'WRITE', type: 'CEL_FIELD', tags: ['PII'], expr: 'value.substring(0, 4) + "…"' },
        ],
      },
    });
    const types = await confluentProtobufTypes(live.client(), id, 'acme.Transfer');
    const cser = new ConfluentProtobufSerializer(confluentClient(live.url()), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, registry: types.registry });
    const oser = new ProtobufSerializer(live.client(), { useLatestVersion: true });
    const make = (cents: bigint) => create(types.desc, { id: 't-1', amountCents: cents, iban: 'DE89370400440532013000', from: { name: 'Ada' } } as never);
    const ours1 = await oser.serialize(topic, { id: 't-1', amountCents: 1250, iban: 'DE89370400440532013000', from: { name: 'Ada' } });
    const theirs1 = await cser.serialize(topic, make(1250n));
    expect(ours1.toString('hex')).toBe(theirs1.toString('hex'));
    const back = (await new ProtobufDeserializer(live.client()).deserialize(topic, theirs1)) as unknown as Record<string, unknown>;
    expect(back.iban).toBe('DE89…');
    const cread = (await new ConfluentProtobufDeserializer(confluentClient(live.url()), SerdeType.VALUE, {}).deserialize(topic, ours1)) as Record<string, unknown>;
    expect(cread.iban).toBe('DE89…');

    const mine = await failure(oser.serialize(topic, { id: 't-2', amountCents: -5, iban: 'x', from: { name: 'Bo' } }));
    expect(mine.message).toBe("rule positive failed: Expr failed: 'message.amountCents > 0'");
    // Confluent's client hands CEL the @bufbuild/protobuf message, which its CEL environment cannot
    // resolve ("Message acme.Transfer not found in registry"); the error object counts as a pass, so
    // its message-level conditions on Protobuf never run (NOTES.md). The record is written there.
    await expect(cser.serialize(topic, make(-5n))).resolves.toBeInstanceOf(Buffer);
  });
});
