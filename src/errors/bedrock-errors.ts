/**
 * Bedrock's exceptions, typed once. Each carries the name, HTTP status and fault the real service uses;
 * `encoding/error-response.ts` writes them to the wire.
 */

const ERROR_MARKER = Symbol.for('local-bedrock.BedrockServiceError');

/** Whether an error is the client's fault (4xx) or the service's (5xx), as the AWS SDK reports it. */
export type BedrockFault = 'client' | 'server';

/** Names of the exceptions Bedrock's runtime and control plane send. */
export type BedrockErrorName =
  | 'AccessDeniedException'
  | 'ConflictException'
  | 'InternalServerException'
  | 'ModelErrorException'
  | 'ModelNotReadyException'
  | 'ModelStreamErrorException'
  | 'ModelTimeoutException'
  | 'ResourceNotFoundException'
  | 'ServiceQuotaExceededException'
  | 'ServiceUnavailableException'
  | 'ThrottlingException'
  | 'ValidationException';

const STATUS_BY_NAME: Record<BedrockErrorName, number> = {
  AccessDeniedException: 403,
  ConflictException: 400,
  InternalServerException: 500,
  ModelErrorException: 424,
  ModelNotReadyException: 429,
  ModelStreamErrorException: 424,
  ModelTimeoutException: 408,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 400,
  ServiceUnavailableException: 503,
  ThrottlingException: 429,
  ValidationException: 400,
};

/**
 * Every exception name Bedrock sends, for validating user input such as scripted errors.
 *
 * @example
 * BEDROCK_ERROR_NAMES.includes('ThrottlingException'); // true
 */
export const BEDROCK_ERROR_NAMES = Object.keys(STATUS_BY_NAME) as readonly BedrockErrorName[];

/**
 * An error that local-bedrock answers with exactly as Bedrock would: `x-amzn-errortype: <name>`, the status,
 * and `{"message": …}` plus any extra members (e.g. `originalStatusCode`).
 *
 * @example
 * throw new BedrockServiceError('ThrottlingException', 'Too many requests, please wait before trying again.');
 */
export class BedrockServiceError extends Error {
  readonly [ERROR_MARKER] = true;
  /** HTTP status the service answers with. */
  readonly statusCode: number;
  /** `client` for 4xx, `server` for 5xx. */
  readonly fault: BedrockFault;
  /** Extra members written into the JSON body beside `message`. */
  readonly members: Readonly<Record<string, unknown>>;
  /** Extra response headers, e.g. `retry-after` on a throttled request. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    override readonly name: BedrockErrorName,
    message: string,
    options: { members?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = STATUS_BY_NAME[name];
    this.fault = this.statusCode >= 500 ? 'server' : 'client';
    this.members = options.members ?? {};
    this.headers = options.headers ?? {};
  }

  /** True for any `BedrockServiceError`, even one from another copy of this package. */
  static isInstance(value: unknown): value is BedrockServiceError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_MARKER] === true;
  }
}

/** Shorthand for the most common error: `ValidationException` (400). */
export function validationError(message: string): BedrockServiceError {
  return new BedrockServiceError('ValidationException', message);
}

/** Whether a string names a Bedrock exception. */
export function isBedrockErrorName(value: string): value is BedrockErrorName {
  return Object.hasOwn(STATUS_BY_NAME, value);
}

/**
 * Wraps anything thrown into a `BedrockServiceError`: Bedrock errors pass through; anything else becomes
 * `InternalServerException` with the cause kept for logging.
 */
export function toBedrockError(error: unknown): BedrockServiceError {
  if (BedrockServiceError.isInstance(error)) return error;
  return new BedrockServiceError('InternalServerException', 'The server encountered an internal error while processing the request.', {
    cause: error,
  });
}
