/**
 * Guardrail policy engine throughput, and whether its cost per character stays flat as the text grows.
 *
 *   npx tsx bench/guardrails.bench.ts
 *
 * One guardrail with every policy running (denied topics, all content filters, custom words + PROFANITY, all
 * 31 PII entity types + a custom regex, contextual grounding) evaluates OUTPUT text of 10 KB and 1 MB built
 * from the same realistic paragraphs (some PII, some profanity). It prints characters/s per size and the ratio
 * of per-character cost, 1 MB / 10 KB: 1.0 means perfectly linear; the target is ≤ 1.5.
 *
 * It measures the build (`dist/guardrails.js`; `npm run build` first) when there is one, else the TypeScript
 * sources through tsx, whose helpers make the code look slower than it is.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GuardrailEvaluationRequest, GuardrailPiiEntityType, GuardrailPolicies } from '../src/guardrails/index.js';
import { median } from './timing.js';

// Computed paths, so that typechecking needs neither a build nor this file's runtime choice.
const DIST = fileURLToPath(new URL('../dist/guardrails.js', import.meta.url));
const BUILD = existsSync(DIST) ? DIST : fileURLToPath(new URL('../src/guardrails/index.ts', import.meta.url));
const { evaluateGuardrail } = (await import(BUILD)) as typeof import('../src/guardrails/index.js');

const PII_TYPES: GuardrailPiiEntityType[] = [
  'ADDRESS', 'AGE', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'CA_HEALTH_NUMBER', 'CA_SOCIAL_INSURANCE_NUMBER', 'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY', 'CREDIT_DEBIT_CARD_NUMBER', 'DRIVER_ID', 'EMAIL', 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'IP_ADDRESS',
  'LICENSE_PLATE', 'MAC_ADDRESS', 'NAME', 'PASSWORD', 'PHONE', 'PIN', 'SWIFT_CODE', 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER', 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER', 'URL', 'USERNAME', 'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER', 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', 'US_PASSPORT_NUMBER', 'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
];

const POLICIES: GuardrailPolicies = {
  blockedInputMessaging: 'Blocked.',
  blockedOutputsMessaging: 'Blocked.',
  topicPolicy: {
    topics: [
      { name: 'Investing', definition: 'Recommendations about investing in stocks, bonds or cryptocurrency.', examples: ['Which stocks should I buy?', 'Is bitcoin a good investment?'], type: 'DENY' },
      { name: 'Medical diagnosis', definition: 'Diagnosing an illness from symptoms or prescribing medication.', examples: ['What disease do I have if my chest hurts?'], type: 'DENY' },
    ],
  },
  contentPolicy: {
    filters: (['SEXUAL', 'VIOLENCE', 'HATE', 'INSULTS', 'MISCONDUCT'] as const).map((type) => ({ type, inputStrength: 'HIGH' as const, outputStrength: 'HIGH' as const })),
  },
  wordPolicy: { words: [{ text: 'Project Falcon' }, { text: 'internal only' }], managedWordLists: [{ type: 'PROFANITY' }] },
  sensitiveInformationPolicy: {
    piiEntities: PII_TYPES.map((type) => ({ type, action: 'ANONYMIZE' as const })),
    regexes: [{ name: 'ticket', pattern: 'TCK-\\d{4}', action: 'ANONYMIZE' }],
  },
  contextualGroundingPolicy: { filters: [{ type: 'GROUNDING', threshold: 0.5 }, { type: 'RELEVANCE', threshold: 0.3 }] },
};

const PARAGRAPHS = [
  'Thanks for reaching out about your order. Our support team reviewed the shipment history and found that the parcel left the warehouse on Tuesday. You can follow it at https://tracking.example.com/parcel/8812 or reply to this message.',
  'Hi, this is Sarah Johnson. Please send the invoice to sarah.johnson@example.org and call me on (415) 555-2671 if anything is unclear. My card 4111 1111 1111 1111 expires 09/27.',
  'The quarterly report shows revenue growth across all regions. Costs rose slightly because of new hiring, but margins remained healthy. The board will discuss the budget for next year in the meeting on Thursday.',
  'Honestly this damn printer is a piece of crap and the manual is useless. I spent the whole afternoon fixing it, and the paper tray still jams every third page.',
  'Server 10.20.30.40 failed its health check; the replacement has MAC 00:1A:2B:3C:4D:5E. Ticket TCK-4821 tracks the incident. Nothing about Project Falcon should appear in this log.',
  'Our office moved to 221 Baker Street, London. Visitors should sign in at reception and wear their badge at all times. Parking is limited, so please use public transport where possible.',
  'The recipe needs two cups of flour, a pinch of salt and three eggs. Whisk everything together, let the batter rest for ten minutes, then bake at 180 degrees until golden.',
  'Which stocks should I buy this year, and is bitcoin still a good investment? I have some savings and want advice.',
];

function corpus(size: number): string {
  let text = '';
  for (let index = 0; text.length < size; index++) text += PARAGRAPHS[index % PARAGRAPHS.length] + (index % 3 === 2 ? '\n\n' : ' ');
  return text.slice(0, size);
}

function request(text: string): GuardrailEvaluationRequest {
  return {
    source: 'OUTPUT',
    content: [
      { text: { text: PARAGRAPHS.join(' '), qualifiers: ['grounding_source'] } },
      { text: { text: 'What happened to my order?', qualifiers: ['query'] } },
      { text: { text, qualifiers: ['guard_content'] } },
    ],
  };
}

async function measure(size: number, runs: number): Promise<{ msPerRun: number; charsPerSecond: number; findings: number }> {
  const input = request(corpus(size));
  let findings = 0;
  for (let index = 0; index < 2; index++) findings = (await evaluateGuardrail(POLICIES, input)).explanations.length; // warm-up
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const start = process.hrtime.bigint();
    await evaluateGuardrail(POLICIES, input);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const msPerRun = median(times);
  return { msPerRun, charsPerSecond: (size / msPerRun) * 1000, findings };
}

const small = await measure(10_000, Number(process.env.BENCH_SMALL_RUNS ?? 60));
const large = await measure(1_000_000, Number(process.env.BENCH_LARGE_RUNS ?? 5));
const format = (value: number) => Math.round(value).toLocaleString('en-US');
console.log(`source: ${BUILD === DIST ? BUILD : 'TypeScript sources (tsx)'}`);
console.log('size   | ms per evaluation | characters/s   | findings');
console.log(`10 KB  | ${small.msPerRun.toFixed(2).padStart(17)} | ${format(small.charsPerSecond).padStart(14)} | ${small.findings}`);
console.log(`1 MB   | ${large.msPerRun.toFixed(2).padStart(17)} | ${format(large.charsPerSecond).padStart(14)} | ${large.findings}`);
const ratio = large.msPerRun / 1_000_000 / (small.msPerRun / 10_000);
console.log(`per-character cost, 1 MB / 10 KB: ${ratio.toFixed(2)}× (target ≤ 1.5×)`);
