/**
 * Bedrock's REST routes. Paths are matched on the raw path: it is split on `/` first and each segment is
 * percent-decoded afterwards, so that a model ARN's `%2F` stays inside its one `{modelId}` segment.
 */

/** The runtime operations the router knows (`bedrock-runtime` host). */
export type RuntimeOperationName =
  | 'ApplyGuardrail'
  | 'GetAsyncInvoke'
  | 'ListAsyncInvokes'
  | 'StartAsyncInvoke'
  | 'Converse'
  | 'ConverseStream'
  | 'CountTokens'
  | 'InvokeModel'
  | 'InvokeModelWithBidirectionalStream'
  | 'InvokeModelWithResponseStream';

/** The control-plane operations the router knows (`bedrock` host, `@aws-sdk/client-bedrock`). */
export type ControlOperationName =
  | 'CreateGuardrail'
  | 'CreateInferenceProfile'
  | 'DeleteInferenceProfile'
  | 'GetFoundationModel'
  | 'GetInferenceProfile'
  | 'ListFoundationModels'
  | 'ListInferenceProfiles'
  | 'CreateGuardrailVersion'
  | 'CreateModelInvocationJob'
  | 'DeleteGuardrail'
  | 'GetGuardrail'
  | 'GetModelInvocationJob'
  | 'ListGuardrails'
  | 'ListModelInvocationJobs'
  | 'StopModelInvocationJob'
  | 'UpdateGuardrail';

/** The operations the router knows. Runtime and control-plane paths never collide, so one table serves both. */
export type OperationName = RuntimeOperationName | ControlOperationName;

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
  route('POST', '/model/{modelId}/invoke-with-bidirectional-stream', 'InvokeModelWithBidirectionalStream'),
  route('POST', '/guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply', 'ApplyGuardrail'),
  route('POST', '/async-invoke', 'StartAsyncInvoke'),
  route('GET', '/async-invoke', 'ListAsyncInvokes'),
  route('GET', '/async-invoke/{invocationArn}', 'GetAsyncInvoke'),
  // Control plane.
  route('GET', '/foundation-models', 'ListFoundationModels'),
  route('GET', '/foundation-models/{modelIdentifier}', 'GetFoundationModel'),
  route('GET', '/inference-profiles', 'ListInferenceProfiles'),
  route('POST', '/inference-profiles', 'CreateInferenceProfile'),
  route('GET', '/inference-profiles/{inferenceProfileIdentifier}', 'GetInferenceProfile'),
  route('DELETE', '/inference-profiles/{inferenceProfileIdentifier}', 'DeleteInferenceProfile'),
  route('POST', '/guardrails', 'CreateGuardrail'),
  route('GET', '/guardrails', 'ListGuardrails'),
  route('GET', '/guardrails/{guardrailIdentifier}', 'GetGuardrail'),
  route('PUT', '/guardrails/{guardrailIdentifier}', 'UpdateGuardrail'),
  route('POST', '/guardrails/{guardrailIdentifier}', 'CreateGuardrailVersion'),
  route('DELETE', '/guardrails/{guardrailIdentifier}', 'DeleteGuardrail'),
  route('POST', '/model-invocation-job', 'CreateModelInvocationJob'),
  route('GET', '/model-invocation-jobs', 'ListModelInvocationJobs'),
  route('GET', '/model-invocation-job/{jobIdentifier}', 'GetModelInvocationJob'),
  route('POST', '/model-invocation-job/{jobIdentifier}/stop', 'StopModelInvocationJob'),
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
