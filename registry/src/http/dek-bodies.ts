/**
 * Request bodies of the DEK registry (Confluent's CreateKekRequest, UpdateKekRequest, CreateDekRequest),
 * bound as Jackson binds them: unknown members ignored, scalars coerced, wrong shapes 400. Whether the
 * values are valid keys is the core's call (42271).
 */
import type { CreateDekRequest, CreateKekRequest, UpdateKekRequest } from '../core/dek-registry/types.js';
import { optBool, optInt, optString, requireObject, stringMap, type Json } from './bodies.js';

const optMap = (obj: Json, field: string) => (obj[field] === undefined || obj[field] === null ? undefined : stringMap(obj[field], field));

export function decodeCreateKek(body: unknown): CreateKekRequest {
  const obj = requireObject(body, 'CreateKekRequest');
  return {
    name: optString(obj, 'name'),
    kmsType: optString(obj, 'kmsType'),
    kmsKeyId: optString(obj, 'kmsKeyId'),
    kmsProps: optMap(obj, 'kmsProps'),
    doc: optString(obj, 'doc'),
    shared: optBool(obj, 'shared') ?? false,
    deleted: optBool(obj, 'deleted') ?? false,
  };
}

export function decodeUpdateKek(body: unknown): UpdateKekRequest {
  const obj = requireObject(body, 'UpdateKekRequest');
  return { kmsProps: optMap(obj, 'kmsProps'), doc: optString(obj, 'doc'), shared: optBool(obj, 'shared') };
}

export function decodeCreateDek(body: unknown): CreateDekRequest {
  const obj = requireObject(body, 'CreateDekRequest');
  return {
    subject: optString(obj, 'subject'),
    version: optInt(obj, 'version'),
    algorithm: optString(obj, 'algorithm'),
    encryptedKeyMaterial: optString(obj, 'encryptedKeyMaterial'),
    deleted: optBool(obj, 'deleted') ?? false,
  };
}
