/**
 * The options of Nova Sonic sessions (`createRuntime({ sonic })`): how speech becomes text and text becomes
 * speech, and the session time limits. local-bedrock is text-first: by default audio input is "heard" as a
 * placeholder transcript and replies are "spoken" as silence of a plausible length.
 */

/**
 * What a transcription hook is told about the audio it gets.
 *
 * @example
 * const transcribe = (audio: Uint8Array, info: SonicTranscribeInfo) => `(${info.durationMs} ms at ${info.sampleRateHertz} Hz)`;
 */
export interface SonicTranscribeInfo {
  /** The model id the session was opened with, e.g. `amazon.nova-sonic-v1:0`. */
  modelId: string;
  promptName: string;
  /** The input content block the audio arrived in. */
  contentName: string;
  /** The block's `audioInputConfiguration.sampleRateHertz` (16-bit mono LPCM). */
  sampleRateHertz: number;
  /** The audio's duration in milliseconds. */
  durationMs: number;
}

/**
 * What a speech-synthesis hook is told about the text it speaks.
 *
 * @example
 * const synthesize = (text: string, info: SonicSynthesizeInfo) => new Uint8Array(text.length * info.sampleRateHertz / 8);
 */
export interface SonicSynthesizeInfo {
  modelId: string;
  promptName: string;
  /** The `voiceId` of the prompt's `audioOutputConfiguration`. */
  voiceId: string;
  /** The output rate asked for by the prompt: the hook must return 16-bit mono LPCM at this rate. */
  sampleRateHertz: number;
}

/**
 * Options of Nova Sonic sessions (`InvokeModelWithBidirectionalStream`).
 *
 * @example
 * const runtime = createRuntime({
 *   sonic: {
 *     transcribe: () => 'What is the weather in Paris?',
 *     synthesize: (text, { sampleRateHertz }) => new Uint8Array(text.length * sampleRateHertz / 10),
 *     sessionTimeoutMs: 8 * 60_000,
 *   },
 * });
 */
export interface SonicOptions {
  /**
   * Turns a user's audio block (16-bit mono LPCM, all of its `audioInput` joined) into the text the model
   * answers and the USER/FINAL transcript it sends back. Default: a placeholder, `(audio input, 1.2 s)`.
   */
  transcribe?: (audio: Uint8Array, info: SonicTranscribeInfo) => string | Promise<string>;
  /**
   * Turns the assistant's reply text into 16-bit mono LPCM at `info.sampleRateHertz`, sent as `audioOutput`.
   * Default: silence (zero bytes), 60 ms per character of text.
   */
  synthesize?: (text: string, info: SonicSynthesizeInfo) => Uint8Array | Promise<Uint8Array>;
  /**
   * Ends a session this long after it opened with `modelTimeoutException`, as the service does after 8 minutes.
   * Measured with the runtime's clock. Default: no limit.
   */
  sessionTimeoutMs?: number;
  /**
   * Ends a session that receives no input event for this long with `validationException` "Timed out waiting for
   * input events", as the service does (after about a minute). Measured with the runtime's clock. Default: no limit.
   */
  inputIdleTimeoutMs?: number;
  /**
   * After a session has failed, how long local-bedrock keeps reading (and discarding) input while waiting for the
   * client to end its input before it sends the exception anyway. Ending the answer while the JS SDK is still
   * writing input would crash the client with `ERR_STREAM_WRITE_AFTER_END`. Default: 10 000 ms.
   */
  drainGraceMs?: number;
}
