import { type Ack, type AckError, splitCommandArgs } from '@jetdrive-hub/client/contract';
import type { HubSocket } from '../auth/socket-data.js';

export interface CommandPacketStats {
  /** Events no handler listens to, and `error` (never dispatched). */
  unknownEvents: number;
  /** Commands sent without an acknowledgement callback (told through `command:refused`). */
  missingAcks: number;
  /** Commands with more than one payload argument. */
  extraArguments: number;
}

export const emptyCommandPacketStats = (): CommandPacketStats => ({
  unknownEvents: 0,
  missingAcks: 0,
  extraArguments: 0,
});

/**
 * Every packet a client sends gets an answer. What reaches a handler has an ack (last, as Socket.IO puts it) and at
 * most one payload before it; handlers registered with onCommand find them the same way, so `catalog:get` with an argument is
 * answered rather than dropped. A packet no handler can answer is refused through its ack or, without one, through
 * `command:refused`. Registered per socket after the auth guard's own middleware.
 */
export function attachCommandNormalizer(socket: HubSocket, stats: CommandPacketStats): void {
  socket.use((packet, next) => {
    if (!socket.connected) return;
    const name = String(packet[0]);
    const { payloads, ack } = splitCommandArgs<Ack<never>>(packet.slice(1));
    const refuse = (code: AckError['code'], message: string): void => {
      const error: AckError = { code, message: `${name.slice(0, 64)}: ${message}` };
      if (ack) ack({ ok: false, error });
      else socket.emit('command:refused', { event: name.slice(0, 64), error });
    };
    // `error` is what Socket.IO emits for its own failures on a socket: a client must not be able to fake one.
    if (name === 'error' || socket.listenerCount(name) === 0) {
      stats.unknownEvents++;
      refuse('UNKNOWN_EVENT', 'not a command of this hub (the commands are ClientToServerEvents in the client SDK)');
      return;
    }
    if (!ack) {
      stats.missingAcks++;
      refuse('ACK_REQUIRED', 'every command answers through an acknowledgement; pass a callback as the last argument');
      return;
    }
    if (payloads.length > 1) {
      stats.extraArguments++;
      refuse('INVALID_PAYLOAD', `takes one payload argument before the ack, got ${payloads.length}`);
      return;
    }
    next();
  });
}
