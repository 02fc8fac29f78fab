import { hostHex } from '../jetdrive/pick-host-id.js';
import { createLogger } from '../log.js';
import type { ChannelValuesBatch } from '../protocol/channel-values-batch.js';
import type { ChannelInfoRecord } from '../protocol/types.js';
import { ChannelEntry, type ChannelFields, NO_UNIT } from './channel-entry.js';
import { type ChannelViews, createChannelViews } from './create-channel-views.js';
import { createNameIndex, type NameIndex } from './create-name-index.js';
import type { RegistryOptions } from './default-registry-options.js';
import { msBehind } from './ms-behind.js';
import { LIVE } from './provider-columns.js';
import type { HistoryBatch } from './provider-history.js';
import type { ProviderEntry } from './provider-table.js';
import { createSampleBatch } from './sample-batch.js';
import type { CatalogEvent, ChannelKey, SampleBatch } from './types.js';

const log = createLogger('channels');

/** What the table reports to the registry around it. */
export interface ChannelTableHooks {
  /** The catalog changed; `structural` when names, views or mapping judgements may need refreshing. */
  changed(structural: boolean): void;
  emit(event: CatalogEvent): void;
  /** A channel was refused by a cap (`channels` per provider, `channelsTotal`). */
  drop(name: string): void;
}

/** The registry's own view of the batch it emits: consumers see SampleBatch's read-only columns. */
type WritableSampleBatch = { -readonly [K in keyof SampleBatch]: SampleBatch[K] };

/** The output's id, value and provider-timestamp columns (the input's, or the table's own when compacting). */
interface OutputColumns {
  ids: Uint16Array;
  values: Float32Array;
  pts: Uint32Array;
}

/** What one ChannelValues message produced. */
export interface WriteResult {
  /** Accepted samples, as columns (the table's reused buffers: valid until the next write). */
  batch: SampleBatch;
  /** Some channel id had no ChannelInfo yet. */
  provisional: boolean;
}

/**
 * Every channel of every provider: creation under the caps, ChannelInfo renames, removal, the name index and
 * channel$ views, and the hot path (write) that takes one message's decoded values per call.
 */
export class ChannelTable {
  readonly #entries = new Map<ChannelKey, ChannelEntry>();
  readonly names: NameIndex<ChannelEntry> = createNameIndex<ChannelEntry>();
  /** Entries added, renamed or re-labelled since the last settle: only they are matched and judged again. */
  readonly touched = new Set<ChannelEntry>();
  readonly views: ChannelViews<ChannelEntry>;
  readonly #opts: RegistryOptions;
  readonly #hooks: ChannelTableHooks;
  /**
   * Reused for every message (samples$ consumers copy what they keep). Its channelIds, values and providerTs are the
   * input's own columns while every sample is accepted (no copy); from the first refused one on, #compact's.
   */
  readonly #out: WritableSampleBatch;
  /** Where accepted samples are compacted once a sample of the message is refused (stale, or no channel). */
  readonly #compact: { channelIds: Uint16Array; values: Float32Array; providerTs: Uint32Array };
  readonly #result: WriteResult;
  /** The accepted samples' slots, beside #out's columns: the provider's history appends them in one call. */
  readonly #history: HistoryBatch;
  samples = 0;
  staleSamples = 0;

  constructor(opts: RegistryOptions, hooks: ChannelTableHooks, batchCapacity: number) {
    this.#opts = opts;
    this.#hooks = hooks;
    this.views = createChannelViews<ChannelEntry>(
      () => this.#entries.values(),
      (e) => e.snapshot(),
    );
    this.#out = createSampleBatch(batchCapacity);
    const { channelIds, times, values, providerTs } = this.#out;
    this.#compact = { channelIds, values, providerTs };
    this.#result = { batch: this.#out, provisional: false };
    this.#history = { slots: new Uint16Array(batchCapacity), times, values, pts: providerTs };
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: ChannelKey): ChannelEntry | undefined {
    return this.#entries.get(key);
  }

  values(): IterableIterator<ChannelEntry> {
    return this.#entries.values();
  }

  /** A new channel of `pe`, or null when a cap refuses it (counted). */
  add(pe: ProviderEntry, channelId: number, fields: ChannelFields, t: number): ChannelEntry | null {
    if (pe.channels.size >= this.#opts.maxChannelsPerProvider) {
      this.#hooks.drop('channels');
      return null;
    }
    if (this.#entries.size >= this.#opts.maxChannels) {
      this.#hooks.drop('channelsTotal');
      return null;
    }
    const slot = pe.cols.allocate();
    if (slot < 0) {
      this.#hooks.drop('channels');
      return null;
    }
    const e = new ChannelEntry(pe.state.hostId, pe.state.name, channelId, fields, t, pe.cols, slot);
    pe.channels.set(channelId, e);
    this.#entries.set(e.meta.key, e);
    this.names.add(e);
    this.touched.add(e);
    this.#hooks.changed(true);
    this.#hooks.emit({ type: 'channel:added', channel: e.snapshot() });
    return e;
  }

  /** Forgets every channel of `pe`. */
  removeAll(pe: ProviderEntry): void {
    for (const e of pe.channels.values()) {
      this.views.detachEntry(e);
      this.#entries.delete(e.meta.key);
      this.names.remove(e);
      this.touched.delete(e);
      pe.tally.forget(e);
      this.#hooks.emit({ type: 'channel:removed', channel: e.snapshot() });
    }
    if (pe.channels.size > 0) this.#hooks.changed(true);
    pe.channels.clear();
    pe.byPosition.length = 0;
    pe.cols.reset();
  }

  /** ChannelInfo records: new channels are added, known ones renamed or re-labelled in place. */
  applyInfo(pe: ProviderEntry, records: readonly ChannelInfoRecord[], t: number): void {
    this.#renameProvider(pe);
    for (const r of records) {
      const fields: ChannelFields = { name: r.name, unit: r.unit, vendor: r.vendor, provisional: false };
      const e = pe.channels.get(r.channelId);
      if (!e) {
        this.add(pe, r.channelId, fields, t);
        continue;
      }
      if (!e.differsFrom(fields)) continue;
      const previousName = e.meta.name;
      this.names.remove(e, previousName);
      e.relabel(fields);
      this.names.add(e);
      this.touched.add(e);
      this.#hooks.changed(true);
      if (previousName !== r.name) this.#hooks.emit({ type: 'channel:renamed', channel: e.snapshot(), previousName });
    }
  }

  /** The provider's online state or name changed: its channels' display names may change. */
  touchNamesOf(pe: ProviderEntry): void {
    for (const e of pe.channels.values()) this.names.touch(e.meta.name);
    this.#hooks.changed(true);
  }

  /** Copies a provider's new name into its channels (at most once per rename, not per datagram). */
  #renameProvider(pe: ProviderEntry): void {
    const first = pe.channels.values().next().value;
    if (first === undefined || first.meta.providerName === pe.state.name) return;
    for (const e of pe.channels.values()) {
      e.meta.providerName = pe.state.name;
      this.touched.add(e);
    }
    this.touchNamesOf(pe);
  }

  /**
   * The hot path: one ChannelValues message's records, decoded by the protocol into columns. Per record a Map
   * lookup (only when the channel at that position changed), the stale check, the entry's numbers, and a Sample
   * object only for channel$ views that want one. The output batch shares the input's id, value and timestamp
   * columns while every record is accepted; a refused record switches to compacting into the table's own columns.
   */
  write(pe: ProviderEntry, receivedAt: number, input: ChannelValuesBatch): WriteResult {
    // LIVE's offsets as locals: a module-level constant is loaded (and checked for its temporal dead zone) at every
    // use in the loop — ~5 % of the ingest — while a local is a register the optimiser folds into the index.
    const { count: COUNT, lastSeen: LAST_SEEN, lastValue: LAST_VALUE, lastTime: LAST_TIME } = LIVE;
    const { lastPts: LAST_PTS, newestTs: NEWEST_TS, min: MIN, max: MAX } = LIVE;
    const { keys, times } = this.#out;
    const inIds = input.channelIds;
    const inTs = input.ts;
    const inValues = input.values;
    let ids = inIds;
    let values = inValues;
    let pts = inTs;
    const window = this.#opts.staleWindowMs;
    const clock = pe.state.clock;
    // Until the first Pong every sample is stamped with the receive time: skip the per-sample call.
    const synced = clock.synced;
    const byPosition = pe.byPosition;
    const live = pe.cols.live;
    const slots = this.#history.slots;
    // channel$ views are rare (tests, scripts): without any, no entry's view list is loaded per sample.
    const anyViews = this.views.count() > 0;
    let provisional = false;
    // A fresh sample earlier in this datagram means the provider's clock did not go back (see #clockWentBack).
    let fresh = false;
    let n = 0;
    let newSlots = 0;
    const count = input.count;
    for (let i = 0; i < count; i++) {
      const channelId = inIds[i];
      const ts = inTs[i];
      let e: ChannelEntry | null | undefined = byPosition[i];
      if (e === undefined || e.channelId !== channelId) {
        e = pe.channels.get(channelId) ?? this.#provisional(pe, channelId, receivedAt);
        if (e === null) {
          if (ids === inIds) ({ ids, values, pts } = this.#startCompacting(input, n));
          continue;
        }
        byPosition[i] = e;
      }
      const b = e.base;
      const newest = live[b + NEWEST_TS];
      const behind = newest < 0 ? 0 : msBehind(newest, ts);
      if (behind > window && (fresh || !this.#clockWentBack(pe, receivedAt))) {
        this.staleSamples++;
        if (ids === inIds) ({ ids, values, pts } = this.#startCompacting(input, n));
        continue;
      }
      // Past the check with behind > window means the provider's clock went back: this sample re-anchors.
      if (behind === 0 || behind > window) live[b + NEWEST_TS] = ts;
      fresh = true;
      if (e.provisional) provisional = true;
      const value = inValues[i];
      const time = synced ? clock.toTime(ts, receivedAt) : receivedAt;
      live[b + LAST_SEEN] = receivedAt;
      live[b + LAST_VALUE] = value;
      live[b + LAST_TIME] = time;
      live[b + LAST_PTS] = ts;
      // A channel's first sample is its slot's first in the provider's history (both start over together).
      if (live[b + COUNT]++ === 0) newSlots++;
      // NaN never becomes a min or max (comparisons with it are false).
      if (value < live[b + MIN]) live[b + MIN] = value;
      if (value > live[b + MAX]) live[b + MAX] = value;
      if (anyViews && e.views.length > 0) this.#deliver(e);
      slots[n] = e.slot;
      keys[n] = e.key;
      times[n] = time;
      if (ids !== inIds) {
        ids[n] = channelId;
        values[n] = value;
        pts[n] = ts;
      }
      n++;
    }
    if (fresh) pe.lastFreshAt = receivedAt;
    this.#finish(pe, receivedAt, ids, values, pts, n, newSlots);
    this.#result.provisional = provisional;
    return this.#result;
  }

  /** The accepted `n` samples go to the provider's history, and the output batch is pointed at their columns. */
  // Columns as separate arguments, not an object: this runs once per datagram.
  #finish(
    pe: ProviderEntry,
    receivedAt: number,
    ids: Uint16Array,
    values: Float32Array,
    pts: Uint32Array,
    n: number,
    newSlots: number,
  ): void {
    const out = this.#out;
    out.channelIds = ids;
    out.values = values;
    out.providerTs = pts;
    const history = this.#history;
    history.values = values;
    history.pts = pts;
    pe.cols.history.append(history, n, newSlots);
    out.providerId = pe.state.hostId;
    out.receivedAt = receivedAt;
    out.count = n;
    this.samples += n;
  }

  /** A record was refused: the `n` accepted before it are copied to the table's own columns, which take the rest. */
  #startCompacting(input: ChannelValuesBatch, n: number): OutputColumns {
    const c = this.#compact;
    c.channelIds.set(input.channelIds.subarray(0, n));
    c.values.set(input.values.subarray(0, n));
    c.providerTs.set(input.ts.subarray(0, n));
    return { ids: c.channelIds, values: c.values, pts: c.providerTs };
  }

  #provisional(pe: ProviderEntry, channelId: number, receivedAt: number): ChannelEntry | null {
    const fields = { name: `Channel ${channelId}`, unit: NO_UNIT, vendor: 0, provisional: true };
    return this.add(pe, channelId, fields, receivedAt);
  }

  /** The channel's subscribers asked for objects: one Sample per sample, shared by every view. */
  #deliver(e: ChannelEntry): void {
    const sample = e.lastSample();
    if (sample === null) return;
    const vs = e.views;
    for (let v = 0; v < vs.length; v++) for (const s of vs[v].subscribers) s.next(sample);
  }

  /**
   * Replayed frames carry old provider timestamps while the provider keeps sending fresh ones; a provider whose clock
   * restarted sends nothing fresh at all. After staleResetMs of only stale samples, its channels start over.
   */
  #clockWentBack(pe: ProviderEntry, receivedAt: number): boolean {
    if (receivedAt - pe.lastFreshAt < this.#opts.staleResetMs) return false;
    log.warn(
      { provider: hostHex(pe.state.hostId), staleSamples: this.staleSamples },
      `${pe.state.name}: only old timestamps for ${this.#opts.staleResetMs} ms, its clock went back: starting its channels over`,
    );
    for (const e of pe.channels.values()) pe.cols.live[e.base + LIVE.newestTs] = -1;
    return true;
  }
}
