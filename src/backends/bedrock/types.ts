/** A plain JSON-like object, as the AWS SDK's inputs and outputs are. */
export type JsonDocument = { [key: string]: unknown };
