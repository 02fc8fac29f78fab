import type { MulticastOptions } from './types.js';

export const JETDRIVE_GROUP = '224.0.2.10';
export const JETDRIVE_PORT = 22344;
/** Bursts from Power Core at high sample rates overflow the Linux default (~200 KiB) within milliseconds. */
export const DEFAULT_RECV_BUFFER_SIZE = 4 * 1024 * 1024;

/**
 * Safe defaults: loopback only, TTL 0, so nothing leaves this machine unless the operator configures interfaces
 * (see `defaultInterfaces()` for the shop-network choice) and a TTL of 1.
 */
export const DEFAULT_MULTICAST_OPTIONS: Readonly<MulticastOptions> = Object.freeze({
  groups: [JETDRIVE_GROUP],
  port: JETDRIVE_PORT,
  interfaces: ['127.0.0.1'],
  ttl: 0,
  loopback: true,
  recvBufferSize: DEFAULT_RECV_BUFFER_SIZE,
});
