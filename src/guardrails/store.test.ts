import { describe, expect, it } from 'vitest';
import { createManualClock } from '../core/clock.js';
import type { GuardrailConfigRequest } from './config-types.js';
import { createGuardrailStore } from './store.js';

const MESSAGES = { blockedInputMessaging: 'in', blockedOutputsMessaging: 'out' };

function store() {
  return createGuardrailStore({ clock: createManualClock('2025-01-01T00:00:00Z'), accountId: '123456789012', region: 'eu-central-1' });
}

function config(words: string[], name = 'g'): GuardrailConfigRequest {
  return { name, ...MESSAGES, wordPolicyConfig: { wordsConfig: words.map((text) => ({ text })) } };
}

describe('guardrail store', () => {
  it('resolves DRAFT and numbered versions by id or ARN, in the GetGuardrail casing', () => {
    const guardrails = store();
    const { guardrailId, guardrailArn } = guardrails.create(config(['a']));
    expect(guardrailArn).toBe(`arn:aws:bedrock:eu-central-1:123456789012:guardrail/${guardrailId}`);
    guardrails.createVersion(guardrailId);
    guardrails.update(guardrailId, config(['b']));
    expect(guardrails.resolve(guardrailArn, '1')).toEqual({
      guardrailId,
      guardrailArn,
      version: '1',
      policies: { ...MESSAGES, wordPolicy: { words: [{ text: 'a' }] } },
    });
    expect(guardrails.resolve(guardrailId, 'DRAFT').policies.wordPolicy).toEqual({ words: [{ text: 'b' }] });
  });

  it('keeps versions immutable even when the caller mutates what it passed or what it got', () => {
    const guardrails = store();
    const request = config(['a']);
    const { guardrailId } = guardrails.create(request);
    request.wordPolicyConfig!.wordsConfig![0]!.text = 'mutated';
    guardrails.createVersion(guardrailId);
    const resolved = guardrails.resolve(guardrailId, '1');
    resolved.policies.wordPolicy!.words!.push({ text: 'added' });
    expect(guardrails.get(guardrailId, '1').wordPolicy).toEqual({ words: [{ text: 'a' }] });
  });

  it('throws the runtime error for an unknown guardrail, version or account', () => {
    const guardrails = store();
    const { guardrailId } = guardrails.create(config(['a']));
    for (const [identifier, version] of [
      ['nothere00000', 'DRAFT'],
      [guardrailId, '1'],
      [`arn:aws:bedrock:eu-central-1:000000000000:guardrail/${guardrailId}`, 'DRAFT'],
    ] as const) {
      expect(() => guardrails.resolve(identifier, version)).toThrow(
        expect.objectContaining({ name: 'ValidationException', message: 'The guardrail identifier or version provided in the request does not exist.' }),
      );
    }
    expect(() => guardrails.get('nothere00000')).toThrow(expect.objectContaining({ name: 'ResourceNotFoundException', statusCode: 404 }));
  });

  it('pages with opaque tokens and refuses a forged one', () => {
    const guardrails = store();
    for (const name of ['a', 'b', 'c']) guardrails.create(config(['x'], name));
    const first = guardrails.list({ maxResults: 2 });
    expect(first.guardrails.map((summary) => summary.name)).toEqual(['a', 'b']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = guardrails.list({ maxResults: 2, nextToken: first.nextToken! });
    expect(second).toEqual({ guardrails: [expect.objectContaining({ name: 'c' })] });
    expect(() => guardrails.list({ nextToken: Buffer.from('other:1').toString('base64url') })).toThrow(expect.objectContaining({ name: 'ValidationException' }));
  });

  it('stamps createdAt/updatedAt from the clock', () => {
    const clock = createManualClock('2025-01-01T00:00:00Z');
    const guardrails = createGuardrailStore({ clock, accountId: '123456789012' });
    const { guardrailId, createdAt } = guardrails.create(config(['a']));
    clock.advance(1000);
    const { updatedAt } = guardrails.update(guardrailId, config(['b']));
    expect([createdAt, updatedAt]).toEqual(['2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z']);
    expect(guardrails.get(guardrailId)).toMatchObject({ createdAt, updatedAt });
  });
});
