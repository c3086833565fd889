#!/usr/bin/env node
/** Placeholder: `local-bedrock serve` lands here. */
export {};
