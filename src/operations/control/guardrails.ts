/**
 * The guardrail control plane (`@aws-sdk/client-bedrock`): CreateGuardrail, GetGuardrail, ListGuardrails,
 * UpdateGuardrail, CreateGuardrailVersion and DeleteGuardrail over `runtime.guardrails`. Writes answer 202,
 * as the service does.
 */
import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { asObject } from '../../codecs/json-values.js';
import type { LocalHttpRequest } from '../../core/http-types.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { OperationName } from '../../router/routes.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { requestRegion } from '../request-region.js';

const ACCEPTED = 202;
const MALFORMED = 'Malformed input request, please reformat your input and try again.';
const IDENTIFIER_PATTERN = /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/;
const IDENTIFIER_PATTERN_TEXT = '(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))';
const VERSION_OR_DRAFT = /^(([1-9][0-9]{0,7})|(DRAFT))$/;
const NUMBERED_VERSION = /^[1-9][0-9]{0,7}$/;
const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}$/;

/** One query parameter as a single string (the first, when a client repeats it). */
function queryValue(request: LocalHttpRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[0] : value;
}

function checkIdentifier(errors: ConstraintErrors, path: string, identifier: string | undefined): void {
  errors.checkLength(path, identifier, 0, 2048);
  errors.checkPattern(path, identifier, IDENTIFIER_PATTERN, IDENTIFIER_PATTERN_TEXT);
}

/**
 * `POST /guardrails` (202): `{guardrailId, guardrailArn, version: "DRAFT", createdAt}`. The ARN carries the
 * caller's region.
 *
 * @example
 * await bedrock.send(new CreateGuardrailCommand({ name: 'g', blockedInputMessaging: 'No.', blockedOutputsMessaging: 'No.',
 *   wordPolicyConfig: { wordsConfig: [{ text: 'secret' }] } }));
 */
export const createGuardrailOperation: Operation = async ({ runtime, request, requestId }) => {
  const body = readJsonBody(request.body);
  const created = runtime.guardrails.create(body, { region: requestRegion(request, runtime.region) });
  return jsonResponse(created, requestId, {}, ACCEPTED);
};

/**
 * `GET /guardrails/{guardrailIdentifier}?guardrailVersion=`: one version (DRAFT by default) in the GetGuardrail
 * casing (`topicPolicy.topics`, not `topicPolicyConfig.topicsConfig`).
 *
 * @example
 * const guardrail = await bedrock.send(new GetGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: '1' }));
 */
export const getGuardrailOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.guardrailIdentifier!;
  const version = queryValue(request, 'guardrailVersion');
  const errors = new ConstraintErrors();
  checkIdentifier(errors, 'guardrailIdentifier', identifier);
  errors.checkPattern('guardrailVersion', version, VERSION_OR_DRAFT, '(([1-9][0-9]{0,7})|(DRAFT))');
  errors.throwIfAny();
  return jsonResponse(runtime.guardrails.get(identifier, version ?? 'DRAFT'), requestId);
};

/**
 * `GET /guardrails?guardrailIdentifier&maxResults&nextToken`: without an identifier the DRAFT of every
 * guardrail, with one every version of it (DRAFT first).
 *
 * @example
 * const { guardrails, nextToken } = await bedrock.send(new ListGuardrailsCommand({ maxResults: 10 }));
 */
export const listGuardrailsOperation: Operation = async ({ runtime, request, requestId }) => {
  const identifier = queryValue(request, 'guardrailIdentifier');
  const rawMaxResults = queryValue(request, 'maxResults');
  const nextToken = queryValue(request, 'nextToken');
  const maxResults = rawMaxResults === undefined ? undefined : Number(rawMaxResults);
  const errors = new ConstraintErrors();
  checkIdentifier(errors, 'guardrailIdentifier', identifier);
  errors.checkRange('maxResults', maxResults === undefined || Number.isInteger(maxResults) ? maxResults : Number.NaN, 1, 1000);
  errors.checkLength('nextToken', nextToken, 1, 2048);
  errors.throwIfAny();
  const page = runtime.guardrails.list({
    ...(identifier === undefined ? {} : { guardrailIdentifier: identifier }),
    ...(maxResults === undefined ? {} : { maxResults }),
    ...(nextToken === undefined ? {} : { nextToken }),
  });
  return jsonResponse(page, requestId);
};

/**
 * `PUT /guardrails/{guardrailIdentifier}` (202): replaces the DRAFT in full; `{guardrailId, guardrailArn,
 * version: "DRAFT", updatedAt}`.
 *
 * @example
 * await bedrock.send(new UpdateGuardrailCommand({ guardrailIdentifier: id, name: 'g', blockedInputMessaging: 'No.',
 *   blockedOutputsMessaging: 'No.', wordPolicyConfig: { wordsConfig: [{ text: 'other' }] } }));
 */
export const updateGuardrailOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.guardrailIdentifier!;
  const errors = new ConstraintErrors();
  checkIdentifier(errors, 'guardrailIdentifier', identifier);
  errors.throwIfAny();
  const body = readJsonBody(request.body);
  return jsonResponse(runtime.guardrails.update(identifier, body), requestId, {}, ACCEPTED);
};

/**
 * `POST /guardrails/{guardrailIdentifier}` (202): freezes the DRAFT as the next numbered version;
 * `{guardrailId, version}`.
 *
 * @example
 * const { version } = await bedrock.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: id })); // '1'
 */
export const createGuardrailVersionOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.guardrailIdentifier!;
  const body = request.body.length === 0 ? {} : asObject(readJsonBody(request.body));
  if (!body) throw validationError(MALFORMED);
  const { description, clientRequestToken } = body;
  if ((description !== undefined && typeof description !== 'string') || (clientRequestToken !== undefined && typeof clientRequestToken !== 'string')) {
    throw validationError(MALFORMED);
  }
  const errors = new ConstraintErrors();
  checkIdentifier(errors, 'guardrailIdentifier', identifier);
  errors.checkLength('description', description, 1, 200);
  errors.checkLength('clientRequestToken', clientRequestToken, 1, 256);
  errors.checkPattern('clientRequestToken', clientRequestToken, CLIENT_TOKEN_PATTERN, '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}');
  errors.throwIfAny();
  const created = runtime.guardrails.createVersion(identifier, {
    ...(description === undefined ? {} : { description }),
    ...(clientRequestToken === undefined ? {} : { clientRequestToken }),
  });
  return jsonResponse(created, requestId, {}, ACCEPTED);
};

/**
 * `DELETE /guardrails/{guardrailIdentifier}?guardrailVersion=` (202): one numbered version, or the whole
 * guardrail without a version. The DRAFT alone cannot be deleted (the version must be a number).
 *
 * @example
 * await bedrock.send(new DeleteGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: '1' }));
 */
export const deleteGuardrailOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.guardrailIdentifier!;
  const version = queryValue(request, 'guardrailVersion');
  const errors = new ConstraintErrors();
  checkIdentifier(errors, 'guardrailIdentifier', identifier);
  errors.checkPattern('guardrailVersion', version, NUMBERED_VERSION, '[1-9][0-9]{0,7}');
  errors.throwIfAny();
  runtime.guardrails.delete(identifier, version);
  return jsonResponse({}, requestId, {}, ACCEPTED);
};

/**
 * The guardrail control-plane operations by name, for the operation table.
 *
 * @example
 * const OPERATIONS = { ...GUARDRAIL_CONTROL_OPERATIONS };
 */
export const GUARDRAIL_CONTROL_OPERATIONS: Readonly<Partial<Record<OperationName, Operation>>> = {
  CreateGuardrail: createGuardrailOperation,
  GetGuardrail: getGuardrailOperation,
  ListGuardrails: listGuardrailsOperation,
  UpdateGuardrail: updateGuardrailOperation,
  CreateGuardrailVersion: createGuardrailVersionOperation,
  DeleteGuardrail: deleteGuardrailOperation,
};
