import type { LocalBedrockRuntime } from '../../core/runtime.js';
import { evaluateGuardrail } from '../evaluate-guardrail.js';
import type { GuardrailAssessment, GuardrailContentBlock, GuardrailEvaluation, GuardrailSource, ResolvedGuardrail } from '../types.js';
import type { InlineGuardrailConfig } from './inline-guardrail-config.js';

/**
 * One model call's guardrail: it assesses the input and the output (possibly in several stream chunks),
 * remembers every assessment, and writes the trace in the shape of each operation (Converse's
 * `trace.guardrail`, InvokeModel's `amazon-bedrock-trace.guardrail`).
 *
 * @example
 * const guardrail = new InlineGuardrail(runtime.guardrails.resolve('abc123def456', '1'), config);
 * const input = await guardrail.assessInput([{ text: { text: 'Hello' } }]);
 * if (!input.blocked) await guardrail.assessOutput(['Hi there!']);
 * body.trace = { guardrail: guardrail.converseTrace() };
 */
export class InlineGuardrail {
  private inputAssessment: GuardrailAssessment | undefined;
  private readonly outputAssessments: GuardrailAssessment[] = [];
  private readonly modelOutput: string[] = [];
  private actionReason: string | undefined;
  private intervenedOnce = false;
  /** The input's `grounding_source` and `query` blocks, which output assessments are scored against. */
  private groundingContext: GuardrailContentBlock[] = [];

  constructor(
    readonly guardrail: ResolvedGuardrail,
    readonly config: InlineGuardrailConfig,
    /** Receives the engine's one-line warnings (e.g. a custom regex JavaScript cannot run). */
    private readonly warn?: (message: string) => void,
  ) {}

  /** The text answered instead of a blocked input. */
  get blockedInputMessage(): string {
    return this.guardrail.policies.blockedInputMessaging;
  }

  /** The text answered instead of a blocked output. */
  get blockedOutputMessage(): string {
    return this.guardrail.policies.blockedOutputsMessaging;
  }

  /** Whether any assessment so far intervened (blocked or anonymized). */
  get intervened(): boolean {
    return this.intervenedOnce;
  }

  /** Assesses the request's input content. */
  async assessInput(content: GuardrailContentBlock[]): Promise<GuardrailEvaluation> {
    this.groundingContext = content.filter((block) => 'text' in block && block.text.qualifiers?.some((qualifier) => qualifier === 'grounding_source' || qualifier === 'query'));
    const evaluation = await this.evaluate('INPUT', content);
    this.inputAssessment = evaluation.assessment;
    return evaluation;
  }

  /** Assesses model output texts (one content block each). */
  async assessOutput(texts: readonly string[]): Promise<GuardrailEvaluation> {
    // Contextual grounding scores the output against the input's grounding source and query, so they go
    // along; the output itself is then the guarded content and its masked texts come last.
    const context = this.groundingContext;
    const output: GuardrailContentBlock[] = texts.map((text) => ({ text: context.length > 0 ? { text, qualifiers: ['guard_content'] } : { text } }));
    const evaluation = await this.evaluate('OUTPUT', [...context, ...output]);
    this.outputAssessments.push(evaluation.assessment);
    return context.length > 0 ? { ...evaluation, maskedTexts: evaluation.maskedTexts.slice(-texts.length) } : evaluation;
  }

  /** Remembers model text the caller will not see as generated (blocked or masked), for the trace. */
  recordReplacedOutput(text: string): void {
    this.modelOutput.push(text);
  }

  /**
   * Converse's `trace.guardrail` (`GuardrailTraceAssessment`), or `undefined` when the trace is off.
   */
  converseTrace(): Record<string, unknown> | undefined {
    if (this.config.trace === 'disabled') return undefined;
    const id = this.guardrail.guardrailId;
    const trace: Record<string, unknown> = {};
    if (this.modelOutput.length > 0) trace.modelOutput = [...this.modelOutput];
    if (this.inputAssessment) trace.inputAssessment = { [id]: this.inputAssessment };
    if (this.outputAssessments.length > 0) trace.outputAssessments = { [id]: [...this.outputAssessments] };
    if (this.actionReason !== undefined) trace.actionReason = this.actionReason;
    return trace;
  }

  /**
   * The fields InvokeModel adds to a native response body: `amazon-bedrock-guardrailAction` always, and
   * `amazon-bedrock-trace` (`{guardrail: {input: {id: …}, outputs: [{id: …}]}}`) when the trace is on.
   */
  invokeResponseFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = { 'amazon-bedrock-guardrailAction': this.intervenedOnce ? 'INTERVENED' : 'NONE' };
    if (this.config.trace === 'disabled') return fields;
    const id = this.guardrail.guardrailId;
    const guardrail: Record<string, unknown> = {};
    if (this.inputAssessment) guardrail.input = { [id]: this.inputAssessment };
    if (this.outputAssessments.length > 0) guardrail.outputs = this.outputAssessments.map((assessment) => ({ [id]: assessment }));
    if (this.actionReason !== undefined) guardrail.actionReason = this.actionReason;
    fields['amazon-bedrock-trace'] = { guardrail };
    return fields;
  }

  private async evaluate(source: GuardrailSource, content: GuardrailContentBlock[]): Promise<GuardrailEvaluation> {
    const started = performance.now();
    const evaluation = await evaluateGuardrail(
      this.guardrail.policies,
      { source, content, outputScope: this.config.trace === 'enabled_full' ? 'FULL' : 'INTERVENTIONS' },
      this.warn ? { warn: this.warn } : {},
    );
    const assessment: GuardrailAssessment = {
      ...evaluation.assessment,
      // The service reports what each inline assessment cost and covered, like ApplyGuardrail does.
      invocationMetrics: evaluation.assessment.invocationMetrics ?? {
        guardrailProcessingLatency: Math.round(performance.now() - started),
        usage: evaluation.usage,
        guardrailCoverage: evaluation.coverage,
      },
      appliedGuardrailDetails: evaluation.assessment.appliedGuardrailDetails ?? {
        guardrailId: this.guardrail.guardrailId,
        guardrailVersion: this.guardrail.version,
        guardrailArn: this.guardrail.guardrailArn,
        guardrailOrigin: ['REQUEST'],
        guardrailOwnership: 'SELF',
      },
    };
    if (evaluation.action === 'GUARDRAIL_INTERVENED') {
      this.intervenedOnce = true;
      this.actionReason = evaluation.actionReason;
    } else {
      this.actionReason ??= evaluation.actionReason;
    }
    return { ...evaluation, assessment };
  }
}

/**
 * Resolves the guardrail a request names (throwing the service's `ResourceNotFoundException` /
 * `ValidationException` when it does not exist) and opens its session, or `undefined` without one.
 *
 * @example
 * const guardrail = openInlineGuardrail(runtime, readConverseGuardrailConfig(body));
 * if (guardrail) await guardrail.assessInput(converseGuardedInput(body));
 */
export function openInlineGuardrail(runtime: LocalBedrockRuntime, config: InlineGuardrailConfig | undefined): InlineGuardrail | undefined {
  if (!config) return undefined;
  return new InlineGuardrail(runtime.guardrails.resolve(config.identifier, config.version), config, (message) => runtime.warnOnce(message));
}
