/**
 * `local-bedrock/vitest`: a `bedrock` fixture for vitest (a fresh runtime and ready SDK clients per test),
 * scripting that reads as a sentence, fault injection and quotas, a typed call log, and matchers. Importing
 * this module registers the matchers with `expect.extend`.
 */
import { expect, test as baseTest, type TestAPI } from 'vitest';
import { createLocalBedrock, type LocalBedrockFixture, type LocalBedrockTestOptions } from './fixture.js';
import { localBedrockMatchers, type LocalBedrockMatchers } from './matchers.js';

expect.extend(localBedrockMatchers);

declare module 'vitest' {
  // Vitest declares `Assertion<T = any>`; an augmentation has to repeat its type parameters exactly.
  interface Assertion<T = any> extends LocalBedrockMatchers {}
}

/**
 * What the fixture adds to each test's context: `bedrock`, and the options it is built from (override them
 * for a suite with `test.override({ bedrockOptions })`, or `test.scoped` before vitest 4).
 *
 * @example
 * const myTest: TestAPI<BedrockTestContext> = createBedrockTest();
 */
export interface BedrockTestContext {
  /** This test's local Bedrock: a fresh runtime, its clients, scripting and call log. */
  bedrock: LocalBedrockFixture;
  /** The options `bedrock` is created with. */
  bedrockOptions: LocalBedrockTestOptions;
}

/**
 * Builds a vitest `test` whose tests get a `bedrock` fixture created with these options: a fresh runtime
 * per test (so tests, concurrent ones and parallel workers included, share nothing), disposed after it.
 *
 * @example
 * const test = createBedrockTest({ modelMap: { 'anthropic.*': 'qwen3' }, setup: (bedrock) => bedrock.on('Converse').reply({ text: 'Hi' }) });
 * test('greets', async ({ bedrock }) => {
 *   await bedrock.runtimeClient.send(new ConverseCommand({ modelId, messages }));
 *   expect(bedrock).toHaveConversed();
 * });
 */
export function createBedrockTest(options: LocalBedrockTestOptions = {}): TestAPI<BedrockTestContext> {
  return baseTest.extend<BedrockTestContext>({
    bedrockOptions: options,
    // Vitest reads the fixtures a fixture needs from its destructured first parameter.
    bedrock: async ({ bedrockOptions }, use) => {
      const bedrock = createLocalBedrock(bedrockOptions);
      try {
        await use(bedrock);
      } finally {
        await bedrock.dispose();
      }
    },
  });
}

/**
 * Vitest's `test`, with a `bedrock` fixture using the default options (scripted backend).
 *
 * @example
 * import { test, expect } from 'local-bedrock/vitest';
 * test('answers from the script', async ({ bedrock }) => {
 *   bedrock.on('Converse').reply({ text: 'Hello!' });
 *   const output = await bedrock.runtimeClient.send(new ConverseCommand({ modelId, messages }));
 *   expect(output.output?.message?.content?.[0]?.text).toBe('Hello!');
 * });
 */
export const test: TestAPI<BedrockTestContext> = createBedrockTest();

/**
 * The same as `test`, for suites written with `it`.
 *
 * @example
 * it('converses', async ({ bedrock }) => {
 *   await bedrock.runtimeClient.send(new ConverseCommand({ modelId, messages }));
 *   expect(bedrock).toHaveConversed();
 * });
 */
export const it: TestAPI<BedrockTestContext> = test;

/**
 * Vitest's `expect`, re-exported so a test file needs one import; the matchers are registered on it.
 *
 * @example
 * import { expect, test } from 'local-bedrock/vitest';
 * test('converses', async ({ bedrock }) => {
 *   expect(bedrock).not.toHaveConversed();
 * });
 */
export { expect };
export { createLocalBedrock } from './fixture.js';
export type { LocalBedrockFixture, LocalBedrockTestOptions } from './fixture.js';
export { localBedrockMatchers } from './matchers.js';
export type { CallExpectation, ConverseExpectation, DeepPartial, InvokeExpectation, LocalBedrockMatchers } from './matchers.js';
export type { CallMatch, ReplyChain, ReplyChainFor, StreamBreaking } from './scripting.js';
export type { DelayFault, DropConnectionFault, FailFault, FaultScripting, FaultTarget, RemoveFault, StreamCutFault } from './faults.js';
export type { FaultRule, StreamFaultException } from '../faults/fault-rules.js';
export type { ModelQuota, QuotaTable } from '../quotas/quota-limiter.js';
export { promptOf, systemOf } from './calls.js';
export type {
  BedrockCall,
  JsonObject,
  RecordedErrorBody,
  RecordedRequestBodies,
  RecordedResponseBodies,
  RecordedStreamEvent,
  ScriptableOperation,
  StreamingOperation,
} from './calls.js';
export type { ScriptedError, ScriptedReply, ScriptedReplySource, ScriptedToolUse } from '../backends/scripted/script.js';
export type { ChatRequest } from '../chat/types.js';
export type { RecordedCall } from '../core/call-log.js';
export type { OperationName } from '../router/routes.js';
export { schemaProblems, testBackend } from './backend-conformance.js';
export type { BackendCapabilities, BackendConformanceOptions, BackendFactory, ConformanceContext, ConformanceDoor, ConformanceReply } from './backend-conformance.js';
