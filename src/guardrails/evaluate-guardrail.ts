/**
 * The guardrail policy engine: what one guardrail version does with some content. Pure (no SDK, no clock, no
 * I/O besides the optional classifier hooks); ApplyGuardrail and the inline guardrails of Converse/InvokeModel
 * call it and wrap its result in their wire shapes.
 *
 * Decisions this engine makes, where the service documents no exact rule:
 * - Assessed text: text blocks without qualifiers, and those qualified `guard_content`. Blocks qualified only
 *   `grounding_source` / `query` are context for contextual grounding and are not assessed by other policies.
 * - Assessment scope: `INTERVENTIONS` lists the findings that were detected (also those whose action is NONE);
 *   `FULL` ("detected and non-detected entries"; the service excludes word filters and regexes from it) also
 *   lists, with `detected: false` and action NONE: every configured topic and content filter that detected
 *   nothing (confidence NONE or below its strength), and, when PII entities are configured, the PII of the
 *   other entity types found in the text. Grounding filters that ran are always listed (the score is the finding).
 * - Usage: per policy that runs for the source, one unit per started 1 000 characters of each assessed text
 *   block. PII entities count as `sensitiveInformationPolicyUnits`, regexes (free of charge at the service) as
 *   `sensitiveInformationPolicyFreeUnits`; a policy with both counts both. Grounding bills the output, the
 *   grounding sources and the queries. `contentPolicyImageUnits`: one per image when image filters run.
 * - Coverage: `textCharacters.total` counts every text block; `guarded` the assessed ones (plus the context
 *   blocks when grounding ran), or 0 when no text policy runs. `images` is present when there are images.
 */
import { contentScoreOf, type GuardrailClassifiers } from './classifiers.js';
import { classifyContent, contentFiltersFor, maxConfidence, strengthCatches, type ContentFilterRun } from './policies/content-policy.js';
import { groundingFiltersFor, lexicalGroundingScores } from './policies/grounding-policy.js';
import { allPiiTypes, compileSensitivePolicy, detectPii, maskText } from './policies/sensitive-information-policy.js';
import { elementDirection, sentenceSpans, textUnits, type TextSpan } from './policies/text-tools.js';
import { compileTopicClassifier, topicsFor } from './policies/topic-policy.js';
import { compileWordPolicy } from './policies/word-policy.js';
import type {
  GuardrailAssessment,
  GuardrailConfidence,
  GuardrailContentFilterType,
  GuardrailCoverage,
  GuardrailEvaluation,
  GuardrailEvaluationOptions,
  GuardrailEvaluationRequest,
  GuardrailExplanation,
  GuardrailImageContent,
  GuardrailPolicies,
  GuardrailPolicyAction,
  GuardrailSensitiveAction,
  GuardrailSensitiveResultAction,
  GuardrailSource,
  GuardrailUsage,
} from './types.js';

/**
 * The service's `actionReason` texts.
 *
 * @example
 * ```ts
 * expect(result.actionReason).toBe(GUARDRAIL_ACTION_REASONS.blocked); // 'Guardrail blocked.'
 * ```
 */
export const GUARDRAIL_ACTION_REASONS = {
  blocked: 'Guardrail blocked.',
  masked: 'Guardrail masked.',
  none: 'No action.',
} as const;

interface TextBlock {
  text: string;
  assessed: boolean;
  groundingSource: boolean;
  query: boolean;
  guardContent: boolean;
}

interface ContentState {
  confidence: GuardrailConfidence;
  match?: string;
  reason?: string;
  score?: number;
  textBlock?: number;
}

const blockingResult = (action: GuardrailPolicyAction): 'BLOCKED' | 'NONE' => (action === 'BLOCK' ? 'BLOCKED' : 'NONE');
const sensitiveResult = (action: GuardrailSensitiveAction): GuardrailSensitiveResultAction =>
  action === 'BLOCK' ? 'BLOCKED' : action === 'ANONYMIZE' ? 'ANONYMIZED' : 'NONE';

/** Whether any element of a list runs for the source. */
function enabledFor(elements: readonly { action: GuardrailSensitiveAction }[] | undefined, source: GuardrailSource): boolean {
  return (elements ?? []).some((element) => elementDirection<GuardrailSensitiveAction>(element, source, element.action) !== undefined);
}

/**
 * Assesses content against one guardrail version's policies for a source (INPUT or OUTPUT).
 *
 * @example
 * ```ts
 * import { evaluateGuardrail } from 'local-bedrock/guardrails';
 *
 * const result = await evaluateGuardrail(
 *   {
 *     sensitiveInformationPolicy: { piiEntities: [{ type: 'EMAIL', action: 'ANONYMIZE' }] },
 *     wordPolicy: { managedWordLists: [{ type: 'PROFANITY' }] },
 *     blockedInputMessaging: 'Sorry, I cannot help with that.',
 *     blockedOutputsMessaging: 'Sorry, I cannot answer that.',
 *   },
 *   { source: 'INPUT', content: [{ text: { text: 'Write to jane@example.com' } }] },
 * );
 * result.action; // 'GUARDRAIL_INTERVENED'
 * result.actionReason; // 'Guardrail masked.'
 * result.outputs; // [{ text: 'Write to {EMAIL}' }]
 * ```
 */
export async function evaluateGuardrail(
  policies: GuardrailPolicies,
  request: GuardrailEvaluationRequest,
  options: GuardrailEvaluationOptions = {},
): Promise<GuardrailEvaluation> {
  const source = request.source;
  const full = request.outputScope === 'FULL';
  const classifiers: GuardrailClassifiers = options.classifiers ?? {};

  const blocks: TextBlock[] = [];
  const images: GuardrailImageContent[] = [];
  for (const element of request.content) {
    if ('text' in element && element.text) {
      const qualifiers = element.text.qualifiers ?? [];
      const guardContent = qualifiers.includes('guard_content');
      blocks.push({
        text: element.text.text ?? '',
        assessed: qualifiers.length === 0 || guardContent,
        groundingSource: qualifiers.includes('grounding_source'),
        query: qualifiers.includes('query'),
        guardContent,
      });
    } else if ('image' in element && element.image) images.push(element.image);
  }

  const words = compileWordPolicy(policies.wordPolicy, source);
  const sensitive = compileSensitivePolicy(policies.sensitiveInformationPolicy, source, options.warn);
  const contentRuns = contentFiltersFor(policies.contentPolicy, source);
  const textFilters = contentRuns.filter((run) => run.text);
  const imageFilters = contentRuns.filter((run) => run.image);
  const topicRuns = topicsFor(policies.topicPolicy, source);
  const lexicalTopics = topicRuns.length && !classifiers.topics ? compileTopicClassifier(topicRuns.map((run) => run.topic)) : undefined;
  const sources = blocks.filter((block) => block.groundingSource && !block.guardContent);
  const queries = blocks.filter((block) => block.query && !block.guardContent);
  const groundingRuns =
    source === 'OUTPUT' && sources.length > 0
      ? groundingFiltersFor(policies.contextualGroundingPolicy).filter((run) => run.type === 'GROUNDING' || queries.length > 0)
      : [];

  const explanations: GuardrailExplanation[] = [];
  const assessment: GuardrailAssessment = {};
  const customWords: NonNullable<GuardrailAssessment['wordPolicy']>['customWords'] = [];
  const managedWordLists: NonNullable<GuardrailAssessment['wordPolicy']>['managedWordLists'] = [];
  const piiEntities: NonNullable<GuardrailAssessment['sensitiveInformationPolicy']>['piiEntities'] = [];
  const regexes: NonNullable<GuardrailAssessment['sensitiveInformationPolicy']>['regexes'] = [];
  const content = new Map<GuardrailContentFilterType, ContentState>(textFilters.concat(imageFilters).map((run) => [run.type, { confidence: 'NONE' }]));
  const topics = new Map<string, { score: number; match: string; reason: string; textBlock: number }>();
  const maskedTexts: string[] = [];

  const textTypes = textFilters.map((run) => run.type);
  const raise = (type: GuardrailContentFilterType, next: ContentState) => {
    const state = content.get(type);
    if (!state || next.confidence === 'NONE') return;
    if (maxConfidence(state.confidence, next.confidence) !== state.confidence || (state.confidence === next.confidence && (next.score ?? 0) > (state.score ?? 0))) {
      content.set(type, next);
    }
  };

  for (const [blockIndex, block] of blocks.entries()) {
    if (!block.assessed) {
      maskedTexts.push(block.text);
      continue;
    }
    const text = block.text;
    let sentences: TextSpan[] | undefined;
    const sentencesOf = () => (sentences ??= sentenceSpans(text));

    for (const finding of words?.find(text) ?? []) {
      const action = blockingResult(finding.action);
      if (finding.list === 'custom') customWords.push({ match: finding.match, action, detected: true });
      else managedWordLists.push({ match: finding.match, type: 'PROFANITY', action, detected: true });
      explanations.push({
        policy: 'wordPolicy',
        ...(finding.list === 'custom' ? { name: finding.term } : { type: 'PROFANITY' }),
        match: finding.match,
        reason: finding.list === 'custom' ? `whole-word match of the custom word "${finding.term}"` : `whole-word match of the profanity list entry "${finding.term}"`,
        action,
        textBlock: blockIndex,
      });
    }

    const findings = sensitive?.find(text) ?? [];
    for (const finding of findings) {
      const action = sensitiveResult(finding.action);
      if (finding.kind === 'pii') piiEntities.push({ match: finding.match, type: finding.type, action, detected: true });
      else regexes.push({ name: finding.type, match: finding.match, regex: finding.regex, action, detected: true });
      explanations.push({
        policy: 'sensitiveInformationPolicy',
        ...(finding.kind === 'pii' ? { type: finding.type } : { name: finding.type }),
        match: finding.match,
        reason: finding.reason,
        action,
        textBlock: blockIndex,
      });
    }
    maskedTexts.push(maskText(text, findings));
    if (full && sensitive && sensitive.piiTypes.size) {
      // FULL scope also lists PII of types the guardrail does not configure, as not detected (no action),
      // wherever a configured finding does not already cover the span.
      const others = allPiiTypes().filter((type) => !sensitive.piiTypes.has(type));
      let next = 0;
      for (const entity of others.length ? detectPii(text, others) : []) {
        while (next < findings.length && findings[next]!.end <= entity.start) next++;
        const covering = findings[next];
        if (covering && covering.start < entity.end) continue;
        piiEntities.push({ match: entity.match, type: entity.type, action: 'NONE', detected: false });
      }
    }

    if (textTypes.length) {
      if (classifiers.content) {
        const scores = await classifiers.content(text, { source, types: textTypes });
        for (const type of textTypes) {
          const verdict = contentScoreOf(scores[type]);
          raise(type, { ...verdict, textBlock: blockIndex, reason: verdict.reason ?? `classifier hook: ${verdict.confidence}` });
        }
      } else {
        const verdicts = classifyContent(text, textTypes, sentencesOf());
        for (const type of textTypes) {
          const verdict = verdicts[type];
          if (verdict) raise(type, { ...verdict, textBlock: blockIndex });
        }
      }
    }

    if (topicRuns.length) {
      const matches = classifiers.topics
        ? await classifiers.topics(text, topicRuns.map((run) => run.topic))
        : lexicalTopics!.classify(text, sentencesOf());
      for (const match of matches) {
        const previous = topics.get(match.name);
        if (previous && previous.score >= match.score) continue;
        topics.set(match.name, {
          score: match.score,
          match: match.match ?? text.slice(0, 160),
          reason: match.reason ?? `classifier hook: score ${match.score}`,
          textBlock: blockIndex,
        });
      }
    }
  }

  if (imageFilters.length && images.length) {
    const imageTypes = imageFilters.map((run) => run.type);
    for (const image of images) {
      // Without a hook images pass: there is no lexical signal in pixels.
      if (!classifiers.image) break;
      const scores = await classifiers.image(image, { source, types: imageTypes });
      for (const type of imageTypes) {
        const verdict = contentScoreOf(scores[type]);
        raise(type, { ...verdict, match: verdict.match ?? `image (${image.format}, ${image.bytes.byteLength} bytes)`, reason: verdict.reason ?? `image classifier hook: ${verdict.confidence}` });
      }
    }
  }

  // ---- assessment ----
  if (topicRuns.length) {
    const listed = topicRuns.flatMap((run) => {
      const found = topics.get(run.topic.name);
      if (found) {
        const action = blockingResult(run.action);
        explanations.push({ policy: 'topicPolicy', name: run.topic.name, match: found.match, reason: found.reason, action, textBlock: found.textBlock, score: found.score });
        return [{ name: run.topic.name, type: 'DENY' as const, action, detected: true }];
      }
      return full ? [{ name: run.topic.name, type: 'DENY' as const, action: 'NONE' as const, detected: false }] : [];
    });
    if (listed.length) assessment.topicPolicy = { topics: listed };
  }

  if (contentRuns.length) {
    const seen = new Set<GuardrailContentFilterType>();
    const listed = contentRuns.flatMap((run: ContentFilterRun) => {
      if (seen.has(run.type) || (!run.text && !run.image)) return [];
      seen.add(run.type);
      const state = content.get(run.type) ?? { confidence: 'NONE' as const };
      const detected = strengthCatches(run.strength, state.confidence);
      const action = detected ? blockingResult(run.action) : 'NONE';
      if (state.confidence !== 'NONE') {
        explanations.push({
          policy: 'contentPolicy',
          type: run.type,
          match: state.match ?? '',
          reason: `${state.reason ?? state.confidence}; strength ${run.strength} ${detected ? 'acts on' : 'lets through'} confidence ${state.confidence}`,
          action,
          ...(state.textBlock !== undefined ? { textBlock: state.textBlock } : {}),
          ...(state.score !== undefined ? { score: state.score } : {}),
        });
      }
      if (!detected && !full) return [];
      return [{ type: run.type, confidence: state.confidence, filterStrength: run.strength, action, detected }];
    });
    if (listed.length) assessment.contentPolicy = { filters: listed };
  }

  if (customWords.length || managedWordLists.length) assessment.wordPolicy = { customWords, managedWordLists };
  if (piiEntities.length || regexes.length) assessment.sensitiveInformationPolicy = { piiEntities, regexes };

  let groundingLengths: number[] = [];
  if (groundingRuns.length) {
    const outputs = blocks.filter((block) => block.guardContent);
    const outputBlocks = outputs.length ? outputs : blocks.filter((block) => block.assessed);
    const assessedOutput = outputBlocks.map((block) => block.text).join('\n\n');
    const groundingSource = sources.map((block) => block.text).join('\n\n');
    const query = queries.length ? queries.map((block) => block.text).join('\n\n') : undefined;
    const types = groundingRuns.map((run) => run.type);
    const scores = classifiers.grounding
      ? await classifiers.grounding({ text: assessedOutput, groundingSource, ...(query !== undefined ? { query } : {}), types })
      : lexicalGroundingScores(assessedOutput, groundingSource, query);
    const filters = groundingRuns.flatMap((run) => {
      const score = scores[run.type];
      if (score === undefined) return [];
      const detected = score < run.threshold;
      const action = detected ? blockingResult(run.action) : 'NONE';
      explanations.push({
        policy: 'contextualGroundingPolicy',
        type: run.type,
        match: assessedOutput.slice(0, 160),
        reason: `${classifiers.grounding ? 'classifier hook' : run.type === 'GROUNDING' ? 'share of the output\'s content words found in the grounding source' : 'share of the query\'s content words found in the output'}: score ${score} ${detected ? '<' : '≥'} threshold ${run.threshold}`,
        action,
        score,
      });
      return [{ type: run.type, threshold: run.threshold, score, action, detected }];
    });
    if (filters.length) assessment.contextualGroundingPolicy = { filters };
    groundingLengths = [outputBlocks.reduce((sum, block) => sum + block.text.length, 0), ...sources.map((block) => block.text.length), ...queries.map((block) => block.text.length)];
  }

  // ---- outcome ----
  const results: string[] = [
    ...(assessment.topicPolicy?.topics ?? []),
    ...(assessment.contentPolicy?.filters ?? []),
    ...customWords,
    ...managedWordLists,
    ...piiEntities,
    ...regexes,
    ...(assessment.contextualGroundingPolicy?.filters ?? []),
  ].map((entry) => entry.action);
  const blocked = results.includes('BLOCKED');
  const masked = results.includes('ANONYMIZED');
  const outputs = blocked
    ? [{ text: source === 'INPUT' ? policies.blockedInputMessaging : policies.blockedOutputsMessaging }]
    : masked
      ? maskedTexts.map((text) => ({ text }))
      : [];

  // ---- usage and coverage ----
  const assessedLengths = blocks.filter((block) => block.assessed).map((block) => block.text.length);
  const units = textUnits(assessedLengths);
  const piiRuns = enabledFor(policies.sensitiveInformationPolicy?.piiEntities, source);
  const regexRuns = enabledFor(policies.sensitiveInformationPolicy?.regexes, source);
  const usage: GuardrailUsage = {
    topicPolicyUnits: topicRuns.length ? units : 0,
    contentPolicyUnits: textFilters.length ? units : 0,
    wordPolicyUnits: words ? units : 0,
    sensitiveInformationPolicyUnits: piiRuns ? units : 0,
    sensitiveInformationPolicyFreeUnits: regexRuns ? units : 0,
    contextualGroundingPolicyUnits: groundingRuns.length ? textUnits(groundingLengths) : 0,
  };
  if (imageFilters.length || images.length) usage.contentPolicyImageUnits = imageFilters.length ? images.length : 0;

  const textPolicyRuns = Boolean(topicRuns.length || textFilters.length || words || sensitive);
  const total = blocks.reduce((sum, block) => sum + block.text.length, 0);
  let guarded = textPolicyRuns ? assessedLengths.reduce((sum, length) => sum + length, 0) : 0;
  // Grounding reads the context blocks too (and the output, when no other policy already counted it).
  if (groundingRuns.length) guarded += groundingLengths.slice(textPolicyRuns ? 1 : 0).reduce((sum, length) => sum + length, 0);
  const coverage: GuardrailCoverage = { textCharacters: { guarded, total } };
  if (images.length) coverage.images = { guarded: imageFilters.length ? images.length : 0, total: images.length };

  return {
    action: blocked || masked ? 'GUARDRAIL_INTERVENED' : 'NONE',
    actionReason: blocked ? GUARDRAIL_ACTION_REASONS.blocked : masked ? GUARDRAIL_ACTION_REASONS.masked : GUARDRAIL_ACTION_REASONS.none,
    blocked,
    outputs,
    maskedTexts,
    assessment,
    usage,
    coverage,
    explanations,
  };
}
