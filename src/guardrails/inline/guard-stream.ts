import type { ChatStreamEvent } from '../../chat/types.js';
import type { InlineGuardrail } from './inline-guardrail.js';

/**
 * Applies an inline guardrail to a streamed answer, as a transform over neutral stream events, so every
 * streaming operation (ConverseStream, InvokeModelWithResponseStream) guards the same way.
 *
 * - `sync`: text deltas are held back and assessed each time the held text reaches
 *   `GUARDRAIL_STREAM_CHUNK_CHARACTERS` characters (and once more at the end of a text block). A clean chunk
 *   is released as it was generated; an anonymized one as one masked delta; a blocked one as the
 *   blocked-output message, after which the stream ends with `guardrail_intervened`.
 * - `async`: deltas are released at once and assessed in the background in the same chunks. Masking is not
 *   done (the service does not support it in this mode); after a block nothing more is released and the
 *   stream ends with `guardrail_intervened`, the text already sent staying sent.
 *
 * After a block the model's stream is still read to its end, so the final usage is the model's own.
 */

/**
 * Characters assessed per chunk: the service bills guardrail text in units of 1 000 characters and assesses
 * streamed output in chunks of that size.
 *
 * @example
 * guardChatStream(events, guardrail, GUARDRAIL_STREAM_CHUNK_CHARACTERS);
 */
export const GUARDRAIL_STREAM_CHUNK_CHARACTERS = 1000;

/**
 * Guards a stream of neutral events with `guardrail`, in its configured stream mode.
 *
 * @example
 * const events = guardChatStream(stream.events, guardrail);
 * for await (const event of events) encoder.encode(event);
 */
export function guardChatStream(
  events: AsyncIterable<ChatStreamEvent>,
  guardrail: InlineGuardrail,
  chunkCharacters = GUARDRAIL_STREAM_CHUNK_CHARACTERS,
): AsyncGenerator<ChatStreamEvent> {
  return guardrail.config.streamMode === 'async' ? guardAsync(events, guardrail, chunkCharacters) : guardSync(events, guardrail, chunkCharacters);
}

async function* guardSync(events: AsyncIterable<ChatStreamEvent>, guardrail: InlineGuardrail, chunkCharacters: number): AsyncGenerator<ChatStreamEvent> {
  let held: ChatStreamEvent[] = [];
  let heldText = '';
  let blocked = false;
  let masked = false;

  async function* release(): AsyncGenerator<ChatStreamEvent> {
    if (held.length === 0) return;
    const deltas = held;
    const text = heldText;
    held = [];
    heldText = '';
    const evaluation = await guardrail.assessOutput([text]);
    if (evaluation.blocked) {
      blocked = true;
      guardrail.recordReplacedOutput(text);
      yield { type: 'textDelta', text: guardrail.blockedOutputMessage };
    } else if (evaluation.action === 'GUARDRAIL_INTERVENED') {
      masked = true;
      guardrail.recordReplacedOutput(text);
      yield { type: 'textDelta', text: evaluation.maskedTexts[0] ?? text };
    } else {
      yield* deltas;
    }
  }

  for await (const event of events) {
    if (event.type === 'finish') {
      if (!blocked) yield* release();
      yield blocked || masked ? { ...event, stopReason: 'guardrail_intervened', stopSequence: undefined } : event;
      return;
    }
    if (blocked) continue;
    if (event.type === 'textDelta') {
      held.push(event);
      heldText += event.text;
      if (heldText.length >= chunkCharacters) yield* release();
      continue;
    }
    // Any other piece ends the text block: its held text is assessed before the piece goes out.
    yield* release();
    if (!blocked) yield event;
  }
}

async function* guardAsync(events: AsyncIterable<ChatStreamEvent>, guardrail: InlineGuardrail, chunkCharacters: number): AsyncGenerator<ChatStreamEvent> {
  let chunk = '';
  let blocked = false;
  const assessments: Promise<void>[] = [];
  const assess = () => {
    if (chunk === '') return;
    const text = chunk;
    chunk = '';
    const assessment = guardrail.assessOutput([text]).then((evaluation) => {
      if (!evaluation.blocked) return;
      blocked = true;
      guardrail.recordReplacedOutput(text);
    });
    // Awaited at the end; until then a failure must not count as an unhandled rejection.
    assessment.catch(() => undefined);
    assessments.push(assessment);
  };

  for await (const event of events) {
    if (event.type === 'finish') {
      assess();
      await Promise.all(assessments);
      yield blocked ? { ...event, stopReason: 'guardrail_intervened', stopSequence: undefined } : event;
      return;
    }
    if (blocked) continue;
    if (event.type === 'textDelta') {
      yield event;
      chunk += event.text;
      if (chunk.length >= chunkCharacters) assess();
      continue;
    }
    assess();
    yield event;
  }
  // A stream without a finish is reported by the framing; background assessments must not fail unheard.
  await Promise.all(assessments);
}
