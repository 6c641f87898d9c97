/**
 * The registry's one error type. Every failure a client can see carries Confluent's `error_code`; the HTTP
 * status is derived from it (first three digits of a five-digit code), so no caller picks a status by hand.
 * Messages are Confluent's, character for character, where Confluent defines them
 * (rest/exceptions/Errors.java and the Rest*Exception classes beside it).
 */
import type { ErrorBody } from '@schemata/serdes';

/** HTTP status for an error code: 40401 → 404, 42201 → 422, 50001 → 500; three-digit codes are statuses. */
export function httpStatusOf(errorCode: number): number {
  return errorCode >= 10000 ? Math.floor(errorCode / 100) : errorCode;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly status: number;

  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.status = httpStatusOf(errorCode);
  }

  toBody(): ErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

const error = (code: number, message: string) => new RegistryError(code, message);

// ---- 404 -------------------------------------------------------------------------------------------

export const subjectNotFound = (subject: string) => error(40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number | string) => error(40402, `Version ${version} not found.`);
/** By id (or guid) `Schema N not found`; without one (lookups) `Schema not found`. */
export const schemaNotFound = (id?: number | string) =>
  error(40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
// The missing space after the first period is Confluent's.
export const subjectSoftDeleted = (subject: string) =>
  error(40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
export const subjectNotSoftDeleted = (subject: string) =>
  error(40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
export const versionSoftDeleted = (subject: string, version: number | string) =>
  error(40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`);
export const versionNotSoftDeleted = (subject: string, version: number | string) =>
  error(40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`);
export const subjectCompatibilityNotConfigured = (subject: string) =>
  error(40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const subjectModeNotConfigured = (subject: string) =>
  error(40409, `Subject '${subject}' does not have subject-level mode configured`);

// ---- 409 -------------------------------------------------------------------------------------------

/**
 * Incompatible schema. error_code 409 as Confluent up to 8.0.x, Karapace and the docs send it; Confluent
 * master (tags >= 8.0.4) sends 40901 instead. Both map to HTTP 409, and clients read the status.
 */
export const INCOMPATIBLE_SCHEMA_ERROR_CODE = 409;
export const incompatibleSchema = (subject: string, details: readonly string[]) =>
  error(
    INCOMPATIBLE_SCHEMA_ERROR_CODE,
    `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(', ')}]`,
  );

// ---- 422 -------------------------------------------------------------------------------------------

export const invalidSchema = (message: string) => error(42201, message);
export const invalidVersion = (version: string) =>
  error(
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
export const invalidCompatibilityLevel = () =>
  error(
    42203,
    'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
  );
export const invalidMode = (message = 'Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.') =>
  error(42204, message);
export const operationNotPermitted = (message: string) => error(42205, message);
export const referenceExists = (subject: string, version: number) =>
  error(42206, `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${version}}.`);
export const idDoesNotMatch = (message: string) => error(42207, message);
export const invalidSubject = (subject: string) => error(42208, `The specified subject '${subject}' is not a valid.`);
export const schemaTooLarge = () => error(42209, 'Register operation failed because schema is too large');
/** Past a schema limit or the time budget of schema work: 42209 (Confluent's "schema too large"). */
export const schemaTooComplex = (message: string) => error(42209, message);
export const invalidRuleSet = (message: string) => error(42210, message);
export const contextNotEmpty = (context: string) => error(42211, `The specified context '${context}' is not empty.`);

// ---- DEK registry (Confluent's dekregistry DekRegistryErrors; 40471/40472 are 404s there too) ------------

export const keyNotFound = (name: string) => error(40470, `Key '${name}' not found`);
export const keyNotSoftDeleted = (name: string) => error(40471, `Key '${name}' was not deleted first before being permanently deleted`);
export const keySoftDeleted = (name: string) => error(40472, `Key '${name}' must be undeleted first`);
export const keyAlreadyExists = (name: string) => error(40971, `Key '${name}' already exists; use a different value`);
/** Confluent's message is the offending field's name only. */
export const invalidKey = (field: string) => error(42271, field);
export const keyReferenceExists = (name: string) => error(42272, `One or more references exist to the key ${name}`);
export const dekGenerationFailed = (message: string) => error(50070, message);

// ---- 500 -------------------------------------------------------------------------------------------

export const storeError = (message: string) => error(50001, message);
export const operationTimeout = (message: string) => error(50002, message);

// ---- framework-level errors (rest-utils/Jersey shapes: three-digit codes, "HTTP <status> <reason>") ----

export const httpNotFound = () => error(404, 'HTTP 404 Not Found');
export const badRequest = (message: string) => error(400, message);
export const unsupportedMediaType = () => error(415, 'HTTP 415 Unsupported Media Type');
export const payloadTooLarge = () => error(413, 'HTTP 413 Request Entity Too Large');
export const unprocessable = (message: string) => error(422, message);
export const internalError = () => error(500, 'Internal Server Error');
