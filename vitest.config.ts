import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Examples import the package by name, as users do; here the names point at the source.
  resolve: {
    alias: [
      { find: /^local-bedrock\/vitest$/, replacement: source('./src/testing/vitest.ts') },
      { find: /^local-bedrock\/msw$/, replacement: source('./src/front-doors/msw.ts') },
      { find: /^local-bedrock\/server$/, replacement: source('./src/front-doors/server.ts') },
      { find: /^local-bedrock\/tokens$/, replacement: source('./src/tokens/index.ts') },
      { find: /^local-bedrock\/guardrails$/, replacement: source('./src/guardrails/index.ts') },
      { find: /^local-bedrock\/batch$/, replacement: source('./src/batch/index.ts') },
      { find: /^local-bedrock$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'examples/vitest/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 20_000,
  },
});
