import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { asArray, asObject } from '../../codecs/json-values.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { validationError } from '../../errors/bedrock-errors.js';
import { evaluateGuardrail } from '../../guardrails/evaluate-guardrail.js';
import type { GuardrailContentBlock, GuardrailEvaluationRequest, GuardrailTextContent } from '../../guardrails/types.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';

const MALFORMED = 'Malformed input request, please reformat your input and try again.';
const IDENTIFIER_PATTERN = /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/;
const IDENTIFIER_PATTERN_TEXT = '(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))';
const VERSION_PATTERN = /^(([1-9][0-9]{0,7})|(DRAFT))$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const QUALIFIERS = ['grounding_source', 'query', 'guard_content'] as const;

/**
 * `POST /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply`: assesses content against a stored
 * guardrail version without calling a model. The answer is the service's: `action`, `actionReason`, `outputs`
 * (the blocked message, or the masked text), one assessment with `invocationMetrics` and
 * `appliedGuardrailDetails`, `usage` and `guardrailCoverage`.
 *
 * @example
 * const result = await runtimeClient.send(new ApplyGuardrailCommand({
 *   guardrailIdentifier: guardrailId, guardrailVersion: 'DRAFT', source: 'INPUT',
 *   content: [{ text: { text: 'Should I buy this stock?' } }],
 * }));
 */
export const applyGuardrailOperation: Operation = async ({ runtime, request, labels, requestId, startedAt }) => {
  const identifier = labels.guardrailIdentifier!;
  const version = labels.guardrailVersion!;
  const body = asObject(readJsonBody(request.body));
  if (!body) throw validationError(MALFORMED);
  const errors = new ConstraintErrors();
  errors.checkLength('guardrailIdentifier', identifier, 0, 2048);
  errors.checkPattern('guardrailIdentifier', identifier, IDENTIFIER_PATTERN, IDENTIFIER_PATTERN_TEXT);
  errors.checkPattern('guardrailVersion', version, VERSION_PATTERN, '(([1-9][0-9]{0,7})|(DRAFT))');
  if (errors.checkRequired('source', body.source)) errors.checkEnum('source', body.source, ['INPUT', 'OUTPUT']);
  errors.checkEnum('outputScope', body.outputScope, ['INTERVENTIONS', 'FULL']);
  if (errors.checkRequired('content', body.content)) {
    const list = asArray(body.content);
    if (!list) throw validationError(MALFORMED);
    errors.checkLength('content', list, 1, undefined);
  }
  errors.throwIfAny();
  const content = (body.content as unknown[]).map((block, index) => parseContentBlock(block, `content.${index + 1}.member`));
  const evaluationRequest: GuardrailEvaluationRequest = {
    source: body.source as GuardrailEvaluationRequest['source'],
    content,
    ...(body.outputScope === undefined ? {} : { outputScope: body.outputScope as 'INTERVENTIONS' | 'FULL' }),
  };

  const guardrail = runtime.guardrails.resolve(identifier, version);
  const evaluation = await evaluateGuardrail(guardrail.policies, evaluationRequest, { warn: (message) => runtime.warnOnce(message) });
  const assessment = {
    ...evaluation.assessment,
    invocationMetrics: {
      guardrailProcessingLatency: Math.max(0, Math.round(performance.now() - startedAt)),
      usage: evaluation.usage,
      guardrailCoverage: evaluation.coverage,
    },
    appliedGuardrailDetails: {
      guardrailId: guardrail.guardrailId,
      guardrailVersion: guardrail.version,
      guardrailArn: guardrail.guardrailArn,
      guardrailOrigin: ['REQUEST'],
      guardrailOwnership: 'SELF',
    },
  };
  return jsonResponse(
    {
      action: evaluation.action,
      actionReason: evaluation.actionReason,
      outputs: evaluation.outputs,
      assessments: [assessment],
      usage: evaluation.usage,
      guardrailCoverage: evaluation.coverage,
    },
    requestId,
  );
};

/** One `GuardrailContentBlock` union: exactly one of `text` and `image`. */
function parseContentBlock(value: unknown, path: string): GuardrailContentBlock {
  const block = asObject(value);
  const members = block ? Object.keys(block).filter((key) => block[key] !== undefined && block[key] !== null) : [];
  if (!block || members.length !== 1) throw validationError(MALFORMED);
  const errors = new ConstraintErrors();
  if (members[0] === 'text') {
    const text = asObject(block.text);
    if (!text) throw validationError(MALFORMED);
    if (errors.checkRequired(`${path}.text.text`, text.text) && typeof text.text !== 'string') throw validationError(MALFORMED);
    const qualifiers = text.qualifiers === undefined || text.qualifiers === null ? undefined : asArray(text.qualifiers);
    if (text.qualifiers !== undefined && text.qualifiers !== null && !qualifiers) throw validationError(MALFORMED);
    qualifiers?.forEach((qualifier, index) => errors.checkEnum(`${path}.text.qualifiers.${index + 1}.member`, qualifier, QUALIFIERS));
    errors.throwIfAny();
    const parsed: GuardrailTextContent = { text: text.text as string };
    if (qualifiers) parsed.qualifiers = qualifiers as GuardrailTextContent['qualifiers'];
    return { text: parsed };
  }
  if (members[0] === 'image') {
    const image = asObject(block.image);
    if (!image) throw validationError(MALFORMED);
    if (errors.checkRequired(`${path}.image.format`, image.format)) errors.checkEnum(`${path}.image.format`, image.format, ['png', 'jpeg']);
    errors.checkRequired(`${path}.image.source`, image.source);
    errors.throwIfAny();
    const source = asObject(image.source);
    const bytes = source?.bytes;
    if (!source || Object.keys(source).length !== 1 || typeof bytes !== 'string' || !BASE64.test(bytes)) throw validationError(MALFORMED);
    return { image: { format: image.format as 'png' | 'jpeg', bytes: new Uint8Array(Buffer.from(bytes, 'base64')) } };
  }
  throw validationError(MALFORMED);
}
