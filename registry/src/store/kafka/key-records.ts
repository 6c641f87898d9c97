/**
 * The records of Confluent's DEK registry topic (`_dek_registry_keys`, dekregistry storage classes
 * KeyEncryptionKeyId/DataEncryptionKeyId and KeyEncryptionKey/DataEncryptionKey, serialized by a default
 * Jackson ObjectMapper with NON_NULL inclusion). Keys: `{"tenant","name","type":"KEK"}` and
 * `{"tenant","kekName","subject","algorithm","version","type":"DEK"}` (creator properties first, then the
 * inherited `type`). Values carry the key's fields, `deleted` and `type`; the timestamp is the record's. A
 * null value (tombstone) is a permanent delete. Only the default tenant is read; other tenants' records
 * (Confluent Cloud multi-tenancy) are skipped.
 */
import type { DekAlgorithm, DekRecord, KekRecord } from '../store.js';
import { DEFAULT_TENANT, isObject, MalformedRecord, parseObject, requireInt, requireString } from './records.js';

export const DEFAULT_KEYS_TOPIC = '_dek_registry_keys';

const ALGORITHMS: readonly string[] = ['AES128_GCM', 'AES256_GCM', 'AES256_SIV'];

export type KeyRecordKey =
  | { type: 'KEK'; name: string }
  | { type: 'DEK'; kekName: string; subject: string; algorithm: DekAlgorithm; version: number };

export function encodeKekKey(name: string): string {
  return JSON.stringify({ tenant: DEFAULT_TENANT, name, type: 'KEK' });
}

export function encodeDekKey(d: { kekName: string; subject: string; algorithm: DekAlgorithm; version: number }): string {
  return JSON.stringify({ tenant: DEFAULT_TENANT, kekName: d.kekName, subject: d.subject, algorithm: d.algorithm, version: d.version, type: 'DEK' });
}

function requireAlgorithm(obj: Record<string, unknown>): DekAlgorithm {
  const a = obj.algorithm;
  if (typeof a !== 'string' || !ALGORITHMS.includes(a)) throw new MalformedRecord(`unknown algorithm ${String(a)}`);
  return a as DekAlgorithm;
}

/** The key; undefined for another tenant's record. */
export function decodeKeyRecordKey(raw: Buffer | string | null): KeyRecordKey | undefined {
  if (raw === null) throw new MalformedRecord('record without a key');
  const obj = parseObject(raw);
  if ((obj.tenant ?? DEFAULT_TENANT) !== DEFAULT_TENANT) return undefined;
  switch (obj.type) {
    case 'KEK':
      return { type: 'KEK', name: requireString(obj, 'name') };
    case 'DEK':
      return {
        type: 'DEK',
        kekName: requireString(obj, 'kekName'),
        subject: requireString(obj, 'subject'),
        algorithm: requireAlgorithm(obj),
        version: requireInt(obj, 'version', 1),
      };
    default:
      throw new MalformedRecord(`unknown key type ${String(obj.type)}`);
  }
}

export function encodeKekValue(k: KekRecord): string {
  const out: Record<string, unknown> = { name: k.name, kmsType: k.kmsType, kmsKeyId: k.kmsKeyId, kmsProps: k.kmsProps };
  if (k.doc !== undefined) out.doc = k.doc;
  out.shared = k.shared;
  out.deleted = k.deleted;
  out.type = 'KEK';
  return JSON.stringify(out);
}

export function encodeDekValue(d: DekRecord): string {
  return JSON.stringify({
    kekName: d.kekName,
    subject: d.subject,
    algorithm: d.algorithm,
    version: d.version,
    encryptedKeyMaterial: d.encryptedKeyMaterial,
    deleted: d.deleted,
    type: 'DEK',
  });
}

const flag = (obj: Record<string, unknown>, field: string) => obj[field] === true;

export function decodeKekValue(raw: Buffer | string, ts: number): KekRecord {
  const obj = parseObject(raw);
  const props = obj.kmsProps ?? {};
  if (!isObject(props) || !Object.values(props).every((v) => typeof v === 'string')) throw new MalformedRecord('"kmsProps" must map strings to strings');
  const doc = obj.doc;
  if (doc !== undefined && doc !== null && typeof doc !== 'string') throw new MalformedRecord('"doc" must be a string');
  return {
    name: requireString(obj, 'name'),
    kmsType: requireString(obj, 'kmsType'),
    kmsKeyId: requireString(obj, 'kmsKeyId'),
    kmsProps: Object.fromEntries(Object.entries(props as Record<string, string>)),
    ...(typeof doc === 'string' ? { doc } : {}),
    shared: flag(obj, 'shared'),
    deleted: flag(obj, 'deleted'),
    ts,
  };
}

export function decodeDekValue(raw: Buffer | string, ts: number): DekRecord {
  const obj = parseObject(raw);
  return {
    kekName: requireString(obj, 'kekName'),
    subject: requireString(obj, 'subject'),
    algorithm: requireAlgorithm(obj),
    version: requireInt(obj, 'version', 1),
    encryptedKeyMaterial: requireString(obj, 'encryptedKeyMaterial'),
    deleted: flag(obj, 'deleted'),
    ts,
  };
}
