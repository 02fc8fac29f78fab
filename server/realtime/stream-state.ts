import {
  type DataFrame,
  pushEnvelope,
  pushRecord,
  type StreamChannel,
  startFrame,
} from '@jetdrive-hub/client/contract';
import type { ChannelKey } from '../channels/types.js';
import { ChannelChangeBuffer } from './channel-change-buffer.js';
import type { ChannelMatcher } from './compile-selectors.js';

/** Numbers per record in StreamState.pending: index, time, value, providerTs. */
export const PENDING_RECORD_SIZE = 4;

/**
 * One stream = one distinct (selection, maxHz, envelope) shared by every viewer that asked for exactly that.
 * Per-channel state lives in parallel arrays indexed by the stream's channel index (no per-sample allocation).
 */
export interface StreamState {
  readonly id: number;
  readonly key: string;
  readonly room: string;
  readonly selectors: readonly string[];
  readonly maxHz: number | null;
  readonly envelope: boolean;
  readonly byQuantity: boolean;
  matches: ChannelMatcher;
  /** channel key -> index; removed channels leave the map and their index goes to `freeIndexes`. */
  readonly indexOf: Map<ChannelKey, number>;
  /** Indexes of removed channels, reused before the arrays grow: a churning catalog cannot grow them without bound. */
  readonly freeIndexes: number[];
  /** Channel changes not yet told to the stream's viewers. */
  readonly changes: ChannelChangeBuffer;
  readonly channels: (StreamChannel | undefined)[];
  readonly latestTime: number[];
  readonly latestValue: number[];
  readonly latestPts: number[];
  /** Stream sequence number of each channel's latest sample (0 = none yet); conflation sends what changed. */
  readonly seqOf: number[];
  readonly periodMin: number[];
  readonly periodMax: number[];
  readonly periodDirty: boolean[];
  periodDirtyCount: number;
  /** Every-sample mode: flat [index, time, value, providerTs] records waiting for the next flush. */
  pending: number[];
  seq: number;
  /** viewer id -> number of that viewer's subscriptions on this stream. */
  readonly viewers: Map<string, number>;
  /** Viewers of this stream currently out of its room (conflated delivery). */
  readonly laggingViewers: Set<string>;
  /** maxHz streams: the timer of a frame held back until `nextTickAt` (null when none is waiting). */
  timer: ReturnType<typeof setTimeout> | null;
  /** maxHz streams: the earliest time its next frame may go (ms, same clock as FanOutDeps.now). */
  nextTickAt: number;
  /** maxHz streams: a frame is on its way (at the next flush or on `timer`). */
  periodQueued: boolean;
}

export function createStreamState(init: {
  id: number;
  key: string;
  selectors: readonly string[];
  maxHz: number | null;
  envelope: boolean;
  byQuantity: boolean;
  matches: ChannelMatcher;
}): StreamState {
  return {
    ...init,
    room: `stream:${init.id}`,
    indexOf: new Map(),
    freeIndexes: [],
    changes: new ChannelChangeBuffer(),
    channels: [],
    latestTime: [],
    latestValue: [],
    latestPts: [],
    seqOf: [],
    periodMin: [],
    periodMax: [],
    periodDirty: [],
    periodDirtyCount: 0,
    pending: [],
    seq: 0,
    viewers: new Map(),
    laggingViewers: new Set(),
    timer: null,
    nextTickAt: Number.NEGATIVE_INFINITY,
    periodQueued: false,
  };
}

/** An index for a new channel: a freed one (its per-channel state reset) or a new one at the end of the arrays. */
export function claimIndex(stream: StreamState): number {
  const index = stream.freeIndexes.pop() ?? stream.channels.length;
  stream.latestTime[index] = 0;
  stream.latestValue[index] = 0;
  stream.latestPts[index] = 0;
  stream.seqOf[index] = 0;
  stream.periodMin[index] = Number.POSITIVE_INFINITY;
  stream.periodMax[index] = Number.NEGATIVE_INFINITY;
  stream.periodDirty[index] = false;
  stream.channels[index] = undefined;
  return index;
}

/** `pending` holds `index, time, value, providerTs` per sample. */

/** The samples held since the last flush as one frame (layout: the contract's data-frame.ts). */
export function buildPendingFrame(stream: StreamState): DataFrame {
  const pending = stream.pending;
  const baseTime = pending[1];
  const basePts = pending[3];
  const frame = startFrame(stream.id, baseTime, basePts);
  for (let i = 0; i < pending.length; i += PENDING_RECORD_SIZE) {
    const value = pending[i + 2];
    pushRecord(frame, pending[i], roundMicros(pending[i + 1] - baseTime), value, pending[i + 3] - basePts);
    if (stream.envelope) pushEnvelope(frame, value, value);
  }
  return frame;
}

/** Latest value of every channel selected by `include`, with the period envelope when the stream has one. */
export function buildLatestFrame(
  stream: StreamState,
  include: (index: number) => boolean,
  withEnvelope: boolean,
): DataFrame | null {
  let frame: DataFrame | null = null;
  let baseTime = 0;
  let basePts = 0;
  for (let index = 0; index < stream.channels.length; index++) {
    if (stream.channels[index] === undefined || !include(index)) continue;
    if (frame === null) {
      baseTime = stream.latestTime[index];
      basePts = stream.latestPts[index];
      frame = startFrame(stream.id, baseTime, basePts);
    }
    const value = stream.latestValue[index];
    pushRecord(
      frame,
      index,
      roundMicros(stream.latestTime[index] - baseTime),
      value,
      stream.latestPts[index] - basePts,
    );
    if (stream.envelope) {
      pushEnvelope(
        frame,
        withEnvelope ? stream.periodMin[index] : value,
        withEnvelope ? stream.periodMax[index] : value,
      );
    }
  }
  return frame;
}

function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
