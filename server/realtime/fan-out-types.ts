import type { DataFrame, ServerToClientEvents, SubscribeRequest, SubscribeResult } from '@jetdrive-hub/client/contract';
import type { ChannelMeta, ChannelRegistry, QuantityResolver, SampleBatch } from '../channels/types.js';
import type { RealtimeOptions } from './options.js';
import type { StreamHolder } from './stream-holdings.js';

// The fan-out's public shapes (createFanOut composes the parts that implement them).

export type StreamEvent = 'stream:data' | 'stream:channels';

/** What the core needs from Socket.IO; the gateway implements it with rooms, unit tests with a recorder. */
export interface FanOutTransport {
  broadcast<E extends StreamEvent>(room: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void;
  send<E extends StreamEvent | 'stream:backfill'>(
    viewerId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void;
  join(viewerId: string, room: string): void;
  leave(viewerId: string, room: string): void;
}

export type FanOutError = {
  code: 'TOO_MANY_SUBSCRIPTIONS' | 'TOO_MANY_STREAMS' | 'UNKNOWN_SUBSCRIPTION';
  message: string;
};

export interface SubscribeOutcome {
  result: SubscribeResult;
  /** Sent by the caller right after the ack, before any later broadcast. */
  backfill: DataFrame[];
}

export interface FanOutStats {
  viewers: number;
  subscriptions: number;
  streams: number;
  laggingViewers: number;
  timers: number;
  samplesIn: number;
  framesBroadcast: number;
  /** Frames handed to viewers: each broadcast counts once per viewer in the room. */
  deliveredFrames: number;
  deliveredSamples: number;
  conflatedFrames: number;
  /** Frames a lagging viewer did not get (it receives the latest values instead). */
  droppedFrames: number;
  /** Samples dropped because a stream's pending buffer was full between two flushes. */
  droppedSamples: number;
  /** `stream:channels` messages sent (each coalesces every change of one stream since the previous one). */
  channelMessages: number;
  /** Subscriptions refused, by the cap that refused them. */
  refusedSubscriptions: Record<'subscriptions' | 'streams' | 'socketStreams' | 'addressStreams', number>;
  /** Client addresses holding at least one stream. */
  streamAddresses: number;
}

export interface FanOut {
  dispatch(batch: SampleBatch): void;
  /** `holder` says whose per-address stream cap the viewer's streams count against (default: its own id). */
  addViewer(viewerId: string, holder?: StreamHolder): void;
  removeViewer(viewerId: string): void;
  subscribe(
    viewerId: string,
    request: SubscribeRequest,
  ): { ok: true; data: SubscribeOutcome } | { ok: false; error: FanOutError };
  unsubscribe(viewerId: string, subscriptionId: string): { ok: true } | { ok: false; error: FanOutError };
  /** Re-evaluates one channel against every stream (added / renamed / removed / quantity change). */
  reconcileChannel(channel: ChannelMeta, removed: boolean): void;
  reconcileAll(channels: readonly ChannelMeta[], onlyQuantityStreams: boolean): void;
  /** Takes a viewer out of its rooms; from now on it only gets conflated catch-up frames. */
  setLagging(viewerId: string, lagging: boolean): void;
  /** Sends a lagging viewer the newest value of every channel that changed since its last catch-up. */
  catchUp(viewerId: string): number;
  isLagging(viewerId: string): boolean;
  stats(): FanOutStats;
  close(): void;
}

export interface FanOutDeps {
  registry: Pick<ChannelRegistry, 'catalog' | 'history'>;
  quantities?: QuantityResolver;
  transport: FanOutTransport;
  options: Pick<
    RealtimeOptions,
    | 'flushIntervalMs'
    | 'maxSubscriptionsPerSocket'
    | 'maxStreams'
    | 'maxStreamsPerSocket'
    | 'maxStreamsPerAddress'
    | 'maxBackfillSamples'
    | 'backfillFrameRecords'
    | 'maxPendingSamplesPerStream'
  >;
  now?: () => number;
}
