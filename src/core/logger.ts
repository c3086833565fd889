/** Where local-bedrock reports what a user should know: one-line warnings prefixed `[local-bedrock]`. */
export interface LocalBedrockLogger {
  warn(message: string): void;
  /** Details of unexpected failures; silent by default. */
  debug?(message: string, detail?: unknown): void;
}

/** The default logger: warnings to stderr, nothing else. */
export const defaultLogger: LocalBedrockLogger = {
  warn(message) {
    console.warn(message.startsWith("[local-bedrock]") ? message : `[local-bedrock] ${message}`);
  },
};
