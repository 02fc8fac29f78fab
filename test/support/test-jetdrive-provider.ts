import type { Socket } from 'node:dgram';
import {
  buildChannelInfoFrames,
  buildChannelValuesFrames,
  decodeFrame,
  encodeFrame,
} from '../../server/protocol/index.js';
import type { ChannelInfoRecord, DecodedFrame, JetDriveMessage } from '../../server/protocol/types.js';
import { ALL_HOSTS } from '../../server/protocol/types.js';
import { FrameInbox } from './frame-inbox.js';
import { closeSocket, openLoopbackMulticast, sendTo, TEST_GROUP } from './udp.js';

export interface TestProviderOptions {
  port: number;
  hostId: number;
  name?: string;
  channels?: ChannelInfoRecord[];
  group?: string;
  /** The provider's own clock, u32 ms (default: ms since creation). */
  clock?: () => number;
  /** Version in our Pongs (>= 10 plays an incompatible node). */
  pongVersion?: number;
  answerPings?: boolean;
  answerInfoRequests?: boolean;
  /**
   * Plays Dynojet's reference library: a Ping with more echo bytes than this throws in its Pong handler, and the
   * exception ends its receive loop for good (it hears nothing more, answers nothing more, but keeps sending).
   */
  deafOnPingEchoOver?: number;
}

export interface TestProvider {
  readonly hostId: number;
  channels: ChannelInfoRecord[];
  /** Every message from other hosts, in arrival order. */
  readonly received: DecodedFrame[];
  sendInfo(channels?: ChannelInfoRecord[], destination?: number): Promise<void>;
  /** Values stamped with the provider clock unless `ts` is given; split at the MTU. */
  sendValues(samples: { channelId: number; value: number; ts?: number }[]): Promise<void>;
  sendClear(): Promise<void>;
  /** Encodes the message as given, with this provider's next seq. */
  sendMessage(message: JetDriveMessage): Promise<void>;
  sendRaw(bytes: Uint8Array): Promise<void>;
  /** Sets the next sequence number (tests of the 255 → 0 wrap and gaps). */
  setSeq(seq: number): void;
  clock(): number;
  /** True once a too-long Ping echo has killed its receive loop (see `deafOnPingEchoOver`). */
  deaf(): boolean;
  /** Resolves with the first received message (already queued or future) that matches. */
  next(predicate: (f: DecodedFrame) => boolean, timeoutMs?: number): Promise<DecodedFrame>;
  close(): Promise<void>;
}

function tryDecode(bytes: Uint8Array): DecodedFrame | null {
  try {
    return decodeFrame(bytes);
  } catch {
    return null;
  }
}

/**
 * What the provider does with a message from another host: answers a Ping with a Pong and RequestChannelInfo with
 * its ChannelInfo, unless told not to; 'deaf' when the Ping's echo is one its reference library dies of.
 */
function answer(provider: TestProvider, f: DecodedFrame, options: TestProviderOptions): 'deaf' | 'ok' {
  if (f.destination !== ALL_HOSTS && f.destination !== options.hostId) return 'ok';
  const echoLimit = options.deafOnPingEchoOver;
  if (f.type === 'Ping' && echoLimit !== undefined && f.echo.length > echoLimit) return 'deaf';
  if (f.type === 'Ping' && options.answerPings !== false) {
    void provider.sendMessage({
      type: 'Pong',
      key: 0x05,
      host: options.hostId,
      seq: 0,
      destination: f.host,
      version: options.pongVersion ?? 1,
      hostTs: f.hostTs,
      remoteTs: provider.clock(),
      echo: f.echo,
    });
  }
  if (f.type === 'RequestChannelInfo' && options.answerInfoRequests !== false) void provider.sendInfo();
  return 'ok';
}

/** A JetDrive provider on loopback multicast, built on the codec: answers Pings and RequestChannelInfo. */
export async function createTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const group = options.group ?? TEST_GROUP;
  const socket: Socket = await openLoopbackMulticast(options.port, group);
  const started = Date.now();
  const clock = options.clock ?? (() => (Date.now() - started) >>> 0);
  const name = options.name ?? `Test Provider ${options.hostId}`;
  const inbox = new FrameInbox(`test provider ${options.hostId}`);
  let seq = 0;
  let deaf = false;
  const takeSeq = (count = 1): number => {
    const s = seq;
    seq = (seq + count) & 0xff;
    return s;
  };
  const raw = (bytes: Uint8Array): Promise<void> => sendTo(socket, bytes, options.port, group);
  /** Frames built from the current seq: the seq moves past them all. */
  const sendAll = async (frames: Uint8Array[]): Promise<void> => {
    takeSeq(frames.length);
    for (const f of frames) await raw(f);
  };

  const provider: TestProvider = {
    hostId: options.hostId,
    channels: options.channels ?? [],
    received: inbox.received,
    async sendInfo(channels = provider.channels, destination = ALL_HOSTS) {
      const frames = buildChannelInfoFrames({
        host: options.hostId,
        destination,
        seqStart: seq,
        providerName: name,
        channels,
      });
      await sendAll(frames);
    },
    async sendValues(samples) {
      const ts = clock();
      const frames = buildChannelValuesFrames({
        host: options.hostId,
        seqStart: seq,
        samples: samples.map((s) => ({ channelId: s.channelId, value: s.value, ts: s.ts ?? ts })),
      });
      await sendAll(frames);
    },
    async sendClear() {
      await provider.sendMessage({
        type: 'ClearChannelInfo',
        key: 0x03,
        host: options.hostId,
        seq: 0,
        destination: ALL_HOSTS,
      });
    },
    async sendMessage(message) {
      await raw(encodeFrame({ ...message, seq: takeSeq() }));
    },
    sendRaw: raw,
    setSeq(s) {
      seq = s & 0xff;
    },
    clock,
    deaf: () => deaf,
    next: (predicate, timeoutMs) => inbox.next(predicate, timeoutMs),
    close: () => closeSocket(socket),
  };

  socket.on('message', (bytes) => {
    const f = deaf ? null : tryDecode(bytes);
    if (f === null || f.host === options.hostId) return;
    inbox.push(f);
    if (answer(provider, f, options) === 'deaf') deaf = true;
  });

  return provider;
}
