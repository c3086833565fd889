import type { ChatRequest, ChatTool, ChatToolChoice } from '../../chat/types.js';

/**
 * The tools and tool choice of a neutral request. Native APIs have a `none` choice that Converse lacks:
 * it means the model may not call a tool, which a neutral request expresses by offering none.
 */
export function toolsForChoice(tools: ChatTool[], choice: ChatToolChoice | 'none' | undefined): Pick<ChatRequest, 'tools' | 'toolChoice'> {
  return choice === 'none' ? { tools: [], toolChoice: undefined } : { tools, toolChoice: choice };
}
