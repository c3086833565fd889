import type { LocalHttpRequest, LocalHttpResponse } from '../core/http-types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';

/** Everything an operation gets for one request. */
export interface OperationContext {
  runtime: LocalBedrockRuntime;
  request: LocalHttpRequest;
  /** Decoded path labels, e.g. `modelId`. */
  labels: Record<string, string>;
  /** Aborted when the caller gives up; operations pass it to the backend. */
  signal: AbortSignal;
  requestId: string;
  /** `performance.now()` when the request arrived, for `latencyMs`. */
  startedAt: number;
  /** `batch` for the records of a batch job; `api` otherwise. */
  origin: 'api' | 'batch';
}

/** An operation: a request in, a response out. Errors thrown become Bedrock error responses. */
export type Operation = (context: OperationContext) => Promise<LocalHttpResponse>;
