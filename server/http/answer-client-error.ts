import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { createLogger } from '../log.js';
import { errorBody } from './error-middleware.js';
import { HttpError } from './http-error.js';

// Requests Node's HTTP parser refuses never reach Koa (a malformed request line or header, headers over the size
// limit, a request not finished within requestTimeout). Node would answer them with a bare status line; this answers
// them in the one error shape too, and counts them with the other error answers.

const log = createLogger('http');

/** Each app's error counts (createHttpApp registers them), so the server around it counts these answers too. */
export const ERROR_COUNTS_OF_APP = new WeakMap<Koa, Record<string, number>>();

function errorOf(error: NodeJS.ErrnoException): HttpError {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new HttpError('HEADERS_TOO_LARGE', 'request headers are larger than the server accepts');
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new HttpError('REQUEST_TIMEOUT', 'the request was not received in time');
  }
  return new HttpError('BAD_REQUEST', `malformed HTTP request (${error.code ?? 'parse error'})`);
}

/** The server's 'clientError' listener. */
export function answerClientError(counts: Record<string, number>) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    // Node's own check: nothing can be written to a reset socket, or after a response has started on it.
    const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (error.code === 'ECONNRESET' || !socket.writable || started) {
      socket.destroy();
      return;
    }
    const coded = errorOf(error);
    counts[coded.code] = (counts[coded.code] ?? 0) + 1;
    log.debug({ code: coded.code, reason: error.code }, 'client error');
    const body = JSON.stringify(errorBody(coded));
    socket.end(
      `HTTP/1.1 ${coded.status} ${STATUS_CODES[coded.status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
