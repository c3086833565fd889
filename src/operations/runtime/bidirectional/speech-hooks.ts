import type { SonicOptions, SonicSynthesizeInfo, SonicTranscribeInfo } from './sonic-options.js';

/**
 * The default speech hooks of a text-first emulation: audio in is heard as a placeholder transcript, and text
 * out is spoken as silence whose length follows the text, so that clients playing or timing audio see plausible
 * amounts of it.
 */

/** Speech is assumed at about 16 characters a second: 60 ms of audio per character of reply. */
const MS_PER_CHARACTER = 60;
const BYTES_PER_SAMPLE = 2;

/**
 * Duration in ms of 16-bit mono LPCM.
 *
 * @example
 * lpcmDurationMs(32000, 16000); // 1000
 */
export function lpcmDurationMs(byteLength: number, sampleRateHertz: number): number {
  return (byteLength / BYTES_PER_SAMPLE / sampleRateHertz) * 1000;
}

/**
 * The default transcript of a user's audio: a placeholder naming its duration, e.g. `(audio input, 1.2 s)`.
 *
 * @example
 * placeholderTranscript(new Uint8Array(32000), { durationMs: 1000 } as SonicTranscribeInfo); // '(audio input, 1.0 s)'
 */
export function placeholderTranscript(_audio: Uint8Array, info: SonicTranscribeInfo): string {
  return `(audio input, ${(info.durationMs / 1000).toFixed(1)} s)`;
}

/**
 * The default speech of a reply: silence (zero bytes) of 16-bit mono LPCM, 60 ms per character.
 *
 * @example
 * silentSpeech('Hi.', { sampleRateHertz: 24000 } as SonicSynthesizeInfo).length; // 8640 (3 × 60 ms × 24 kHz × 2 bytes)
 */
export function silentSpeech(text: string, info: SonicSynthesizeInfo): Uint8Array {
  const samples = Math.round((text.length * MS_PER_CHARACTER * info.sampleRateHertz) / 1000);
  return new Uint8Array(samples * BYTES_PER_SAMPLE);
}

/**
 * The hooks a session uses: the runtime's, else the defaults.
 *
 * @example
 * const hooks: SpeechHooks = speechHooks(runtime.sonic);
 */
export interface SpeechHooks {
  transcribe: NonNullable<SonicOptions['transcribe']>;
  synthesize: NonNullable<SonicOptions['synthesize']>;
}

/**
 * The runtime's speech hooks with defaults filled in.
 *
 * @example
 * const { transcribe } = speechHooks({ transcribe: () => 'Hello' });
 */
export function speechHooks(options: SonicOptions): SpeechHooks {
  return { transcribe: options.transcribe ?? placeholderTranscript, synthesize: options.synthesize ?? silentSpeech };
}
