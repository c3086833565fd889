/**
 * Record once, replay forever: a recording backend wraps the backend that really answers (here the scripted
 * one; in a real suite `createOllamaBackend()`), writes every answer to a cassette file, and replays it
 * later without that backend. Run: `npx tsx examples/record-replay.ts`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createRecordingBackend, createScriptedBackend, localBedrock, type Backend, type CassetteMode } from 'local-bedrock';

const directory = await mkdtemp(join(tmpdir(), 'local-bedrock-example-'));
const cassette = join(directory, 'converse.json');
const modelId = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

/** Makes the same two calls through a client answered by a recording backend, and returns what they said. */
async function twoCalls(backend: Backend, mode: CassetteMode): Promise<string[]> {
  const recorder = createRecordingBackend({ backend, cassette, mode });
  const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.use(localBedrock({ backend: recorder }));
  const answer = await client.send(new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Name a colour.' }] }] }));
  const stream = await client.send(new ConverseStreamCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Count to three.' }] }] }));
  const deltas: string[] = [];
  for await (const event of stream.stream ?? []) if (event.contentBlockDelta?.delta?.text) deltas.push(event.contentBlockDelta.delta.text);
  await recorder.dispose(); // every answer is on disk (it was written as it was recorded)
  return [answer.output?.message?.content?.[0]?.text ?? '', deltas.join(' | ')];
}

try {
  const live = createScriptedBackend({ responses: [{ text: 'Teal.' }, { text: 'One, two, three.' }] });
  console.log('recorded:', await twoCalls(live, 'record'));
  console.log(`cassette: ${cassette} (${JSON.parse(await readFile(cassette, 'utf8')).interactions.length} interactions)`);

  // Replay never asks the wrapped backend: this one would answer differently, and is not consulted.
  const elsewhere = createScriptedBackend({ responses: [{ text: 'not recorded' }, { text: 'not recorded either' }] });
  console.log('replayed:', await twoCalls(elsewhere, 'replay'));

  // A request the cassette lacks is a ValidationException that says what differs and how to record it.
  const recorder = createRecordingBackend({ backend: elsewhere, cassette, mode: 'replay' });
  const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  client.middlewareStack.use(localBedrock({ backend: recorder }));
  await client.send(new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Name a shape.' }] }] })).catch((error: Error) => console.log(`miss: ${error.name}\n${error.message}`));
} finally {
  await rm(directory, { recursive: true, force: true });
}
