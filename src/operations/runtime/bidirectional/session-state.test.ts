import { describe, expect, it } from 'vitest';
import { SonicSessionState } from './session-state.js';

const event = (name: string, body: Record<string, unknown>) => ({ event: { [name]: body } });
const promptStart = (extra: Record<string, unknown> = {}) =>
  event('promptStart', { promptName: 'p', audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 24000, voiceId: 'matthew' }, ...extra });

function opened(nova2 = false): SonicSessionState {
  const state = new SonicSessionState({ nova2 });
  state.accept(event('sessionStart', {}));
  state.accept(promptStart());
  return state;
}

describe('SonicSessionState', () => {
  it('turns an interactive USER text block into a turn, and other text into system prompt and history', () => {
    const state = opened();
    const text = (contentName: string, role: string, interactive: boolean, content: string) => {
      state.accept(event('contentStart', { promptName: 'p', contentName, type: 'TEXT', role, interactive }));
      state.accept(event('textInput', { promptName: 'p', contentName, content }));
      return state.accept(event('contentEnd', { promptName: 'p', contentName }));
    };
    expect(text('s', 'SYSTEM', false, 'Be kind.')).toEqual({ type: 'none' });
    expect(text('h', 'ASSISTANT', false, 'Hi.')).toEqual({ type: 'none' });
    expect(text('u', 'USER', true, 'Hello')).toMatchObject({ type: 'userText', text: 'Hello', prompt: { name: 'p', voiceId: 'matthew' } });
    expect(state.system).toEqual(['Be kind.']);
    expect(state.messages).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'Hi.' }] }]);
  });

  it.each([
    ['an audio rate Sonic does not take', { type: 'AUDIO', role: 'USER', audioInputConfiguration: { sampleRateHertz: 44100 } }, 'contentStart.audioInputConfiguration.sampleRateHertz must be one of 8000, 16000; got 44100.'],
    ['an unknown content type', { type: 'VIDEO', role: 'USER' }, 'contentStart.type must be one of "TEXT", "AUDIO", "TOOL"; got "VIDEO".'],
    ['SYSTEM_SPEECH on v1', { type: 'TEXT', role: 'SYSTEM_SPEECH' }, 'contentStart.role must be one of "SYSTEM", "USER", "ASSISTANT", "TOOL"; got "SYSTEM_SPEECH".'],
    ['AUDIO with role ASSISTANT', { type: 'AUDIO', role: 'ASSISTANT', audioInputConfiguration: {} }, 'contentStart: AUDIO content must have role USER, not ASSISTANT.'],
  ])('rejects %s', (_case, body, message) => {
    expect(() => opened().accept(event('contentStart', { promptName: 'p', contentName: 'c', ...body }))).toThrow(message);
  });

  it('takes SYSTEM_SPEECH on Nova 2 Sonic', () => {
    expect(opened(true).accept(event('contentStart', { promptName: 'p', contentName: 'c', type: 'TEXT', role: 'SYSTEM_SPEECH' }))).toEqual({ type: 'none' });
  });

  it('needs tool schemas as JSON text', () => {
    const state = new SonicSessionState({ nova2: false });
    state.accept(event('sessionStart', {}));
    const tools = (json: unknown) => promptStart({ toolConfiguration: { tools: [{ toolSpec: { name: 't', inputSchema: { json } } }] } });
    expect(() => state.accept(tools({ type: 'object' }))).toThrow('promptStart.toolConfiguration.tools[0].toolSpec.inputSchema.json must be a JSON Schema as a string.');
    expect(() => state.accept(tools('{"type":'))).toThrow('promptStart.toolConfiguration.tools[0].toolSpec.inputSchema.json is not a JSON object.');
  });

  it('rejects events of a closed content block, a second prompt, and anything after sessionEnd', () => {
    const state = opened();
    state.accept(event('contentStart', { promptName: 'p', contentName: 'c', type: 'TEXT', role: 'USER' }));
    state.accept(event('contentEnd', { promptName: 'p', contentName: 'c' }));
    expect(() => state.accept(event('textInput', { promptName: 'p', contentName: 'c', content: 'late' }))).toThrow('textInput received for content "c" after its contentEnd.');
    expect(() => state.accept(event('promptStart', { promptName: 'q' }))).toThrow('promptStart "q" received while prompt "p" is still open.');
    expect(state.accept(event('sessionEnd', {}))).toEqual({ type: 'sessionEnd' });
    expect(() => state.accept(event('sessionStart', {}))).toThrow('sessionStart received after sessionEnd.');
  });

  it('makes an audio block still open at promptEnd the user turn', () => {
    const state = opened();
    state.accept(event('contentStart', { promptName: 'p', contentName: 'mic', type: 'AUDIO', role: 'USER', audioInputConfiguration: { sampleRateHertz: 8000 } }));
    state.accept(event('audioInput', { promptName: 'p', contentName: 'mic', content: Buffer.from([1, 2, 3, 4]).toString('base64') }));
    const action = state.accept(event('promptEnd', { promptName: 'p' }));
    expect(action).toMatchObject({ type: 'userAudio', content: { name: 'mic', sampleRateHertz: 8000 } });
    expect(action.type === 'userAudio' && Buffer.concat(action.content.audio)).toEqual(Buffer.from([1, 2, 3, 4]));
  });
});
