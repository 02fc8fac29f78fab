import type { Socket } from 'socket.io';
import { bearerToken } from './bearer-token.js';

/** The token of a handshake: `auth: { token }` (browsers, the SDK) or an Authorization header (scripts). */
export function handshakeToken(socket: Pick<Socket, 'handshake'>): string | undefined {
  const auth: unknown = socket.handshake.auth;
  if (typeof auth === 'object' && auth !== null) {
    const token: unknown = (auth as { token?: unknown }).token;
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return bearerToken(socket.handshake.headers.authorization);
}
