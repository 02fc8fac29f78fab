import type { ConnectionFailure } from './hub-error.js';
import type { WireParser } from './hub-types.js';

/** What socket.io-client hands to `connect_error`: a namespace refusal carries `data`, a transport error `description`. */
export interface ConnectErrorLike {
  message: string;
  data?: unknown;
  description?: unknown;
}

const TOKEN_HINT = 'set JETDRIVE_HUB_TOKEN (CLI) or the `token` option to the viewer or operator token';

function hubRefusal(data: unknown): { code: string; message: string } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { code, message } = data as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code } : null;
}

function transportText(error: ConnectErrorLike): string {
  const description = error.description as { message?: unknown; error?: { message?: unknown } } | undefined;
  const text = description?.message ?? description?.error?.message ?? description;
  return typeof text === 'string' && text !== '' ? text : error.message;
}

/** The URL's host:port, as said in messages. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? '443' : '80');
    return `${parsed.hostname}:${port}`;
  } catch {
    return url;
  }
}

/** Names why a connection failed and what to do, from socket.io-client's `connect_error`. */
export function describeConnectError(error: ConnectErrorLike, url: string): ConnectionFailure {
  const refusal = hubRefusal(error.data);
  if (refusal?.code === 'UNAUTHORIZED') {
    return {
      code: 'UNAUTHORIZED',
      message: `unauthorized: ${refusal.message}`,
      hint: TOKEN_HINT,
      hubCode: refusal.code,
    };
  }
  if (refusal) {
    return {
      code: 'REFUSED',
      message: `the hub refused the connection: ${refusal.code}: ${refusal.message}`,
      hint: 'retry later, or close other connections to this hub',
      hubCode: refusal.code,
    };
  }
  const host = hostOf(url);
  const text = transportText(error);
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/i.test(text)) {
    return {
      code: 'HOST_NOT_FOUND',
      message: `host not found: ${new URL(url).hostname} does not resolve (${text})`,
      hint: 'check the host name in --url / JETDRIVE_HUB_URL',
    };
  }
  if (/wrong version number|EPROTO|SSL|TLS|certificate|CERT_|self.signed/i.test(text)) {
    const plain = /wrong version number/i.test(text);
    // OpenSSL's own text carries addresses and source paths ("…:SSL routines:ssl3_get_record:wrong version number:
    // ../deps/openssl/…:350:"): its reason is what a user can read.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(text)?.[1] ?? text.split('\n')[0];
    return {
      code: 'TLS_ERROR',
      message: `TLS error talking to ${host}: ${reason}`,
      hint: plain
        ? 'the hub speaks plain HTTP there: use an http:// URL'
        : 'check the hub certificate (or use http://)',
    };
  }
  if (/Unexpected server response|Invalid WebSocket frame|ECONNRESET/i.test(text)) {
    return {
      code: 'NOT_A_HUB',
      message: `${host} answered, but not as a jetdrive-hub (${text})`,
      hint: 'check the port in --url / JETDRIVE_HUB_URL (the hub serves Socket.IO on its HTTP port, 5001 by default)',
    };
  }
  return {
    code: 'UNREACHABLE',
    message: `hub unreachable: nothing answers at ${host} (${text})`,
    hint: 'start the hub (npm start) or check --url / JETDRIVE_HUB_URL',
  };
}

/** The hub closed the connection before it joined: with Socket.IO that is a packet it could not decode. */
export function wrongParserFailure(url: string, parser: WireParser): ConnectionFailure {
  const other = parser === 'json' ? 'msgpack' : 'json';
  return {
    code: 'WRONG_PARSER',
    message: `${hostOf(url)} closed the connection before it joined: it does not speak the ${parser} parser`,
    hint: `use --parser ${other} / JETDRIVE_HUB_PARSER=${other} (the \`parser\` option), as the hub is started with`,
  };
}

/** A URL the client can connect to, or the failure saying why not. */
export function checkHubUrl(url: string): ConnectionFailure | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {
      code: 'INVALID_URL',
      message: `invalid hub URL "${url}": not a URL`,
      hint: 'give a URL such as http://127.0.0.1:5001',
    };
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    return {
      code: 'INVALID_URL',
      message: `invalid hub URL "${url}": the scheme must be http, https, ws or wss, not ${parsed.protocol.slice(0, -1)}`,
      hint: 'give a URL such as http://127.0.0.1:5001',
    };
  }
  return null;
}
