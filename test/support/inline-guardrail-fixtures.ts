import type { LocalBedrockOptions } from '../../src/index.js';

/** The id of the guardrail every inline-guardrail test declares. */
export const GUARDRAIL_ID = 'inlinetest01';
export const BLOCKED_INPUT = 'Sorry, I cannot take that request.';
export const BLOCKED_OUTPUT = 'Sorry, I cannot give that answer.';

/** One guardrail with every policy kind the inline tests exercise, as a runtime declaration (DRAFT and version 1). */
export const GUARDRAILS: NonNullable<LocalBedrockOptions['guardrails']> = [
  {
    guardrailId: GUARDRAIL_ID,
    name: 'inline-test',
    blockedInputMessaging: BLOCKED_INPUT,
    blockedOutputsMessaging: BLOCKED_OUTPUT,
    wordPolicyConfig: { wordsConfig: [{ text: 'pineapple' }] },
    sensitiveInformationPolicyConfig: {
      piiEntitiesConfig: [
        { type: 'EMAIL', action: 'ANONYMIZE' },
        { type: 'US_SOCIAL_SECURITY_NUMBER', action: 'BLOCK' },
      ],
    },
    contentPolicyConfig: { filtersConfig: [{ type: 'INSULTS', inputStrength: 'HIGH', outputStrength: 'HIGH' }] },
    topicPolicyConfig: {
      topicsConfig: [
        {
          name: 'Investing',
          definition: 'Advice on which stocks, bonds or funds to buy or sell for investment returns.',
          examples: ['Which stocks should I buy?', 'Should I invest in bonds or index funds?'],
          type: 'DENY',
        },
      ],
    },
    contextualGroundingPolicyConfig: { filtersConfig: [{ type: 'GROUNDING', threshold: 0.7 }] },
    versions: 1,
  },
];

/** Prompts and answers each policy catches, and their harmless twins. */
export const TEXTS = {
  clean: 'What is the capital of France?',
  word: 'Can you tell me a recipe with pineapple in it?',
  insult: 'You are a stupid, worthless idiot and a moron.',
  topic: 'Which stocks should I buy to invest my savings?',
  ssn: 'My social security number is 123-45-6789.',
  email: 'Write to jane.doe@example.com for the details, thanks!',
  groundingSource: 'The Eiffel Tower is 330 metres tall and stands on the Champ de Mars in Paris.',
  groundingQuery: 'How tall is the Eiffel Tower?',
  grounded: 'The Eiffel Tower is 330 metres tall.',
  ungrounded: 'Bananas are yellow tropical fruits that are rich in potassium.',
} as const;

/** A long harmless text (more than one 1 000-character guardrail chunk). */
export const LONG_CLEAN = 'The sky is blue and the grass is green today. '.repeat(30);
