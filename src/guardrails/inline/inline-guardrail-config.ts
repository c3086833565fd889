import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { asObject, asString } from '../../codecs/json-values.js';
import { validationError } from '../../errors/bedrock-errors.js';

/**
 * The guardrail a model call names, read from where each operation carries it: Converse's `guardrailConfig`
 * member, or InvokeModel's `X-Amzn-Bedrock-Guardrail*` headers plus the body's
 * `amazon-bedrock-guardrailConfig` object.
 */

/**
 * How much the trace shows: nothing, the interventions, or every filter that ran.
 *
 * @example
 * const trace: InlineGuardrailTrace = 'enabled_full';
 */
export type InlineGuardrailTrace = 'disabled' | 'enabled' | 'enabled_full';

/**
 * How a streamed answer is guarded: assessed before release (`sync`) or while it is released (`async`).
 *
 * @example
 * const mode: InlineGuardrailStreamMode = 'async';
 */
export type InlineGuardrailStreamMode = 'sync' | 'async';

/**
 * A validated inline guardrail request.
 *
 * @example
 * const config: InlineGuardrailConfig = { identifier: 'abc123def456', version: '1', trace: 'enabled', streamMode: 'sync' };
 */
export interface InlineGuardrailConfig {
  /** The guardrail id or ARN, as given. */
  identifier: string;
  /** `DRAFT` or a version number. */
  version: string;
  trace: InlineGuardrailTrace;
  streamMode: InlineGuardrailStreamMode;
  /** InvokeModel only: the suffix of the `<amazon-bedrock-guardrails-guardContent_{suffix}>` input tags. */
  tagSuffix?: string;
}

/**
 * The body key InvokeModel reads guardrail settings from; the model never sees it.
 *
 * @example
 * const body = { inputText: 'Hi', [INVOKE_GUARDRAIL_BODY_KEY]: { tagSuffix: 'xyz' } };
 */
export const INVOKE_GUARDRAIL_BODY_KEY = 'amazon-bedrock-guardrailConfig';

const IDENTIFIER_PATTERN = /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/;
const IDENTIFIER_PATTERN_TEXT = '(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))';
const VERSION_PATTERN = /^(([1-9][0-9]{0,7})|(DRAFT))$/;
const VERSION_PATTERN_TEXT = '(([1-9][0-9]{0,7})|(DRAFT))';

/**
 * Checks the identifier and version the way the service's request validation does (pattern and length),
 * collecting violations into `errors` under the member paths given.
 *
 * @example
 * const errors = new ConstraintErrors();
 * checkGuardrailIdentity(errors, 'guardrailConfig.guardrailIdentifier', 'abc', 'guardrailConfig.guardrailVersion', '1');
 * errors.throwIfAny();
 */
export function checkGuardrailIdentity(errors: ConstraintErrors, identifierPath: string, identifier: unknown, versionPath: string, version: unknown): void {
  errors.checkLength(identifierPath, identifier, 0, 2048);
  errors.checkPattern(identifierPath, identifier, IDENTIFIER_PATTERN, IDENTIFIER_PATTERN_TEXT);
  errors.checkPattern(versionPath, version, VERSION_PATTERN, VERSION_PATTERN_TEXT);
}

/**
 * Converse's `guardrailConfig` (already checked for required members and enums by the request parser), or
 * `undefined` when the request names no guardrail.
 *
 * @example
 * readConverseGuardrailConfig({ guardrailConfig: { guardrailIdentifier: 'abc', guardrailVersion: '1', trace: 'enabled' } });
 * // { identifier: 'abc', version: '1', trace: 'enabled', streamMode: 'sync' }
 */
export function readConverseGuardrailConfig(body: unknown): InlineGuardrailConfig | undefined {
  const config = asObject(asObject(body)?.guardrailConfig);
  if (!config) return undefined;
  const trace = config.trace === 'enabled' || config.trace === 'enabled_full' ? config.trace : 'disabled';
  return {
    identifier: asString(config.guardrailIdentifier) ?? '',
    version: asString(config.guardrailVersion) ?? '',
    trace,
    // The service's default is synchronous: every chunk is assessed before it is sent.
    streamMode: config.streamProcessingMode === 'async' ? 'async' : 'sync',
  };
}

const TRACE_HEADER_VALUES = ['ENABLED', 'DISABLED', 'ENABLED_FULL'];
const STREAM_MODES = ['SYNCHRONOUS', 'ASYNCHRONOUS'];

/**
 * InvokeModel's guardrail: the `X-Amzn-Bedrock-GuardrailIdentifier`/`-GuardrailVersion`/`-Trace` headers and
 * the body's `amazon-bedrock-guardrailConfig` (`tagSuffix`, and `streamProcessingMode` when streaming).
 * Removes that key from `body`, so the family codec parses only what the model reads. Returns `undefined`
 * when no guardrail is named; throws the service's `ValidationException` for an incomplete or invalid one.
 *
 * @example
 * const body = { prompt: 'Hi', 'amazon-bedrock-guardrailConfig': { tagSuffix: 'xyz' } };
 * readInvokeGuardrailConfig({ 'x-amzn-bedrock-guardrailidentifier': 'abc', 'x-amzn-bedrock-guardrailversion': '1' }, body, false);
 * // { identifier: 'abc', version: '1', trace: 'disabled', streamMode: 'sync', tagSuffix: 'xyz' }; body has no guardrail key any more
 */
export function readInvokeGuardrailConfig(
  headers: Readonly<Record<string, string>>,
  body: Record<string, unknown>,
  streaming: boolean,
): InlineGuardrailConfig | undefined {
  const identifier = headers['x-amzn-bedrock-guardrailidentifier'];
  const version = headers['x-amzn-bedrock-guardrailversion'];
  const traceHeader = headers['x-amzn-bedrock-trace'];
  const hasBodyConfig = Object.hasOwn(body, INVOKE_GUARDRAIL_BODY_KEY);
  const bodyConfig = body[INVOKE_GUARDRAIL_BODY_KEY];
  delete body[INVOKE_GUARDRAIL_BODY_KEY];

  const errors = new ConstraintErrors();
  errors.checkEnum('trace', traceHeader, TRACE_HEADER_VALUES);
  checkGuardrailIdentity(errors, 'guardrailIdentifier', identifier, 'guardrailVersion', version);
  errors.throwIfAny();

  if (identifier === undefined || identifier === '') {
    if (hasBodyConfig) {
      throw validationError('The amazon-bedrock-guardrailConfig field is only allowed when a guardrail identifier is provided in the request.');
    }
    if (version !== undefined) throw validationError('Guardrail identifier must be provided when guardrail version is provided.');
    return undefined;
  }
  if (version === undefined || version === '') throw validationError('Guardrail version must be provided when guardrail identifier is provided.');

  const config = hasBodyConfig ? asObject(bodyConfig) : {};
  if (!config) throw validationError('Malformed input request, please reformat your input and try again.');
  const tagSuffix = config.tagSuffix;
  if (tagSuffix !== undefined && (typeof tagSuffix !== 'string' || tagSuffix === '')) {
    throw validationError('The tagSuffix in amazon-bedrock-guardrailConfig must be a non-empty string.');
  }
  const mode = config.streamProcessingMode;
  if (mode !== undefined && (!streaming || typeof mode !== 'string' || !STREAM_MODES.includes(mode))) {
    throw validationError(
      streaming
        ? `The streamProcessingMode in amazon-bedrock-guardrailConfig must be one of ${STREAM_MODES.join(', ')}.`
        : 'The streamProcessingMode in amazon-bedrock-guardrailConfig is only supported by InvokeModelWithResponseStream.',
    );
  }
  return {
    identifier,
    version,
    trace: traceHeader === 'ENABLED' ? 'enabled' : traceHeader === 'ENABLED_FULL' ? 'enabled_full' : 'disabled',
    streamMode: mode === 'ASYNCHRONOUS' ? 'async' : 'sync',
    ...(tagSuffix === undefined ? {} : { tagSuffix: tagSuffix as string }),
  };
}
