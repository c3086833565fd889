import { GetAsyncInvokeCommand, ListAsyncInvokesCommand, StartAsyncInvokeCommand, type StartAsyncInvokeCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFile, type ISOFile, type MP4BoxBuffer } from 'mp4box';
import { afterAll, describe, expect, it } from 'vitest';
import { createDirectoryStorage, createMemoryStorage, type BatchStorage } from '../src/batch/storage/index.js';
import { createRuntime } from '../src/index.js';
import { FRONT_DOORS, runtimeClient } from './support/clients.js';
import { startS3Server } from './support/s3-server.js';

const REEL = 'amazon.nova-reel-v1:1';
const OUTPUT = { s3OutputDataConfig: { s3Uri: 's3://videos/out' } };
const textVideo = (text: string, seed = 1): StartAsyncInvokeCommandInput => ({
  modelId: REEL,
  modelInput: { taskType: 'TEXT_VIDEO', textToVideoParams: { text }, videoGenerationConfig: { durationSeconds: 6, fps: 24, dimension: '1280x720', seed } },
  outputDataConfig: OUTPUT,
});
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

async function readObject(storage: BatchStorage, uri: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of storage.read(uri)) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Parses an MP4 with mp4box.js, an independent reader, and returns what it found. */
function probeMp4(bytes: Uint8Array) {
  const file: ISOFile = createFile();
  let info: ReturnType<ISOFile['getInfo']> | undefined;
  file.onReady = (ready: NonNullable<typeof info>) => {
    info = ready;
  };
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as MP4BoxBuffer;
  buffer.fileStart = 0;
  file.appendBuffer(buffer);
  file.flush();
  if (!info) throw new Error('mp4box did not find a playable movie');
  const track = info.videoTracks[0]!;
  // mp4box names every MPEG-4 visual entry `mp4v`; the decoder configuration says which codec it holds.
  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0] as { esds?: { esd?: { getOTI(): number } } };
  const objectType = entry.esds?.esd?.getOTI();
  return { seconds: info.duration / info.timescale, codec: `${track.codec}.${objectType?.toString(16)}`, width: track.video?.width, height: track.video?.height, frames: track.nb_samples };
}

describe.each(FRONT_DOORS)('async invoke of Nova Reel (%s)', (door) => {
  it('runs a TEXT_VIDEO job to a readable MP4 under {s3Uri}/{invocationId}/', async () => {
    const { client, runtime } = runtimeClient(door, {}, { region: 'us-west-2' });
    const { invocationArn } = await client.send(new StartAsyncInvokeCommand(textVideo('A lighthouse at dawn')));
    expect(invocationArn).toMatch(/^arn:aws:bedrock:us-west-2:123456789012:async-invoke\/[a-z0-9]{12}$/);
    await runtime.asyncInvokes.settled(invocationArn!);

    const described = await client.send(new GetAsyncInvokeCommand({ invocationArn }));
    expect(described).toMatchObject({ invocationArn, status: 'Completed', modelArn: `arn:aws:bedrock:us-west-2::foundation-model/${REEL}`, outputDataConfig: OUTPUT });
    expect(described.submitTime).toBeInstanceOf(Date);
    expect(described.endTime).toBeInstanceOf(Date);

    const id = invocationArn!.split('/').at(-1)!;
    const video = probeMp4(await readObject(runtime.batch.storage, `s3://videos/out/${id}/output.mp4`));
    expect(video).toEqual({ seconds: 6, codec: 'mp4v.6c', width: 1280, height: 720, frames: 144 });
    const status = JSON.parse(Buffer.from(await readObject(runtime.batch.storage, `s3://videos/out/${id}/video-generation-status.json`)).toString());
    expect(status.fullVideo).toEqual({ status: 'SUCCESS', location: `s3://videos/out/${id}/output.mp4` });
  });

  it('renders the same video for the same prompt and seed, and another for another seed', async () => {
    const { client, runtime } = runtimeClient(door);
    const render = async (input: StartAsyncInvokeCommandInput) => {
      const { invocationArn } = await client.send(new StartAsyncInvokeCommand(input));
      await runtime.asyncInvokes.settled(invocationArn!);
      return readObject(runtime.batch.storage, `s3://videos/out/${invocationArn!.split('/').at(-1)}/output.mp4`);
    };
    const first = await render(textVideo('A red kite over hills', 7));
    expect(Buffer.compare(await render(textVideo('A red kite over hills', 7)), first)).toBe(0);
    expect(Buffer.compare(await render(textVideo('A red kite over hills', 8)), first)).not.toBe(0);
  });

  it('writes a video per shot for multi-shot jobs', async () => {
    const { client, runtime } = runtimeClient(door);
    const { invocationArn } = await client.send(
      new StartAsyncInvokeCommand({
        modelId: REEL,
        modelInput: { taskType: 'MULTI_SHOT_MANUAL', multiShotManualParams: { shots: [{ text: 'A harbour' }, { text: 'A storm' }, { text: 'Calm sea' }] } },
        outputDataConfig: OUTPUT,
      }),
    );
    await runtime.asyncInvokes.settled(invocationArn!);
    const id = invocationArn!.split('/').at(-1)!;
    const keys = await runtime.batch.storage.list(`s3://videos/out/${id}/`);
    expect(keys.map((key) => key.split('/').at(-1))).toEqual(['manifest.json', 'output.mp4', 'shot_0001.mp4', 'shot_0002.mp4', 'shot_0003.mp4', 'video-generation-status.json']);
    expect(probeMp4(await readObject(runtime.batch.storage, `s3://videos/out/${id}/output.mp4`)).seconds).toBe(18);
    expect(probeMp4(await readObject(runtime.batch.storage, `s3://videos/out/${id}/shot_0002.mp4`)).seconds).toBe(6);
  });

  it('refuses invalid input with ValidationException', async () => {
    const { client } = runtimeClient(door);
    const start = (input: Partial<StartAsyncInvokeCommandInput>) => caught(client.send(new StartAsyncInvokeCommand({ ...textVideo('x'), ...input } as StartAsyncInvokeCommandInput)));
    expect(await start({ modelInput: { taskType: 'TEXT_VIDEO', textToVideoParams: { text: 'x' }, videoGenerationConfig: { fps: 30 } } })).toMatchObject({
      name: 'ValidationException',
      message: 'videoGenerationConfig.fps must be 24.',
    });
    expect(await start({ modelInput: { taskType: 'TEXT_VIDEO', textToVideoParams: { text: 'x' }, videoGenerationConfig: { durationSeconds: 12 } } })).toMatchObject({ name: 'ValidationException' });
    expect(await start({ modelInput: { taskType: 'TEXT_VIDEO', textToVideoParams: {} } })).toMatchObject({ message: expect.stringContaining("'textToVideoParams.text'") });
    expect(await start({ modelInput: { taskType: 'MULTI_SHOT_AUTOMATED', multiShotAutomatedParams: { text: 'x' }, videoGenerationConfig: { durationSeconds: 32 } } })).toMatchObject({
      message: 'videoGenerationConfig.durationSeconds must be a multiple of 6 between 12 and 120.',
    });
    expect(await start({ modelId: 'amazon.nova-reel-v1:0', modelInput: { taskType: 'MULTI_SHOT_MANUAL', multiShotManualParams: { shots: [{ text: 'a' }, { text: 'b' }] } } })).toMatchObject({
      name: 'ValidationException',
    });
    expect(await start({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0' })).toMatchObject({ message: "This action doesn't support the model that you provided." });
    expect(await start({ outputDataConfig: { s3OutputDataConfig: { s3Uri: 'https://not-s3/out' } } })).toMatchObject({ message: expect.stringContaining("'outputDataConfig.s3OutputDataConfig.s3Uri'") });
  });

  it('returns the same invocation for a repeated token, and refuses the token for another request', async () => {
    const { client } = runtimeClient(door);
    const first = await client.send(new StartAsyncInvokeCommand({ ...textVideo('A'), clientRequestToken: 'token-a' }));
    const again = await client.send(new StartAsyncInvokeCommand({ ...textVideo('A'), clientRequestToken: 'token-a' }));
    expect(again.invocationArn).toBe(first.invocationArn);
    expect(await caught(client.send(new StartAsyncInvokeCommand({ ...textVideo('B'), clientRequestToken: 'token-a' })))).toMatchObject({ name: 'ConflictException' });
  });

  it('lists invocations with filters, order and pages, and answers an unknown ARN with ResourceNotFoundException', async () => {
    const { client, runtime } = runtimeClient(door);
    const arns: string[] = [];
    for (const text of ['one', 'two', 'three']) arns.push((await client.send(new StartAsyncInvokeCommand(textVideo(text)))).invocationArn!);
    await Promise.all(arns.map((arn) => runtime.asyncInvokes.settled(arn)));
    const newestFirst = await client.send(new ListAsyncInvokesCommand({ statusEquals: 'Completed', maxResults: 2 }));
    expect(newestFirst.asyncInvokeSummaries!.map((summary) => summary.invocationArn)).toEqual([arns[2], arns[1]]);
    const rest = await client.send(new ListAsyncInvokesCommand({ statusEquals: 'Completed', maxResults: 2, nextToken: newestFirst.nextToken }));
    expect(rest.asyncInvokeSummaries!.map((summary) => summary.invocationArn)).toEqual([arns[0]]);
    expect(rest.nextToken).toBeUndefined();
    const ascending = await client.send(new ListAsyncInvokesCommand({ sortOrder: 'Ascending', sortBy: 'SubmissionTime' }));
    expect(ascending.asyncInvokeSummaries!.map((summary) => summary.invocationArn)).toEqual(arns);
    expect((await client.send(new ListAsyncInvokesCommand({ statusEquals: 'Failed' }))).asyncInvokeSummaries).toEqual([]);
    const unknown = await caught(client.send(new GetAsyncInvokeCommand({ invocationArn: 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/abcdefghij12' })));
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('async invoke output on other storage', () => {
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it('writes to a local directory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'local-bedrock-reel-'));
    directories.push(root);
    const storage = createDirectoryStorage(root);
    const { client, runtime } = runtimeClient('middleware', createRuntime({ env: {}, batch: { storage } }));
    const { invocationArn } = await client.send(new StartAsyncInvokeCommand(textVideo('A valley')));
    await runtime.asyncInvokes.settled(invocationArn!);
    expect(probeMp4(await readObject(storage, `s3://videos/out/${invocationArn!.split('/').at(-1)}/output.mp4`)).frames).toBe(144);
  });

  it('writes to a real S3-compatible server', async () => {
    const s3 = await startS3Server({ buckets: ['videos'] });
    try {
      const { createS3Storage } = await import('../src/batch/storage/index.js');
      const storage = createS3Storage({ client: s3.client });
      const { client, runtime } = runtimeClient('middleware', createRuntime({ env: {}, batch: { storage } }));
      const { invocationArn } = await client.send(new StartAsyncInvokeCommand(textVideo('A desert')));
      expect((await runtime.asyncInvokes.settled(invocationArn!)).status).toBe('Completed');
      expect(probeMp4(await readObject(storage, `s3://videos/out/${invocationArn!.split('/').at(-1)}/output.mp4`)).seconds).toBe(6);
    } finally {
      await s3.close();
    }
  });

  it('fails the job, not the process, when the output cannot be written', async () => {
    const failing: BatchStorage = { ...createMemoryStorage(), name: 'failing', write: async () => Promise.reject(new Error('disk full')) };
    const { client, runtime } = runtimeClient('middleware', createRuntime({ env: {}, batch: { storage: failing }, logger: { warn() {} } }));
    const { invocationArn } = await client.send(new StartAsyncInvokeCommand(textVideo('A cliff')));
    await runtime.asyncInvokes.settled(invocationArn!);
    expect(await client.send(new GetAsyncInvokeCommand({ invocationArn }))).toMatchObject({ status: 'Failed', failureMessage: 'Failed to write the output: disk full' });
  });
});
