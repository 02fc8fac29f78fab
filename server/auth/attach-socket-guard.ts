import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../client-sdk/src/events.js';
import { createLogger } from '../log.js';
import { bearerToken } from './bearer-token.js';
import type { AuthPolicy } from './create-auth-policy.js';
import type { RateLimiter } from './create-rate-limiter.js';
import { roleOfCommand } from './socket-command-roles.js';

// Socket.IO's side of the one authorization check. A connection needs the viewer role (always granted while reading
// is open) and a free slot; every command packet then needs the role SOCKET_COMMAND_ROLES gives it, and control
// commands and failed handshakes share the per-client rate limit with HTTP. Refused connections get a connect_error whose message is the
// code and whose `data` is `{ code, message }`; refused commands are answered through their ack.

const log = createLogger('auth');

export type ConnectionRefusal = 'UNAUTHORIZED' | 'TOO_MANY_CONNECTIONS' | 'RATE_LIMITED';

export interface SocketGuardOptions {
  policy: AuthPolicy;
  /** Shared with HTTP control routes: one budget per client address. */
  limiter: RateLimiter;
  /** Viewers connected at once; more are refused with TOO_MANY_CONNECTIONS. */
  maxConnections: number;
}

export interface SocketGuardStats {
  connections: number;
  refusedConnections: Record<ConnectionRefusal, number>;
  refusedCommands: { UNAUTHORIZED: number; FORBIDDEN: number; RATE_LIMITED: number };
}

export interface SocketGuard {
  stats(): SocketGuardStats;
}

interface RefusalData {
  code: string;
  message: string;
}

/** The token of a handshake: `auth: { token }` (browsers, the SDK) or an Authorization header (scripts). */
export function handshakeToken(socket: Pick<Socket, 'handshake'>): string | undefined {
  const auth: unknown = socket.handshake.auth;
  if (typeof auth === 'object' && auth !== null) {
    const token: unknown = (auth as { token?: unknown }).token;
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return bearerToken(socket.handshake.headers.authorization);
}

function refusal(code: string, message: string): Error & { data: RefusalData } {
  return Object.assign(new Error(code), { data: { code, message } });
}

export function attachSocketGuard(
  server: Server<ClientToServerEvents, ServerToClientEvents>,
  options: SocketGuardOptions,
): SocketGuard {
  const { policy, limiter, maxConnections } = options;
  const namespace = server.of('/');
  const refusedConnections: Record<ConnectionRefusal, number> = {
    UNAUTHORIZED: 0,
    TOO_MANY_CONNECTIONS: 0,
    RATE_LIMITED: 0,
  };
  const refusedCommands = { UNAUTHORIZED: 0, FORBIDDEN: 0, RATE_LIMITED: 0 };
  // Admitted by this middleware but not yet in namespace.sockets (Socket.IO adds them a tick later).
  let admitting = 0;

  server.use((socket, next) => {
    const address = socket.handshake.address;
    const rate = policy.viewerTokenRequired ? limiter.peek(address) : null;
    if (rate && !rate.ok) {
      refusedConnections.RATE_LIMITED++;
      next(refusal('RATE_LIMITED', `too many failed authentications from ${address}; retry in ${rate.retryAfterS} s`));
      return;
    }
    const decision = policy.check('viewer', handshakeToken(socket));
    if (!decision.ok) {
      // Failed handshakes spend from the same budget as control requests: guessing is no faster than control.
      limiter.take(address);
      refusedConnections.UNAUTHORIZED++;
      next(refusal('UNAUTHORIZED', decision.message));
      return;
    }
    if (namespace.sockets.size + admitting >= maxConnections) {
      refusedConnections.TOO_MANY_CONNECTIONS++;
      log.warn(
        { limit: maxConnections, from: socket.handshake.address },
        'viewer refused: %d connections already',
        maxConnections,
      );
      next(
        refusal(
          'TOO_MANY_CONNECTIONS',
          `this hub already serves ${maxConnections} viewers (the limit); try again later`,
        ),
      );
      return;
    }
    admitting++;
    setImmediate(() => {
      admitting--;
    });

    socket.use((packet, nextPacket) => {
      const [event] = packet;
      const last: unknown = packet.at(-1);
      const ack = typeof last === 'function' ? (last as (result: unknown) => void) : null;
      const role = roleOfCommand(String(event));
      // As over HTTP, the budget is spent before the token is looked at, so a refused guess costs too.
      if (role === 'operator') {
        const rate = limiter.take(address);
        if (!rate.ok) {
          refusedCommands.RATE_LIMITED++;
          ack?.({
            ok: false,
            error: {
              code: 'RATE_LIMITED',
              message: `${String(event)}: too many control commands from ${address}; retry in ${rate.retryAfterS} s`,
            },
          });
          return;
        }
      }
      const allowed = policy.check(role, handshakeToken(socket));
      if (!allowed.ok) {
        refusedCommands[allowed.code]++;
        ack?.({ ok: false, error: { code: allowed.code, message: `${String(event)}: ${allowed.message}` } });
        return;
      }
      nextPacket();
    });
    next();
  });

  return {
    stats: () => ({
      connections: namespace.sockets.size,
      refusedConnections: { ...refusedConnections },
      refusedCommands: { ...refusedCommands },
    }),
  };
}
