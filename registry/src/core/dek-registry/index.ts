/** The DEK registry: KEKs and DEKs for client-side field encryption (Confluent's /dek-registry/v1). */
export { DekRegistryService } from './service.js';
export { KmsDrivers, type Kms, type KmsDriver } from './kms.js';
export { LOCAL_KMS_TYPE, localKms, localKmsDriver } from './local-kms.js';
export type * from './types.js';
export { Secret } from './secret.js';
