import { createSocket, type Socket } from 'node:dgram';
import type { MulticastOptions } from '../../server/transport/types.js';

/** Loopback only, TTL 0 (network safety: nothing we send in tests may leave this machine). */
export const TEST_GROUP = '224.0.2.10';
export const LOOPBACK = '127.0.0.1';

/** Multicast options for tests: port 0 (the OS picks a free one; read it back from the ingest), loopback only. */
export function loopbackMulticast(port = 0): MulticastOptions {
  return { groups: [TEST_GROUP], port, interfaces: [LOOPBACK], ttl: 0, loopback: true, recvBufferSize: 1024 * 1024 };
}

/** A UDP port free right now, in the high range. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: 0, address: LOOPBACK }, () => resolve());
  });
  const { port } = socket.address();
  await closeSocket(socket);
  return port;
}

export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * A socket that sends to and receives from the test group on loopback: SO_REUSEADDR on `port`, joined on
 * 127.0.0.1, outgoing interface 127.0.0.1, TTL 0, loopback on.
 */
export async function openLoopbackMulticast(port: number, group = TEST_GROUP): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address: '0.0.0.0' }, () => {
      socket.removeListener('error', reject);
      resolve();
    });
  });
  socket.setMulticastInterface(LOOPBACK);
  socket.setMulticastTTL(0);
  socket.setMulticastLoopback(true);
  socket.addMembership(group, LOOPBACK);
  return socket;
}

/** Sends one datagram to the group and resolves once the OS took it. */
export function sendTo(socket: Socket, bytes: Uint8Array, port: number, group = TEST_GROUP): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(bytes, port, group, (error) => (error ? reject(error) : resolve()));
  });
}
