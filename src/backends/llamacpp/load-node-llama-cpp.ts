import { BedrockServiceError } from '../../errors/bedrock-errors.js';

/** The `node-llama-cpp` module, loaded on first use. */
export type NodeLlamaCppModule = typeof import('node-llama-cpp');

/**
 * How the module is imported; tests inject a failing one to prove the error. Typed loosely on purpose: this
 * type is part of a public signature, and users without node-llama-cpp must not need its typings.
 */
export type NodeLlamaCppImporter = () => Promise<unknown>;

/**
 * `node-llama-cpp` is an optional peer dependency: heavy, native, and ESM-only with top-level await (so a
 * `require` of it fails even from CommonJS). A dynamic `import()` on first use keeps every other backend free
 * of it.
 */
export const importNodeLlamaCpp: NodeLlamaCppImporter = () => import('node-llama-cpp');

/**
 * Imports `node-llama-cpp`, turning "not installed" into an error that says how to install it.
 *
 * @example
 * const { getLlama } = await loadNodeLlamaCpp();
 */
export async function loadNodeLlamaCpp(importer: NodeLlamaCppImporter = importNodeLlamaCpp): Promise<NodeLlamaCppModule> {
  try {
    return (await importer()) as NodeLlamaCppModule;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module) 'node-llama-cpp'/.test(String(error));
    const message = missing
      ? '[local-bedrock] The llamacpp backend needs node-llama-cpp. Install it with `npm i node-llama-cpp`.'
      : `[local-bedrock] node-llama-cpp could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    throw new BedrockServiceError('ModelErrorException', message, { cause: error });
  }
}
