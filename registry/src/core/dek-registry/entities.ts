/**
 * Validation of key names, subjects and algorithms (Confluent's checkName/checkSubject), and the records'
 * faces on the wire. KMS credentials in kmsProps (Confluent's KmsPropsRedactor list) are stored but never
 * answered: a response leaves them out, and an update that leaves them out keeps the stored ones.
 */
import { httpNotFound, invalidKey } from '../errors.js';
import { isStorable, isStorableValue } from '../storable.js';
import type { DekAlgorithm, DekRecord, KekRecord } from '../../store/store.js';
import type { Dek, Kek } from './types.js';

export const ALGORITHMS: readonly DekAlgorithm[] = ['AES128_GCM', 'AES256_GCM', 'AES256_SIV'];
export const DEFAULT_ALGORITHM: DekAlgorithm = 'AES256_GCM';
export const MIN_VERSION = 1;
const NAME_MAX_LENGTH = 64;
const NAME = /^[\p{L}_][\p{L}\p{Nd}_-]*$/u;
// Java's Character.isISOControl; NUL is one of them.
// eslint-disable-next-line no-control-regex
const ISO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** kmsProps keys that carry KMS credentials, per driver (hcvault, aws, azure, gcp, local). */
const SECRET_PROPS: ReadonlySet<string> = new Set([
  'token.id',
  'approle.secret.id',
  'ssl.keystore.password',
  'secret.access.key',
  'client.secret',
  'private.key',
  'secret',
]);

/** A KEK name: a letter or `_` first, then letters, digits, `_` or `-`, at most 64 (else 42271 "name"). */
export function checkName(name: string | undefined): string {
  if (name === undefined || name.length === 0 || name.length > NAME_MAX_LENGTH || !NAME.test(name)) throw invalidKey('name');
  return name;
}

/** A DEK subject: not empty, no control character, storable (else 42271 "subject"). */
export function checkSubject(subject: string | undefined): string {
  if (subject === undefined || subject.length === 0 || ISO_CONTROL.test(subject) || !isStorable(subject)) throw invalidKey('subject');
  return subject;
}

/** A free-form field of a key (kmsType, kmsKeyId, doc, kmsProps) that must be storable (else 42271). */
export function checkStorable<T>(field: string, value: T): T {
  if (!isStorableValue(value)) throw invalidKey(field);
  return value;
}

/**
 * The `algorithm` query parameter: absent means AES256_GCM; an unknown one is Jersey's answer to an enum
 * parameter it cannot convert, 404.
 */
export function queryAlgorithm(raw: string | undefined): DekAlgorithm {
  if (raw === undefined || raw === '') return DEFAULT_ALGORITHM;
  const found = ALGORITHMS.find((a) => a === raw);
  if (!found) throw httpNotFound();
  return found;
}

/** The `algorithm` of a create request (42271 "algorithm" when unknown). */
export function bodyAlgorithm(raw: string | undefined): DekAlgorithm {
  if (raw === undefined) return DEFAULT_ALGORITHM;
  const found = ALGORITHMS.find((a) => a === raw);
  if (!found) throw invalidKey('algorithm');
  return found;
}

/** Confluent normalises the cloud KMS types (aws…, azure…, gcp… in any case). */
export function normalizeKmsType(kmsType: string): string {
  const t = kmsType.toLowerCase();
  if (t.startsWith('aws')) return 'aws-kms';
  if (t.startsWith('azure')) return 'azure-kms';
  if (t.startsWith('gcp')) return 'gcp-kms';
  return kmsType;
}

/** Sorted by key, as Confluent stores them (a TreeMap). */
export function sortedProps(props: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const redacted = (props: Record<string, string>) => Object.fromEntries(Object.entries(props).filter(([k]) => !SECRET_PROPS.has(k)));

/** An update's kmsProps: credentials it leaves out (or sends back as "[hidden]") keep their stored value. */
export function mergeProps(requested: Record<string, string>, stored: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...requested };
  for (const key of SECRET_PROPS) {
    if (key in requested && requested[key] !== '[hidden]') continue;
    if (stored[key] !== undefined) merged[key] = stored[key];
    else delete merged[key];
  }
  return sortedProps(merged);
}

export function kekEntity(k: KekRecord): Kek {
  return {
    name: k.name,
    kmsType: k.kmsType,
    kmsKeyId: k.kmsKeyId,
    kmsProps: redacted(k.kmsProps),
    ...(k.doc !== undefined ? { doc: k.doc } : {}),
    shared: k.shared,
    ts: k.ts,
    ...(k.deleted ? { deleted: true as const } : {}),
  };
}

export function dekEntity(d: DekRecord, keyMaterial?: Buffer): Dek {
  return {
    kekName: d.kekName,
    subject: d.subject,
    version: d.version,
    algorithm: d.algorithm,
    encryptedKeyMaterial: d.encryptedKeyMaterial,
    ...(keyMaterial ? { keyMaterial: keyMaterial.toString('base64') } : {}),
    ts: d.ts,
    ...(d.deleted ? { deleted: true as const } : {}),
  };
}

/** Same KEK apart from deleted and ts (Confluent's isEquivalent). */
export function sameKek(a: KekRecord, b: KekRecord): boolean {
  return (
    a.name === b.name &&
    a.kmsType === b.kmsType &&
    a.kmsKeyId === b.kmsKeyId &&
    (a.doc ?? null) === (b.doc ?? null) &&
    a.shared === b.shared &&
    JSON.stringify(sortedProps(a.kmsProps)) === JSON.stringify(sortedProps(b.kmsProps))
  );
}

export const sameDek = (a: DekRecord, b: DekRecord) =>
  a.kekName === b.kekName && a.subject === b.subject && a.algorithm === b.algorithm && a.version === b.version && a.encryptedKeyMaterial === b.encryptedKeyMaterial;
