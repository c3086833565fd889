import { describe, expect, it } from 'vitest';
import { createManualClock } from '../core/clock.js';
import { CACHE_TTL_MS, createPromptCache } from './prompt-cache.js';

describe('createPromptCache', () => {
  it('expires an entry its TTL after the last use, and a read restarts the TTL', () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const cache = createPromptCache({ clock });
    cache.write('model', 'prefix', '5m');
    clock.advance(CACHE_TTL_MS['5m'] - 1);
    expect(cache.read('model', 'prefix')).toBe(true);
    clock.advance(CACHE_TTL_MS['5m'] - 1);
    expect(cache.read('model', 'prefix')).toBe(true);
    clock.advance(CACHE_TTL_MS['5m']);
    expect(cache.read('model', 'prefix')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('keys by model and exact prefix, and keeps the longer TTL of a rewrite', () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const cache = createPromptCache({ clock });
    cache.write('model-a', 'prefix', '1h');
    cache.write('model-a', 'prefix', '5m');
    expect(cache.read('model-b', 'prefix')).toBe(false);
    expect(cache.read('model-a', 'prefix ')).toBe(false);
    clock.advance(CACHE_TTL_MS['5m'] * 2);
    expect(cache.read('model-a', 'prefix')).toBe(true);
    cache.clear();
    expect(cache.read('model-a', 'prefix')).toBe(false);
  });
});
