/**
 * Guardrails declared up front (runtime option `guardrails`), so code under test can use a known guardrail id
 * without calling CreateGuardrail first. A declaration is a CreateGuardrail request plus an optional fixed id
 * and versions.
 */
import { readFileSync } from 'node:fs';
import { BedrockServiceError } from '../errors/bedrock-errors.js';
import type { GuardrailConfigRequest } from './config-types.js';
import type { GuardrailStore } from './store.js';

/**
 * One declared guardrail: the CreateGuardrail request shape (`topicPolicyConfig`, `wordPolicyConfig`, …) plus
 *
 * - `guardrailId`: a fixed id (`[a-z0-9]+`, 12 characters like the service's read best); random by default;
 * - `versions`: a number `n` makes versions `1`…`n`, each a snapshot of this configuration; a list makes one
 *   version per element, each element being the whole configuration of that version (same shape, `name`
 *   optional). The DRAFT is always the top-level configuration.
 *
 * @example
 * createRuntime({
 *   guardrails: [{
 *     guardrailId: 'nofinance001',
 *     name: 'no-finance',
 *     blockedInputMessaging: 'Sorry, I cannot discuss that.',
 *     blockedOutputsMessaging: 'Sorry, I cannot discuss that.',
 *     topicPolicyConfig: { topicsConfig: [{ name: 'Investing', definition: 'Investment advice.', type: 'DENY' }] },
 *     versions: 1,
 *   }],
 * });
 */
export interface GuardrailDeclaration extends Omit<GuardrailConfigRequest, 'clientRequestToken'> {
  guardrailId?: string;
  versions?: number | (Omit<GuardrailConfigRequest, 'name' | 'clientRequestToken' | 'tags'> & { name?: string })[];
}

/**
 * Adds declared guardrails to a store. A guardrail whose name the store already holds (e.g. loaded from its
 * persistence file) is left as it is: the saved state is newer than the declaration. Invalid declarations
 * throw with the service's validation message and the guardrail's name.
 *
 * @example
 * applyGuardrailDeclarations(store, './guardrails.json', 'us-east-1');
 */
export function applyGuardrailDeclarations(store: GuardrailStore, declarations: readonly GuardrailDeclaration[] | string, region: string): void {
  const list = typeof declarations === 'string' ? readDeclarationFile(declarations) : declarations;
  const existing = new Set(store.list().guardrails.map((summary) => summary.name));
  for (const declaration of list) {
    if (existing.has(declaration.name)) continue;
    try {
      declare(store, declaration, region);
    } catch (error) {
      if (BedrockServiceError.isInstance(error)) {
        throw new Error(`[local-bedrock] The declared guardrail "${String(declaration.name)}" is invalid: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}

function declare(store: GuardrailStore, declaration: GuardrailDeclaration, region: string): void {
  const { guardrailId, versions, ...config } = declaration;
  const { guardrailId: id } = store.create(config, { region, ...(guardrailId === undefined ? {} : { guardrailId }) });
  if (typeof versions === 'number') {
    if (!Number.isInteger(versions) || versions < 0) throw new Error(`[local-bedrock] The declared guardrail "${config.name}" has an invalid "versions" count: ${versions}.`);
    for (let index = 0; index < versions; index += 1) store.createVersion(id);
    return;
  }
  if (!versions || versions.length === 0) return;
  for (const snapshot of versions) {
    store.update(id, { name: config.name, ...snapshot });
    store.createVersion(id);
  }
  // The DRAFT is the declaration itself, not the last snapshot.
  const { tags: _tags, ...draft } = config;
  store.update(id, draft);
}

function readDeclarationFile(file: string): GuardrailDeclaration[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`[local-bedrock] Cannot read the guardrail declarations in ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new Error(`[local-bedrock] ${file} must hold a JSON array of guardrail declarations.`);
  return parsed as GuardrailDeclaration[];
}
