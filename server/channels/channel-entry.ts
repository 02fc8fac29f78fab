import { UNIT_LABELS } from '../protocol/types.js';
import type { ChannelView } from './create-channel-views.js';
import type { Judgement } from './create-mapping-tally.js';
import { createSampleRing, type SampleRing } from './create-sample-ring.js';
import type { ChannelMeta, Sample } from './types.js';

/** What a channel is announced with (ChannelInfo, or the placeholder of a provisional channel). */
export interface ChannelFields {
  name: string;
  unit: number;
  vendor: number;
  provisional: boolean;
}

/** Unit byte of a channel known only from its values (no ChannelInfo yet). */
export const NO_UNIT = 255;

/** Slots of ChannelEntry.live. */
export const LIVE = {
  count: 0,
  lastSeen: 1,
  lastValue: 2,
  lastTime: 3,
  /** Provider timestamp of the last sample. */
  lastPts: 4,
  /** Newest provider timestamp accepted (u32 ms), -1 before any: older samples beyond the window are stale. */
  newestTs: 5,
  /** +Infinity / -Infinity until a non-NaN value arrives. */
  min: 6,
  max: 7,
} as const;
const LIVE_SIZE = 8;

/**
 * One channel of the registry: its names and units (meta) and its per-sample state. The per-sample state lives in
 * plain number fields, which V8 keeps unboxed; storing doubles into the null-initialised fields of ChannelMeta
 * allocated a heap number per field per sample. Sample objects are built only when asked for (lastSample).
 */
export class ChannelEntry {
  /** Names and units; its live fields stay at their initial values (see snapshot()). */
  readonly meta: ChannelMeta;
  /** meta.channelId, read per sample by the hot path. */
  readonly channelId: number;
  /**
   * The per-sample state in one small typed array (indexes: LIVE): contiguous, where number fields holding doubles
   * each live in a separate heap box, so a sample touched one cache line per field.
   */
  readonly live = new Float64Array(LIVE_SIZE);
  readonly ring: SampleRing;
  /** Views this channel feeds; an array because it is walked per sample. */
  views: ChannelView[] = [];
  warnedUnmapped = false;
  judged: Judgement | null = null;

  constructor(
    providerId: number,
    providerName: string,
    channelId: number,
    fields: ChannelFields,
    firstSeen: number,
    history: { max: number; ms: number },
  ) {
    const key = `${providerId}:${channelId}`;
    this.channelId = channelId;
    this.meta = {
      key,
      providerId,
      providerName,
      channelId,
      name: fields.name,
      displayName: fields.name,
      unit: fields.unit,
      unitLabel: UNIT_LABELS[fields.unit] ?? '',
      vendor: fields.vendor,
      provisional: fields.provisional,
      firstSeen,
      lastSeen: null,
      lastValue: null,
      lastTime: null,
      rateHz: 0,
      min: null,
      max: null,
      sampleCount: 0,
    };
    this.ring = createSampleRing({ key, providerId, channelId }, history.max, history.ms);
    this.live[LIVE.newestTs] = -1;
    this.live[LIVE.min] = Number.POSITIVE_INFINITY;
    this.live[LIVE.max] = Number.NEGATIVE_INFINITY;
  }

  get count(): number {
    return this.live[LIVE.count];
  }

  /** True when ChannelInfo changes something (a provisional channel is always renamed). */
  differsFrom(fields: ChannelFields): boolean {
    const m = this.meta;
    return m.provisional || m.name !== fields.name || m.unit !== fields.unit || m.vendor !== fields.vendor;
  }

  /** Takes ChannelInfo's name and unit; the caller re-indexes the name. */
  relabel(fields: ChannelFields): void {
    const m = this.meta;
    // Until the name index assigns it again (at the end of the same sink call), the display name is the new name,
    // as for a new channel: the channel:renamed event must not carry the old one.
    if (m.name !== fields.name) m.displayName = fields.name;
    m.name = fields.name;
    m.unit = fields.unit;
    m.unitLabel = UNIT_LABELS[fields.unit] ?? '';
    m.vendor = fields.vendor;
    m.provisional = false;
    this.warnedUnmapped = false;
  }

  /** Records one accepted sample (the hot path). */
  accept(time: number, value: number, providerTs: number, receivedAt: number): void {
    const live = this.live;
    live[LIVE.lastSeen] = receivedAt;
    live[LIVE.lastValue] = value;
    live[LIVE.lastTime] = time;
    live[LIVE.lastPts] = providerTs;
    live[LIVE.count]++;
    // NaN never becomes a min or max (comparisons with it are false).
    if (value < live[LIVE.min]) live[LIVE.min] = value;
    if (value > live[LIVE.max]) live[LIVE.max] = value;
    this.ring.push(time, value, providerTs);
  }

  /** The newest sample as an object, null before any (channel$ replays it to new subscribers). */
  lastSample(): Sample | null {
    const live = this.live;
    if (live[LIVE.count] === 0) return null;
    const m = this.meta;
    return {
      key: m.key,
      providerId: m.providerId,
      channelId: m.channelId,
      value: live[LIVE.lastValue],
      time: live[LIVE.lastTime],
      providerTs: live[LIVE.lastPts],
    };
  }

  /** A snapshot of the channel with its live fields. */
  snapshot(rateHz = 0): ChannelMeta {
    const live = this.live;
    const seen = live[LIVE.count] > 0;
    const ranged = live[LIVE.min] <= live[LIVE.max];
    return {
      ...this.meta,
      lastSeen: seen ? live[LIVE.lastSeen] : null,
      lastValue: seen ? live[LIVE.lastValue] : null,
      lastTime: seen ? live[LIVE.lastTime] : null,
      min: ranged ? live[LIVE.min] : null,
      max: ranged ? live[LIVE.max] : null,
      sampleCount: live[LIVE.count],
      rateHz,
    };
  }

  /** A snapshot with the sample rate over the recent ring (trimmed to `now - historyMs` first). */
  rateSnapshot(now: number, historyMs: number): ChannelMeta {
    this.ring.trimBefore(now - historyMs);
    const span = this.ring.size > 1 ? this.ring.newestTime() - this.ring.oldestTime() : 0;
    return this.snapshot(span > 0 ? ((this.ring.size - 1) * 1000) / span : 0);
  }
}
