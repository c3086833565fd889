/** A one-line description of an unexpected error, for the warning that accompanies an InternalServerException. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
