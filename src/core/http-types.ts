/**
 * The HTTP-shaped values the core speaks. Every front door converts its own request type to a
 * `LocalHttpRequest` and writes a `LocalHttpResponse` back, so no feature lives in a door.
 */

/** A request as the core sees it. Header names are lower-case. */
export interface LocalHttpRequest {
  /** Upper-case method, e.g. `POST`. */
  method: string;
  /** The raw, still percent-encoded path, without the query string. */
  path: string;
  /** Query parameters, already decoded. */
  query: Record<string, string | string[] | undefined>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The request body; empty when there is none, and when the body is streamed (`bodyStream`). */
  body: Uint8Array;
  /**
   * A body that arrives while the answer is already being written (InvokeModelWithBidirectionalStream's input
   * event stream): the doors pass it through instead of reading it whole, so output may start before input ends.
   */
  bodyStream?: AsyncIterable<Uint8Array>;
}

/** A response body: bytes, or an event stream delivered frame by frame. */
export type LocalHttpBody = Uint8Array | AsyncIterable<Uint8Array>;

/** A response as the core produces it. */
export interface LocalHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: LocalHttpBody;
  /**
   * For a streamed body: ends the work behind it (the backend call). Doors call it when the reader goes
   * away — a reader that stops pulling would otherwise leave the backend waiting forever.
   */
  cancel?: () => void;
  /**
   * No answer at all: the connection is dropped (an injected fault). Doors fail the request the way a reset
   * connection does — in-process with an `ECONNRESET` error the SDK retries, over HTTP by destroying the socket.
   */
  dropped?: boolean;
}

/** Options a front door passes along with each request. */
export interface HandleRequestOptions {
  /** Aborts the request: the backend call is cancelled and a stream ends. */
  signal?: AbortSignal;
  /**
   * Who is calling: `api` (a client, the default) or `batch` (a record of a batch job, which the service runs
   * on base model ids even where on-demand calls need an inference profile).
   */
  origin?: 'api' | 'batch';
}
