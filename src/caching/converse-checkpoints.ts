import type { ChatCacheCheckpoint, ChatCacheTtl } from '../chat/types.js';
import type { ConstraintErrors } from '../codecs/constraint-errors.js';
import { asArray, asObject } from '../codecs/json-values.js';

/**
 * Converse `cachePoint` blocks (in `toolConfig.tools`, `system` and message content) → neutral checkpoints.
 * Positions count what the Converse parser keeps: tools other than `cachePoint`/`systemTool` entries,
 * `text`/`guardContent` system blocks, and every content block that is not a `cachePoint`.
 */

function readCachePoint(value: unknown, path: string, errors: ConstraintErrors | undefined): ChatCacheTtl {
  const point = asObject(value) ?? {};
  errors?.checkRequired(`${path}.cachePoint.type`, point.type);
  errors?.checkEnum(`${path}.cachePoint.type`, point.type, ['default']);
  errors?.checkEnum(`${path}.cachePoint.ttl`, point.ttl, ['5m', '1h']);
  return point.ttl === '1h' ? '1h' : '5m';
}

/** Claude names the block a checkpoint closes; a checkpoint first in its list closes nothing, so it names index 0. */
const closedIndex = (after: number) => Math.max(0, after - 1);

/**
 * The checkpoints of a Converse (or Nova `messages-v1`) body, in request order. Constraint violations of the
 * `cachePoint` members (type, ttl) are added to `errors`.
 *
 * @example
 * converseCacheCheckpoints({ system: [{ text: 'rules' }, { cachePoint: { type: 'default' } }], messages: [] });
 * // [{ section: 'system', after: 1, ttl: '5m', blockPath: 'system.0' }]
 */
export function converseCacheCheckpoints(body: Record<string, unknown>, errors?: ConstraintErrors): ChatCacheCheckpoint[] {
  const checkpoints: ChatCacheCheckpoint[] = [];
  let tools = 0;
  (asArray(asObject(body.toolConfig)?.tools) ?? []).forEach((raw, index) => {
    const tool = asObject(raw) ?? {};
    if ('cachePoint' in tool) {
      const ttl = readCachePoint(tool.cachePoint, `toolConfig.tools.${index + 1}.member`, errors);
      checkpoints.push({ section: 'tools', after: tools, ttl, blockPath: `tools.${closedIndex(tools)}` });
    } else if (!('systemTool' in tool)) tools += 1;
  });
  let system = 0;
  (asArray(body.system) ?? []).forEach((raw, index) => {
    const block = asObject(raw) ?? {};
    if ('cachePoint' in block) {
      const ttl = readCachePoint(block.cachePoint, `system.${index + 1}.member`, errors);
      checkpoints.push({ section: 'system', after: system, ttl, blockPath: `system.${closedIndex(system)}` });
    } else if ('text' in block || 'guardContent' in block) system += 1;
  });
  (asArray(body.messages) ?? []).forEach((rawMessage, message) => {
    let parts = 0;
    (asArray(asObject(rawMessage)?.content) ?? []).forEach((raw, index) => {
      const block = asObject(raw) ?? {};
      if ('cachePoint' in block && block.cachePoint !== undefined && block.cachePoint !== null) {
        const ttl = readCachePoint(block.cachePoint, `messages.${message + 1}.member.content.${index + 1}.member`, errors);
        checkpoints.push({ section: 'messages', message, after: parts, ttl, blockPath: `messages.${message}.content.${closedIndex(parts)}` });
      } else parts += 1;
    });
  });
  return checkpoints;
}
