/**
 * Testing your own retry logic against injected faults: `bedrock.fail()`, `bedrock.cutStream()`,
 * `bedrock.dropConnection()` and `bedrock.quotas()` make local Bedrock throttle, cut streams and reset
 * connections on cue, so every branch of a retry wrapper runs in milliseconds — no real waiting, because
 * the wrapper's `sleep` is injected and quotas follow a manual clock.
 * Run in this repository: `npx vitest run examples/vitest` (`npm test` runs it too).
 */
import { ConverseCommand, ConverseStreamCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { createManualClock } from 'local-bedrock';
import { createBedrockTest, expect } from 'local-bedrock/vitest';
import { describe } from 'vitest';

// ---------------------------------------------------------------------------------------------------------
// The code under test. In your project it lives in your code; here it sits next to its tests.

const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const RETRYABLE = new Set(['ThrottlingException', 'ServiceUnavailableException', 'InternalServerException', 'ModelNotReadyException']);
const NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  /** How to wait; tests pass one that records the delays (or moves a clock) instead of waiting. */
  sleep?: (milliseconds: number) => Promise<void>;
}

type SdkError = Error & { code?: string; $response?: { headers?: Record<string, string | undefined> } };

/** How long to wait before the next attempt, or `undefined` when the error is not worth another one. */
function retryDelay(error: SdkError, attempt: number, baseDelayMs: number): number | undefined {
  if (!RETRYABLE.has(error.name) && !NETWORK_ERRORS.has(error.code ?? '')) return undefined;
  const retryAfter = Number(error.$response?.headers?.['retry-after']);
  return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : baseDelayMs * 2 ** (attempt - 1);
}

/** Calls `call` until it succeeds, backing off exponentially (or as `retry-after` says) between attempts. */
async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 4, baseDelayMs = 100, sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = retryDelay(error as SdkError, attempt, baseDelayMs);
      if (delay === undefined || attempt >= attempts) throw error;
      await sleep(delay);
    }
  }
}

/** Asks one question. */
async function ask(client: BedrockRuntimeClient, question: string, options?: RetryOptions): Promise<string> {
  const output = await withRetries(() => client.send(new ConverseCommand({ modelId: MODEL_ID, messages: [{ role: 'user', content: [{ text: question }] }] })), options);
  return output.output?.message?.content?.map((block) => block.text ?? '').join('') ?? '';
}

/** Streams an answer; a stream that fails midway is started again, and the partial text thrown away. */
async function askStreaming(client: BedrockRuntimeClient, question: string, options?: RetryOptions): Promise<string> {
  return withRetries(async () => {
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: MODEL_ID, messages: [{ role: 'user', content: [{ text: question }] }] }));
    let text = '';
    for await (const event of stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    return text;
  }, options);
}

// ---------------------------------------------------------------------------------------------------------
// The tests. The fixture's clients get `maxAttempts: 1`, so every retry seen is the wrapper's, not the SDK's.

const test = createBedrockTest({ clientConfig: { maxAttempts: 1 } });

/** A `sleep` that returns at once and remembers what it was asked to wait. */
function recordingSleep(): { sleep: (milliseconds: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (milliseconds) => void waits.push(milliseconds) };
}

describe('withRetries', () => {
  test('backs off exponentially through throttling, then answers', async ({ bedrock }) => {
    bedrock.on('Converse').reply({ text: 'Answered.' });
    bedrock.fail('Converse', { error: 'ThrottlingException', times: 2 });
    const { sleep, waits } = recordingSleep();

    expect(await ask(bedrock.runtimeClient, 'Hello?', { sleep })).toBe('Answered.');
    expect(waits).toEqual([100, 200]);
    expect(bedrock).toHaveConversedTimes(3);
  });

  test('waits as long as retry-after says', async ({ bedrock }) => {
    bedrock.fail('Converse', { error: 'ThrottlingException', retryAfterSeconds: 3, times: 1 });
    const { sleep, waits } = recordingSleep();
    await ask(bedrock.runtimeClient, 'Hello?', { sleep });
    expect(waits).toEqual([3000]);
  });

  test('gives up after its attempts and surfaces the throttling', async ({ bedrock }) => {
    bedrock.fail('Converse', 'ThrottlingException');
    const { sleep, waits } = recordingSleep();
    await expect(ask(bedrock.runtimeClient, 'Hello?', { sleep, attempts: 4 })).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(waits).toEqual([100, 200, 400]);
    expect(bedrock).toHaveConversedTimes(4);
  });

  test('does not retry what retrying cannot fix', async ({ bedrock }) => {
    bedrock.fail('Converse', { error: 'AccessDeniedException', message: 'You do not have access to this model.' });
    const { sleep, waits } = recordingSleep();
    await expect(ask(bedrock.runtimeClient, 'Hello?', { sleep })).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(waits).toEqual([]);
    expect(bedrock).toHaveConversedTimes(1);
  });

  test('retries a dropped connection', async ({ bedrock }) => {
    bedrock.on('Converse').reply({ text: 'Back online.' });
    bedrock.dropConnection('Converse', { times: 1 });
    const { sleep, waits } = recordingSleep();
    expect(await ask(bedrock.runtimeClient, 'Hello?', { sleep })).toBe('Back online.');
    expect(waits).toHaveLength(1);
  });

  test('starts a stream cut by throttling over, without keeping the partial text', async ({ bedrock }) => {
    bedrock.on('ConverseStream').reply({ text: 'A complete answer, in several pieces.' });
    bedrock.cutStream('ConverseStream', { afterEvents: 3, exception: 'throttlingException', times: 1 });
    const { sleep } = recordingSleep();
    expect(await askStreaming(bedrock.runtimeClient, 'Hello?', { sleep })).toBe('A complete answer, in several pieces.');
    expect(bedrock).toHaveConversedTimes(2);
  });
});

describe('withRetries under a quota', () => {
  // Quotas count requests over a sliding minute of the runtime's clock: a manual clock that the injected
  // `sleep` moves lets the wrapper "wait out" the quota instantly.
  const clock = createManualClock('2026-01-01T09:00:00Z');
  const quotaTest = createBedrockTest({ clock, clientConfig: { maxAttempts: 1 } });

  quotaTest('spreads a burst over the requests-per-minute quota', async ({ bedrock }) => {
    bedrock.quotas({ 'anthropic.*': { requestsPerMinute: 2 } });
    const waits: number[] = [];
    const sleep = async (milliseconds: number) => {
      waits.push(milliseconds);
      clock.advance(milliseconds);
    };
    for (const question of ['one', 'two', 'three']) await ask(bedrock.runtimeClient, question, { sleep });
    // The third call was throttled with retry-after: 60, waited a (simulated) minute, and went through.
    expect(waits).toEqual([60_000]);
    expect(bedrock).toHaveConversedTimes(4);
  });
});
