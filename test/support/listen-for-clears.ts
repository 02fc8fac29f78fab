import type { Socket } from 'node:dgram';
import { decodeFrame } from '../../server/protocol/index.js';
import { openLoopbackMulticast } from './udp.js';

export interface ClearListener {
  socket: Socket;
  /** Provider names by host id, from the ChannelInfo heard (plus those passed in). */
  names: Map<number, string>;
  /** Names (or hex host ids) of the providers whose ClearChannelInfo was heard. */
  cleared: Set<string>;
}

/** A raw loopback multicast listener noting which providers announced themselves and which sent ClearChannelInfo. */
export async function listenForClears(
  port: number,
  known: ReadonlyMap<number, string> = new Map(),
): Promise<ClearListener> {
  const socket = await openLoopbackMulticast(port);
  const names = new Map<number, string>(known);
  const cleared = new Set<string>();
  socket.on('message', (bytes) => {
    try {
      const m = decodeFrame(bytes);
      if (m.type === 'ChannelInfo') names.set(m.host, m.providerName);
      if (m.type === 'ClearChannelInfo') cleared.add(names.get(m.host) ?? `0x${m.host.toString(16)}`);
    } catch {
      // only ChannelInfo and ClearChannelInfo matter here
    }
  });
  return { socket, names, cleared };
}
