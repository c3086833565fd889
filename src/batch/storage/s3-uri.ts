/**
 * `s3://bucket/key` URIs: parsing with S3's bucket rules, joining, ordering, and the exact constraint Bedrock
 * applies to the `s3Uri` members of a model invocation job.
 */

/**
 * A parsed `s3://bucket/key` URI. The key is empty for a whole bucket.
 *
 * @example
 * const location: S3Location = parseS3Uri('s3://in-bucket/input/records.jsonl'); // { bucket: 'in-bucket', key: 'input/records.jsonl' }
 */
export interface S3Location {
  readonly bucket: string;
  /** The object key or key prefix, never starting with `/`; may be empty ("the whole bucket"). */
  readonly key: string;
}

const INVALID_URI_MARKER = Symbol.for('local-bedrock.InvalidS3UriError');

/**
 * The `s3Uri` members of `CreateModelInvocationJob` (shape `S3Uri` of the Bedrock control plane) must match
 * this pattern, and be 1 to 1024 characters long. Keys made of other characters (spaces, non-ASCII) are valid
 * in S3 but refused by Bedrock.
 *
 * @example
 * new RegExp(`^(?:${BEDROCK_S3_URI_PATTERN})$`).test('s3://my-bucket/input/records.jsonl'); // true
 */
export const BEDROCK_S3_URI_PATTERN = "s3://[a-z0-9][-.a-z0-9]{1,61}(?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";
const BEDROCK_S3_URI_REGEX = new RegExp(`^(?:${BEDROCK_S3_URI_PATTERN})$`);
const BEDROCK_S3_URI_MAX_LENGTH = 1024;

/** S3's rules for general-purpose bucket names: 3–63 of `[a-z0-9.-]`, a letter or digit at both ends. */
const BUCKET_REGEX = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** S3 caps keys at 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
const SCHEME = 's3://';
const UTF8 = new TextEncoder();

/**
 * A string that is not a usable `s3://bucket/key` URI. `validationMessage(member)` words it as Bedrock's
 * `ValidationException` does for a bad `s3Uri`.
 *
 * @example
 * try {
 *   parseS3Uri('https://bucket/key');
 * } catch (error) {
 *   if (InvalidS3UriError.isInstance(error)) throw validationError(error.validationMessage('inputDataConfig.s3InputDataConfig.s3Uri'));
 *   throw error;
 * }
 */
export class InvalidS3UriError extends Error {
  readonly [INVALID_URI_MARKER] = true;
  override readonly name = 'InvalidS3UriError';
  constructor(
    /** The URI as given. */
    readonly uri: string,
    /** What is wrong with it, e.g. `the bucket name must be 3 to 63 characters long`. */
    readonly reason: string,
  ) {
    super(`[local-bedrock] Invalid S3 URI '${uri}': ${reason}.`);
  }

  /**
   * The message of Bedrock's `ValidationException` for this URI in the request member `memberPath`
   * (e.g. `outputDataConfig.s3OutputDataConfig.s3Uri`).
   */
  validationMessage(memberPath: string): string {
    const violations = bedrockS3UriViolations(this.uri, memberPath);
    // A URI can break S3's own rules (e.g. `a..b` as a bucket) while passing Bedrock's looser pattern; the
    // service would then fail later on S3, but the pattern constraint is the closest wording it has.
    if (violations.length === 0) violations.push(constraintViolation(this.uri, memberPath, `Member must satisfy regular expression pattern: ${BEDROCK_S3_URI_PATTERN}`));
    return validationErrorsMessage(violations);
  }

  /** True for any `InvalidS3UriError`, even one from another copy of this package. */
  static isInstance(value: unknown): value is InvalidS3UriError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[INVALID_URI_MARKER] === true;
  }
}

function constraintViolation(value: string, memberPath: string, constraint: string): string {
  return `Value '${value}' at '${memberPath}' failed to satisfy constraint: ${constraint}`;
}

/** AWS's wording for a list of constraint violations: `2 validation errors detected: …; …`. */
function validationErrorsMessage(violations: readonly string[]): string {
  return `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

/**
 * The constraint violations Bedrock reports for an `s3Uri` request member, in its wording, or an empty array
 * when the URI passes. Join them as `N validation error(s) detected: a; b` (together with the violations of
 * other members) for the `ValidationException` message.
 *
 * @example
 * bedrockS3UriViolations('s3://bucket/my file.jsonl', 'inputDataConfig.s3InputDataConfig.s3Uri');
 * // ["Value 's3://bucket/my file.jsonl' at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy
 * //   constraint: Member must satisfy regular expression pattern: s3://[a-z0-9][-.a-z0-9]{1,61}…"]
 */
export function bedrockS3UriViolations(uri: string, memberPath: string): string[] {
  const violations: string[] = [];
  if (uri.length < 1) violations.push(constraintViolation(uri, memberPath, 'Member must have length greater than or equal to 1'));
  if (uri.length > BEDROCK_S3_URI_MAX_LENGTH) {
    violations.push(constraintViolation(uri, memberPath, `Member must have length less than or equal to ${BEDROCK_S3_URI_MAX_LENGTH}`));
  }
  if (!BEDROCK_S3_URI_REGEX.test(uri)) {
    violations.push(constraintViolation(uri, memberPath, `Member must satisfy regular expression pattern: ${BEDROCK_S3_URI_PATTERN}`));
  }
  return violations;
}

function bucketProblem(bucket: string): string | undefined {
  if (bucket.length === 0) return 'the bucket name is missing';
  if (bucket.length < 3 || bucket.length > 63) return 'the bucket name must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(bucket)) return 'the bucket name may contain only lowercase letters, digits, dots (.) and hyphens (-)';
  if (!BUCKET_REGEX.test(bucket)) return 'the bucket name must begin and end with a letter or digit';
  if (bucket.includes('..')) return 'the bucket name must not contain two adjacent dots';
  return undefined;
}

/**
 * Splits an `s3://bucket/key` URI into bucket and key, enforcing the `s3://` scheme, S3's bucket naming
 * rules and its 1024-byte key limit. The key may be empty (`s3://bucket` or `s3://bucket/`: the whole bucket)
 * and may hold any characters S3 allows; it is taken verbatim, without percent-decoding, as the AWS CLI does.
 *
 * @throws {InvalidS3UriError} when the URI is not usable.
 * @example
 * parseS3Uri('s3://my-bucket/input/records.jsonl'); // { bucket: 'my-bucket', key: 'input/records.jsonl' }
 * parseS3Uri('s3://my-bucket/output/');             // { bucket: 'my-bucket', key: 'output/' }
 */
export function parseS3Uri(uri: string): S3Location {
  if (typeof uri !== 'string') throw new InvalidS3UriError(String(uri), 'an S3 URI must be a string');
  if (!uri.startsWith(SCHEME)) throw new InvalidS3UriError(uri, "an S3 URI must start with 's3://'");
  const rest = uri.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  const problem = bucketProblem(bucket);
  if (problem) throw new InvalidS3UriError(uri, problem);
  if (key.startsWith('/')) throw new InvalidS3UriError(uri, "the key must not start with '/'");
  if (UTF8.encode(key).length > MAX_KEY_BYTES) throw new InvalidS3UriError(uri, `the key must be at most ${MAX_KEY_BYTES} bytes of UTF-8`);
  return { bucket, key };
}

/**
 * The URI of a bucket and key: `s3://bucket/key`.
 *
 * @example
 * formatS3Uri({ bucket: 'my-bucket', key: 'out/job/records.jsonl.out' }); // 's3://my-bucket/out/job/records.jsonl.out'
 */
export function formatS3Uri(location: S3Location): string {
  return `${SCHEME}${location.bucket}/${location.key}`;
}

/**
 * Appends path parts to an S3 URI with exactly one `/` between them, whether or not `base` ends in `/`.
 * Slashes at either end of a part are dropped, except a trailing one on the last part (a "folder"); empty
 * parts are skipped.
 *
 * @throws {InvalidS3UriError} when `base` (or the result) is not a usable URI.
 * @example
 * joinS3Uri('s3://out-bucket/output/', 'abcdefghij12', 'records.jsonl.out');
 * // 's3://out-bucket/output/abcdefghij12/records.jsonl.out'
 * joinS3Uri('s3://out-bucket', 'output', 'abcdefghij12/'); // 's3://out-bucket/output/abcdefghij12/'
 */
export function joinS3Uri(base: string, ...parts: string[]): string {
  const { bucket, key } = parseS3Uri(base);
  const pieces = [key, ...parts].filter((piece) => piece.replace(/\//g, '') !== '');
  const segments = pieces.map((piece) => piece.replace(/^\/+|\/+$/g, ''));
  const joined = segments.join('/') + (pieces.at(-1)?.endsWith('/') ? '/' : '');
  const uri = formatS3Uri({ bucket, key: joined });
  parseS3Uri(uri);
  return uri;
}

/**
 * The last segment of an object URI's key (`records.jsonl` for `s3://b/in/records.jsonl`), as Bedrock names
 * a job's output file after its input file (`records.jsonl.out`). Empty for a bucket or a "folder" URI.
 *
 * @example
 * s3UriBaseName('s3://in-bucket/input/records.jsonl'); // 'records.jsonl'
 */
export function s3UriBaseName(uri: string): string {
  const { key } = parseS3Uri(uri);
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * Orders URIs as S3 lists keys: by the UTF-8 bytes, which differs from JavaScript's default UTF-16 order for
 * characters beyond U+FFFF. Every storage adapter sorts `list()` with it, so all of them agree.
 *
 * @example
 * ['s3://b/😀', 's3://b/ｚ'].sort(compareS3Uris); // ['s3://b/ｚ', 's3://b/😀']
 */
export function compareS3Uris(left: string, right: string): number {
  // UTF-8 byte order is code point order, so comparing code points needs no encoding.
  let leftIndex = 0;
  let rightIndex = 0;
  while (leftIndex < left.length && rightIndex < right.length) {
    const leftPoint = left.codePointAt(leftIndex) ?? 0;
    const rightPoint = right.codePointAt(rightIndex) ?? 0;
    if (leftPoint !== rightPoint) return leftPoint < rightPoint ? -1 : 1;
    leftIndex += leftPoint > 0xffff ? 2 : 1;
    rightIndex += rightPoint > 0xffff ? 2 : 1;
  }
  return left.length - leftIndex === right.length - rightIndex ? 0 : left.length - leftIndex < right.length - rightIndex ? -1 : 1;
}
