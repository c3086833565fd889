/**
 * One port, two protocols: the first bytes of a connection tell HTTP/2 prior knowledge (the client preface)
 * from an HTTP/1.1 request line, and the socket is handed to the matching server.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** The first bytes of every HTTP/2 prior-knowledge connection (RFC 9113 §3.4). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * A stream that yields the bytes already read from `socket` and then the rest of it. `node:http2` reads a plain
 * socket natively and would miss bytes put back with `unshift`; given a JS stream it reads through it instead.
 */
function replaySocket(socket: Socket, head: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once('end', () => stream.push(null));
  socket.once('error', (error) => stream.destroy(error));
  socket.once('close', () => stream.destroy());
  return stream;
}

/** Reads until the first bytes tell HTTP/2's preface from an HTTP/1.1 request line, then hands the socket on. */
export function sniffProtocol(socket: Socket, onHttp1: (socket: Socket) => void, onHttp2: (stream: Duplex) => void): void {
  let head: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const compared = Math.min(head.length, HTTP2_PREFACE.length);
    const looksLikeHttp2 = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (looksLikeHttp2 && head.length < HTTP2_PREFACE.length) return; // not enough bytes to tell yet
    socket.off('data', onData);
    socket.pause();
    if (looksLikeHttp2) {
      onHttp2(replaySocket(socket, head));
    } else {
      // node:http does read bytes put back with unshift, once the socket flows again.
      socket.unshift(head);
      onHttp1(socket);
      socket.resume();
    }
  };
  socket.on('data', onData);
}

// ---------------------------------------------------------------------------------------------------------
// The server
