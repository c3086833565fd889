/**
 * The server door: local Bedrock on a loopback port, for clients outside this process (boto3, the AWS CLI,
 * other languages) or JS clients pointed at `AWS_ENDPOINT_URL`. The port speaks HTTP/1.1 and h2c, so the JS
 * runtime client works with its default HTTP/2 handler. Run: `npx tsx examples/server.ts`.
 *
 * From a shell, the same thing is `npx local-bedrock serve`, then e.g.
 *   AWS_ENDPOINT_URL=http://127.0.0.1:4599 aws bedrock-runtime converse --model-id amazon.nova-lite-v1:0 \
 *     --messages '[{"role":"user","content":[{"text":"Say hello."}]}]'
 */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { startServer } from 'local-bedrock/server';

// Port 0 picks a free port; `local-bedrock serve` defaults to 4599.
const server = await startServer({ port: 0, responses: [{ text: 'Hello over the wire!' }], log: (line) => console.log(`log: ${line}`) });
console.log(server.banner);

try {
  const client = new BedrockRuntimeClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const answer = await client.send(
    new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] }),
  );
  console.log(`answer: ${answer.output?.message?.content?.[0]?.text}`);
} finally {
  await server.close();
}
