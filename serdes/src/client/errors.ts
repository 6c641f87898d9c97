/**
 * The one error type of the registry client. `status` is the HTTP status (0 when no response arrived:
 * connection refused, DNS failure, timeout), `errorCode` Confluent's `error_code` from the body (or -1 when
 * the body did not carry one), and the message is the registry's message.
 */
export class RegistryError extends Error {
  override name = 'RegistryError';

  constructor(
    message: string,
    /** HTTP status, 0 when the request got no response. */
    readonly status: number,
    /** Confluent's `error_code` (e.g. 40401 subject not found, 40403 schema not found, 42201 invalid schema), -1 if absent. */
    readonly errorCode: number,
    /** `METHOD url` of the (last) request that failed. */
    readonly request?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True for errors a retry may fix: no response at all, or a 5xx. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export const ErrorCodes = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  SCHEMA_VERSION_SOFT_DELETED: 40406,
  SCHEMA_VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_LEVEL_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
} as const;
