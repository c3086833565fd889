/**
 * A text-first Nova Sonic session (InvokeModelWithBidirectionalStream) through the real SDK: a system prompt,
 * one typed user turn (cross-modal input), and the assistant's reply read from the output stream while the
 * input is still open. The default scripted backend answers; the reply's audio is silence of a plausible
 * length. Run: `npx tsx examples/sonic-text.ts`.
 */
import { BedrockRuntimeClient, InvokeModelWithBidirectionalStreamCommand, type InvokeModelWithBidirectionalStreamInput } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());

const promptName = 'prompt-1';
const encode = (event: Record<string, unknown>): InvokeModelWithBidirectionalStreamInput => ({ chunk: { bytes: new TextEncoder().encode(JSON.stringify({ event })) } });
const text = (contentName: string, role: string, content: string, interactive: boolean) => [
  { contentStart: { promptName, contentName, type: 'TEXT', role, interactive, textInputConfiguration: { mediaType: 'text/plain' } } },
  { textInput: { promptName, contentName, content } },
  { contentEnd: { promptName, contentName } },
];

// The client ends its prompt only once the reply is complete, as Sonic clients do.
let replyDone = () => {};
const replied = new Promise<void>((resolve) => (replyDone = resolve));

async function* input(): AsyncGenerator<InvokeModelWithBidirectionalStreamInput> {
  yield encode({ sessionStart: { inferenceConfiguration: { maxTokens: 512, topP: 0.9, temperature: 0.7 } } });
  yield encode({
    promptStart: {
      promptName,
      textOutputConfiguration: { mediaType: 'text/plain' },
      audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 24000, sampleSizeBits: 16, channelCount: 1, voiceId: 'matthew', encoding: 'base64', audioType: 'SPEECH' },
    },
  });
  for (const event of text('system', 'SYSTEM', 'You are a friendly voice assistant. Keep answers short.', false)) yield encode(event);
  for (const event of text('user-1', 'USER', 'What can you do?', true)) yield encode(event);
  await replied;
  yield encode({ promptEnd: { promptName } });
  yield encode({ sessionEnd: {} });
}

const response = await client.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-2-sonic-v1:0', body: input() }));
let stage = '';
let audioBytes = 0;
for await (const output of response.body ?? []) {
  if (!output.chunk?.bytes) continue;
  const { event } = JSON.parse(new TextDecoder().decode(output.chunk.bytes)) as { event: Record<string, Record<string, unknown>> };
  if (event.contentStart?.additionalModelFields) stage = (JSON.parse(String(event.contentStart.additionalModelFields)) as { generationStage: string }).generationStage;
  if (event.textOutput && stage === 'FINAL') console.log(`${String(event.textOutput.role)}: ${String(event.textOutput.content)}`);
  if (event.audioOutput) audioBytes += Buffer.from(String(event.audioOutput.content), 'base64').length;
  if (event.completionEnd) {
    console.log(`(${audioBytes} bytes of 24 kHz audio; completion ended: ${String(event.completionEnd.stopReason)})`);
    replyDone();
  }
}
