import { describe, it, expect } from 'vitest';
import { defaultThreads, resolveLlamaCppOptions } from './llamacpp-options.js';

describe('llama.cpp backend options', () => {
  it('uses one thread on two cores or fewer, and half the cores (at most 8) above', () => {
    expect([1, 2, 3, 4, 8, 16, 64].map((cores) => defaultThreads(cores))).toEqual([1, 1, 1, 2, 4, 8, 8]);
  });

  it('reads the model, GPU and threads from the environment, and tells paths from URIs', () => {
    const fromPath = resolveLlamaCppOptions({ env: { LOCAL_BEDROCK_LLAMACPP_MODEL: '/m/tiny.gguf', LOCAL_BEDROCK_LLAMACPP_GPU: 'cuda', LOCAL_BEDROCK_LLAMACPP_THREADS: '3' } });
    const fromUri = resolveLlamaCppOptions({ env: { LOCAL_BEDROCK_LLAMACPP_MODEL: 'hf:user/repo:Q4_K_M', LOCAL_BEDROCK_LLAMACPP_GPU: 'false' } });

    expect(fromPath).toMatchObject({ modelPath: '/m/tiny.gguf', gpu: 'cuda', threads: 3, build: 'never', sequences: 2 });
    expect(fromPath.modelUri).toBeUndefined();
    expect(fromUri).toMatchObject({ modelUri: 'hf:user/repo:Q4_K_M', gpu: false });
    expect(fromUri.modelPath).toBeUndefined();
  });

  it('lets options win over the environment and defaults the GPU to auto', () => {
    const options = resolveLlamaCppOptions({ modelPath: '/a.gguf', threads: 2, env: { LOCAL_BEDROCK_LLAMACPP_MODEL: '/b.gguf', LOCAL_BEDROCK_LLAMACPP_THREADS: '6' } });

    expect(options).toMatchObject({ modelPath: '/a.gguf', threads: 2, gpu: 'auto' });
  });
});
