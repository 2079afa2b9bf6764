/**
 * Reading a request body under a size cap. An oversize body is answered 413 before it is
 * buffered (from Content-Length when the client states it, else as soon as the running
 * total passes the cap); the rest of it is discarded, never stored.
 */
import type { IncomingMessage } from 'node:http';
import { SignalingError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume(); // discard: the reply does not wait for it
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (err: Error | undefined, text?: string): void => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(text!);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > maxBytes) {
        chunks.length = 0;
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      try {
        finish(undefined, utf8.decode(Buffer.concat(chunks, total)));
      } catch {
        finish(new SignalingError(400, 'bad-encoding', 'body is not valid UTF-8'));
      }
    });
    req.on('error', (err) => finish(err));
    req.on('close', () => finish(new SignalingError(400, 'aborted', 'request aborted')));
  });
}

function tooLarge(maxBytes: number): SignalingError {
  return new SignalingError(413, 'too-large', `body larger than ${maxBytes} bytes`);
}
