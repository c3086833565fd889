/** Placeholder: the HTTP/1.1 + h2c server lands here (entry `local-bedrock/server`). */
export {};
