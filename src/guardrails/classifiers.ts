/**
 * Pluggable classifiers. Each hook replaces the default lexical classifier of one policy; a hook may answer
 * synchronously or with a promise. Strength, actions, directions, the assessment and the masking stay with the
 * engine: a hook only says what it sees.
 */
import type {
  GuardrailConfidence,
  GuardrailContentFilterType,
  GuardrailGroundingFilterType,
  GuardrailImageContent,
  GuardrailSource,
  GuardrailTopicDefinition,
} from './types.js';

/**
 * A value, or a promise of it.
 *
 * @example
 * ```ts
 * const answer: MaybePromise<number> = Promise.resolve(1);
 * ```
 */
export type MaybePromise<Value> = Value | Promise<Value>;

/**
 * One category's verdict: a bare confidence, or a confidence with what matched (for the explanation).
 *
 * @example
 * ```ts
 * const score: GuardrailContentScore = { confidence: 'MEDIUM', match: 'idiot' };
 * ```
 */
export type GuardrailContentScore = GuardrailConfidence | { confidence: GuardrailConfidence; match?: string; score?: number; reason?: string };

/**
 * Verdicts per content filter category; a category left out counts as confidence `NONE`.
 *
 * @example
 * ```ts
 * const scores: GuardrailContentScores = { HATE: 'HIGH', INSULTS: { confidence: 'LOW', match: 'dumb' } };
 * ```
 */
export type GuardrailContentScores = Partial<Record<GuardrailContentFilterType, GuardrailContentScore>>;

/**
 * A denied topic the text was found to be about.
 *
 * @example
 * ```ts
 * const match: GuardrailTopicMatch = { name: 'Investing', score: 0.82, match: 'Which stocks should I buy?' };
 * ```
 */
export interface GuardrailTopicMatch {
  /** The topic's `name`, as configured. */
  name: string;
  /** Similarity, 0..1 (reported in the explanation). */
  score: number;
  /** The passage that matched (reported in the explanation). */
  match?: string;
  reason?: string;
}

/**
 * What a grounding classifier scores.
 *
 * @example
 * ```ts
 * const input: GuardrailGroundingInput = { text: 'Paris.', groundingSource: 'Paris is the capital.', types: ['GROUNDING'] };
 * ```
 */
export interface GuardrailGroundingInput {
  /** The assessed output (the `guard_content` text blocks, or the unqualified ones). */
  text: string;
  /** The `grounding_source` text blocks, joined by blank lines. */
  groundingSource: string;
  /** The `query` text blocks, joined by blank lines (undefined when there is none). */
  query?: string;
  /** The filters to score. */
  types: GuardrailGroundingFilterType[];
}

/**
 * Grounding scores (0..1) per filter type; a type left out is not scored.
 *
 * @example
 * ```ts
 * const scores: GuardrailGroundingScores = { GROUNDING: 0.9, RELEVANCE: 0.4 };
 * ```
 */
export type GuardrailGroundingScores = Partial<Record<GuardrailGroundingFilterType, number>>;

/**
 * Context of a content or image classification.
 *
 * @example
 * ```ts
 * const context: GuardrailClassificationContext = { source: 'INPUT', types: ['HATE', 'PROMPT_ATTACK'] };
 * ```
 */
export interface GuardrailClassificationContext {
  source: GuardrailSource;
  /** The categories configured (and enabled) for this source. */
  types: GuardrailContentFilterType[];
}

/**
 * Classifier hooks of `evaluateGuardrail(…, { classifiers })`. Each one replaces the default of its policy:
 * - `content(text, {source, types})`: called once per assessed text block; verdicts are combined by maximum.
 * - `topics(text, topics)`: called once per assessed text block; every returned match is a detection.
 * - `grounding({text, groundingSource, query, types})`: scores 0..1; below a filter's threshold intervenes.
 * - `image(image, {source, types})`: called per image when image filters are configured (default: passes).
 *
 * @example
 * ```ts
 * import { evaluateGuardrail, type GuardrailClassifiers } from 'local-bedrock/guardrails';
 *
 * // A local model (here an Ollama-served classifier) deciding the content filters.
 * const classifiers: GuardrailClassifiers = {
 *   async content(text, { types }) {
 *     const response = await fetch('http://localhost:11434/api/generate', {
 *       method: 'POST',
 *       body: JSON.stringify({
 *         model: 'llama-guard3',
 *         prompt: `Rate ${types.join(', ')} in: ${text}. Answer JSON {"TYPE":"NONE|LOW|MEDIUM|HIGH"}.`,
 *         format: 'json',
 *         stream: false,
 *       }),
 *     });
 *     return JSON.parse(((await response.json()) as { response: string }).response);
 *   },
 *   topics: (text, topics) => topics.filter((topic) => text.includes(topic.name)).map((topic) => ({ name: topic.name, score: 1 })),
 * };
 * const result = await evaluateGuardrail(policies, { source: 'INPUT', content: [{ text: { text: 'hi' } }] }, { classifiers });
 * ```
 */
export interface GuardrailClassifiers {
  content?: (text: string, context: GuardrailClassificationContext) => MaybePromise<GuardrailContentScores>;
  topics?: (text: string, topics: GuardrailTopicDefinition[]) => MaybePromise<GuardrailTopicMatch[]>;
  grounding?: (input: GuardrailGroundingInput) => MaybePromise<GuardrailGroundingScores>;
  image?: (image: GuardrailImageContent, context: GuardrailClassificationContext) => MaybePromise<GuardrailContentScores>;
}

/**
 * Reads a content verdict in either form.
 *
 * @example
 * ```ts
 * contentScoreOf('HIGH'); // { confidence: 'HIGH' }
 * contentScoreOf({ confidence: 'LOW', match: 'darn' }); // { confidence: 'LOW', match: 'darn' }
 * ```
 */
export function contentScoreOf(score: GuardrailContentScore | undefined): { confidence: GuardrailConfidence; match?: string; score?: number; reason?: string } {
  if (score === undefined) return { confidence: 'NONE' };
  return typeof score === 'string' ? { confidence: score } : score;
}
