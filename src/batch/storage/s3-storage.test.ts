import { afterEach, describe, expect, it, vi } from 'vitest';

describe('createS3Storage without @aws-sdk/client-s3', () => {
  afterEach(() => {
    vi.doUnmock('@aws-sdk/client-s3');
    vi.resetModules();
  });

  it('loads the SDK only when used, and names the package to install when it is missing', async () => {
    vi.resetModules();
    vi.doMock('@aws-sdk/client-s3', () => {
      throw new Error("Cannot find package '@aws-sdk/client-s3'");
    });
    // Creating the storage must not need the SDK: it is an optional peer.
    const { createS3Storage } = await import('./s3-storage.js');
    const storage = createS3Storage({ client: { send: async () => ({}) } });
    const failure = await storage.exists('s3://in-bucket/records.jsonl').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('[local-bedrock] S3 batch storage needs @aws-sdk/client-s3: npm install @aws-sdk/client-s3');
  });
});
