/** The DEK registry's requests and answers, in Confluent's JSON shapes (dekregistry rest/entities). */
import type { DekRecord, KekRecord } from '../../store/store.js';

export interface CreateKekRequest {
  name: string | undefined;
  kmsType: string | undefined;
  kmsKeyId: string | undefined;
  kmsProps: Record<string, string> | undefined;
  doc: string | undefined;
  shared: boolean;
  deleted: boolean;
}

export interface UpdateKekRequest {
  kmsProps: Record<string, string> | undefined;
  doc: string | undefined;
  shared: boolean | undefined;
}

export interface CreateDekRequest {
  subject: string | undefined;
  version: number | undefined;
  algorithm: string | undefined;
  encryptedKeyMaterial: string | undefined;
  deleted: boolean;
}

/** Confluent's Kek entity: `doc` absent when unset, `deleted` present only when true. */
export type Kek = Omit<KekRecord, 'deleted'> & { deleted?: true };

/** Confluent's Dek entity: `keyMaterial` (base64) only for DEKs of shared KEKs. */
export type Dek = Omit<DekRecord, 'deleted'> & { keyMaterial?: string; deleted?: true };
