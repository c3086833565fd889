import { describe, expect, it } from 'vitest';
import { BEDROCK_S3_URI_PATTERN, InvalidS3UriError, bedrockS3UriViolations, compareS3Uris, formatS3Uri, joinS3Uri, parseS3Uri, s3UriBaseName } from './s3-uri.js';

function parseError(uri: string): InvalidS3UriError {
  try {
    parseS3Uri(uri);
  } catch (error) {
    if (InvalidS3UriError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${uri} parsed`);
}

describe('parseS3Uri', () => {
  it('splits bucket and key, keeping the key verbatim', () => {
    expect(parseS3Uri('s3://in-bucket/input/records.jsonl')).toEqual({ bucket: 'in-bucket', key: 'input/records.jsonl' });
    expect(parseS3Uri('s3://in-bucket/output/')).toEqual({ bucket: 'in-bucket', key: 'output/' });
    expect(parseS3Uri('s3://in-bucket')).toEqual({ bucket: 'in-bucket', key: '' });
    expect(parseS3Uri('s3://in-bucket/')).toEqual({ bucket: 'in-bucket', key: '' });
    expect(parseS3Uri('s3://my.bucket-1/a b/%20/ü.jsonl')).toEqual({ bucket: 'my.bucket-1', key: 'a b/%20/ü.jsonl' });
    expect(parseS3Uri(`s3://${'a'.repeat(63)}/k`).bucket).toHaveLength(63);
  });

  it.each([
    ['S3://bucket/key', "an S3 URI must start with 's3://'"],
    ['https://bucket/key', "an S3 URI must start with 's3://'"],
    ['s3:/bucket/key', "an S3 URI must start with 's3://'"],
    ['s3://', 'the bucket name is missing'],
    ['s3:///key', 'the bucket name is missing'],
    ['s3://ab/key', 'the bucket name must be 3 to 63 characters long'],
    [`s3://${'a'.repeat(64)}/key`, 'the bucket name must be 3 to 63 characters long'],
    ['s3://My-Bucket/key', 'the bucket name may contain only lowercase letters, digits, dots (.) and hyphens (-)'],
    ['s3://my_bucket/key', 'the bucket name may contain only lowercase letters, digits, dots (.) and hyphens (-)'],
    ['s3://-bucket/key', 'the bucket name must begin and end with a letter or digit'],
    ['s3://bucket./key', 'the bucket name must begin and end with a letter or digit'],
    ['s3://my..bucket/key', 'the bucket name must not contain two adjacent dots'],
    ['s3://bucket//key', "the key must not start with '/'"],
    [`s3://bucket/${'é'.repeat(513)}`, 'the key must be at most 1024 bytes of UTF-8'],
  ])('refuses %s: %s', (uri, reason) => {
    const error = parseError(uri);
    expect(error.reason).toBe(reason);
    expect(error.uri).toBe(uri);
    expect(error.message).toBe(`[local-bedrock] Invalid S3 URI '${uri}': ${reason}.`);
  });

  it('accepts a key of exactly 1024 bytes', () => {
    expect(parseS3Uri(`s3://bucket/${'é'.repeat(512)}`).key).toHaveLength(512);
  });
});

describe("Bedrock's s3Uri constraint", () => {
  const member = 'inputDataConfig.s3InputDataConfig.s3Uri';

  it('passes the URIs Bedrock accepts', () => {
    for (const uri of ['s3://in-bucket/input/records.jsonl', 's3://in-bucket/output/', 's3://in-bucket', "s3://b1/a-b_c!*'(x).jsonl"]) {
      expect(bedrockS3UriViolations(uri, member), uri).toEqual([]);
    }
  });

  it("words violations as the service's ValidationException does", () => {
    expect(bedrockS3UriViolations('s3://in-bucket/my file.jsonl', member)).toEqual([
      `Value 's3://in-bucket/my file.jsonl' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${BEDROCK_S3_URI_PATTERN}`,
    ]);
    const long = `s3://in-bucket/${'a'.repeat(1024)}`;
    expect(bedrockS3UriViolations(long, member)).toEqual([
      `Value '${long}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to 1024`,
    ]);
    expect(bedrockS3UriViolations('', member)).toHaveLength(2);
  });

  it('turns a parse error into the full ValidationException message', () => {
    expect(parseError('S3://in-bucket/records.jsonl').validationMessage(member)).toBe(
      `1 validation error detected: Value 'S3://in-bucket/records.jsonl' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${BEDROCK_S3_URI_PATTERN}`,
    );
    // Breaks S3's bucket rules but not Bedrock's pattern: still reported against the pattern.
    expect(parseError('s3://my..bucket/records.jsonl').validationMessage(member)).toMatch(/^1 validation error detected: Value 's3:\/\/my\.\.bucket\/records\.jsonl'/);
  });
});

describe('joinS3Uri', () => {
  it('joins with exactly one slash', () => {
    expect(joinS3Uri('s3://out-bucket/output/', 'abcdefghij12', 'records.jsonl.out')).toBe('s3://out-bucket/output/abcdefghij12/records.jsonl.out');
    expect(joinS3Uri('s3://out-bucket/output', '/abcdefghij12/', 'manifest.json.out')).toBe('s3://out-bucket/output/abcdefghij12/manifest.json.out');
    expect(joinS3Uri('s3://out-bucket', 'output', 'abcdefghij12/')).toBe('s3://out-bucket/output/abcdefghij12/');
    expect(joinS3Uri('s3://out-bucket/', 'a/b', '', 'c')).toBe('s3://out-bucket/a/b/c');
    expect(joinS3Uri('s3://out-bucket/output/')).toBe('s3://out-bucket/output/');
  });

  it('refuses a base that is not an S3 URI', () => {
    expect(() => joinS3Uri('out-bucket/output', 'x')).toThrow(InvalidS3UriError);
  });
});

describe('formatS3Uri, s3UriBaseName, compareS3Uris', () => {
  it('formats and takes the last segment', () => {
    expect(formatS3Uri({ bucket: 'b-1', key: 'a/b.jsonl' })).toBe('s3://b-1/a/b.jsonl');
    expect(s3UriBaseName('s3://in-bucket/input/records.jsonl')).toBe('records.jsonl');
    expect(s3UriBaseName('s3://in-bucket/records.jsonl')).toBe('records.jsonl');
    expect(s3UriBaseName('s3://in-bucket/input/')).toBe('');
  });

  it('orders by UTF-8 bytes (code points), not UTF-16 units', () => {
    const uris = ['s3://b/😀', 's3://b/ｚ', 's3://b/a', 's3://b/a/b', 's3://b/a-b', 's3://b/Z'];
    expect([...uris].sort(compareS3Uris)).toEqual(['s3://b/Z', 's3://b/a', 's3://b/a-b', 's3://b/a/b', 's3://b/ｚ', 's3://b/😀']);
    const bytewise = [...uris].sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)));
    expect([...uris].sort(compareS3Uris)).toEqual(bytewise);
    expect(compareS3Uris('s3://b/a', 's3://b/a')).toBe(0);
  });
});
