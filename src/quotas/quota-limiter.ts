import type { Clock } from '../core/clock.js';
import { BedrockServiceError } from '../errors/bedrock-errors.js';

/**
 * On-demand quotas as Bedrock applies them, per model and per source (in-region calls and calls through a
 * cross-region profile have separate quotas): requests per minute, tokens per minute and tokens per day,
 * over sliding windows of the runtime's clock. Token burndown follows the service: a call reserves its input
 * plus its `maxTokens` (or the model's maximum output) when it starts, and is settled to
 * `input + cacheWrite + output × burndown rate` when it ends.
 */

/** The quotas of one model. Every limit is optional; none means unlimited. */
export interface ModelQuota {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  tokensPerDay?: number;
  /**
   * How many quota tokens one output token burns. Default: 5 for Claude 3.7 and later Claude models (as
   * the service documents for the Claude 4 generation), 1 for every other model.
   */
  outputTokenBurndownRate?: number;
}

/** Quotas by model id as sent (base id, profile id or ARN), or a prefix ending in `*`; exact ids win. */
export type QuotaTable = Record<string, ModelQuota>;

/** What a call is charged when it ends. */
export interface SettledUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteInputTokens?: number;
}

/** A call admitted under a quota, to be settled when it ends. */
export interface QuotaReservation {
  settle(usage: SettledUsage | undefined): void;
}

/** The quota state of one runtime. */
export interface QuotaLimiter {
  /** Sets (or, with `undefined`, removes) the quota of a model id or `prefix*`. */
  set(modelPattern: string, quota: ModelQuota | undefined): void;
  /** Removes every quota and forgets all usage. */
  clear(): void;
  /** Whether any quota is set (calls skip all quota work otherwise). */
  readonly active: boolean;
  /**
   * Admits a call or throws Bedrock's `ThrottlingException` (429, with `retry-after` in seconds).
   * `undefined` when no quota applies to the model.
   */
  admit(call: { requestedId: string; baseModelId: string; crossRegion: boolean; inputTokens: number; maxTokens: number }): QuotaReservation | undefined;
  /** Requests and tokens counted in the current minute for a model (as sent), for assertions and logs. */
  usage(requestedId: string, baseModelId?: string, crossRegion?: boolean): { requests: number; tokens: number; tokensToday: number };
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CLAUDE_FIVE_TIMES_BURNDOWN = /^anthropic\.claude-(3-7|sonnet-4|opus-4|haiku-4|(opus|sonnet|haiku|fable)-[5-9])/;

interface WindowEntry {
  time: number;
  tokens: number;
}

interface ModelState {
  entries: WindowEntry[];
}

function findQuota(table: QuotaTable, ids: readonly string[]): ModelQuota | undefined {
  for (const id of ids) if (Object.hasOwn(table, id)) return table[id];
  let best: { length: number; quota: ModelQuota } | undefined;
  for (const [key, quota] of Object.entries(table)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (ids.some((id) => id.startsWith(prefix)) && (!best || prefix.length > best.length)) best = { length: prefix.length, quota };
  }
  return best?.quota;
}

function throttled(message: string, retryAfterMilliseconds: number): BedrockServiceError {
  const seconds = Math.max(1, Math.ceil(retryAfterMilliseconds / 1000));
  return new BedrockServiceError('ThrottlingException', message, { headers: { 'retry-after': String(seconds) } });
}

/**
 * Creates a quota limiter on a clock.
 *
 * @example
 * const quotas = createQuotaLimiter({ clock: SYSTEM_CLOCK, quotas: { 'anthropic.*': { requestsPerMinute: 2 } } });
 */
export function createQuotaLimiter(options: { clock: Clock; quotas?: QuotaTable }): QuotaLimiter {
  const table: QuotaTable = { ...options.quotas };
  const states = new Map<string, ModelState>();
  const keyOf = (baseModelId: string, crossRegion: boolean) => `${crossRegion ? 'cross-region' : 'in-region'}|${baseModelId}`;

  /** Drops entries older than a day, and returns the minute's and the day's sums. */
  function sums(state: ModelState, now: number) {
    let firstKept = 0;
    while (firstKept < state.entries.length && state.entries[firstKept]!.time <= now - DAY) firstKept += 1;
    if (firstKept > 0) state.entries.splice(0, firstKept);
    let requests = 0;
    let tokens = 0;
    let tokensToday = 0;
    for (const entry of state.entries) {
      tokensToday += entry.tokens;
      if (entry.time > now - MINUTE) {
        requests += 1;
        tokens += entry.tokens;
      }
    }
    return { requests, tokens, tokensToday };
  }

  /** How long until `needed` tokens (or one request, for `needed` = 0) leave the window. */
  function waitFor(state: ModelState, now: number, window: number, excess: number): number {
    let freed = 0;
    for (const entry of state.entries) {
      if (entry.time <= now - window) continue;
      freed += entry.tokens || 1;
      if (freed >= excess) return entry.time + window - now;
    }
    return window;
  }

  return {
    set(modelPattern, quota) {
      if (quota === undefined) delete table[modelPattern];
      else table[modelPattern] = quota;
    },
    clear() {
      for (const key of Object.keys(table)) delete table[key];
      states.clear();
    },
    get active() {
      // Read on every model call: a count kept by set()/clear() would drift from direct table edits, and a
      // for-in that stops at the first key allocates nothing.
      for (const _key in table) return true;
      return false;
    },
    admit(call) {
      const quota = findQuota(table, [call.requestedId, call.baseModelId]);
      if (!quota) return undefined;
      const key = keyOf(call.baseModelId, call.crossRegion);
      const state = states.get(key) ?? { entries: [] };
      states.set(key, state);
      const now = options.clock.now();
      const current = sums(state, now);
      const reserved = call.inputTokens + call.maxTokens;
      if (quota.requestsPerMinute !== undefined && current.requests + 1 > quota.requestsPerMinute) {
        const oldest = state.entries.find((entry) => entry.time > now - MINUTE);
        throw throttled('Too many requests, please wait before trying again.', oldest ? oldest.time + MINUTE - now : MINUTE);
      }
      if (quota.tokensPerMinute !== undefined && current.tokens + reserved > quota.tokensPerMinute) {
        throw throttled('Too many tokens, please wait before trying again.', waitFor(state, now, MINUTE, current.tokens + reserved - quota.tokensPerMinute));
      }
      if (quota.tokensPerDay !== undefined && current.tokensToday + reserved > quota.tokensPerDay) {
        throw throttled('Too many tokens per day, please wait before trying again.', waitFor(state, now, DAY, current.tokensToday + reserved - quota.tokensPerDay));
      }
      const entry: WindowEntry = { time: now, tokens: reserved };
      state.entries.push(entry);
      const rate = quota.outputTokenBurndownRate ?? (CLAUDE_FIVE_TIMES_BURNDOWN.test(call.baseModelId) ? 5 : 1);
      let settled = false;
      return {
        settle(usage) {
          if (settled) return;
          settled = true;
          // A call that failed before the model ran is not charged; one that ran is charged what it used.
          entry.tokens = usage ? usage.inputTokens + (usage.cacheWriteInputTokens ?? 0) + usage.outputTokens * rate : 0;
        },
      };
    },
    usage(requestedId, baseModelId = requestedId, crossRegion = false) {
      const state = states.get(keyOf(baseModelId, crossRegion));
      return state ? sums(state, options.clock.now()) : { requests: 0, tokens: 0, tokensToday: 0 };
    },
  };
}

/**
 * Reads a quota table from JSON (the `LOCAL_BEDROCK_QUOTAS` environment variable).
 *
 * @example
 * parseQuotaTable('{"anthropic.*":{"requestsPerMinute":50,"tokensPerMinute":200000}}');
 */
export function parseQuotaTable(text: string | undefined): QuotaTable | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as QuotaTable;
  } catch {
    // Reported below.
  }
  throw new TypeError('[local-bedrock] LOCAL_BEDROCK_QUOTAS must be a JSON object: {"<model id or prefix*>": {"requestsPerMinute": n, "tokensPerMinute": n, "tokensPerDay": n}}.');
}
