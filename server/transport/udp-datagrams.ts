import { createSocket, type Socket } from 'node:dgram';
import { Observable } from 'rxjs';
import { createLogger } from '../log.js';
import { describeSocketError } from './describe-socket-error.js';
import type { Datagram, JoinResult, MulticastOptions } from './types.js';

const log = createLogger('transport');

/** What the socket looks like once bound and joined (handed to `onOpen`). */
export interface OpenSocketInfo {
  /** The bound port (differs from options.port when that is 0). */
  port: number;
  joins: JoinResult[];
  /** SO_RCVBUF as the OS reports it after our request (Linux reports twice the usable size). */
  recvBufferSize: number;
}

function joinAll(socket: Socket, options: MulticastOptions, port: number): JoinResult[] {
  const joins: JoinResult[] = [];
  for (const group of options.groups) {
    for (const iface of options.interfaces) {
      try {
        socket.addMembership(group, iface);
        joins.push({ group, iface, ok: true });
      } catch (error) {
        joins.push({ group, iface, ok: false, error: describeSocketError('join', { group, port, iface }, error) });
      }
    }
  }
  return joins;
}

function enlargeRecvBuffer(socket: Socket, wanted: number): number {
  if (wanted > 0) {
    try {
      socket.setRecvBufferSize(wanted);
    } catch (error) {
      log.warn({ wanted, err: error }, 'could not set the UDP receive buffer size');
    }
  }
  const actual = socket.getRecvBufferSize();
  // Linux reports double the requested size; less than requested means net.core.rmem_max clamped it.
  if (wanted > 0 && actual < wanted) {
    log.warn(
      { wanted, actual },
      `UDP receive buffer clamped by the OS to ${actual} bytes (wanted ${wanted}); raise net.core.rmem_max to survive bursts`,
    );
  }
  return actual;
}

/**
 * Datagrams from the JetDrive multicast group(s). The socket is created on subscribe (SO_REUSEADDR, bound on
 * 0.0.0.0:port, joined on every group × interface) and closed on teardown. A bind failure, or every join
 * failing, errors the observable with a message naming group, port, interface and OS error code; single join
 * failures are only logged and reported through `onOpen`.
 */
export function udpDatagrams$(
  options: MulticastOptions,
  onOpen?: (info: OpenSocketInfo) => void,
): Observable<Datagram> {
  return new Observable<Datagram>((subscriber) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    let bound = false;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
        // Already closed by the OS after an error: nothing left to release.
      }
    };

    socket.on('error', (error) => {
      const action = bound ? 'receive' : 'bind';
      const groups = options.groups.join(',');
      const message = describeSocketError(action, { group: groups, port: options.port, iface: '0.0.0.0' }, error);
      log.error({ err: error }, message);
      close();
      subscriber.error(new Error(message, { cause: error }));
    });
    socket.on('message', (bytes, rinfo) => {
      subscriber.next({ bytes, from: { address: rinfo.address, port: rinfo.port }, receivedAt: Date.now() });
    });
    socket.bind({ port: options.port, address: '0.0.0.0', exclusive: false }, () => {
      bound = true;
      const port = socket.address().port;
      socket.setMulticastLoopback(options.loopback);
      socket.setMulticastTTL(options.ttl);
      const recvBufferSize = enlargeRecvBuffer(socket, options.recvBufferSize);
      const joins = joinAll(socket, options, port);
      for (const j of joins) {
        if (j.ok) log.info({ group: j.group, iface: j.iface, port }, `joined ${j.group} on ${j.iface}, port ${port}`);
        else log.warn({ group: j.group, iface: j.iface, port }, j.error ?? 'join failed');
      }
      if (!joins.some((j) => j.ok)) {
        const detail = joins.map((j) => j.error).join('; ');
        close();
        subscriber.error(
          new Error(`no multicast join succeeded on port ${port}: ${detail || 'no groups or interfaces configured'}`),
        );
        return;
      }
      onOpen?.({ port, joins, recvBufferSize });
    });

    return close;
  });
}
