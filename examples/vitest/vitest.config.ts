import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs this folder's example in the local-bedrock repository, where `local-bedrock/vitest` is the source.
// In your own project you need none of this: `npm install -D local-bedrock` and import it.
export default defineConfig({
  resolve: { alias: { 'local-bedrock/vitest': fileURLToPath(new URL('../../src/testing/vitest.ts', import.meta.url)) } },
  test: {
    include: ['examples/vitest/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
