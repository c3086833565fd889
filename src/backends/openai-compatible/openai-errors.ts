import { BedrockServiceError, validationError } from '../../errors/bedrock-errors.js';
import { DEFAULT_ERROR_MESSAGES } from '../../errors/default-messages.js';
import type { OpenAIErrorBody } from './openai-wire.js';

/** OpenAI-compatible server failures → the Bedrock exceptions a Bedrock client expects. */

/**
 * The message of an error body: OpenAI's `{"error":{"message"}}`, a bare `{"error":"…"}` (llama-server,
 * some gateways), FastAPI's `{"detail":…}`, or the raw text when it is not JSON.
 *
 * @example
 * errorBodyMessage('{"error":{"message":"Invalid API key","type":"invalid_request_error"}}'); // 'Invalid API key'
 */
export function errorBodyMessage(text: string): string {
  let body: OpenAIErrorBody;
  try {
    body = JSON.parse(text) as OpenAIErrorBody;
  } catch {
    return text.trim();
  }
  if (typeof body.error === 'string') return body.error;
  if (body.error?.message) return body.error.message;
  if (typeof body.detail === 'string') return body.detail;
  if (body.detail !== undefined) return JSON.stringify(body.detail);
  if (typeof body.message === 'string') return body.message;
  return text.trim();
}

/**
 * An HTTP error answer → a Bedrock exception. The server's own message is kept so a misconfiguration
 * (wrong key, unknown model) can be read from the client's error.
 *
 * @example
 * httpError(429, '{"error":{"message":"Rate limit reached"}}', { baseURL, model: 'gpt-4o-mini' }).name; // 'ThrottlingException'
 */
export function httpError(status: number, text: string, context: { baseURL: string; model: string }): BedrockServiceError {
  const detail = errorBodyMessage(text) || `HTTP ${status}`;
  const members = { originalStatusCode: status, resourceName: context.model };
  if (status === 401 || status === 403) {
    return new BedrockServiceError('AccessDeniedException', `${DEFAULT_ERROR_MESSAGES.AccessDeniedException} The server at ${context.baseURL} refused the request: ${detail}`);
  }
  if (status === 404) {
    return new BedrockServiceError('ResourceNotFoundException', `The model "${context.model}" is not available at ${context.baseURL}: ${detail}`);
  }
  if (status === 408) return new BedrockServiceError('ModelTimeoutException', `${DEFAULT_ERROR_MESSAGES.ModelTimeoutException} ${detail}`);
  if (status === 429) return new BedrockServiceError('ThrottlingException', `${DEFAULT_ERROR_MESSAGES.ThrottlingException} ${detail}`);
  if (status >= 400 && status < 500) return validationError(`The model returned the following errors: ${detail}`);
  if (status === 502 || status === 503 || status === 504) {
    return new BedrockServiceError('ServiceUnavailableException', `The server at ${context.baseURL} is unavailable (HTTP ${status}): ${detail}`);
  }
  return new BedrockServiceError('InternalServerException', `The server at ${context.baseURL} failed (HTTP ${status}): ${detail}`, { members });
}

/**
 * A server that could not be reached → `ServiceUnavailableException` naming the URL and the reason
 * (`ECONNREFUSED`, a DNS failure, a timeout).
 *
 * @example
 * unreachableError('http://127.0.0.1:8000/v1', new TypeError('fetch failed')).message;
 * // 'No OpenAI-compatible server is reachable at http://127.0.0.1:8000/v1 (fetch failed). …'
 */
export function unreachableError(baseURL: string, cause: unknown): BedrockServiceError {
  const reason = cause instanceof Error ? (errorCode(cause.cause) ?? (cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
  return new BedrockServiceError(
    'ServiceUnavailableException',
    `No OpenAI-compatible server is reachable at ${baseURL} (${reason}). Start the server, or point LOCAL_BEDROCK_OPENAI_BASE_URL at it.`,
    { cause },
  );
}

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code !== 'string') return undefined;
  return typeof message === 'string' && message.includes(code) ? message : code;
}

/**
 * A failure the server reported after the answer had started → `ModelStreamErrorException`, as Bedrock
 * ends a broken stream.
 *
 * @example
 * modelStreamError('CUDA out of memory').name; // 'ModelStreamErrorException'
 */
export function modelStreamError(message: string, cause?: unknown): BedrockServiceError {
  return new BedrockServiceError('ModelStreamErrorException', `The model returned an error: ${message}`, {
    members: { originalMessage: message },
    ...(cause === undefined ? {} : { cause }),
  });
}
