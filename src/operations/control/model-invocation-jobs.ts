import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { BedrockServiceError, validationError } from '../../errors/bedrock-errors.js';
import { registerJobOwner } from '../../batch/batch-jobs.js';
import { STOPPABLE_JOB_STATUSES, jobArnOf, newJobId, type BatchJob, type BatchJobStatus } from '../../batch/job-store.js';
import { bedrockS3UriViolations } from '../../batch/storage/s3-uri.js';
import type { LocalBedrockRuntime } from '../../core/runtime.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { requestRegion } from '../request-region.js';
import { paginate, queryValue, timeQuery } from './pagination.js';

/**
 * CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs and StopModelInvocationJob: the
 * control plane of batch inference, over `runtime.batch`. Constraints and patterns are the service model's
 * (`CreateModelInvocationJobRequest`, `ModelInvocationJobName`, `RoleArn`, `S3Uri`, …).
 */

const JOB_NAME_PATTERN_TEXT = '[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}';
const JOB_NAME_PATTERN = new RegExp(`^(?:${JOB_NAME_PATTERN_TEXT})$`);
const ROLE_ARN_PATTERN_TEXT = 'arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+';
const ROLE_ARN_PATTERN = new RegExp(`^(?:${ROLE_ARN_PATTERN_TEXT})$`);
const TOKEN_PATTERN_TEXT = '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}';
const TOKEN_PATTERN = new RegExp(`^(?:${TOKEN_PATTERN_TEXT})$`);
const JOB_IDENTIFIER_PATTERN_TEXT = '((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})';
const JOB_IDENTIFIER_PATTERN = new RegExp(`^(?:${JOB_IDENTIFIER_PATTERN_TEXT})$`);
const INVOCATION_TYPES = ['InvokeModel', 'Converse'];
const INPUT_FORMATS = ['JSONL'];
const STATUSES: readonly BatchJobStatus[] = ['Submitted', 'InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped', 'PartiallyCompleted', 'Expired', 'Validating', 'Scheduled'];
/** The service's default job timeout when the request leaves it out. */
const DEFAULT_TIMEOUT_HOURS = 72;
const HOUR = 60 * 60 * 1000;

interface CreateRequest {
  jobName?: unknown;
  roleArn?: unknown;
  clientRequestToken?: unknown;
  modelId?: unknown;
  inputDataConfig?: { s3InputDataConfig?: { s3Uri?: unknown; s3InputFormat?: unknown; s3BucketOwner?: unknown } };
  outputDataConfig?: { s3OutputDataConfig?: { s3Uri?: unknown; s3EncryptionKeyId?: unknown; s3BucketOwner?: unknown } };
  vpcConfig?: { subnetIds: string[]; securityGroupIds: string[] };
  timeoutDurationInHours?: unknown;
  modelInvocationType?: unknown;
  tags?: { key: string; value: string }[];
}

/** The job in the wire shape of `GetModelInvocationJobResponse` / `ModelInvocationJobSummary`. */
function describeJob(job: BatchJob) {
  return {
    jobArn: job.jobArn,
    jobName: job.jobName,
    modelId: job.modelId,
    clientRequestToken: job.clientRequestToken,
    roleArn: job.roleArn,
    status: job.status,
    message: job.message,
    submitTime: job.submitTime,
    lastModifiedTime: job.lastModifiedTime,
    endTime: job.endTime,
    inputDataConfig: job.inputDataConfig,
    outputDataConfig: job.outputDataConfig,
    vpcConfig: job.vpcConfig,
    timeoutDurationInHours: job.timeoutDurationInHours,
    jobExpirationTime: job.jobExpirationTime,
    modelInvocationType: job.modelInvocationType,
    totalRecordCount: job.totalRecordCount,
    processedRecordCount: job.processedRecordCount,
    successRecordCount: job.successRecordCount,
    errorRecordCount: job.errorRecordCount,
  };
}

function checkCreateRequest(body: CreateRequest): void {
  const errors = new ConstraintErrors();
  const input = body.inputDataConfig?.s3InputDataConfig;
  const output = body.outputDataConfig?.s3OutputDataConfig;
  if (errors.checkRequired('jobName', body.jobName)) {
    errors.checkLength('jobName', body.jobName, 1, 63);
    errors.checkPattern('jobName', body.jobName, JOB_NAME_PATTERN, JOB_NAME_PATTERN_TEXT);
  }
  if (errors.checkRequired('roleArn', body.roleArn)) {
    errors.checkLength('roleArn', body.roleArn, 0, 2048);
    errors.checkPattern('roleArn', body.roleArn, ROLE_ARN_PATTERN, ROLE_ARN_PATTERN_TEXT);
  }
  errors.checkLength('clientRequestToken', body.clientRequestToken, 1, 256);
  errors.checkPattern('clientRequestToken', body.clientRequestToken, TOKEN_PATTERN, TOKEN_PATTERN_TEXT);
  if (errors.checkRequired('modelId', body.modelId)) errors.checkLength('modelId', body.modelId, 1, 2048);
  if (errors.checkRequired('inputDataConfig', body.inputDataConfig) && errors.checkRequired('inputDataConfig.s3InputDataConfig.s3Uri', input?.s3Uri)) {
    checkS3Uri(errors, input?.s3Uri, 'inputDataConfig.s3InputDataConfig.s3Uri');
  }
  errors.checkEnum('inputDataConfig.s3InputDataConfig.s3InputFormat', input?.s3InputFormat, INPUT_FORMATS);
  if (errors.checkRequired('outputDataConfig', body.outputDataConfig) && errors.checkRequired('outputDataConfig.s3OutputDataConfig.s3Uri', output?.s3Uri)) {
    checkS3Uri(errors, output?.s3Uri, 'outputDataConfig.s3OutputDataConfig.s3Uri');
  }
  errors.checkRange('timeoutDurationInHours', body.timeoutDurationInHours, 24, 168);
  errors.checkEnum('modelInvocationType', body.modelInvocationType, INVOCATION_TYPES);
  errors.throwIfAny();
}

function checkS3Uri(errors: ConstraintErrors, uri: unknown, path: string): void {
  if (typeof uri !== 'string') return errors.add(path, uri, 'Member must be a string');
  // The storage module words each violation exactly as the service does; they join the others here.
  for (const violation of bedrockS3UriViolations(uri, path)) {
    const constraint = violation.slice(violation.indexOf('failed to satisfy constraint: ') + 'failed to satisfy constraint: '.length);
    errors.add(path, uri, constraint);
  }
}

/** `POST /model-invocation-job`: validates, stores the job `Submitted` and starts it. */
export const createModelInvocationJobOperation: Operation = async ({ runtime, request, requestId }) => {
  const body = readJsonBody(request.body) as CreateRequest;
  checkCreateRequest(body);
  const token = body.clientRequestToken as string | undefined;
  const store = runtime.batch.jobs;
  // Same token, same request: the service answers with the job it already made and makes no second one.
  const earlier = token === undefined ? undefined : store.byClientRequestToken(token);
  if (earlier) return jsonResponse({ jobArn: earlier.jobArn }, requestId);
  const modelId = body.modelId as string;
  runtime.models.resolve(modelId);
  const jobName = body.jobName as string;
  if (store.byName(jobName)) throw validationError('The provided job name is currently in use.');
  const jobId = newJobId();
  const jobArn = jobArnOf(requestRegion(request, runtime.region), runtime.accountId, jobId);
  const now = runtime.clock.now();
  const timeoutDurationInHours = (body.timeoutDurationInHours as number | undefined) ?? DEFAULT_TIMEOUT_HOURS;
  const input = body.inputDataConfig!.s3InputDataConfig!;
  const output = body.outputDataConfig!.s3OutputDataConfig!;
  const job: BatchJob = {
    jobArn,
    jobId,
    jobName,
    modelId,
    roleArn: body.roleArn as string,
    ...(token === undefined ? {} : { clientRequestToken: token }),
    status: 'Submitted',
    submitTime: new Date(now).toISOString(),
    lastModifiedTime: new Date(now).toISOString(),
    inputDataConfig: { s3InputDataConfig: { s3Uri: input.s3Uri as string, ...optionalStrings({ s3InputFormat: input.s3InputFormat, s3BucketOwner: input.s3BucketOwner }) } },
    outputDataConfig: {
      s3OutputDataConfig: { s3Uri: output.s3Uri as string, ...optionalStrings({ s3EncryptionKeyId: output.s3EncryptionKeyId, s3BucketOwner: output.s3BucketOwner }) },
    },
    ...(body.vpcConfig ? { vpcConfig: body.vpcConfig } : {}),
    timeoutDurationInHours,
    jobExpirationTime: new Date(now + timeoutDurationInHours * HOUR).toISOString(),
    modelInvocationType: (body.modelInvocationType as BatchJob['modelInvocationType']) ?? 'InvokeModel',
    ...(body.tags ? { tags: body.tags } : {}),
  };
  await store.add(job);
  registerJobOwner(jobArn, runtime.batch);
  const run = runtime.batch.start(jobId);
  if (runtime.batch.mode === 'immediate') await run;
  return jsonResponse({ jobArn }, requestId);
};

function optionalStrings(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function findJob(runtime: LocalBedrockRuntime, identifier: string | undefined): BatchJob {
  const errors = new ConstraintErrors();
  errors.checkPattern('jobIdentifier', identifier, JOB_IDENTIFIER_PATTERN, JOB_IDENTIFIER_PATTERN_TEXT);
  errors.throwIfAny();
  const job = identifier === undefined ? undefined : runtime.batch.jobs.get(identifier);
  if (!job) throw new BedrockServiceError('ResourceNotFoundException', `The batch inference job ${identifier} was not found.`);
  return job;
}

/** `GET /model-invocation-job/{jobIdentifier}`: one job by ARN or id. */
export const getModelInvocationJobOperation: Operation = async ({ runtime, labels, requestId }) => {
  return jsonResponse(describeJob(findJob(runtime, labels.jobIdentifier)), requestId);
};

/** `GET /model-invocation-jobs`: filtered, sorted by submit time, paginated. */
export const listModelInvocationJobsOperation: Operation = async ({ runtime, request, requestId }) => {
  const errors = new ConstraintErrors();
  const after = timeQuery(errors, 'submitTimeAfter', queryValue(request, 'submitTimeAfter'));
  const before = timeQuery(errors, 'submitTimeBefore', queryValue(request, 'submitTimeBefore'));
  const statusEquals = queryValue(request, 'statusEquals');
  const nameContains = queryValue(request, 'nameContains');
  const sortBy = queryValue(request, 'sortBy');
  const sortOrder = queryValue(request, 'sortOrder') ?? 'Descending';
  errors.checkEnum('statusEquals', statusEquals, STATUSES);
  errors.checkLength('nameContains', nameContains, 1, 63);
  errors.checkPattern('nameContains', nameContains, JOB_NAME_PATTERN, JOB_NAME_PATTERN_TEXT);
  errors.checkEnum('sortBy', sortBy, ['CreationTime']);
  errors.checkEnum('sortOrder', sortOrder, ['Ascending', 'Descending']);
  errors.throwIfAny();
  const direction = sortOrder === 'Ascending' ? 1 : -1;
  const jobs = runtime.batch.jobs
    .list()
    .map((job, position) => ({ job, position, submitted: new Date(job.submitTime).getTime() }))
    .filter(({ job, submitted }) => {
      if (after !== undefined && !(submitted > after)) return false;
      if (before !== undefined && !(submitted < before)) return false;
      if (statusEquals !== undefined && job.status !== statusEquals) return false;
      return nameContains === undefined || job.jobName.includes(nameContains);
    })
    // Creation order breaks ties: jobs made within one clock tick still list in a stable order.
    .sort((left, right) => direction * (left.submitted - right.submitted || left.position - right.position))
    .map(({ job }) => describeJob(job));
  const page = paginate(request, jobs, 'model-invocation-jobs');
  return jsonResponse({ invocationJobSummaries: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }, requestId);
};

/** `POST /model-invocation-job/{jobIdentifier}/stop`: Stopping now, Stopped once its answered records are written. */
export const stopModelInvocationJobOperation: Operation = async ({ runtime, labels, requestId }) => {
  const job = findJob(runtime, labels.jobIdentifier);
  if (!STOPPABLE_JOB_STATUSES.includes(job.status)) {
    throw validationError(`The job ${job.jobArn} can't be stopped because its status is ${job.status}.`);
  }
  await runtime.batch.stop(job.jobId);
  return jsonResponse({}, requestId);
};

/**
 * The batch operations by name, to spread into the core's operation table.
 *
 * @example
 * const OPERATIONS = { ...MODEL_INVOCATION_JOB_OPERATIONS };
 */
export const MODEL_INVOCATION_JOB_OPERATIONS = {
  CreateModelInvocationJob: createModelInvocationJobOperation,
  GetModelInvocationJob: getModelInvocationJobOperation,
  ListModelInvocationJobs: listModelInvocationJobsOperation,
  StopModelInvocationJob: stopModelInvocationJobOperation,
} as const;
