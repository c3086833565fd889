import { describe, expect, it } from 'vitest';
import { anthropicCacheCheckpoints } from './anthropic-checkpoints.js';
import { converseCacheCheckpoints } from './converse-checkpoints.js';

const ephemeral = { type: 'ephemeral' };

describe('checkpoint positions', () => {
  it('counts Claude blocks as the decoder keeps them: custom tools, text system blocks, joined turns', () => {
    const checkpoints = anthropicCacheCheckpoints({
      tools: [{ type: 'bash_20250124', name: 'bash' }, { name: 'lookup', input_schema: {}, cache_control: ephemeral }],
      system: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: 'first' },
        { role: 'user', content: [{ type: 'text', text: 'second', cache_control: ephemeral }] },
        { role: 'assistant', content: [{ type: 'text', text: 'answer', cache_control: ephemeral }] },
      ],
    });
    expect(checkpoints).toEqual([
      { section: 'tools', after: 1, ttl: '5m', blockPath: 'tools.1' },
      { section: 'system', after: 1, ttl: '1h', blockPath: 'system.0' },
      { section: 'messages', message: 0, after: 2, ttl: '5m', blockPath: 'messages.1.content.0' },
      { section: 'messages', message: 1, after: 1, ttl: '5m', blockPath: 'messages.2.content.0' },
    ]);
  });

  it('places a Converse cachePoint after the blocks before it', () => {
    const checkpoints = converseCacheCheckpoints({
      toolConfig: { tools: [{ toolSpec: { name: 'a' } }, { cachePoint: { type: 'default' } }] },
      system: [{ text: 'one' }, { guardContent: { text: { text: 'two' } } }, { cachePoint: { type: 'default', ttl: '1h' } }],
      messages: [{ role: 'user', content: [{ text: 'q' }, { cachePoint: { type: 'default' } }, { text: 'r' }] }],
    });
    expect(checkpoints).toEqual([
      { section: 'tools', after: 1, ttl: '5m', blockPath: 'tools.0' },
      { section: 'system', after: 2, ttl: '1h', blockPath: 'system.1' },
      { section: 'messages', message: 0, after: 1, ttl: '5m', blockPath: 'messages.0.content.0' },
    ]);
  });
});
