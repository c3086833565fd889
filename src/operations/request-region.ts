import type { LocalHttpRequest } from '../core/http-types.js';

const CREDENTIAL_SCOPE_REGION = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//;
const BEDROCK_HOST_REGION = /^bedrock(?:-runtime)?(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/;

/**
 * The region the caller addressed: from the SigV4 credential scope, else the AWS host name, else the
 * runtime's default. ARNs the service returns carry the caller's region, so ours do too.
 */
export function requestRegion(request: LocalHttpRequest, fallback: string): string {
  const scope = CREDENTIAL_SCOPE_REGION.exec(request.headers.authorization ?? '');
  if (scope) return scope[1]!;
  const host = BEDROCK_HOST_REGION.exec(request.headers.host ?? '');
  return host ? host[1]! : fallback;
}
