/**
 * Contextual grounding, by default lexical: GROUNDING is the share of the output's distinct content stems
 * found in the grounding source; RELEVANCE is the share of the query's distinct content stems found in the
 * output. Both are rounded to two decimals; an output with no content words is fully grounded.
 */
import type { GuardrailGroundingFilterType, GuardrailPolicies, GuardrailPolicyAction } from '../types.js';
import { stemSet } from './text-tools.js';

/**
 * A grounding filter as it runs.
 *
 * @example
 * ```ts
 * const run: GroundingRun = { type: 'GROUNDING', threshold: 0.7, action: 'BLOCK' };
 * ```
 */
export interface GroundingRun {
  type: GuardrailGroundingFilterType;
  threshold: number;
  action: GuardrailPolicyAction;
}

/**
 * The grounding filters that run (`enabled: false` switches one off; the action defaults to BLOCK).
 *
 * @example
 * ```ts
 * groundingFiltersFor({ filters: [{ type: 'GROUNDING', threshold: 0.7 }] }); // [{ type: 'GROUNDING', threshold: 0.7, action: 'BLOCK' }]
 * ```
 */
export function groundingFiltersFor(policy: GuardrailPolicies['contextualGroundingPolicy']): GroundingRun[] {
  return (policy?.filters ?? [])
    .filter((filter) => filter.enabled !== false)
    .map((filter) => ({ type: filter.type, threshold: filter.threshold, action: filter.action ?? 'BLOCK' }));
}

function coverage(covered: Set<string>, by: Set<string>): number {
  if (covered.size === 0) return 1;
  let shared = 0;
  for (const stem of covered) if (by.has(stem)) shared++;
  return Math.round((shared / covered.size) * 100) / 100;
}

/**
 * The default lexical grounding scores.
 *
 * @example
 * ```ts
 * lexicalGroundingScores('Paris is the capital of France.', 'The capital of France is Paris.', 'What is the capital of France?');
 * // { GROUNDING: 1, RELEVANCE: 1 }
 * ```
 */
export function lexicalGroundingScores(text: string, groundingSource: string, query?: string): { GROUNDING: number; RELEVANCE?: number } {
  const output = stemSet(text);
  const scores: { GROUNDING: number; RELEVANCE?: number } = { GROUNDING: coverage(output, stemSet(groundingSource)) };
  if (query !== undefined) scores.RELEVANCE = coverage(stemSet(query), output);
  return scores;
}
