export { RegistryClient } from './client.js';
export type { RegistryClientOptions, SchemaInfo, RegisterResult, CompatibilityResult, ConfigResult, SchemaByIdOptions } from './client.js';
export { RegistryError, ErrorCodes } from './errors.js';
export type { TransportOptions, BearerToken } from './http.js';
export { LruCache } from './lru.js';
