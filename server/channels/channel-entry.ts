import { UNIT_LABELS } from '../protocol/types.js';
import type { ChannelView } from './create-channel-views.js';
import type { Judgement } from './create-mapping-tally.js';
import { LIVE, LIVE_SIZE, type ProviderColumns } from './provider-columns.js';
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

/**
 * One channel of the registry: its names and units (meta), and where its per-sample state lives: a row (`slot`) of
 * its provider's columns (ProviderColumns). Storing doubles into the null-initialised fields of ChannelMeta allocated
 * a heap number per field per sample. Sample objects are built only when asked for (lastSample).
 */
export class ChannelEntry {
  /** Names and units; its live fields stay at their initial values (see snapshot()). */
  readonly meta: ChannelMeta;
  /** meta.key and meta.channelId, read per sample by the hot path. */
  readonly key: string;
  readonly channelId: number;
  /** The channel's row in `cols` (live numbers) and its slot in the provider's history. */
  readonly slot: number;
  /** slot × LIVE_SIZE: where its live numbers start. */
  readonly base: number;
  /** Views this channel feeds; an array because it is walked per sample. */
  views: ChannelView[] = [];
  /** meta.provisional, read per sample by the hot path. */
  provisional: boolean;
  warnedUnmapped = false;
  judged: Judgement | null = null;

  constructor(
    providerId: number,
    providerName: string,
    channelId: number,
    fields: ChannelFields,
    firstSeen: number,
    readonly cols: ProviderColumns,
    slot: number,
  ) {
    const key = `${providerId}:${channelId}`;
    this.key = key;
    this.channelId = channelId;
    this.slot = slot;
    this.provisional = fields.provisional;
    this.base = slot * LIVE_SIZE;
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
  }

  get count(): number {
    return this.cols.live[this.base + LIVE.count];
  }

  /** Its live number `field` (LIVE). */
  #get(field: number): number {
    return this.cols.live[this.base + field];
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
    this.provisional = false;
    this.warnedUnmapped = false;
  }

  /** The newest sample as an object, null before any (channel$ replays it to new subscribers). */
  lastSample(): Sample | null {
    if (this.#get(LIVE.count) === 0) return null;
    const m = this.meta;
    return {
      key: m.key,
      providerId: m.providerId,
      channelId: m.channelId,
      value: this.#get(LIVE.lastValue),
      time: this.#get(LIVE.lastTime),
      providerTs: this.#get(LIVE.lastPts),
    };
  }

  /** A snapshot of the channel with its live fields. */
  snapshot(rateHz = 0): ChannelMeta {
    const seen = this.#get(LIVE.count) > 0;
    const min = this.#get(LIVE.min);
    const max = this.#get(LIVE.max);
    return {
      ...this.meta,
      lastSeen: seen ? this.#get(LIVE.lastSeen) : null,
      lastValue: seen ? this.#get(LIVE.lastValue) : null,
      lastTime: seen ? this.#get(LIVE.lastTime) : null,
      min: min <= max ? min : null,
      max: min <= max ? max : null,
      sampleCount: this.#get(LIVE.count),
      rateHz,
    };
  }

  /** A snapshot with the sample rate over its recent history (trimmed to `now - historyMs` first). */
  rateSnapshot(now: number, historyMs: number): ChannelMeta {
    this.cols.history.trimBefore(now - historyMs);
    return this.snapshot(this.cols.history.rateHz(this.slot));
  }

  /** Its recent samples, oldest first (trimmed to `now - historyMs` first), optionally only time >= sinceMs. */
  history(now: number, historyMs: number, sinceMs?: number): Sample[] {
    this.cols.history.trimBefore(now - historyMs);
    return this.cols.history.toArray({ ...this.meta, slot: this.slot }, sinceMs);
  }
}
