/** Placeholder: msw request handlers land here (entry `local-bedrock/msw`). */
export {};
