import type { AckError } from '@jetdrive-hub/client/contract';
import { createLogger } from '../log.js';
import { createRateLimiter, type RateLimiter } from '../shared/create-rate-limiter.js';
import { clientAddress } from './client-address.js';
import { type ConnectionSlotStats, ConnectionSlots, type SlotRefusal } from './connection-slots.js';
import { budgetKey, identityOf } from './control-budget.js';
import type { AuthPolicy } from './create-auth-policy.js';
import { type CommandRefusal, guardCommandPackets } from './guard-command-packets.js';
import { HandshakeGate, type HandshakeGateStats } from './handshake-gate.js';
import { handshakeToken } from './handshake-token.js';
import type { HubServer, HubSocket } from './socket-data.js';

// Socket.IO's side of the one authorization check, in three layers: the Engine.IO handshake (HandshakeGate, through
// the `allowRequest` option), the namespace join (a viewer token when reading needs one, and a connection slot), and
// every command packet (the role SOCKET_COMMAND_ROLES gives it; control commands spend the sender identity's
// budget, shared with HTTP). Unknown events cost only the socket that sends them and, past a limit, disconnect it.
// Refused connections get a connect_error whose message is the code and whose `data` is `{ code, message }`;
// refused commands are answered through their ack, or through `command:refused` when they have none.

const log = createLogger('auth');

export type ConnectionRefusal = 'UNAUTHORIZED' | 'RATE_LIMITED' | SlotRefusal;

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

export interface SocketGuard {
  /** For the Socket.IO server options: checks every Engine.IO handshake before it allocates anything. */
  readonly allowRequest: HandshakeGate['allowRequest'];
  /** Installs the namespace and packet checks; call before any other connection handler is added. */
  attach(server: HubServer): void;
  stats(): SocketGuardStats;
}

function refusal(code: string, message: string): Error & { data: AckError } {
  return Object.assign(new Error(code), { data: { code, message } });
}

const emptyConnectionRefusals = (): Record<ConnectionRefusal, number> => ({
  UNAUTHORIZED: 0,
  RATE_LIMITED: 0,
  TOO_MANY_CONNECTIONS: 0,
  TOO_MANY_FROM_ADDRESS: 0,
});

const emptyCommandRefusals = (): Record<CommandRefusal, number> => ({
  UNAUTHORIZED: 0,
  FORBIDDEN: 0,
  RATE_LIMITED: 0,
  TOO_MANY_UNKNOWN_EVENTS: 0,
});

interface AdmitDeps {
  policy: AuthPolicy;
  limiter: RateLimiter;
  slots: ConnectionSlots;
  gate: HandshakeGate;
  unknownEvents: { perMin: number; limiter: RateLimiter };
  refusedConnections: Record<ConnectionRefusal, number>;
  refusedCommands: Record<CommandRefusal, number>;
}

/** The namespace join: the token is resolved once into `socket.data`, then the socket takes a connection slot. */
function admitter(deps: AdmitDeps): (socket: HubSocket, next: (err?: Error) => void) => void {
  const { policy, limiter, slots, refusedConnections } = deps;
  return (socket, next) => {
    const address = clientAddress(socket.handshake.address);
    const credential = policy.resolve(handshakeToken(socket));
    const decision = policy.checkCredential('viewer', credential);
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
    const operator = identityOf(decision) === 'operator';
    const slot = slots.take(address, operator);
    if (!slot.ok) {
      refusedConnections[slot.code]++;
      log.warn({ from: address, code: slot.code }, 'connection refused: %s', slot.message);
      next(refusal(slot.code, slot.message));
      return;
    }
    // Either may come first (or only one: a socket whose client vanished before it joined never disconnects).
    socket.once('disconnect', slot.release);
    socket.conn.once('close', slot.release);
    socket.once('disconnect', () => deps.unknownEvents.limiter.forget(socket.id));
    socket.data = { address, credential, operator };
    deps.gate.joined(socket.conn);
    guardCommandPackets(socket, {
      policy,
      limiter,
      unknownEvents: deps.unknownEvents,
      refusedCommands: deps.refusedCommands,
    });
    next();
  };
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
  const unknownEvents = {
    perMin: options.unknownEventsPerMin,
    limiter: createRateLimiter({
      ratePerMin: options.unknownEventsPerMin,
      burst: options.unknownEventsPerMin,
      maxClients: options.maxConnections,
    }),
  };
  const refusedConnections = emptyConnectionRefusals();
  const refusedCommands = emptyCommandRefusals();
  const admit = admitter({ policy, limiter, slots, gate, unknownEvents, refusedConnections, refusedCommands });

  return {
    allowRequest: gate.allowRequest,
    attach(server) {
      gate.attach(server.engine);
      server.use(admit);
    },
    stats: () => ({
      ...slots.stats(),
      refusedConnections: { ...refusedConnections },
      refusedCommands: { ...refusedCommands },
      handshakes: gate.stats(),
    }),
  };
}
