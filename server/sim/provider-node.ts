import {
  ALL_HOSTS,
  buildChannelInfoMessages,
  buildChannelValuesMessages,
  type ChannelInfoRecord,
  type ChannelSample,
  type DecodedFrame,
  encodeFrame,
} from '../protocol/index.js';
import type { SimChannel } from './sim-channels.js';

/** What a provider wants sent, and why (the fault injector treats values and control messages differently). */
export interface OutgoingDatagram {
  kind: 'info' | 'values' | 'clear' | 'pong';
  bytes: Uint8Array;
}

export interface ProviderNodeOptions {
  name: string;
  channels: readonly SimChannel[];
  hostId: number;
  /** Picks a fresh host id (restart, collision): random in 1..0xFFFE, never the current one. */
  pickHostId: (avoid: number) => number;
  /** The provider's clock, u32 ms (usually 0 at provider start). */
  clockMs: () => number;
  /** Maximum value bytes per datagram (ChannelInfo is split at it). */
  mtu: number;
  /** Pongs + ChannelInfo answers per second at most, so a flood of requests cannot turn us into an amplifier. */
  maxAnswersPerS?: number;
}

export const DEFAULT_MAX_ANSWERS_PER_S = 100;

export interface ProviderNodeStats {
  pingsAnswered: number;
  infoRequestsAnswered: number;
  collisions: number;
  restarts: number;
  /** Pings / RequestChannelInfo left unanswered because maxAnswersPerS was reached. */
  answersSuppressed: number;
}

/** The JetDrive behaviour of one simulated provider, without sockets or timers: messages in, datagrams out. */
export interface ProviderNode {
  readonly name: string;
  readonly hostId: number;
  readonly channels: readonly SimChannel[];
  readonly stats: Readonly<ProviderNodeStats>;
  /** ChannelInfo for the whole channel set, split at the MTU. */
  channelInfo(): OutgoingDatagram[];
  /** One tick of values stamped `ts` (provider-clock ms; default now), one datagram unless the MTU forces more. */
  values(read: (channel: SimChannel) => number, ts?: number): OutgoingDatagram[];
  clear(): OutgoingDatagram;
  /** Answers a message from the network: Pong to a Ping, ChannelInfo to a RequestChannelInfo; nothing otherwise. */
  handle(message: DecodedFrame): OutgoingDatagram[];
  /** Renames a channel: ClearChannelInfo, then the new ChannelInfo (the channel set changed). */
  renameChannel(channelId: number, name: string): OutgoingDatagram[];
  /** A new host id, as a restarted device: ClearChannelInfo from the old id, ChannelInfo from the new one. */
  restart(): OutgoingDatagram[];
}

export function createProviderNode(options: ProviderNodeOptions): ProviderNode {
  let hostId = options.hostId;
  let channels = options.channels.slice();
  let seq = 0;
  const stats: ProviderNodeStats = {
    pingsAnswered: 0,
    infoRequestsAnswered: 0,
    collisions: 0,
    restarts: 0,
    answersSuppressed: 0,
  };
  const maxAnswers = options.maxAnswersPerS ?? DEFAULT_MAX_ANSWERS_PER_S;
  let windowStart = -Infinity;
  let answersInWindow = 0;
  /** Fixed one-second window on the provider clock. */
  const mayAnswer = (): boolean => {
    const now = options.clockMs();
    if (now - windowStart >= 1000 || now < windowStart) {
      windowStart = now;
      answersInWindow = 0;
    }
    if (answersInWindow >= maxAnswers) {
      stats.answersSuppressed++;
      return false;
    }
    answersInWindow++;
    return true;
  };

  /** Reserves `count` sequence numbers (one per message, wrapping 255 → 0) and returns the first. */
  const takeSeq = (count: number): number => {
    const first = seq;
    seq = (seq + count) & 0xff;
    return first;
  };
  const records = (): ChannelInfoRecord[] =>
    channels.map((c) => ({ channelId: c.id, vendor: 0, name: c.name, unit: c.unit }));

  const channelInfo = (): OutgoingDatagram[] => {
    const messages = buildChannelInfoMessages({
      host: hostId,
      seqStart: seq,
      providerName: options.name,
      channels: records(),
      mtu: options.mtu,
    });
    takeSeq(messages.length);
    return messages.map((m) => ({ kind: 'info', bytes: encodeFrame(m) }));
  };

  const clear = (): OutgoingDatagram => ({
    kind: 'clear',
    bytes: encodeFrame({ type: 'ClearChannelInfo', key: 0x03, host: hostId, seq: takeSeq(1), destination: ALL_HOSTS }),
  });

  const values = (read: (channel: SimChannel) => number, ts = options.clockMs() >>> 0): OutgoingDatagram[] => {
    const samples: ChannelSample[] = channels.map((c) => ({ channelId: c.id, ts, value: Math.fround(read(c)) }));
    const messages = buildChannelValuesMessages({ host: hostId, seqStart: seq, samples, mtu: options.mtu });
    takeSeq(messages.length);
    return messages.map((m) => ({ kind: 'values', bytes: encodeFrame(m) }));
  };

  const restart = (): OutgoingDatagram[] => {
    const bye = clear();
    hostId = options.pickHostId(hostId);
    seq = 0;
    stats.restarts++;
    return [bye, ...channelInfo()];
  };

  return {
    name: options.name,
    get hostId() {
      return hostId;
    },
    get channels() {
      return channels;
    },
    stats,
    channelInfo,
    values,
    clear,
    handle(m) {
      if (m.host === ALL_HOSTS) return [];
      if (m.host === hostId) {
        // Our own multicast looped back; another node using our id as host AND destination is a collision.
        if (m.destination !== hostId) return [];
        stats.collisions++;
        return restart();
      }
      if (m.destination !== hostId && m.destination !== ALL_HOSTS) return [];
      if ((m.type === 'Ping' || m.type === 'RequestChannelInfo') && !mayAnswer()) return [];
      if (m.type === 'Ping') {
        stats.pingsAnswered++;
        const pong = encodeFrame({
          type: 'Pong',
          key: 0x05,
          host: hostId,
          seq: takeSeq(1),
          destination: m.host,
          version: 1,
          hostTs: m.hostTs,
          remoteTs: options.clockMs() >>> 0,
          echo: m.echo,
        });
        return [{ kind: 'pong', bytes: pong }];
      }
      if (m.type === 'RequestChannelInfo') {
        stats.infoRequestsAnswered++;
        return channelInfo();
      }
      return [];
    },
    renameChannel(channelId, name) {
      const i = channels.findIndex((c) => c.id === channelId);
      if (i < 0) throw new RangeError(`channelId ${channelId}: ${options.name} has no such channel`);
      channels = channels.map((c, j) => (j === i ? { ...c, name } : c));
      return [clear(), ...channelInfo()];
    },
    restart,
  };
}
