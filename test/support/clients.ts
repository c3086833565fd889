import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock, LocalBedrockHandler, createRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../../src/index.js';

/** Static credentials: the default credential chain would probe the network. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** The two in-process front doors every runtime case runs through. */
export const FRONT_DOORS = ['middleware', 'requestHandler'] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

/** A real `BedrockRuntimeClient` answered by local-bedrock through the given door. */
export function runtimeClient(
  door: FrontDoor,
  options: LocalBedrockOptions | LocalBedrockRuntime = {},
  config: Partial<BedrockRuntimeClientConfig> = {},
): { client: BedrockRuntimeClient; runtime: LocalBedrockRuntime } {
  const runtime = 'backend' in options && 'models' in options ? (options as LocalBedrockRuntime) : createRuntime({ env: {}, ...(options as LocalBedrockOptions) });
  const base = { region: 'us-east-1', credentials: TEST_CREDENTIALS, ...config };
  if (door === 'middleware') {
    const client = new BedrockRuntimeClient(base);
    client.middlewareStack.use(localBedrock(runtime));
    return { client, runtime };
  }
  return { client: new BedrockRuntimeClient({ ...base, requestHandler: new LocalBedrockHandler(runtime) }), runtime };
}

/**
 * A real control-plane `BedrockClient` answered by local-bedrock through the given door. Pass the runtime of
 * a `runtimeClient` to share guardrails, jobs and profiles between the two clients.
 */
export function controlClient(
  door: FrontDoor,
  options: LocalBedrockOptions | LocalBedrockRuntime = {},
  config: Partial<BedrockClientConfig> = {},
): { client: BedrockClient; runtime: LocalBedrockRuntime } {
  const runtime = 'backend' in options && 'models' in options ? (options as LocalBedrockRuntime) : createRuntime({ env: {}, ...(options as LocalBedrockOptions) });
  const base = { region: 'us-east-1', credentials: TEST_CREDENTIALS, ...config };
  if (door === 'middleware') {
    const client = new BedrockClient(base);
    client.middlewareStack.use(localBedrock(runtime));
    return { client, runtime };
  }
  return { client: new BedrockClient({ ...base, requestHandler: new LocalBedrockHandler(runtime) }), runtime };
}

/** Collects every event of a ConverseStream output. */
export async function collectEvents<T>(stream: AsyncIterable<T> | undefined): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

/** The name of the one member set in a stream event union. */
export function eventName(event: object): string {
  return Object.keys(event).find((key) => (event as Record<string, unknown>)[key] !== undefined) ?? '';
}

/** A user message with one text block. */
export function userText(text: string) {
  return { role: 'user' as const, content: [{ text }] };
}
