import { validationError } from '../errors/bedrock-errors.js';

const decoder = new TextDecoder();

/** Parses a JSON request body; anything that is not JSON gets Bedrock's malformed-input error. */
export function readJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    throw validationError('Malformed input request, please reformat your input and try again.');
  }
}
