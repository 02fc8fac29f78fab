import {
  ALL_HOSTS,
  buildChannelInfoMessages,
  buildChannelValuesMessages,
  type ChannelInfoRecord,
  type ChannelSample,
  encodeFrame,
  KEY,
  PING_VERSION,
  type PingMessage,
} from '../protocol/index.js';
import type { SimChannel } from './sim-channels.js';
import type { OutgoingDatagram } from './types.js';

/** Sequence numbers are u8: they wrap 255 → 0. */
const SEQ_MASK = 0xff;
/** Vendor byte of every simulated channel. */
const VENDOR = 0;

export interface ProviderEncoderOptions {
  name: string;
  channels: readonly SimChannel[];
  hostId: number;
  clockMs: () => number;
  mtu: number;
}

/**
 * A provider's outgoing datagrams: its host id, channel set and sequence counter (one number per message), and the
 * ChannelInfo / ChannelValues / ClearChannelInfo / Pong frames built from them.
 */
export class ProviderEncoder {
  readonly name: string;
  readonly #clockMs: () => number;
  readonly #mtu: number;
  #hostId: number;
  #channels: readonly SimChannel[];
  #seq = 0;

  constructor(o: ProviderEncoderOptions) {
    this.name = o.name;
    this.#clockMs = o.clockMs;
    this.#mtu = o.mtu;
    this.#hostId = o.hostId;
    this.#channels = o.channels.slice();
  }

  get hostId(): number {
    return this.#hostId;
  }

  get channels(): readonly SimChannel[] {
    return this.#channels;
  }

  /** A new identity (restart, collision): the new host id's sequence starts at 0. */
  rehost(hostId: number): void {
    this.#hostId = hostId;
    this.#seq = 0;
  }

  /** Renames a channel; RangeError when there is no such channel. */
  rename(channelId: number, name: string): void {
    const i = this.#channels.findIndex((c) => c.id === channelId);
    if (i < 0) throw new RangeError(`channelId ${channelId}: ${this.name} has no such channel`);
    this.#channels = this.#channels.map((c, j) => (j === i ? { ...c, name } : c));
  }

  channelInfo(): OutgoingDatagram[] {
    const channels: ChannelInfoRecord[] = this.#channels.map((c) => ({
      channelId: c.id,
      vendor: VENDOR,
      name: c.name,
      unit: c.unit,
    }));
    const messages = buildChannelInfoMessages({
      host: this.#hostId,
      seqStart: this.#seq,
      providerName: this.name,
      channels,
      mtu: this.#mtu,
    });
    this.#takeSeq(messages.length);
    return messages.map((m) => ({ kind: 'info', bytes: encodeFrame(m) }));
  }

  values(read: (channel: SimChannel) => number, ts = this.#clockMs() >>> 0): OutgoingDatagram[] {
    const samples: ChannelSample[] = this.#channels.map((c) => ({ channelId: c.id, ts, value: Math.fround(read(c)) }));
    const host = this.#hostId;
    const messages = buildChannelValuesMessages({ host, seqStart: this.#seq, samples, mtu: this.#mtu });
    this.#takeSeq(messages.length);
    return messages.map((m) => ({ kind: 'values', bytes: encodeFrame(m) }));
  }

  clear(): OutgoingDatagram {
    const seq = this.#takeSeq(1);
    const message = { type: 'ClearChannelInfo', key: KEY.ClearChannelInfo, seq, destination: ALL_HOSTS } as const;
    return { kind: 'clear', bytes: encodeFrame({ ...message, host: this.#hostId }) };
  }

  /** The Pong answering Ping `m`: its hostTs and echo back, our clock as remoteTs. */
  pong(m: PingMessage): OutgoingDatagram {
    const bytes = encodeFrame({
      type: 'Pong',
      key: KEY.Pong,
      host: this.#hostId,
      seq: this.#takeSeq(1),
      destination: m.host,
      version: PING_VERSION,
      hostTs: m.hostTs,
      remoteTs: this.#clockMs() >>> 0,
      echo: m.echo,
    });
    return { kind: 'pong', bytes };
  }

  /** Reserves `count` sequence numbers (one per message, wrapping 255 → 0) and returns the first. */
  #takeSeq(count: number): number {
    const first = this.#seq;
    this.#seq = (this.#seq + count) & SEQ_MASK;
    return first;
  }
}
