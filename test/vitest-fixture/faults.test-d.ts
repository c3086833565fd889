/**
 * Type tests of the fixture's fault and quota methods: `npx tsc --noEmit` checks this file (tsconfig includes
 * test/). Each `@ts-expect-error` line must fail to compile. Nothing here runs.
 */
import { expectTypeOf } from 'vitest';
import type { FaultRule } from '../../src/index.js';
import type { DropConnectionFault, FaultScripting, LocalBedrockFixture, RemoveFault } from '../../src/testing/vitest.js';

declare const bedrock: LocalBedrockFixture;

expectTypeOf<LocalBedrockFixture>().toExtend<FaultScripting>();

// --- fail ------------------------------------------------------------------------------------------------
expectTypeOf(bedrock.fail('Converse', { error: 'ThrottlingException', times: 2 })).toEqualTypeOf<RemoveFault>();
bedrock.fail('Converse', 'ServiceUnavailableException');
bedrock.fail(['Converse', 'InvokeModel'], { error: 'ModelTimeoutException', modelId: 'anthropic.*', calls: [2], retryAfterSeconds: 3, message: 'Slow.' });
bedrock.fail('ListFoundationModels', { error: 'AccessDeniedException', probability: 0.5, latencyMs: 10 });
// @ts-expect-error: operations are named as the SDK names them
bedrock.fail('converse', 'ThrottlingException');
// @ts-expect-error: not an operation
bedrock.fail('Conversation', 'ThrottlingException');
// @ts-expect-error: not a Bedrock exception
bedrock.fail('Converse', 'TeapotException');
// @ts-expect-error: a fail needs its exception
bedrock.fail('Converse', { times: 2 });
// @ts-expect-error: not a field of a fault
bedrock.fail('Converse', { error: 'ThrottlingException', time: 2 });
// @ts-expect-error: a stream cut is not a fail
bedrock.fail('ConverseStream', { error: 'ThrottlingException', afterEvents: 2 });

// --- cutStream -------------------------------------------------------------------------------------------
bedrock.cutStream('ConverseStream', { afterEvents: 3, exception: 'throttlingException' });
bedrock.cutStream(['ConverseStream', 'InvokeModelWithResponseStream'], { afterEvents: 0, times: 1 });
// @ts-expect-error: only streaming operations have a stream to cut
bedrock.cutStream('Converse', { afterEvents: 3 });
// @ts-expect-error: …not even in a list
bedrock.cutStream(['ConverseStream', 'InvokeModel'], { afterEvents: 3 });
// @ts-expect-error: stream exceptions are named as the stream union's members (lowerCamel)
bedrock.cutStream('ConverseStream', { afterEvents: 3, exception: 'ThrottlingException' });
// @ts-expect-error: a cut needs its position
bedrock.cutStream('ConverseStream', { exception: 'throttlingException' });

// --- dropConnection --------------------------------------------------------------------------------------
bedrock.dropConnection('Converse');
bedrock.dropConnection('Converse', { times: 1 });
bedrock.dropConnection('ConverseStream', { afterEvents: 2 });
bedrock.dropConnection(['ConverseStream', 'InvokeModelWithResponseStream'], { afterEvents: 2, modelId: 'anthropic.*' });
// @ts-expect-error: a non-streaming answer has no events to drop after
bedrock.dropConnection('Converse', { afterEvents: 2 });
// @ts-expect-error: …nor has a list with one non-streaming operation in it
bedrock.dropConnection(['Converse', 'ConverseStream'], { afterEvents: 2 });
expectTypeOf<DropConnectionFault<'ConverseStream'>>().toHaveProperty('afterEvents');

// --- delay -----------------------------------------------------------------------------------------------
bedrock.delay('Converse', { latencyMs: 5000, times: 1 });
// @ts-expect-error: a delay needs its length
bedrock.delay('Converse', { times: 1 });
// @ts-expect-error: the length is a number of milliseconds
bedrock.delay('Converse', { latencyMs: '5s' });

// --- quotas ----------------------------------------------------------------------------------------------
bedrock.quotas({ 'anthropic.*': { requestsPerMinute: 2, tokensPerMinute: 10_000, tokensPerDay: 1_000_000, outputTokenBurndownRate: 5 } });
bedrock.quotas({ 'anthropic.*': undefined });
// @ts-expect-error: not a quota
bedrock.quotas({ 'anthropic.*': { requestsPerSecond: 2 } });
// @ts-expect-error: a limit is a number
bedrock.quotas({ 'anthropic.*': { requestsPerMinute: '2' } });

// The rules they add are ordinary fault rules.
expectTypeOf(bedrock.runtime.faults.rules).toEqualTypeOf<readonly FaultRule[]>();
