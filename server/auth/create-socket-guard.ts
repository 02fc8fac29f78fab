import type { Server, Socket } from 'socket.io';
import type {
  AckError,
  ClientToServerEvents,
  EvictionNotice,
  ServerToClientEvents,
} from '../../client-sdk/src/events.js';
import { splitCommandArgs } from '../realtime/split-command-args.js';
import { createLogger } from '../log.js';
import { bearerToken } from './bearer-token.js';
import { clientAddress } from './client-address.js';
import { type ConnectionSlotStats, ConnectionSlots, type SlotRefusal } from './connection-slots.js';
import { budgetKey, identityOf } from './control-budget.js';
import type { AuthPolicy } from './create-auth-policy.js';
import { createRateLimiter, type RateLimiter } from './create-rate-limiter.js';
import { HandshakeGate, type HandshakeGateStats } from './handshake-gate.js';
import type { Role } from './roles.js';
import { isSocketCommand, SOCKET_COMMAND_ROLES } from './socket-command-roles.js';

// Socket.IO's side of the one authorization check, in three layers: the Engine.IO handshake (HandshakeGate, through
// the `allowRequest` option), the namespace join (a viewer token when reading needs one, and a connection slot), and
// every command packet (the role SOCKET_COMMAND_ROLES gives it; control commands spend the sender identity's
// budget, shared with HTTP). Unknown events cost only the socket that sends them and, past a limit, disconnect it.
// Refused connections get a connect_error whose message is the code and whose `data` is `{ code, message }`;
// refused commands are answered through their ack, or through `command:refused` when they have none.

const log = createLogger('auth');

export type ConnectionRefusal = 'UNAUTHORIZED' | 'RATE_LIMITED' | SlotRefusal;
type CommandRefusal = 'UNAUTHORIZED' | 'FORBIDDEN' | 'RATE_LIMITED' | 'TOO_MANY_UNKNOWN_EVENTS';

export interface SocketGuardOptions {
  policy: AuthPolicy;
  /** Shared with HTTP control routes: one budget per identity (see control-budget.ts). */
  limiter: RateLimiter;
  /** Connections at once; more are refused with TOO_MANY_CONNECTIONS. */
  maxConnections: number;
  /** Of maxConnections, kept for operator-token holders. */
  operatorReservedConnections: number;
  /** Non-operator connections from one address. */
  maxConnectionsPerAddress: number;
  maxPendingHandshakes: number;
  maxPendingHandshakesPerAddress: number;
  /** Events outside the contract one socket may send per minute (and at once) before it is disconnected. */
  unknownEventsPerMin: number;
}

export interface SocketGuardStats extends ConnectionSlotStats {
  refusedConnections: Record<ConnectionRefusal, number>;
  refusedCommands: Record<CommandRefusal, number>;
  handshakes: HandshakeGateStats;
}

/** Who a connected socket is, for per-address and per-identity limits elsewhere (the gateway's stream caps). */
export interface SocketIdentity {
  address: string;
  operator: boolean;
}

type GuardServer = Server<ClientToServerEvents, ServerToClientEvents>;
type GuardSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SocketGuard {
  /** For the Socket.IO server options: checks every Engine.IO handshake before it allocates anything. */
  readonly allowRequest: HandshakeGate['allowRequest'];
  /** Installs the namespace and packet checks; call before any other connection handler is added. */
  attach(server: GuardServer): void;
  identityOf(socket: GuardSocket): SocketIdentity | undefined;
  stats(): SocketGuardStats;
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

function refusal(code: string, message: string): Error & { data: AckError } {
  return Object.assign(new Error(code), { data: { code, message } });
}

export function createSocketGuard(options: SocketGuardOptions): SocketGuard {
  const { policy, limiter } = options;
  const gate = new HandshakeGate({
    policy,
    limiter,
    maxPending: options.maxPendingHandshakes,
    maxPendingPerAddress: options.maxPendingHandshakesPerAddress,
  });
  const slots = new ConnectionSlots({
    max: options.maxConnections,
    reservedForOperator: options.operatorReservedConnections,
    perAddress: options.maxConnectionsPerAddress,
  });
  // One bucket per connected socket, forgotten when it leaves: bounded by the connection limit.
  const unknownEvents = createRateLimiter({
    ratePerMin: options.unknownEventsPerMin,
    burst: options.unknownEventsPerMin,
    maxClients: options.maxConnections,
  });
  const identities = new WeakMap<GuardSocket, SocketIdentity>();
  const refusedConnections: Record<ConnectionRefusal, number> = {
    UNAUTHORIZED: 0,
    RATE_LIMITED: 0,
    TOO_MANY_CONNECTIONS: 0,
    TOO_MANY_FROM_ADDRESS: 0,
  };
  const refusedCommands: Record<CommandRefusal, number> = {
    UNAUTHORIZED: 0,
    FORBIDDEN: 0,
    RATE_LIMITED: 0,
    TOO_MANY_UNKNOWN_EVENTS: 0,
  };

  function admit(socket: GuardSocket, next: (err?: Error) => void): void {
    const address = clientAddress(socket.handshake.address);
    const decision = policy.check('viewer', handshakeToken(socket));
    if (!decision.ok) {
      // Failed handshakes spend the address's anonymous budget: guessing is no faster than control.
      const rate = limiter.take(budgetKey('anonymous', address));
      const code = rate.ok ? 'UNAUTHORIZED' : 'RATE_LIMITED';
      refusedConnections[code]++;
      const message = rate.ok
        ? decision.message
        : `too many failed authentications from ${address}; retry in ${rate.retryAfterS} s`;
      next(refusal(code, message));
      return;
    }
    const identity: SocketIdentity = { address, operator: identityOf(decision) === 'operator' };
    const slot = slots.take(address, identity.operator);
    if (!slot.ok) {
      refusedConnections[slot.code]++;
      log.warn({ from: address, code: slot.code }, 'connection refused: %s', slot.message);
      next(refusal(slot.code, slot.message));
      return;
    }
    // Either may come first (or only one: a socket whose client vanished before it joined never disconnects).
    socket.once('disconnect', slot.release);
    socket.conn.once('close', slot.release);
    socket.once('disconnect', () => unknownEvents.forget(socket.id));
    identities.set(socket, identity);
    gate.joined(socket.conn);
    socket.use((packet, nextPacket) => checkPacket(socket, identity, packet, nextPacket));
    next();
  }

  function checkPacket(
    socket: GuardSocket,
    identity: SocketIdentity,
    packet: unknown[],
    nextPacket: (err?: Error) => void,
  ): void {
    // Packets that arrived in the same read as the one that got the socket disconnected are dropped.
    if (!socket.connected) return;
    const event = String(packet[0]);
    const { ack } = splitCommandArgs(packet.slice(1));
    const refuse = (code: CommandRefusal, message: string): void => {
      refusedCommands[code]++;
      const error: AckError = { code, message: `${event.slice(0, 64)}: ${message}` };
      if (ack) ack({ ok: false, error });
      else socket.emit('command:refused', { event: event.slice(0, 64), error });
    };
    if (!isSocketCommand(event)) {
      if (!unknownEvents.take(socket.id).ok) {
        refusedCommands.TOO_MANY_UNKNOWN_EVENTS++;
        const notice: EvictionNotice = {
          code: 'TOO_MANY_UNKNOWN_EVENTS',
          message: `more than ${options.unknownEventsPerMin} events per minute that are not commands of this hub; disconnected (fix the client)`,
        };
        log.warn({ socket: socket.id, from: identity.address, event: event.slice(0, 64) }, notice.message);
        socket.emit('viewer:evicted', notice);
        socket.disconnect(true);
        return;
      }
      // The gateway answers it (UNKNOWN_EVENT); it cost nobody's control budget.
      nextPacket();
      return;
    }
    const role: Role = SOCKET_COMMAND_ROLES[event];
    const allowed = policy.check(role, handshakeToken(socket));
    if (role === 'operator') {
      const rate = limiter.take(budgetKey(identityOf(allowed), identity.address));
      if (!rate.ok) {
        refuse('RATE_LIMITED', `too many control commands from ${identity.address}; retry in ${rate.retryAfterS} s`);
        return;
      }
    }
    if (!allowed.ok) {
      refuse(allowed.code, allowed.message);
      return;
    }
    nextPacket();
  }

  return {
    allowRequest: gate.allowRequest,
    attach(server) {
      gate.attach(server.engine);
      server.use(admit);
    },
    identityOf: (socket) => identities.get(socket),
    stats: () => ({
      ...slots.stats(),
      refusedConnections: { ...refusedConnections },
      refusedCommands: { ...refusedCommands },
      handshakes: gate.stats(),
    }),
  };
}
