import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Request } from 'express';
import { ApiError } from '../lib/errors.js';

export interface BodyOptions {
  /** Largest accepted body after decompression (default 1 MiB). */
  limitBytes?: number;
  /** A body must arrive within this time (default 10 s): a slow sender does not hold the socket. */
  timeoutMs?: number;
}

const bodyError = (status: number, code: string, message: string, path = 'body') => new ApiError(status, code, message, [{ path, message }]);

function decoderFor(encoding: string): Transform | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw bodyError(415, 'unsupported_encoding', `unsupported Content-Encoding: ${encoding.slice(0, 40)}`, 'headers.content-encoding');
  }
}

/**
 * Reads and parses a JSON request body, called only after the caller is authenticated. Bodies that are
 * not JSON (by Content-Type) are left undefined, as express.json does. Every failure is a 4xx ApiError
 * naming the part: a bad Content-Encoding, a corrupt compressed body, a body too large or too slow,
 * invalid JSON.
 */
export async function readJsonBody(req: Request, options: BodyOptions = {}): Promise<unknown> {
  // Already read by an upstream parser (an embedding app's express.json()): use its result.
  if (req.readableEnded) return req.body as unknown;
  const limit = options.limitBytes ?? 1024 * 1024;
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || !(req.headers['content-type'] ?? '').toLowerCase().includes('json')) return undefined;
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder = decoderFor(encoding);
  const source: NodeJS.ReadableStream = decoder ? req.pipe(decoder) : req;
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(
      () => finish(bodyError(408, 'request_timeout', `request body not received within ${options.timeoutMs ?? 10_000} ms`)),
      options.timeoutMs ?? 10_000,
    );
    const finish = (err?: ApiError, body?: Buffer) => {
      clearTimeout(timer);
      source.removeAllListeners('data');
      if (err) {
        if (decoder) req.unpipe(decoder);
        reject(err);
      } else resolve(body!);
    };
    source.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) finish(bodyError(413, 'payload_too_large', `request body larger than ${limit} bytes`));
      else chunks.push(c);
    });
    source.once('end', () => finish(undefined, Buffer.concat(chunks)));
    source.once('error', () => finish(bodyError(400, 'invalid_request', `request body is not valid ${encoding || 'data'}`)));
    req.once('aborted', () => finish(bodyError(400, 'invalid_request', 'request body was cut off')));
  });
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw bodyError(400, 'invalid_request', 'request body is not valid JSON');
  }
}
