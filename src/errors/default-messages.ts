import type { BedrockErrorName } from './bedrock-errors.js';

/** The messages real Bedrock sends with each exception when there is nothing more specific to say. */
export const DEFAULT_ERROR_MESSAGES: Readonly<Record<BedrockErrorName, string>> = {
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ConflictException: 'The request conflicts with the current state of the resource.',
  InternalServerException: 'The server encountered an internal error while processing the request.',
  ModelErrorException: 'The model returned an error while processing the request.',
  ModelNotReadyException: 'The model is not ready to serve inference requests. Try your request again later.',
  ModelStreamErrorException: 'The model stream encountered an error while processing the request.',
  ModelTimeoutException: 'Model has timed out in processing the request. Try your request again.',
  ResourceNotFoundException: 'The specified resource could not be found.',
  ServiceQuotaExceededException: 'Your request exceeds the service quota for your account.',
  ServiceUnavailableException: 'Bedrock is unable to process your request.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ValidationException: 'The input fails to satisfy the constraints specified by the service.',
};
