import type { DecodedFrame } from '../protocol/index.js';
import { AnswerLimiter } from './answer-limiter.js';
import { classifyRequest } from './classify-request.js';
import { ProviderEncoder } from './provider-encoder.js';
import type { SimChannel } from './sim-channels.js';
import type { OutgoingDatagram } from './types.js';

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
  const encoder = new ProviderEncoder(options);
  const stats: ProviderNodeStats = {
    pingsAnswered: 0,
    infoRequestsAnswered: 0,
    collisions: 0,
    restarts: 0,
    answersSuppressed: 0,
  };
  const limiter = new AnswerLimiter(options.maxAnswersPerS ?? DEFAULT_MAX_ANSWERS_PER_S, options.clockMs);

  const restart = (): OutgoingDatagram[] => {
    const bye = encoder.clear();
    encoder.rehost(options.pickHostId(encoder.hostId));
    stats.restarts++;
    return [bye, ...encoder.channelInfo()];
  };

  return {
    name: options.name,
    get hostId() {
      return encoder.hostId;
    },
    get channels() {
      return encoder.channels;
    },
    stats,
    channelInfo: () => encoder.channelInfo(),
    values: (read, ts) => encoder.values(read, ts),
    clear: () => encoder.clear(),
    handle(m) {
      const kind = classifyRequest(m, encoder.hostId);
      if (kind === 'collision') {
        stats.collisions++;
        return restart();
      }
      if (kind === 'ignore') return [];
      if (!limiter.tryAnswer()) {
        stats.answersSuppressed++;
        return [];
      }
      if (m.type === 'RequestChannelInfo') {
        stats.infoRequestsAnswered++;
        return encoder.channelInfo();
      }
      if (m.type !== 'Ping') return [];
      stats.pingsAnswered++;
      return [encoder.pong(m)];
    },
    renameChannel(channelId, name) {
      encoder.rename(channelId, name);
      return [encoder.clear(), ...encoder.channelInfo()];
    },
    restart,
  };
}
