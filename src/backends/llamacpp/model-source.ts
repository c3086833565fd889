import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import type { ResolvedLlamaCppOptions } from './llamacpp-options.js';
import type { NodeLlamaCppModule } from './load-node-llama-cpp.js';

/**
 * The local path of the configured model. A `modelUri` is resolved with node-llama-cpp's
 * `resolveModelFile`: a file already in the cache directory is used as is, otherwise it is downloaded once
 * (with a progress bar on a terminal, or `onDownloadProgress`). A download that makes no progress for
 * `downloadTimeoutMs` (an offline machine, a blackholed host) is cancelled and reported, never waited on forever.
 *
 * @example
 * const path = await resolveModelSource(module, resolveLlamaCppOptions({ modelUri: 'hf:user/repo:Q4_K_M' }));
 */
export async function resolveModelSource(module: Pick<NodeLlamaCppModule, 'resolveModelFile'>, settings: ResolvedLlamaCppOptions): Promise<string> {
  if (settings.modelPath !== undefined) return settings.modelPath;
  const uri = settings.modelUri ?? '';
  const stalled = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let giveUp: (reason: Error) => void = () => undefined;
  // node-llama-cpp does not honour the signal everywhere (its first request for a plain URL retries on its
  // own), so the stall timer also settles the wait itself.
  const stall = new Promise<never>((_, reject) => (giveUp = reject));
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const reason = new Error(`no progress for ${settings.downloadTimeoutMs} ms`);
      stalled.abort(reason);
      giveUp(reason);
    }, settings.downloadTimeoutMs);
  };
  arm();
  try {
    const download = module.resolveModelFile(uri, {
      ...(settings.modelCacheDirectory !== undefined ? { directory: settings.modelCacheDirectory } : {}),
      cli: !settings.onDownloadProgress && process.stderr.isTTY === true,
      onProgress: (progress) => {
        arm();
        settings.onDownloadProgress?.(progress);
      },
      signal: stalled.signal,
    });
    download.catch(() => undefined);
    return await Promise.race([download, stall]);
  } catch (error) {
    const reason = stalled.signal.aborted ? String((stalled.signal.reason as Error).message) : error instanceof Error ? error.message : String(error);
    throw new BedrockServiceError(
      'ModelErrorException',
      `[local-bedrock] The llama.cpp model ${uri} could not be downloaded (${reason}). Download it on a machine with internet access and pass its path as modelPath.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
