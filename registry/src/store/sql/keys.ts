/** The DEK registry's tables (migrations/002_dek_registry.sql): KEK and DEK reads and writes over SQL. */
import type { DekAlgorithm, DekRecord, KekRecord } from '../store.js';
import type { SqlClient } from './driver.js';

interface KekRow {
  name: string;
  kms_type: string;
  kms_key_id: string;
  kms_props: Record<string, string> | null;
  doc: string | null;
  shared: boolean;
  deleted: boolean;
  ts: number | string;
}

interface DekRow {
  kek_name: string;
  subject: string;
  algorithm: DekAlgorithm;
  version: number;
  encrypted_key_material: string;
  deleted: boolean;
  ts: number | string;
}

const KEK_COLUMNS = 'name, kms_type, kms_key_id, kms_props, doc, shared, deleted, ts';
const DEK_COLUMNS = 'kek_name, subject, algorithm, version, encrypted_key_material, deleted, ts';

function toKek(r: KekRow): KekRecord {
  return {
    name: r.name,
    kmsType: r.kms_type,
    kmsKeyId: r.kms_key_id,
    kmsProps: r.kms_props ?? {},
    ...(r.doc !== null ? { doc: r.doc } : {}),
    shared: r.shared,
    deleted: r.deleted,
    ts: Number(r.ts),
  };
}

function toDek(r: DekRow): DekRecord {
  return {
    kekName: r.kek_name,
    subject: r.subject,
    algorithm: r.algorithm,
    version: r.version,
    encryptedKeyMaterial: r.encrypted_key_material,
    deleted: r.deleted,
    ts: Number(r.ts),
  };
}

export async function kek(db: SqlClient, name: string): Promise<KekRecord | undefined> {
  const rows = await db.query<KekRow>(`SELECT ${KEK_COLUMNS} FROM keks WHERE name = $1`, [name], 'kek');
  return rows[0] && toKek(rows[0]);
}

export async function listKeks(db: SqlClient): Promise<KekRecord[]> {
  return (await db.query<KekRow>(`SELECT ${KEK_COLUMNS} FROM keks ORDER BY name`, [], 'list_keks')).map(toKek);
}

export async function listDeks(db: SqlClient, kekName: string, subject?: string): Promise<DekRecord[]> {
  const rows = await db.query<DekRow>(
    `SELECT ${DEK_COLUMNS} FROM deks WHERE kek_name = $1 AND ($2::text IS NULL OR subject = $2)
      ORDER BY subject, algorithm, version`,
    [kekName, subject ?? null],
    'list_deks',
  );
  return rows.map(toDek);
}

export async function putKek(db: SqlClient, k: KekRecord): Promise<void> {
  await db.query(
    `INSERT INTO keks (${KEK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (name) DO UPDATE SET kms_type = EXCLUDED.kms_type, kms_key_id = EXCLUDED.kms_key_id,
       kms_props = EXCLUDED.kms_props, doc = EXCLUDED.doc, shared = EXCLUDED.shared, deleted = EXCLUDED.deleted, ts = EXCLUDED.ts`,
    [k.name, k.kmsType, k.kmsKeyId, JSON.stringify(k.kmsProps), k.doc ?? null, k.shared, k.deleted, k.ts],
  );
}

export async function purgeKek(db: SqlClient, name: string): Promise<void> {
  await db.query('DELETE FROM keks WHERE name = $1', [name]);
}

export async function putDek(db: SqlClient, d: DekRecord): Promise<void> {
  await db.query(
    `INSERT INTO deks (${DEK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (kek_name, subject, algorithm, version) DO UPDATE SET
       encrypted_key_material = EXCLUDED.encrypted_key_material, deleted = EXCLUDED.deleted, ts = EXCLUDED.ts`,
    [d.kekName, d.subject, d.algorithm, d.version, d.encryptedKeyMaterial, d.deleted, d.ts],
  );
}

export async function purgeDek(db: SqlClient, kekName: string, subject: string, algorithm: DekAlgorithm, version: number): Promise<void> {
  await db.query('DELETE FROM deks WHERE kek_name = $1 AND subject = $2 AND algorithm = $3 AND version = $4', [
    kekName,
    subject,
    algorithm,
    version,
  ]);
}
