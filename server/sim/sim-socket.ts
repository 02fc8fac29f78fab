import dgram from 'node:dgram';

export interface SimSocketOptions {
  group: string;
  port: number;
  /** IPv4 address of the interface to join on and send from. */
  iface: string;
  /** Required for any interface outside 127.0.0.0/8: the simulator's traffic must not reach a network by accident. */
  allowNonLoopback?: boolean;
}

export interface SimSocket {
  readonly port: number;
  /** Fire and forget; a send error is counted, not thrown (UDP). */
  send(bytes: Uint8Array): void;
  /** Resolves once the datagram has left (used for ClearChannelInfo before close). */
  sendAndWait(bytes: Uint8Array): Promise<void>;
  onMessage(handler: (bytes: Uint8Array) => void): void;
  readonly sendErrors: number;
  close(): Promise<void>;
}

export function isLoopbackAddress(iface: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(iface);
}

/**
 * The provider's own multicast socket (node:dgram, no dependency on server/transport): SO_REUSEADDR so the hub and
 * other JetDrive programs share the port, joined and sending on one interface. On loopback the multicast TTL is 0
 * and multicast loop is on: every program on this host hears it and nothing leaves the machine.
 */
export async function openSimSocket(options: SimSocketOptions): Promise<SimSocket> {
  const loopback = isLoopbackAddress(options.iface);
  if (!loopback && !options.allowNonLoopback) {
    throw new RangeError(
      `iface ${options.iface}: the simulator sends on loopback (127.x) only unless allowNonLoopback is set`,
    );
  }
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const handlers: ((bytes: Uint8Array) => void)[] = [];
  let sendErrors = 0;
  let closed = false;
  socket.on('message', (msg) => {
    for (const h of handlers) h(msg);
  });
  // Errors after bind (ICMP, send failures) must not crash the process; sends count their own.
  socket.on('error', () => {
    sendErrors++;
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`bind 0.0.0.0:${options.port} for the simulator: ${err.message}`));
    socket.once('error', onError);
    socket.bind(options.port, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  try {
    socket.addMembership(options.group, options.iface);
    socket.setMulticastInterface(options.iface);
    socket.setMulticastTTL(loopback ? 0 : 1);
    socket.setMulticastLoopback(true);
  } catch (err) {
    socket.close();
    throw new Error(`join ${options.group} on ${options.iface}: ${(err as Error).message}`);
  }
  const port = socket.address().port;
  const send = (bytes: Uint8Array, done?: (err: Error | null) => void): void => {
    if (closed) {
      done?.(new Error('socket closed'));
      return;
    }
    socket.send(bytes, port, options.group, (err) => {
      if (err) sendErrors++;
      done?.(err ?? null);
    });
  };
  return {
    port,
    send: (bytes) => send(bytes),
    sendAndWait: (bytes) => new Promise<void>((resolve) => send(bytes, () => resolve())),
    onMessage: (h) => {
      handlers.push(h);
    },
    get sendErrors() {
      return sendErrors;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}
