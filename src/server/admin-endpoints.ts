import type { LocalHttpRequest, LocalHttpResponse } from '../core/http-types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';
import { readFaultRules, readQuotaTable } from './fault-quota-input.js';

/**
 * The server's admin endpoints, for tests that do not run in this process (boto3, Java, the AWS CLI) to
 * change the runtime between calls: fault rules and quotas. They live under `/_local-bedrock/`, a prefix no
 * Bedrock path starts with, so they never shadow an operation.
 */

/** Where the admin endpoints live on the server. */
export const ADMIN_PATH_PREFIX = '/_local-bedrock/';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): LocalHttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: encoder.encode(JSON.stringify(body)) };
}

const NO_CONTENT: LocalHttpResponse = { statusCode: 204, headers: {}, body: new Uint8Array() };

function methodNotAllowed(request: LocalHttpRequest, allowed: string): LocalHttpResponse {
  return json(405, { message: `${request.method} is not allowed on ${request.path}; use ${allowed}.` }, { allow: allowed });
}

/** The body as JSON; a `TypeError` when it is missing or malformed. */
function bodyJson(request: LocalHttpRequest): unknown {
  const text = decoder.decode(request.body);
  if (text.trim() === '') throw new TypeError('[local-bedrock] The request needs a JSON body.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TypeError(`[local-bedrock] The request body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function faults(runtime: LocalBedrockRuntime, request: LocalHttpRequest): LocalHttpResponse {
  switch (request.method) {
    case 'GET':
      return json(200, { rules: runtime.faults.rules });
    case 'POST': {
      // Checked whole before any is added, so a bad list changes nothing.
      const rules = readFaultRules(bodyJson(request));
      for (const rule of rules) runtime.faults.add(rule);
      return json(201, { rules });
    }
    case 'DELETE':
      runtime.faults.clear();
      return NO_CONTENT;
    default:
      return methodNotAllowed(request, 'GET, POST, DELETE');
  }
}

function quotas(runtime: LocalBedrockRuntime, request: LocalHttpRequest): LocalHttpResponse {
  switch (request.method) {
    case 'PUT': {
      const table = readQuotaTable(bodyJson(request));
      // PUT replaces: the table sent is the whole set of quotas from now on, counted from zero.
      runtime.quotas.clear();
      for (const [pattern, quota] of Object.entries(table)) runtime.quotas.set(pattern, quota);
      return json(200, { quotas: table });
    }
    case 'DELETE':
      runtime.quotas.clear();
      return NO_CONTENT;
    default:
      return methodNotAllowed(request, 'PUT, DELETE');
  }
}

/**
 * Answers a request to an admin endpoint, or returns `undefined` when the path is not one (it is then a
 * Bedrock request). Invalid input is answered `400` with the `TypeError`'s text as `message`.
 *
 * - `GET /_local-bedrock/faults` → `200 {"rules": [...]}` (newest first)
 * - `POST /_local-bedrock/faults` with one rule or a list → `201 {"rules": [...added]}`
 * - `DELETE /_local-bedrock/faults` → `204`, every rule removed
 * - `PUT /_local-bedrock/quotas` with a quota table → `200 {"quotas": {...}}`, replacing every quota and its usage
 * - `DELETE /_local-bedrock/quotas` → `204`, no quotas
 *
 * @example
 * const answer = answerAdminRequest(runtime, { method: 'POST', path: '/_local-bedrock/faults', query: {}, headers: {},
 *   body: new TextEncoder().encode('{"operation":"Converse","error":"ThrottlingException","times":1}') });
 */
export function answerAdminRequest(runtime: LocalBedrockRuntime, request: LocalHttpRequest): LocalHttpResponse | undefined {
  if (!request.path.startsWith(ADMIN_PATH_PREFIX)) return undefined;
  const resource = request.path.slice(ADMIN_PATH_PREFIX.length).replace(/\/+$/, '');
  try {
    if (resource === 'faults') return faults(runtime, request);
    if (resource === 'quotas') return quotas(runtime, request);
  } catch (error) {
    if (error instanceof TypeError) return json(400, { message: error.message });
    throw error;
  }
  return json(404, { message: `No admin endpoint at ${request.path}; there are ${ADMIN_PATH_PREFIX}faults and ${ADMIN_PATH_PREFIX}quotas.` });
}
