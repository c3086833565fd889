/**
 * The sensitive-information policy: PII entities and custom regexes. All detections of a text are resolved
 * together (the longest span wins an overlap, then the most specific), so a span is reported and masked once;
 * masking rebuilds the text once from its untouched slices, leaving every other byte identical.
 */
import type { GuardrailPiiEntityType, GuardrailPolicies, GuardrailSensitiveAction, GuardrailSource } from '../types.js';
import { createPiiDetectors, type PiiDetector, type PiiSpan } from './pii-detectors.js';
import { elementDirection } from './text-tools.js';

/** What every sensitive-information finding carries. */
interface SensitiveFindingBase {
  match: string;
  start: number;
  end: number;
  action: GuardrailSensitiveAction;
  reason: string;
}

/**
 * One resolved sensitive-information finding: a PII entity, or a custom regex match.
 *
 * @example
 * ```ts
 * const finding: SensitiveFinding = { kind: 'regex', type: 'ticket', regex: 'TCK-\\d+', match: 'TCK-1', start: 0, end: 5, action: 'ANONYMIZE', reason: '' };
 * ```
 */
export type SensitiveFinding =
  | (SensitiveFindingBase & { kind: 'pii'; type: GuardrailPiiEntityType })
  | (SensitiveFindingBase & { kind: 'regex'; /** The regex's name. */ type: string; /** The regex's pattern. */ regex: string });

/**
 * A sensitive-information policy compiled for one source.
 *
 * @example
 * ```ts
 * compileSensitivePolicy({ regexes: [{ name: 'id', pattern: 'ID-\\d+', action: 'BLOCK' }] }, 'INPUT')?.find('ID-7');
 * ```
 */
export interface CompiledSensitivePolicy {
  find(text: string): SensitiveFinding[];
  /** The PII entity types configured (and enabled) for the source. */
  piiTypes: ReadonlySet<GuardrailPiiEntityType>;
}

let sharedDetectors: PiiDetector[] | undefined;

/**
 * Every PII entity type the detectors know (all 31 of the service).
 *
 * @example
 * ```ts
 * allPiiTypes().length; // 31
 * ```
 */
export function allPiiTypes(): GuardrailPiiEntityType[] {
  return [...new Set(detectors().map((detector) => detector.type))];
}

/** The detectors, built once per process (they hold only pre-compiled regexes). */
function detectors(): PiiDetector[] {
  return (sharedDetectors ??= createPiiDetectors());
}

interface Candidate extends PiiSpan {
  action: GuardrailSensitiveAction;
  regexName?: string;
  regexSource?: string;
}

/**
 * Keeps non-overlapping candidates: within each cluster of overlapping spans, the longest wins, then the most
 * specific; others that still fit around the winners are kept.
 */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  candidates.sort((left, right) => left.start - right.start || right.end - left.end);
  const kept: Candidate[] = [];
  let cluster: Candidate[] = [];
  let clusterEnd = -1;
  let clusterStart = 0;
  const flush = () => {
    if (cluster.length === 1) kept.push(cluster[0]!);
    else if (cluster.length > 1) {
      const ranked = [...cluster].sort((left, right) => right.end - right.start - (left.end - left.start) || right.specificity - left.specificity);
      // Occupied characters of the cluster: checking a candidate costs its length, so a long chain of
      // overlapping spans stays linear instead of comparing every pair.
      const taken = new Uint8Array(clusterEnd - clusterStart);
      const chosen: Candidate[] = [];
      for (const candidate of ranked) {
        const from = candidate.start - clusterStart;
        const to = candidate.end - clusterStart;
        let free = true;
        for (let position = from; position < to && free; position++) free = taken[position] === 0;
        if (!free) continue;
        taken.fill(1, from, to);
        chosen.push(candidate);
      }
      chosen.sort((left, right) => left.start - right.start);
      for (const candidate of chosen) kept.push(candidate);
    }
    cluster = [];
  };
  for (const candidate of candidates) {
    if (candidate.start >= clusterEnd) {
      flush();
      clusterStart = candidate.start;
      clusterEnd = candidate.end;
    } else clusterEnd = Math.max(clusterEnd, candidate.end);
    cluster.push(candidate);
  }
  flush();
  return kept;
}

/**
 * Compiles the policy for a source, or undefined when no element runs for it. A regex that is not a valid
 * JavaScript pattern is skipped (and reported through `warn`), never thrown.
 *
 * @example
 * ```ts
 * const policy = compileSensitivePolicy({ piiEntities: [{ type: 'EMAIL', action: 'ANONYMIZE' }] }, 'INPUT');
 * policy?.find('write to a@b.com'); // [{ kind: 'pii', type: 'EMAIL', match: 'a@b.com', action: 'ANONYMIZE', … }]
 * ```
 */
export function compileSensitivePolicy(
  policy: GuardrailPolicies['sensitiveInformationPolicy'],
  source: GuardrailSource,
  warn?: (message: string) => void,
): CompiledSensitivePolicy | undefined {
  if (!policy) return undefined;
  const actions = new Map<GuardrailPiiEntityType, GuardrailSensitiveAction>();
  for (const entity of policy.piiEntities ?? []) {
    const action = elementDirection<GuardrailSensitiveAction>(entity, source, entity.action);
    if (action !== undefined) actions.set(entity.type, action);
  }
  const regexes: { name: string; source: string; regExp: RegExp; action: GuardrailSensitiveAction }[] = [];
  for (const regex of policy.regexes ?? []) {
    const action = elementDirection<GuardrailSensitiveAction>(regex, source, regex.action);
    if (action === undefined) continue;
    try {
      regexes.push({ name: regex.name, source: regex.pattern, regExp: new RegExp(regex.pattern, 'gu'), action });
    } catch {
      try {
        // Patterns written for Java/PCRE often fail only under the `u` flag's stricter escapes.
        regexes.push({ name: regex.name, source: regex.pattern, regExp: new RegExp(regex.pattern, 'g'), action });
      } catch (error) {
        warn?.(`[local-bedrock] guardrail regex "${regex.name}" is not a valid JavaScript pattern and was skipped: ${(error as Error).message}`);
      }
    }
  }
  if (actions.size === 0 && regexes.length === 0) return undefined;
  const active = detectors().filter((detector) => actions.has(detector.type));

  return {
    piiTypes: new Set(actions.keys()),
    find(text) {
      const candidates: Candidate[] = [];
      const spans: PiiSpan[] = [];
      for (const detector of active) detector.detect(text, spans);
      for (const span of spans) candidates.push({ ...span, action: actions.get(span.type)! });
      for (const regex of regexes) {
        regex.regExp.lastIndex = 0;
        for (let match = regex.regExp.exec(text); match; match = regex.regExp.exec(text)) {
          if (match[0].length === 0) {
            regex.regExp.lastIndex++;
            continue;
          }
          // A custom regex is the most specific statement of what the guardrail's owner wants found.
          candidates.push({
            type: 'NAME',
            start: match.index,
            end: match.index + match[0].length,
            specificity: 100,
            reason: `custom regex /${regex.source}/`,
            action: regex.action,
            regexName: regex.name,
            regexSource: regex.source,
          });
        }
      }
      return resolveOverlaps(candidates).map((candidate): SensitiveFinding => {
        const base = { match: text.slice(candidate.start, candidate.end), start: candidate.start, end: candidate.end, action: candidate.action, reason: candidate.reason };
        return candidate.regexName !== undefined
          ? { ...base, kind: 'regex', type: candidate.regexName, regex: candidate.regexSource! }
          : { ...base, kind: 'pii', type: candidate.type };
      });
    },
  };
}

/**
 * Replaces each ANONYMIZE finding by `{TYPE}` (PII) or `{name}` (regex); every other character is kept as is.
 * `findings` must be sorted and non-overlapping, as `find` returns them.
 *
 * @example
 * ```ts
 * maskText('mail a@b.com now', [{ kind: 'pii', type: 'EMAIL', match: 'a@b.com', start: 5, end: 12, action: 'ANONYMIZE', reason: '' }]);
 * // 'mail {EMAIL} now'
 * ```
 */
export function maskText(text: string, findings: readonly SensitiveFinding[]): string {
  const pieces: string[] = [];
  let cursor = 0;
  for (const finding of findings) {
    if (finding.action !== 'ANONYMIZE') continue;
    pieces.push(text.slice(cursor, finding.start), `{${finding.type}}`);
    cursor = finding.end;
  }
  if (cursor === 0) return text;
  pieces.push(text.slice(cursor));
  return pieces.join('');
}

/**
 * Finds PII in a text without a guardrail: every type, or the given ones. Overlaps are resolved as the policy
 * resolves them.
 *
 * @example
 * ```ts
 * detectPii('card 4111 1111 1111 1111, mail a@b.com');
 * // [{ type: 'CREDIT_DEBIT_CARD_NUMBER', match: '4111 1111 1111 1111', start: 5, end: 24, reason: '…' },
 * //  { type: 'EMAIL', match: 'a@b.com', start: 31, end: 38, reason: '…' }]
 * ```
 */
export function detectPii(
  text: string,
  types?: readonly GuardrailPiiEntityType[],
): { type: GuardrailPiiEntityType; match: string; start: number; end: number; reason: string }[] {
  const wanted = new Set(types ?? allPiiTypes());
  const policy = compileSensitivePolicy({ piiEntities: [...wanted].map((type) => ({ type, action: 'NONE' as const })) }, 'INPUT');
  return (policy?.find(text) ?? []).flatMap((finding) =>
    finding.kind === 'pii' ? [{ type: finding.type, match: finding.match, start: finding.start, end: finding.end, reason: finding.reason }] : [],
  );
}
