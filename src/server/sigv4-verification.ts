/**
 * SigV4 verification for the server door: recomputes the signature of a header-signed request with the
 * configured credentials and answers a mismatch as AWS does (403 with the service's error and message).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { LocalHttpRequest, LocalHttpResponse } from '../core/http-types.js';

/**
 * One set of credentials a verifying server accepts.
 *
 * @example
 * const credentials: ServerCredentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
 */
export interface ServerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry this `x-amz-security-token`. */
  sessionToken?: string;
}

/**
 * Turns on SigV4 verification: only requests signed with one of these credentials are answered; others get
 * the 403 AWS sends (`InvalidSignatureException`, `UnrecognizedClientException`, …).
 *
 * @example
 * await startServer({ verifySignatures: { credentials: [{ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' }] } });
 */
export interface VerifySignaturesOptions {
  credentials: readonly ServerCredentials[];
  /** Bedrock API keys (`Authorization: Bearer …`) to accept as well; by default every bearer token is refused. */
  apiKeys?: readonly string[];
}

const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Why a request's authentication was refused: an AWS error name and its message. */
export interface AuthRejection {
  name: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
  message: string;
}

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The SDKs' URI escaping: `encodeURIComponent` plus `!'()*`. */
const escapeUri = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The canonical URI of a non-S3 service: the path as sent (already percent-encoded), normalized, then encoded
 * once more — `%3A` becomes `%253A`, as the SDKs sign it.
 */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: LocalHttpRequest['query']): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push(`${escapeUri(name)}=${escapeUri(item)}`);
  }
  return pairs.sort().join('&');
}

/** `20240101T000000Z` ↔ Date. */
const toAmzDate = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
function fromAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

function parseAuthorization(header: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of header.slice(SIGV4_ALGORITHM.length).split(',')) {
    const separator = part.indexOf('=');
    if (separator > 0) fields[part.slice(0, separator).trim()] = part.slice(separator + 1).trim();
  }
  return fields;
}

/** Checks the request time against the clock, with AWS's messages for a stale or future signature. */
function checkClock(amzDate: string, signedAt: Date, now: Date): AuthRejection | undefined {
  const skew = signedAt.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    const limit = toAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS));
    return { name: 'InvalidSignatureException', message: `Signature expired: ${amzDate} is now earlier than ${limit} (${toAmzDate(now)} - 5 min.)` };
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    const limit = toAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS));
    return { name: 'InvalidSignatureException', message: `Signature not yet current: ${amzDate} is still later than ${limit} (${toAmzDate(now)} + 5 min.)` };
  }
  return undefined;
}

/**
 * Verifies a request's SigV4 `Authorization` header the way AWS does, and answers with the error AWS sends
 * when it fails. Over HTTP/2 the SDK signs `:authority` instead of `host`; either stands in for the other.
 */
export function verifyRequest(request: LocalHttpRequest, options: VerifySignaturesOptions, now: Date): AuthRejection | undefined {
  const authorization = request.headers.authorization;
  if (!authorization) return { name: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  if (/^bearer /i.test(authorization)) {
    return options.apiKeys?.includes(authorization.slice(7).trim()) ? undefined : { name: 'UnrecognizedClientException', message: INVALID_TOKEN };
  }
  if (!authorization.startsWith(`${SIGV4_ALGORITHM} `)) {
    return { name: 'IncompleteSignatureException', message: `Unsupported Authorization type: ${authorization.split(' ')[0]}. Sign requests with ${SIGV4_ALGORITHM}.` };
  }
  const fields = parseAuthorization(authorization);
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields[name]);
  if (missing.length > 0) {
    return { name: 'IncompleteSignatureException', message: `${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ')} Authorization=${authorization}` };
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = fields.Credential!.split('/');
  if (!accessKeyId || !scopeDate || !region || !service || terminator !== 'aws4_request' || rest.length > 0) {
    return { name: 'IncompleteSignatureException', message: `Credential should be scoped correctly: ${fields.Credential}` };
  }
  const amzDate = request.headers['x-amz-date'] ?? (request.headers.date ? toAmzDate(new Date(request.headers.date)) : undefined);
  const signedAt = amzDate === undefined ? undefined : fromAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    return { name: 'IncompleteSignatureException', message: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}` };
  }
  const signedHeaders = fields.SignedHeaders!.split(';');
  if (!signedHeaders.includes('host') && !signedHeaders.includes(':authority')) {
    return { name: 'IncompleteSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." };
  }
  const credentials = options.credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!credentials) return { name: 'UnrecognizedClientException', message: INVALID_TOKEN };
  if (credentials.sessionToken !== undefined && request.headers['x-amz-security-token'] !== credentials.sessionToken) {
    return { name: 'UnrecognizedClientException', message: INVALID_TOKEN };
  }
  const clockProblem = checkClock(amzDate, signedAt, now);
  if (clockProblem) return clockProblem;

  const headerValue = (name: string) => {
    const value = request.headers[name] ?? (name === 'host' ? request.headers[':authority'] : name === ':authority' ? request.headers.host : undefined);
    return (value ?? '').trim().replace(/\s+/g, ' ');
  };
  const declaredHash = request.headers['x-amz-content-sha256'];
  // Special values (`UNSIGNED-PAYLOAD`, `STREAMING-…`) are signed as they are; a hash is recomputed, so a body
  // that does not match what was signed fails like a bad signature.
  const payloadHash = declaredHash && !HEX_SHA256.test(declaredHash) ? declaredHash : sha256Hex(request.body);
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    ...signedHeaders.map((name) => `${name}:${headerValue(name)}`),
    '',
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, scopeDate), region), service), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', signingKey).update(stringToSign).digest('hex'));
  const provided = Buffer.from(fields.Signature!);
  if (expected.length === provided.length && timingSafeEqual(expected, provided)) return undefined;
  return {
    name: 'InvalidSignatureException',
    message: `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
  };
}

/** A refused request, as AWS answers it: 403, the error type header, and `{"message"}`. */
export function authErrorResponse(rejection: AuthRejection): LocalHttpResponse {
  return {
    statusCode: 403,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': `${rejection.name}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
    },
    body: new TextEncoder().encode(JSON.stringify({ message: rejection.message })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// One port, two protocols
