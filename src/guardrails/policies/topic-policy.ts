/**
 * Denied topics, by default decided lexically: each topic's name, definition and examples become sets of
 * content-word stems ("exemplars"); each sentence of the text is compared with every exemplar sharing a stem
 * with it, through an inverted index, so the cost is linear in the text (no sentence × sentence pairing).
 *
 * Scores (0..1), per sentence and exemplar, with `shared` = distinct stems the two have in common:
 * - example: shared / stems of the example, and at least 2 shared stems (1 for a one-word example);
 * - definition: shared / min(stems of the definition, 4), capped at 1, and at least 2 shared stems;
 * - name: 1 when every stem of the name is in the sentence, else 0.
 * A topic is detected when its best score reaches {@link TOPIC_THRESHOLD}.
 */
import type { GuardrailPolicies, GuardrailPolicyAction, GuardrailSource, GuardrailTopicDefinition } from '../types.js';
import { contentStems, elementDirection, excerpt, stemSet, type TextSpan } from './text-tools.js';

/**
 * The score from which the default topic classifier detects a topic.
 *
 * @example
 * ```ts
 * verdict.score >= TOPIC_THRESHOLD; // detected
 * ```
 */
export const TOPIC_THRESHOLD = 0.5;

/**
 * A denied topic as it runs for one source.
 *
 * @example
 * ```ts
 * const run: TopicRun = { topic: { name: 'Investing', definition: 'Investment advice', type: 'DENY' }, action: 'BLOCK' };
 * ```
 */
export interface TopicRun {
  topic: GuardrailTopicDefinition;
  action: GuardrailPolicyAction;
}

/**
 * The default classifier's verdict for one topic.
 *
 * @example
 * ```ts
 * const verdict: TopicVerdict = { name: 'Investing', score: 0.67, match: 'Which stocks?', reason: 'shares "stock"' };
 * ```
 */
export interface TopicVerdict {
  name: string;
  score: number;
  match: string;
  reason: string;
}

/**
 * The topics that run for a source.
 *
 * @example
 * ```ts
 * topicsFor({ topics: [{ name: 'Investing', definition: 'Investment advice', type: 'DENY' }] }, 'INPUT');
 * // [{ topic: {…}, action: 'BLOCK' }]
 * ```
 */
export function topicsFor(policy: GuardrailPolicies['topicPolicy'], source: GuardrailSource): TopicRun[] {
  const runs: TopicRun[] = [];
  for (const topic of policy?.topics ?? []) {
    const action = elementDirection<GuardrailPolicyAction>(topic, source, 'BLOCK');
    if (action !== undefined) runs.push({ topic, action });
  }
  return runs;
}

interface Exemplar {
  topic: number;
  kind: 'name' | 'definition' | 'example';
  label: string;
  size: number;
}

/**
 * A compiled lexical topic classifier (build once per evaluation, run per text block).
 *
 * @example
 * ```ts
 * compileTopicClassifier(topics).classify(text, sentenceSpans(text));
 * ```
 */
export interface LexicalTopicClassifier {
  classify(text: string, sentences: readonly TextSpan[]): TopicVerdict[];
}

/**
 * Compiles the default lexical classifier for some topics.
 *
 * @example
 * ```ts
 * const classifier = compileTopicClassifier([{ name: 'Investing', definition: 'Advice on stocks and bonds', examples: ['Which stocks should I buy?'], type: 'DENY' }]);
 * classifier.classify('Tell me which stocks to buy.', [{ start: 0, end: 28 }]); // [{ name: 'Investing', score: 1, … }]
 * ```
 */
export function compileTopicClassifier(topics: readonly GuardrailTopicDefinition[]): LexicalTopicClassifier {
  const exemplars: Exemplar[] = [];
  const index = new Map<string, number[]>();
  const add = (topic: number, kind: Exemplar['kind'], label: string) => {
    const stems = stemSet(label);
    if (stems.size === 0) return;
    const id = exemplars.push({ topic, kind, label, size: stems.size }) - 1;
    for (const stem of stems) {
      const postings = index.get(stem);
      if (postings) postings.push(id);
      else index.set(stem, [id]);
    }
  };
  topics.forEach((topic, position) => {
    add(position, 'name', topic.name);
    add(position, 'definition', topic.definition);
    for (const example of topic.examples ?? []) add(position, 'example', example);
  });

  const scoreOf = (exemplar: Exemplar, shared: number): number => {
    if (exemplar.kind === 'name') return shared === exemplar.size ? 1 : 0;
    if (shared < Math.min(2, exemplar.size)) return 0;
    return Math.min(1, shared / (exemplar.kind === 'definition' ? Math.min(exemplar.size, 4) : exemplar.size));
  };

  return {
    classify(text, sentences) {
      const best: (TopicVerdict | undefined)[] = new Array(topics.length);
      const counts = new Map<number, string[]>();
      for (const sentence of sentences) {
        counts.clear();
        const seen = new Set<string>();
        for (const word of contentStems(text, sentence.start, sentence.end)) {
          if (seen.has(word.stem)) continue;
          seen.add(word.stem);
          for (const id of index.get(word.stem) ?? []) {
            const shared = counts.get(id);
            if (shared) shared.push(word.stem);
            else counts.set(id, [word.stem]);
          }
        }
        for (const [id, shared] of counts) {
          const exemplar = exemplars[id]!;
          const score = Math.round(scoreOf(exemplar, shared.length) * 100) / 100;
          const previous = best[exemplar.topic];
          if (score < TOPIC_THRESHOLD || (previous && previous.score >= score)) continue;
          best[exemplar.topic] = {
            name: topics[exemplar.topic]!.name,
            score,
            match: excerpt(text, sentence.start, sentence.end),
            reason: `shares ${shared.map((stem) => `"${stem}"`).join(', ')} with the ${exemplar.kind} "${excerpt(exemplar.label, 0, exemplar.label.length, 80)}": score ${score} ≥ ${TOPIC_THRESHOLD}`,
          };
        }
      }
      return best.filter((verdict): verdict is TopicVerdict => verdict !== undefined);
    },
  };
}
