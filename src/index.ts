// Front doors
export { localBedrock, LOCAL_BEDROCK_MIDDLEWARE_NAME } from './front-doors/middleware.js';
export type { LocalBedrockPlugin } from './front-doors/middleware.js';
export { LocalBedrockHandler } from './front-doors/request-handler.js';
export type { LocalBedrockHandlerConfig } from './front-doors/request-handler.js';

// Core
export { createRuntime, isRuntime } from './core/runtime.js';
export type { BackendName, LocalBedrockOptions, LocalBedrockRuntime } from './core/runtime.js';
export { handleBedrockRequest } from './core/handle-request.js';
export { createFetchHandler } from './http/fetch.js';
export type { FetchHandler } from './http/fetch.js';
export type { HandleRequestOptions, LocalHttpBody, LocalHttpRequest, LocalHttpResponse } from './core/http-types.js';
export type { LocalBedrockLogger } from './core/logger.js';
export { CallLog } from './core/call-log.js';
export type { RecordedCall } from './core/call-log.js';
export type { ControlOperationName, OperationName, RuntimeOperationName } from './router/routes.js';
export { createManualClock, SYSTEM_CLOCK } from './core/clock.js';
export type { Clock, ManualClock } from './core/clock.js';

// Faults and quotas
export { parseFaultRules } from './faults/fault-rules.js';
export type { FaultRule, StreamFaultException } from './faults/fault-rules.js';
export type { FaultInjector } from './faults/fault-injector.js';
export { parseQuotaTable } from './quotas/quota-limiter.js';
export { promptCacheSupport } from './caching/cache-support.js';
export type { PromptCacheSupport } from './caching/cache-support.js';
export type { PromptCache } from './caching/prompt-cache.js';
export type { ModelQuota, QuotaLimiter, QuotaTable } from './quotas/quota-limiter.js';

// Guardrails, batch jobs and async invocations (more in `local-bedrock/guardrails` and `local-bedrock/batch`)
export type { GuardrailDeclaration } from './guardrails/declarations.js';
export type { GuardrailStore } from './guardrails/store.js';
export { waitForJob } from './batch/wait-for-job.js';
export type { BatchOptions, BatchProgress, LocalBatch } from './batch/batch-jobs.js';
export type { AsyncInvocation, AsyncInvokeStatus, AsyncInvokeStore } from './async-invoke/async-invoke-store.js';

// Nova Sonic (InvokeModelWithBidirectionalStream)
export type { SonicOptions, SonicSynthesizeInfo, SonicTranscribeInfo } from './operations/runtime/bidirectional/sonic-options.js';
export { placeholderTranscript, silentSpeech } from './operations/runtime/bidirectional/speech-hooks.js';

// Backends
export { createScriptedBackend } from './backends/scripted/scripted-backend.js';
export type { ScriptedBackend, ScriptedBackendOptions } from './backends/scripted/scripted-backend.js';
export type { ScriptedError, ScriptedMatch, ScriptedReply, ScriptedReplySource, ScriptedRule, ScriptedToolUse } from './backends/scripted/script.js';
export { createOllamaBackend } from './backends/ollama/ollama-backend.js';
export type { OllamaBackend, OllamaBackendOptions, OllamaPullProgress } from './backends/ollama/ollama-backend.js';
export { createOpenAICompatibleBackend } from './backends/openai-compatible/openai-compatible-backend.js';
export type {
  OpenAICompatibleBackend,
  OpenAICompatibleBackendDescription,
  OpenAICompatibleBackendOptions,
  OpenAIServerModel,
} from './backends/openai-compatible/openai-compatible-backend.js';
export { createLlamaCppBackend } from './backends/llamacpp/llamacpp-backend.js';
export type { LlamaCppBackend, LlamaCppDescription } from './backends/llamacpp/llamacpp-backend.js';
export type { LlamaCppBackendOptions, LlamaCppDownloadProgress, LlamaCppGpu } from './backends/llamacpp/llamacpp-options.js';
export { createBedrockBackend } from './backends/bedrock/bedrock-backend.js';
export type { BedrockBackendOptions, BedrockRuntimeClientLike } from './backends/bedrock/bedrock-backend.js';
export { createRecordingBackend } from './backends/recording/recording-backend.js';
export type { CassetteMode, RecordingBackend, RecordingBackendOptions } from './backends/recording/recording-backend.js';
export { CASSETTE_VERSION } from './backends/recording/cassette.js';
export type { Cassette, CassetteInteraction, CassetteInteractionKind, CassetteJson } from './backends/recording/cassette.js';
export type { Backend, BackendCallOptions, EmbeddingRequest, EmbeddingResponse, ImageRequest, ImageResponse } from './backends/types.js';
export { collectChatStream } from './chat/stream.js';
export type {
  ChatMediaSource,
  ChatMessage,
  ChatOutputPart,
  ChatPart,
  ChatReasoning,
  ChatRequest,
  ChatResponse,
  ChatStopReason,
  ChatStreamEvent,
  ChatTool,
  ChatToolChoice,
  ChatToolResultPart,
  ChatUsage,
  ChatCacheCheckpoint,
  ChatCacheDetail,
  ChatCacheTtl,
  JsonSchema,
} from './chat/types.js';

// Models
export { createModelRegistry } from './models/registry.js';
export type { ModelRegistry, ModelRegistryOptions, ResolvedModel } from './models/registry.js';
export type { ModelMap } from './models/model-map.js';
export type { ModelFamily, ModelFeatures, ModelKind } from './models/catalog.js';
export { FOUNDATION_MODELS, FOUNDATION_MODELS_VERSION } from './models/foundation-models.js';
export type { FoundationModelDefinition, FoundationModelInferenceType, FoundationModelModality, InferenceProfileGeography } from './models/foundation-models.js';
export type { ApplicationInferenceProfile, ApplicationProfileStore, InferenceProfileSummary } from './models/inference-profiles.js';

// Errors
export { BedrockServiceError, BEDROCK_ERROR_NAMES } from './errors/bedrock-errors.js';
export type { BedrockErrorName, BedrockFault } from './errors/bedrock-errors.js';
