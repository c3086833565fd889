import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { S3Client } from '@aws-sdk/client-s3';

/** s3rver signs with its one built-in account; any other key pair is refused. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A running s3rver with a client pointed at it. */
export interface S3TestServer {
  /** An `S3Client` for the server: path-style, static credentials, `us-east-1`. */
  client: S3Client;
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Stops the server, destroys the client and deletes the server's directory. */
  close(): Promise<void>;
}

/**
 * Runs in the child: starts s3rver and prints its port. s3rver 3.7.1 encrypts ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 only offers through its legacy provider; without it every truncated page
 * fails with `ERR_OSSL_EVP_UNSUPPORTED` (a 500 `InternalError`). The provider can only be enabled when a
 * process starts, hence the child process.
 */
const CHILD_SCRIPT = `
const S3rver = require(process.env.S3RVER_MODULE);
const options = JSON.parse(process.env.S3RVER_OPTIONS);
const server = new S3rver({ ...options, port: 0, address: '127.0.0.1', silent: true });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'), (error) => { console.error(error); process.exit(1); });
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
// stdin closes when the test process ends, even if it never called close(): no server outlives its test.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

/**
 * Starts a real S3-compatible server (s3rver) on a free loopback port, in its own Node process, storing
 * objects in a fresh temporary directory, with the given buckets created.
 *
 * @example
 * const s3 = await startS3Server({ buckets: ['in-bucket', 'out-bucket'] });
 * afterAll(() => s3.close());
 */
export async function startS3Server(options: { buckets: string[] }): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'local-bedrock-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SCRIPT], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      S3RVER_MODULE: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_OPTIONS: JSON.stringify({ directory, configureBuckets: options.buckets.map((name) => ({ name })) }),
    },
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const started = (async () => {
    for await (const line of lines) return JSON.parse(line) as { port: number };
    throw new Error(`s3rver exited before listening (exit code ${child.exitCode})`);
  })();
  let port: number;
  try {
    ({ port } = await started);
  } catch (error) {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
  return {
    client,
    endpoint,
    async close() {
      client.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
