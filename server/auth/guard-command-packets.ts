import { type Ack, type AckError, type EvictionNotice, splitCommandArgs } from '@jetdrive-hub/client/contract';
import { createLogger } from '../log.js';
import type { RateLimiter } from '../shared/create-rate-limiter.js';
import { budgetKey, identityOf } from './control-budget.js';
import type { AuthPolicy } from './create-auth-policy.js';
import type { Role } from './roles.js';
import { isSocketCommand, SOCKET_COMMAND_ROLES } from './socket-command-roles.js';
import type { HubSocket } from './socket-data.js';

const log = createLogger('auth');

export type CommandRefusal = 'UNAUTHORIZED' | 'FORBIDDEN' | 'RATE_LIMITED' | 'TOO_MANY_UNKNOWN_EVENTS';

export interface CommandPacketGuardDeps {
  policy: AuthPolicy;
  /** The control budgets, shared with HTTP (see control-budget.ts). */
  limiter: RateLimiter;
  /** One bucket per socket for events outside the contract. */
  unknownEvents: { perMin: number; limiter: RateLimiter };
  refusedCommands: Record<CommandRefusal, number>;
}

/**
 * Checks every packet of one socket before any handler: a command needs the role SOCKET_COMMAND_ROLES gives it, and
 * a control command spends the budget of the sender's identity (its token's, or its address's anonymous one). An
 * event outside the contract costs only this socket's bucket and, once that is empty, gets the socket disconnected;
 * otherwise it passes on, to be answered UNKNOWN_EVENT by the gateway.
 */
export function guardCommandPackets(socket: HubSocket, deps: CommandPacketGuardDeps): void {
  const { policy, limiter, unknownEvents, refusedCommands } = deps;
  socket.use((packet, next) => {
    // Packets that arrived in the same read as the one that got the socket disconnected are dropped.
    if (!socket.connected) return;
    const event = String(packet[0]).slice(0, 64);
    const { ack } = splitCommandArgs<Ack<never>>(packet.slice(1));
    const refuse = (code: CommandRefusal, message: string): void => {
      refusedCommands[code]++;
      const error: AckError = { code, message: `${event}: ${message}` };
      if (ack) ack({ ok: false, error });
      else socket.emit('command:refused', { event, error });
    };
    if (!isSocketCommand(event)) {
      if (unknownEvents.limiter.take(socket.id).ok) return next();
      refusedCommands.TOO_MANY_UNKNOWN_EVENTS++;
      const notice: EvictionNotice = {
        code: 'TOO_MANY_UNKNOWN_EVENTS',
        message: `more than ${unknownEvents.perMin} events per minute that are not commands of this hub; disconnected (fix the client)`,
      };
      log.warn({ socket: socket.id, from: socket.data.address, event }, notice.message);
      socket.emit('viewer:evicted', notice);
      socket.disconnect(true);
      return;
    }
    const role: Role = SOCKET_COMMAND_ROLES[event];
    const allowed = policy.checkCredential(role, socket.data.credential);
    if (role === 'operator') {
      const rate = limiter.take(budgetKey(identityOf(allowed), socket.data.address));
      if (!rate.ok) {
        refuse('RATE_LIMITED', `too many control commands from ${socket.data.address}; retry in ${rate.retryAfterS} s`);
        return;
      }
    }
    if (!allowed.ok) return refuse(allowed.code, allowed.message);
    next();
  });
}
