/**
 * Keeps a guardrail store in one JSON file: read once when the store starts, rewritten after every change.
 * A rewrite goes to a temporary file that is then renamed over the old one, so a crash mid-write leaves the
 * previous state, never half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the file holds; `format` tells a guardrail file from any other JSON.
 *
 * @example
 * const content: GuardrailFileContent<{ guardrails: [] }> = { format: 'local-bedrock.guardrails', formatVersion: 1, state: { guardrails: [] } };
 */
export interface GuardrailFileContent<State> {
  format: 'local-bedrock.guardrails';
  formatVersion: 1;
  state: State;
}

const FORMAT = 'local-bedrock.guardrails';

/**
 * Reads the state saved in `file`, or `undefined` when the file does not exist yet. A file that exists but is
 * not a guardrail store (bad JSON, another format) is an error: starting empty would overwrite it and lose
 * every guardrail in it.
 *
 * @example
 * const state = loadGuardrailFile<MyState>('.local-bedrock/guardrails.json') ?? emptyState();
 */
export function loadGuardrailFile<State>(file: string): State | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`[local-bedrock] The guardrail store ${file} is not valid JSON (${(error as Error).message}). Fix or remove it.`, { cause: error });
  }
  const content = parsed as Partial<GuardrailFileContent<State>> | null;
  if (typeof content !== 'object' || content === null || content.format !== FORMAT || content.formatVersion !== 1 || typeof content.state !== 'object' || content.state === null) {
    throw new Error(`[local-bedrock] ${file} is not a local-bedrock guardrail store (expected {"format":"${FORMAT}","formatVersion":1,…}). Fix or remove it.`);
  }
  return content.state;
}

/**
 * Writes `state` to `file` atomically (temporary file + rename), creating the folder if needed.
 *
 * @example
 * saveGuardrailFile('.local-bedrock/guardrails.json', state);
 */
export function saveGuardrailFile<State>(file: string, state: State): void {
  mkdirSync(dirname(file), { recursive: true });
  const content: GuardrailFileContent<State> = { format: FORMAT, formatVersion: 1, state };
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`);
  renameSync(temporary, file);
}
