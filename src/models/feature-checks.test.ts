import { describe, expect, it } from 'vitest';
import { ALL_FEATURE_CHECKS, parseFeatureChecksEnv, resolveFeatureChecks } from './feature-checks.js';

describe('parseFeatureChecksEnv', () => {
  it.each([
    [undefined, undefined],
    ['  ', undefined],
    ['off', false],
    ['ON', true],
    ['profileOnly=off', { profileOnly: false }],
    [' profileOnly = off , tools=on ', { profileOnly: false, tools: true }],
  ])('reads %j', (value, expected) => {
    expect(parseFeatureChecksEnv(value)).toEqual(expected);
  });

  it.each(['profileOnly', 'profileOnly=maybe', 'speed=off', 'off,tools=off'])('refuses %j', (value) => {
    expect(() => parseFeatureChecksEnv(value)).toThrow(/LOCAL_BEDROCK_FEATURE_CHECKS/);
  });
});

describe('resolveFeatureChecks', () => {
  it('turns everything on by default', () => {
    expect(resolveFeatureChecks(undefined)).toEqual(ALL_FEATURE_CHECKS);
    expect(Object.values(ALL_FEATURE_CHECKS).every(Boolean)).toBe(true);
  });

  it('applies the environment, then the option over it', () => {
    const settings = resolveFeatureChecks({ vision: true }, 'off');
    expect(settings.vision).toBe(true);
    expect(settings.profileOnly).toBe(false);
    expect(resolveFeatureChecks(false, 'tools=off')).toEqual(Object.fromEntries(Object.keys(ALL_FEATURE_CHECKS).map((name) => [name, false])));
    expect(resolveFeatureChecks({ documents: false }, 'tools=off')).toMatchObject({ documents: false, tools: false, system: true });
  });
});
