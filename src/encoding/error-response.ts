import { type BedrockServiceError } from '../errors/bedrock-errors.js';
import type { LocalHttpResponse } from '../core/http-types.js';
import { exceptionFrame } from './event-stream.js';

const encoder = new TextEncoder();

/** The suffix real Bedrock appends to `x-amzn-ErrorType`; the SDKs strip it. */
const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

/** The JSON body of an error: `message` first, then the exception's extra members. */
function errorBody(error: BedrockServiceError): Record<string, unknown> {
  return { message: error.message, ...error.members };
}

/** An error as Bedrock sends it before any body: status, `x-amzn-ErrorType`, request id, JSON `{"message"}`. */
export function errorResponse(error: BedrockServiceError, requestId: string): LocalHttpResponse {
  return {
    statusCode: error.statusCode,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${error.name}${ERROR_TYPE_SUFFIX}`,
      ...error.headers,
    },
    body: encoder.encode(JSON.stringify(errorBody(error))),
  };
}

/** Lower-cases the first letter: `ThrottlingException` → `throttlingException`, the event-stream member name. */
function streamMemberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The exception members of ConverseStream's output union. */
export const CONVERSE_STREAM_EXCEPTIONS: ReadonlySet<string> = new Set([
  'InternalServerException',
  'ModelStreamErrorException',
  'ValidationException',
  'ThrottlingException',
  'ServiceUnavailableException',
]);

/** The exception members of InvokeModelWithResponseStream's output union: ConverseStream's plus timeouts. */
export const INVOKE_STREAM_EXCEPTIONS: ReadonlySet<string> = new Set([...CONVERSE_STREAM_EXCEPTIONS, 'ModelTimeoutException']);

/**
 * An exception frame for an error raised after a stream has started. An exception the operation's union
 * lacks is sent as `internalServerException`, since the SDK would not recognise it.
 */
export function streamExceptionFrame(error: BedrockServiceError, allowed: ReadonlySet<string>): Uint8Array {
  const name = allowed.has(error.name) ? error.name : 'InternalServerException';
  return exceptionFrame(streamMemberName(name), errorBody(error));
}
