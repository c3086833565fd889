import type { OperationName } from '../router/routes.js';
import { seededRandom } from '../core/seeded-random.js';
import { validateFaultRule, type FaultRule } from './fault-rules.js';

/**
 * Decides, call by call, which fault rule hits. Rules are tried newest first; each counts the calls it
 * matched, so `calls: [2]` means "the second matching call". Probabilities come from a seeded generator, so
 * a failing run repeats exactly with the same seed.
 */

/** The fault rules of one runtime. */
export interface FaultInjector {
  /** Adds a rule (validated at once); returns a function that removes it. */
  add(rule: FaultRule): () => void;
  /** Removes every rule. */
  clear(): void;
  /** The active rules, newest first. */
  readonly rules: readonly FaultRule[];
  /** The rule that hits this call, if any (counting it as a matching call of every rule it matched). */
  pick(operation: OperationName, modelId: string | undefined): FaultRule | undefined;
}

interface ActiveRule {
  rule: FaultRule;
  matched: number;
  hits: number;
}

function matchesModel(pattern: string | undefined, modelId: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (modelId === undefined) return false;
  return pattern.endsWith('*') ? modelId.startsWith(pattern.slice(0, -1)) : modelId === pattern;
}

function matchesOperation(operations: FaultRule['operation'], operation: OperationName): boolean {
  if (operations === undefined) return true;
  return typeof operations === 'string' ? operations === operation : operations.includes(operation);
}

/**
 * Creates a fault injector.
 *
 * @example
 * const faults = createFaultInjector({ seed: 42 });
 * faults.add({ operation: 'Converse', error: 'ThrottlingException', times: 2 });
 */
export function createFaultInjector(options: { rules?: readonly FaultRule[]; seed?: number } = {}): FaultInjector {
  let active: ActiveRule[] = [];
  const random = seededRandom(options.seed ?? 1);
  const injector: FaultInjector = {
    add(rule) {
      validateFaultRule(rule);
      const entry: ActiveRule = { rule, matched: 0, hits: 0 };
      active = [entry, ...active];
      return () => {
        active = active.filter((candidate) => candidate !== entry);
      };
    },
    clear() {
      active = [];
    },
    get rules() {
      return active.map((entry) => entry.rule);
    },
    pick(operation, modelId) {
      if (active.length === 0) return undefined;
      let chosen: FaultRule | undefined;
      for (const entry of active) {
        const { rule } = entry;
        if (!matchesOperation(rule.operation, operation) || !matchesModel(rule.modelId, modelId)) continue;
        entry.matched += 1;
        if (chosen) continue;
        if (rule.times !== undefined && entry.hits >= rule.times) continue;
        if (rule.calls !== undefined && !rule.calls.includes(entry.matched)) continue;
        if (rule.probability !== undefined && random() >= rule.probability) continue;
        entry.hits += 1;
        chosen = rule;
      }
      return chosen;
    },
  };
  // Added last to first, so the first rule listed is the first tried.
  for (const rule of [...(options.rules ?? [])].reverse()) injector.add(rule);
  return injector;
}
