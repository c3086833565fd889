import { createHash } from 'node:crypto';
import type { ChatCacheTtl } from '../chat/types.js';
import type { Clock } from '../core/clock.js';

/**
 * The prompt cache of one runtime: which (model, exact prefix) pairs are cached, until when. An entry lives
 * its TTL after its last write or read, on `runtime.clock`, so tests move past expiry with a manual clock.
 */

/**
 * Milliseconds of each TTL.
 *
 * @example
 * clock.advance(CACHE_TTL_MS['5m']); // a 5-minute entry unused since now has expired
 */
export const CACHE_TTL_MS: Readonly<Record<ChatCacheTtl, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
/** A long-lived server sees endless distinct prompts; past this many entries the oldest go first. */
const MAX_ENTRIES = 10_000;

/**
 * A runtime's prompt cache.
 *
 * @example
 * afterEach(() => runtime.promptCache.clear());
 */
export interface PromptCache {
  /** Whether requests are accounted against the cache (option `promptCache`, default on). */
  readonly enabled: boolean;
  /** Whether the prefix is cached and unexpired; a hit extends its life by its TTL. */
  read(modelId: string, prefix: string): boolean;
  /** Caches the prefix for `ttl` (a longer TTL already held is kept). */
  write(modelId: string, prefix: string, ttl: ChatCacheTtl): void;
  /** How many unexpired entries the cache holds. */
  readonly size: number;
  /** Forgets every entry. */
  clear(): void;
}

interface Entry {
  ttlMs: number;
  expiresAt: number;
}

/**
 * Creates an empty prompt cache on a clock.
 *
 * @example
 * const cache = createPromptCache({ clock: createManualClock() });
 * cache.write('anthropic.claude-sonnet-4-5-20250929-v1:0', prefixText, '5m');
 */
export function createPromptCache(options: { clock: Clock; enabled?: boolean }): PromptCache {
  const entries = new Map<string, Entry>();
  const keyOf = (modelId: string, prefix: string) => `${modelId}\n${createHash('sha256').update(prefix).digest('base64')}`;
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= options.clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const touch = (key: string, entry: Entry) => {
    entry.expiresAt = options.clock.now() + entry.ttlMs;
    // Re-inserting keeps the map in least-recently-used order for eviction.
    entries.delete(key);
    entries.set(key, entry);
  };
  return {
    enabled: options.enabled ?? true,
    read(modelId, prefix) {
      const key = keyOf(modelId, prefix);
      const entry = live(key);
      if (!entry) return false;
      touch(key, entry);
      return true;
    },
    write(modelId, prefix, ttl) {
      const key = keyOf(modelId, prefix);
      const ttlMs = Math.max(CACHE_TTL_MS[ttl], live(key)?.ttlMs ?? 0);
      touch(key, { ttlMs, expiresAt: 0 });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
    get size() {
      for (const key of [...entries.keys()]) live(key);
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
