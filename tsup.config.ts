import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      vitest: 'src/testing/vitest.ts',
      msw: 'src/front-doors/msw.ts',
      server: 'src/front-doors/server.ts',
      tokens: 'src/tokens/index.ts',
      guardrails: 'src/guardrails/index.ts',
      batch: 'src/batch/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    // One shared chunk per format, so every entry uses the same runtime classes.
    splitting: true,
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
]);
