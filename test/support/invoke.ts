import { InvokeModelCommand, InvokeModelWithResponseStreamCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

/** What an InvokeModel call gave back: the parsed body, the SDK output, and the raw response headers. */
export interface InvokeResult {
  body: Record<string, unknown>;
  contentType: string | undefined;
  headers: Record<string, string>;
}

/**
 * Sends a native body with `InvokeModelCommand` and parses the answer. Raw response headers (the token
 * counts Bedrock sends but the SDK does not model) are captured by a middleware, as users read them.
 */
export async function invoke(client: BedrockRuntimeClient, modelId: string, body: unknown, extra: Record<string, unknown> = {}): Promise<InvokeResult> {
  const headers: Record<string, string> = {};
  const command = new InvokeModelCommand({ modelId, body: JSON.stringify(body), ...extra });
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      Object.assign(headers, (result.response as { headers: Record<string, string> }).headers);
      return result;
    },
    { step: 'deserialize', priority: 'high', name: 'captureHeaders' },
  );
  const output = await client.send(command);
  return { body: JSON.parse(new TextDecoder().decode(output.body)), contentType: output.contentType, headers };
}

/** Sends a native body with `InvokeModelWithResponseStreamCommand` and returns every decoded chunk. */
export async function invokeStream(client: BedrockRuntimeClient, modelId: string, body: unknown, extra: Record<string, unknown> = {}): Promise<{ chunks: Record<string, unknown>[]; contentType: string | undefined }> {
  const output = await client.send(new InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify(body), ...extra }));
  const chunks: Record<string, unknown>[] = [];
  for await (const event of output.body ?? []) {
    if (event.chunk?.bytes) chunks.push(JSON.parse(new TextDecoder().decode(event.chunk.bytes)));
  }
  return { chunks, contentType: output.contentType };
}

/** The invocation metrics Bedrock puts in the last chunk of every text stream. */
export function invocationMetrics(chunks: readonly Record<string, unknown>[]): Record<string, number> | undefined {
  return chunks.at(-1)?.['amazon-bedrock-invocationMetrics'] as Record<string, number> | undefined;
}
