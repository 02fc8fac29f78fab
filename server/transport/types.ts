// Contracts of the UDP transport (server/transport/). Whoever creates a socket closes it.

export interface DatagramSource {
  address: string;
  port: number;
}

export interface Datagram {
  /** The datagram bytes. A Node Buffer may share a pool: respect byteOffset/byteLength. */
  bytes: Uint8Array;
  from: DatagramSource;
  /** Local receive time, epoch ms. */
  receivedAt: number;
}

export interface MulticastOptions {
  /** Multicast groups to join, e.g. ['224.0.2.10']. */
  groups: string[];
  /** UDP port (JetDrive: 22344). 0 picks a free port (tests). */
  port: number;
  /** Interface addresses to join on and send from, e.g. ['127.0.0.1']. */
  interfaces: string[];
  /** Multicast TTL for what we send; 0 keeps it on this host. */
  ttl: number;
  /** IP_MULTICAST_LOOP. */
  loopback: boolean;
  /** SO_RCVBUF in bytes (bursts: 4 MiB). */
  recvBufferSize: number;
}

export interface JoinResult {
  group: string;
  iface: string;
  ok: boolean;
  error?: string;
}
