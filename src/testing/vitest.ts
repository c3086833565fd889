/** Placeholder: the vitest fixture lands here (entry `local-bedrock/vitest`). */
export {};
