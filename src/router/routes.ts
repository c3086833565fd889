/**
 * Bedrock's REST routes. Paths are matched on the raw path: it is split on `/` first and each segment is
 * percent-decoded afterwards, so that a model ARN's `%2F` stays inside its one `{modelId}` segment.
 */

/** The operations the router knows. */
export type OperationName = 'Converse' | 'ConverseStream' | 'CountTokens' | 'InvokeModel' | 'InvokeModelWithResponseStream';

interface Route {
  method: string;
  /** Path template segments; `{label}` captures one segment. */
  segments: readonly string[];
  operation: OperationName;
}

/** A matched route: the operation and its decoded path labels. */
export interface RouteMatch {
  operation: OperationName;
  labels: Record<string, string>;
}

function route(method: string, template: string, operation: OperationName): Route {
  return { method, segments: template.split('/').slice(1), operation };
}

const ROUTES: readonly Route[] = [
  route('POST', '/model/{modelId}/converse', 'Converse'),
  route('POST', '/model/{modelId}/converse-stream', 'ConverseStream'),
  route('POST', '/model/{modelId}/count-tokens', 'CountTokens'),
  route('POST', '/model/{modelId}/invoke', 'InvokeModel'),
  route('POST', '/model/{modelId}/invoke-with-response-stream', 'InvokeModelWithResponseStream'),
];

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Finds the route of a request, or `undefined` when no Bedrock operation lives at that path. */
export function matchRoute(method: string, rawPath: string): RouteMatch | undefined {
  const segments = rawPath.split('/').slice(1);
  for (const candidate of ROUTES) {
    if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
    const labels: Record<string, string> = {};
    const matched = candidate.segments.every((templateSegment, index) => {
      const segment = segments[index]!;
      if (templateSegment.startsWith('{')) {
        const decoded = decodeSegment(segment);
        if (decoded === undefined || decoded === '') return false;
        labels[templateSegment.slice(1, -1)] = decoded;
        return true;
      }
      return templateSegment === segment;
    });
    if (matched) return { operation: candidate.operation, labels };
  }
  return undefined;
}
