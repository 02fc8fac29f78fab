import { createSocket, type Socket } from 'node:dgram';
import { createLogger } from '../log.js';
import { describeSocketError, errorCode } from './describe-socket-error.js';
import type { MulticastOptions } from './types.js';

const log = createLogger('transport');

/** Messages queued while a socket binds (the claim Ping goes out right at start). */
const MAX_PENDING = 64;

export interface MulticastSender {
  /** Sends one datagram to every group through every interface given at creation. Never throws. */
  send(bytes: Uint8Array): void;
  /** Read-only counters. */
  stats(): { sent: number; dropped: number; errors: Record<string, number> };
  close(): Promise<void>;
}

/**
 * Our own messages (Ping, Pong, RequestChannelInfo) to the group. One socket per interface, because
 * IP_MULTICAST_IF is per socket and dgram sends are asynchronous: switching it between sends on a shared socket
 * would race. Each socket is bound to its interface address with an ephemeral port.
 */
export function createMulticastSender(options: MulticastOptions, interfaces: readonly string[]): MulticastSender {
  const errors: Record<string, number> = {};
  let sent = 0;
  const sockets: { socket: Socket; iface: string; pending: Uint8Array[] | null }[] = [];
  let dropped = 0;
  const transmit = (socket: Socket, iface: string, bytes: Uint8Array): void => {
    for (const group of options.groups) {
      socket.send(bytes, options.port, group, (error) => {
        if (error) count(error, iface);
        else sent++;
      });
    }
  };
  const count = (error: unknown, iface: string): void => {
    const code = errorCode(error);
    errors[code] = (errors[code] ?? 0) + 1;
    // One line per code is enough: a dead interface would otherwise log on every ping.
    if (errors[code] === 1) {
      log.warn(
        { err: error },
        describeSocketError('send', { group: options.groups.join(','), port: options.port, iface }, error),
      );
    }
  };
  const usable = new Set<(typeof sockets)[number]>();
  for (const iface of interfaces) {
    const socket = createSocket({ type: 'udp4' });
    socket.on('error', (error) => count(error, iface));
    const entry = { socket, iface, pending: [] as Uint8Array[] | null };
    socket.bind({ address: iface, port: 0 }, () => {
      try {
        socket.setMulticastInterface(iface);
        socket.setMulticastTTL(options.ttl);
        socket.setMulticastLoopback(options.loopback);
      } catch (error) {
        count(error, iface);
        // Without IP_MULTICAST_IF set, the OS would pick the interface: never send from this socket.
        entry.pending = null;
        socket.close();
        return;
      }
      const queued = entry.pending ?? [];
      entry.pending = null;
      for (const bytes of queued) transmit(socket, iface, bytes);
      usable.add(entry);
    });
    sockets.push(entry);
  }
  return {
    send(bytes) {
      for (const entry of sockets) {
        if (usable.has(entry)) transmit(entry.socket, entry.iface, bytes);
        else if (entry.pending && entry.pending.length < MAX_PENDING) entry.pending.push(bytes);
        else dropped++;
      }
    },
    stats: () => ({ sent, dropped, errors: { ...errors } }),
    async close() {
      await Promise.all(
        sockets.map(
          ({ socket: s }) =>
            new Promise<void>((resolve) => {
              usable.clear();
              try {
                s.close(() => resolve());
              } catch {
                resolve();
              }
            }),
        ),
      );
      sockets.length = 0;
    },
  };
}
