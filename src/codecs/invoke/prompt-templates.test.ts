import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../chat/types.js';
import { checkStringList } from './native-body-errors.js';
import { completionStopReason, detectPromptTemplate, parsePrompt } from './prompt-templates.js';

function user(text: string): ChatMessage {
  return { role: 'user', content: [{ type: 'text', text }] };
}

function assistant(text: string): ChatMessage {
  return { role: 'assistant', content: [{ type: 'text', text }] };
}

describe('parsePrompt', () => {
  it('reads a prompt without markers as one user turn', () => {
    expect(detectPromptTemplate('Tell me a joke.')).toBe('plain');
    expect(parsePrompt('  Tell me a joke.\n')).toEqual({ system: [], messages: [user('Tell me a joke.')] });
  });

  it('reads Llama 3 headers, dropping the empty open assistant turn', () => {
    const prompt =
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' +
      '<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>' +
      '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>' +
      '<|start_header_id|>assistant<|end_header_id|>\n\n';
    expect(detectPromptTemplate(prompt)).toBe('llama3');
    expect(parsePrompt(prompt)).toEqual({ system: ['Be brief.'], messages: [user('Hi'), assistant('Hello!'), user('What is 2+2?')] });
  });

  it('reads Llama 4 headers and keeps an open assistant turn with text as a prefill', () => {
    const prompt = '<|begin_of_text|><|header_start|>user<|header_end|>\n\n<|image|>Describe it.<|eot|><|header_start|>assistant<|header_end|>\n\nIt shows';
    expect(parsePrompt(prompt)).toEqual({ system: [], messages: [user('Describe it.'), assistant('It shows')] });
  });

  it('reads Llama 2 / Mistral [INST] turns with a <<SYS>> block', () => {
    const prompt = '<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nName a colour. [/INST] Blue. </s><s>[INST] Another? [/INST]';
    expect(detectPromptTemplate(prompt)).toBe('inst');
    expect(parsePrompt(prompt)).toEqual({ system: ['You are terse.'], messages: [user('Name a colour.'), assistant('Blue.'), user('Another?')] });
  });

  it('reads a Mistral preamble and [SYSTEM_PROMPT] as system prompts, and an answer started after [/INST] as a prefill', () => {
    const prompt = '<s> A chat between a user and an AI.\n[SYSTEM_PROMPT]Answer in French.[/SYSTEM_PROMPT][INST] Hello [/INST] Bonjour';
    expect(parsePrompt(prompt)).toEqual({ system: ['A chat between a user and an AI.', 'Answer in French.'], messages: [user('Hello'), assistant('Bonjour')] });
  });

  it('reads DeepSeek markers, the system text before the first turn, and past reasoning', () => {
    const prompt =
      '<｜begin▁of▁sentence｜>You are helpful.<｜User｜>2+2?<｜Assistant｜><think>\nAdd them.\n</think>\n\n4<｜end▁of▁sentence｜>' +
      '<｜User｜>And 3+3?<｜Assistant｜><think>\n';
    expect(detectPromptTemplate(prompt)).toBe('deepseek');
    expect(parsePrompt(prompt)).toEqual({
      system: ['You are helpful.'],
      messages: [
        user('2+2?'),
        { role: 'assistant', content: [{ type: 'reasoning', text: 'Add them.' }, { type: 'text', text: '4' }] },
        user('And 3+3?'),
      ],
    });
  });

  it('accepts DeepSeek markers typed with ASCII bars', () => {
    expect(parsePrompt('<|User|>Hi<|Assistant|>')).toEqual({ system: [], messages: [user('Hi')] });
  });

  it('reads Claude Human/Assistant turns with a system prompt before the first turn', () => {
    const prompt = 'You are a pirate.\n\nHuman: Hi\n\nAssistant: Arr.\n\nHuman: Where is the gold?\n\nAssistant:';
    expect(detectPromptTemplate(prompt)).toBe('claude');
    expect(parsePrompt(prompt)).toEqual({ system: ['You are a pirate.'], messages: [user('Hi'), assistant('Arr.'), user('Where is the gold?')] });
  });

  it('keeps a Claude prefill and joins consecutive turns of one role', () => {
    const prompt = '\n\nHuman: One.\n\nHuman: Two.\n\nAssistant: {"answer":';
    expect(parsePrompt(prompt)).toEqual({ system: [], messages: [user('One.\n\nTwo.'), assistant('{"answer":')] });
  });

  it('drops unfinished DeepSeek reasoning but keeps an answer begun after </think> as a prefill', () => {
    expect(parsePrompt('<｜User｜>Hi<｜Assistant｜><think>\nThe user').messages).toEqual([user('Hi')]);
    expect(parsePrompt('<｜User｜>Hi<｜Assistant｜><think>\nEasy.\n</think>\n\nHel').messages).toEqual([user('Hi'), assistant('Hel')]);
  });

  it('reads a prompt without the markers of the template it is parsed with as one user turn', () => {
    expect(parsePrompt('Just text.', 'claude')).toEqual({ system: [], messages: [user('Just text.')] });
    expect(parsePrompt('Just text.', 'deepseek')).toEqual({ system: [], messages: [user('Just text.')] });
    expect(parsePrompt('Just text.', 'llama3')).toEqual({ system: [], messages: [user('Just text.')] });
  });
});

describe('shared helpers', () => {
  it('checks string lists in Bedrock schema wording', () => {
    expect(checkStringList(['a', 'b'], '#/stop')).toEqual([]);
    expect(checkStringList('a', '#/stop')).toEqual(['#/stop: expected type: JSONArray, found: String']);
    expect(checkStringList(['a', 1], '#/stop')).toEqual(['#/stop/1: expected type: String, found: Number']);
    expect(checkStringList(['a', 'b', 'c'], '#/stop', 2)).toEqual(['#/stop: expected maximum item count: 2, found: 3']);
  });

  it('maps neutral stop reasons to stop/length', () => {
    expect(completionStopReason('end_turn')).toBe('stop');
    expect(completionStopReason('stop_sequence')).toBe('stop');
    expect(completionStopReason('max_tokens')).toBe('length');
  });
});
