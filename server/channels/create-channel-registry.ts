import { defer, map, Subject, type Subscription, startWith } from 'rxjs';
import { createNodeCounters } from '../jetdrive/create-node-counters.js';
import { hostHex } from '../jetdrive/pick-host-id.js';
import type { JetDriveSink, NodeCounters, ProviderChange, ProviderState } from '../jetdrive/types.js';
import { createLogger } from '../log.js';
import type { ChannelInfoRecord } from '../protocol/types.js';
import { CHANNEL_VALUE_RECORD_SIZE, UNIT_LABELS } from '../protocol/types.js';
import { type ChannelView, createChannelViews } from './create-channel-views.js';
import { createDefaultQuantityResolver } from './create-default-quantity-resolver.js';
import { createMappingTally, type Judgement, type MappingSummary, type MappingTally } from './create-mapping-tally.js';
import { createNameIndex } from './create-name-index.js';
import { createSampleRing, type SampleRing } from './create-sample-ring.js';
import { DEFAULT_REGISTRY_OPTIONS, type RegistryOptions } from './default-registry-options.js';
import { msBehind } from './ms-behind.js';
import type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelKey,
  ChannelMeta,
  ChannelRegistry,
  IngestStats,
  ProviderSnapshot,
  QuantityResolver,
  Sample,
  SampleBatch,
} from './types.js';

const log = createLogger('channels');

/** Unmapped channels warned about one by one per provider; the rest are only listed in its summary. */
const UNMAPPED_WARNINGS_PER_PROVIDER = 10;
/** Unmapped names quoted in a summary log line (the full list is in mapping()). */
const NAMES_PER_SUMMARY_LINE = 20;

export type { MappingSummary } from './create-mapping-tally.js';

interface Entry {
  /** Names and units; its live fields stay at their initial values (see metaOf). */
  meta: ChannelMeta;
  // Hot per-sample state as plain number fields: V8 keeps them unboxed, whereas storing doubles into the
  // null-initialised fields of ChannelMeta allocated a heap number per field per sample.
  count: number;
  lastSeen: number;
  lastValue: number;
  lastTime: number;
  /** Newest provider timestamp accepted (u32 ms), -1 before any: older samples beyond the window are stale. */
  lastTs: number;
  /** +Infinity / -Infinity until a non-NaN value arrives. */
  min: number;
  max: number;
  ring: SampleRing;
  last: Sample | null;
  /** Views this channel feeds; an array because it is walked per sample. */
  views: ChannelView[];
  warnedUnmapped: boolean;
  judged: Judgement | null;
}

interface ProviderEntry {
  state: ProviderState;
  channels: Map<number, Entry>;
  /** Receive time of the last sample that was not stale (see RegistryOptions.staleResetMs). */
  lastFreshAt: number;
  tally: MappingTally<Entry>;
  /** Unmapped channels warned about so far (see UNMAPPED_WARNINGS_PER_PROVIDER). */
  warned: number;
}

/** The registry plus the write side the JetDrive node feeds. */
export interface ChannelRegistryHandle extends ChannelRegistry {
  readonly sink: JetDriveSink;
  /** channel$ views with at least one subscriber (refcounting is observable through it). */
  viewCount(): number;
  /** Per provider, as last logged on a channel-set change. */
  mapping(): MappingSummary[];
  /** Completes the streams (subscribers see `complete`) and stops listening to the resolver. */
  dispose(): void;
}

export interface ChannelRegistryDeps {
  /** The node's counters, folded into stats(). */
  counters?: NodeCounters;
  /** The quantity mapping (server/mapping/); a unit/keyword stand-in when absent. */
  resolver?: QuantityResolver;
  now?: () => number;
}

/**
 * Providers, channels and their samples. The hot path (`sink.channelValues`) handles one datagram in one call:
 * Map lookups, a ring push and direct calls to the subscribers of matching channel$ views, then one SampleBatch.
 */
export function createChannelRegistry(
  options: Partial<RegistryOptions> = {},
  deps: ChannelRegistryDeps = {},
): ChannelRegistryHandle {
  const opts: RegistryOptions = { ...DEFAULT_REGISTRY_OPTIONS, ...options };
  const counters = deps.counters ?? createNodeCounters();
  const resolver = deps.resolver ?? createDefaultQuantityResolver();
  const now = deps.now ?? (() => Date.now());

  const providers = new Map<number, ProviderEntry>();
  const entries = new Map<ChannelKey, Entry>();
  const names = createNameIndex<Entry>();
  /** Entries added, renamed or re-labelled since the last settle: only they are matched and judged again. */
  const touched = new Set<Entry>();
  const drops: Record<string, number> = {};
  let samplesTotal = 0;
  let staleSamples = 0;
  let version = 0;
  let structureDirty = false;
  let catalogDirty = false;

  const samples$ = new Subject<SampleBatch>();
  const events$ = new Subject<CatalogEvent>();
  const catalogChanged$ = new Subject<void>();

  const drop = (name: string): void => {
    drops[name] = (drops[name] ?? 0) + 1;
  };

  const providerSnapshot = (pe: ProviderEntry): ProviderSnapshot => {
    const s = pe.state;
    return {
      hostId: s.hostId,
      hostHex: hostHex(s.hostId),
      name: s.name,
      address: s.address,
      port: s.port,
      online: s.online,
      incompatible: s.incompatible,
      version: s.version,
      channelCount: pe.channels.size,
      clock: { synced: s.clock.synced, offsetMs: s.clock.offsetMs, latencyMs: s.clock.latencyMs },
      seq: { ...s.seq },
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      ...(s.conflicts ? { conflicts: { ...s.conflicts } } : {}),
    };
  };

  const metaOf = (e: Entry, rateHz = 0): ChannelMeta => {
    const seen = e.count > 0;
    const ranged = e.min <= e.max;
    return {
      ...e.meta,
      lastSeen: seen ? e.lastSeen : null,
      lastValue: seen ? e.lastValue : null,
      lastTime: seen ? e.lastTime : null,
      min: ranged ? e.min : null,
      max: ranged ? e.max : null,
      sampleCount: e.count,
      rateHz,
    };
  };

  const views = createChannelViews<Entry>(
    () => entries.values(),
    (e) => metaOf(e),
  );

  const channelSnapshot = (e: Entry, t: number): ChannelMeta => {
    e.ring.trimBefore(t - opts.historyMs);
    const span = e.ring.size > 1 ? e.ring.newestTime() - e.ring.oldestTime() : 0;
    const rateHz = span > 0 ? ((e.ring.size - 1) * 1000) / span : 0;
    return metaOf(e, rateHz);
  };

  const buildCatalog = (): CatalogSnapshot => {
    const t = now();
    const ps: ProviderSnapshot[] = [];
    const cs: ChannelMeta[] = [];
    for (const pe of providers.values()) {
      ps.push(providerSnapshot(pe));
      for (const e of pe.channels.values()) cs.push(channelSnapshot(e, t));
    }
    return { version, providers: ps, channels: cs };
  };
  // Built only for subscribers: a snapshot of every channel per change made each ChannelInfo datagram O(channels).
  const catalog$ = defer(() => catalogChanged$.pipe(startWith(undefined), map(buildCatalog)));

  const lastSummary = new Map<number, string>();
  const summaries = new Map<number, MappingSummary>();
  const logMapping = (pe: ProviderEntry, force = false): void => {
    const { mapped, unmapped, provisional } = pe.tally.summary(pe.state.hostId);
    const quoted = unmapped.slice(0, NAMES_PER_SUMMARY_LINE);
    const more = unmapped.length > quoted.length ? ` and ${unmapped.length - quoted.length} more` : '';
    const waiting = provisional > 0 ? `; ${provisional} awaiting ChannelInfo` : '';
    const summary = `${pe.state.name}: ${mapped} channels mapped, ${unmapped.length} unmapped: [${quoted.join(', ')}]${more}${waiting}`;
    // Provisional channels trickle in one datagram at a time: log a summary only when it says something new.
    if (!force && lastSummary.get(pe.state.hostId) === summary) return;
    lastSummary.set(pe.state.hostId, summary);
    summaries.set(pe.state.hostId, { providerId: pe.state.hostId, mapped, unmapped, provisional });
    log.info({ provider: hostHex(pe.state.hostId), mapped, unmapped: quoted, provisional }, summary);
  };

  /** One warning per unmapped channel, up to a limit per provider (a rogue host can announce hundreds). */
  const warnUnmapped = (pe: ProviderEntry, e: Entry): void => {
    if (e.warnedUnmapped || pe.warned > UNMAPPED_WARNINGS_PER_PROVIDER) return;
    e.warnedUnmapped = true;
    pe.warned++;
    const provider = hostHex(pe.state.hostId);
    if (pe.warned > UNMAPPED_WARNINGS_PER_PROVIDER) {
      log.warn({ provider }, `${pe.state.name} has more unmapped channels: only its summary lists them`);
      return;
    }
    log.warn(
      { provider, channel: e.meta.name, unit: e.meta.unit },
      `channel "${e.meta.name}" of ${pe.state.name} maps to no known quantity`,
    );
  };

  /** Judges the touched entries again and logs the summaries that changed. */
  const judgeTouched = (): void => {
    const changedProviders = new Set<ProviderEntry>();
    for (const e of touched) {
      const pe = providers.get(e.meta.providerId);
      if (!pe || pe.channels.get(e.meta.channelId) !== e) continue;
      if (pe.tally.judge(e) !== null) changedProviders.add(pe);
      // A renamed channel that is still unmapped is warned about under its new name.
      if (e.judged === 'unmapped') warnUnmapped(pe, e);
    }
    touched.clear();
    for (const pe of changedProviders) logMapping(pe);
  };

  /** Ends every sink call: structural changes refresh names, views and summaries of what they touched. */
  const settle = (mappingOf?: ProviderEntry): void => {
    if (structureDirty) {
      structureDirty = false;
      names.assign(
        (e) => providers.get(e.meta.providerId)?.state.online ?? false,
        (e) => touched.add(e),
      );
      views.reevaluate(touched);
      judgeTouched();
      if (mappingOf) logMapping(mappingOf);
    }
    if (catalogDirty) {
      catalogDirty = false;
      version++;
      catalogChanged$.next();
    }
  };
  const changed = (structural: boolean): void => {
    catalogDirty = true;
    if (structural) structureDirty = true;
  };
  /** The provider's online state or name changed: its channels' display names may change. */
  const touchNamesOf = (pe: ProviderEntry): void => {
    for (const e of pe.channels.values()) names.touch(e.meta.name);
    changed(true);
  };

  const ensureProvider = (p: ProviderState): ProviderEntry | null => {
    const existing = providers.get(p.hostId);
    if (existing) return existing;
    if (providers.size >= opts.maxProviders) {
      drop('providers');
      return null;
    }
    const pe: ProviderEntry = {
      state: p,
      channels: new Map(),
      lastFreshAt: 0,
      tally: createMappingTally(resolver),
      warned: 0,
    };
    providers.set(p.hostId, pe);
    changed(false);
    return pe;
  };

  const addChannel = (
    pe: ProviderEntry,
    channelId: number,
    fields: { name: string; unit: number; vendor: number; provisional: boolean },
    t: number,
  ): Entry | null => {
    if (pe.channels.size >= opts.maxChannelsPerProvider) {
      drop('channels');
      return null;
    }
    if (entries.size >= opts.maxChannels) {
      drop('channelsTotal');
      return null;
    }
    const key = `${pe.state.hostId}:${channelId}`;
    const meta: ChannelMeta = {
      key,
      providerId: pe.state.hostId,
      providerName: pe.state.name,
      channelId,
      name: fields.name,
      displayName: fields.name,
      unit: fields.unit,
      unitLabel: UNIT_LABELS[fields.unit] ?? '',
      vendor: fields.vendor,
      provisional: fields.provisional,
      firstSeen: t,
      lastSeen: null,
      lastValue: null,
      lastTime: null,
      rateHz: 0,
      min: null,
      max: null,
      sampleCount: 0,
    };
    const e: Entry = {
      meta,
      count: 0,
      lastSeen: 0,
      lastValue: 0,
      lastTime: 0,
      lastTs: -1,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      ring: createSampleRing({ key, providerId: meta.providerId, channelId }, opts.historyMax, opts.historyMs),
      last: null,
      views: [],
      warnedUnmapped: false,
      judged: null,
    };
    pe.channels.set(channelId, e);
    entries.set(key, e);
    names.add(e);
    touched.add(e);
    changed(true);
    events$.next({ type: 'channel:added', channel: metaOf(e) });
    return e;
  };

  const removeChannels = (pe: ProviderEntry): void => {
    for (const e of pe.channels.values()) {
      views.detachEntry(e);
      entries.delete(e.meta.key);
      names.remove(e);
      touched.delete(e);
      pe.tally.forget(e);
      events$.next({ type: 'channel:removed', channel: metaOf(e) });
    }
    if (pe.channels.size > 0) changed(true);
    pe.channels.clear();
  };

  /** Copies a provider's new name into its channels (at most once per rename, not per datagram). */
  const providerName = (pe: ProviderEntry): void => {
    const first = pe.channels.values().next().value;
    if (first === undefined || first.meta.providerName === pe.state.name) return;
    for (const e of pe.channels.values()) {
      e.meta.providerName = pe.state.name;
      touched.add(e);
    }
    touchNamesOf(pe);
  };

  /**
   * Replayed frames carry old provider timestamps while the provider keeps sending fresh ones; a provider whose clock
   * restarted sends nothing fresh at all. After staleResetMs of only stale samples, its channels start over.
   */
  const clockWentBack = (pe: ProviderEntry, receivedAt: number): boolean => {
    if (receivedAt - pe.lastFreshAt < opts.staleResetMs) return false;
    log.warn(
      { provider: hostHex(pe.state.hostId), staleSamples },
      `${pe.state.name}: only old timestamps for ${opts.staleResetMs} ms, its clock went back: starting its channels over`,
    );
    for (const e of pe.channels.values()) e.lastTs = -1;
    return true;
  };

  const sink: JetDriveSink = {
    providerChanged(p: ProviderState, change: ProviderChange) {
      if (change === 'removed') {
        const pe = providers.get(p.hostId);
        if (!pe) return;
        removeChannels(pe);
        providers.delete(p.hostId);
        lastSummary.delete(p.hostId);
        summaries.delete(p.hostId);
        changed(true);
        settle();
        return;
      }
      const pe = ensureProvider(p);
      if (!pe) return;
      changed(false);
      switch (change) {
        case 'added':
        case 'online':
          // Online providers claim display names (assignDisplayNames).
          touchNamesOf(pe);
          events$.next({ type: 'provider:online', provider: providerSnapshot(pe) });
          break;
        case 'offline':
          touchNamesOf(pe);
          events$.next({ type: 'provider:offline', provider: providerSnapshot(pe) });
          break;
        case 'incompatible':
          // Its channels came from a protocol we cannot read: they are not data.
          removeChannels(pe);
          events$.next({ type: 'provider:incompatible', provider: providerSnapshot(pe) });
          break;
        case 'conflict':
          events$.next({ type: 'provider:conflict', provider: providerSnapshot(pe) });
          break;
      }
      settle();
    },

    channelInfo(p: ProviderState, records: readonly ChannelInfoRecord[]) {
      const pe = ensureProvider(p);
      if (!pe) return;
      const t = now();
      providerName(pe);
      for (const r of records) {
        const e = pe.channels.get(r.channelId);
        if (!e) {
          addChannel(pe, r.channelId, { name: r.name, unit: r.unit, vendor: r.vendor, provisional: false }, t);
          continue;
        }
        const m = e.meta;
        if (!m.provisional && m.name === r.name && m.unit === r.unit && m.vendor === r.vendor) continue;
        const previousName = m.name;
        names.remove(e, previousName);
        m.name = r.name;
        names.add(e);
        touched.add(e);
        m.unit = r.unit;
        m.unitLabel = UNIT_LABELS[r.unit] ?? '';
        m.vendor = r.vendor;
        m.provisional = false;
        e.warnedUnmapped = false;
        changed(true);
        if (previousName !== r.name) events$.next({ type: 'channel:renamed', channel: metaOf(e), previousName });
      }
      settle(pe);
    },

    channelsCleared(p: ProviderState) {
      const pe = ensureProvider(p);
      if (!pe) return;
      removeChannels(pe);
      changed(false);
      events$.next({ type: 'provider:cleared', provider: providerSnapshot(pe) });
      log.info({ provider: hostHex(p.hostId) }, `${p.name} cleared its channel list`);
      settle(pe);
    },

    channelValues(p: ProviderState, receivedAt: number, records: DataView): boolean {
      const pe = providers.get(p.hostId) ?? ensureProvider(p);
      if (!pe) return false;
      let provisional = false;
      const count = (records.byteLength / CHANNEL_VALUE_RECORD_SIZE) | 0;
      const batch: Sample[] = new Array(count);
      let n = 0;
      const providerId = p.hostId;
      const clock = p.clock;
      // Until the first Pong every sample is stamped with the receive time: skip the per-sample call.
      const synced = clock.synced;
      for (let i = 0, o = 0; i < count; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
        const channelId = records.getUint16(o, true);
        const ts = records.getUint32(o + 2, true);
        const value = records.getFloat32(o + 6, true);
        let e = pe.channels.get(channelId);
        if (e === undefined) {
          const created = addChannel(
            pe,
            channelId,
            { name: `Channel ${channelId}`, unit: 255, vendor: 0, provisional: true },
            receivedAt,
          );
          if (created === null) continue;
          e = created;
        }
        const behind = e.lastTs < 0 ? 0 : msBehind(e.lastTs, ts);
        if (behind > opts.staleWindowMs && !clockWentBack(pe, receivedAt)) {
          staleSamples++;
          continue;
        }
        // Past the check with behind > window means the provider's clock went back: this sample re-anchors.
        if (behind === 0 || behind > opts.staleWindowMs) e.lastTs = ts;
        pe.lastFreshAt = receivedAt;
        const m = e.meta;
        if (m.provisional) provisional = true;
        const sample: Sample = {
          key: m.key,
          providerId,
          channelId,
          value,
          time: synced ? clock.toTime(ts, receivedAt) : receivedAt,
          providerTs: ts,
        };
        e.lastSeen = receivedAt;
        e.lastValue = value;
        e.lastTime = sample.time;
        e.count++;
        // NaN never becomes a min or max (comparisons with it are false).
        if (value < e.min) e.min = value;
        if (value > e.max) e.max = value;
        e.ring.push(sample.time, value, ts);
        e.last = sample;
        const vs = e.views;
        for (let v = 0; v < vs.length; v++) for (const s of vs[v].subscribers) s.next(sample);
        batch[n++] = sample;
      }
      if (n < count) batch.length = n;
      samplesTotal += n;
      if (p.valueMessages === 1 || (opts.debugLogEvery > 0 && p.valueMessages % opts.debugLogEvery === 0)) {
        if (log.isLevelEnabled('debug')) {
          const names = [...pe.channels.values()].map((e) => e.meta.name);
          log.debug(
            { provider: hostHex(providerId), messages: p.valueMessages, channels: names },
            `${p.name}: ${names.length} channels seen`,
          );
        }
      }
      settle(pe);
      if (n > 0) samples$.next({ providerId, receivedAt, samples: batch });
      return provisional;
    },
  };

  // Overrides changed (or the real mapping was attached): every channel is judged again, once per change.
  const resolverSubscription: Subscription = resolver.changes$.subscribe(() => {
    for (const pe of providers.values()) {
      pe.warned = 0;
      for (const e of pe.channels.values()) {
        e.warnedUnmapped = false;
        pe.tally.judge(e);
        if (e.judged === 'unmapped') warnUnmapped(pe, e);
      }
      logMapping(pe, true);
    }
  });

  return {
    sink,
    viewCount: views.count,
    mapping: () => [...summaries.values()].map((m) => ({ ...m, unmapped: [...m.unmapped] })),
    catalog$,
    samples$: samples$.asObservable(),
    events$: events$.asObservable(),
    channel$: views.channel$,
    catalog: buildCatalog,
    providers: () => [...providers.values()].map(providerSnapshot),
    channelCount: () => entries.size,
    getChannel(key) {
      const e = entries.get(key);
      return e ? channelSnapshot(e, now()) : undefined;
    },
    history(key, sinceMs) {
      const e = entries.get(key);
      if (!e) return [];
      e.ring.trimBefore(now() - opts.historyMs);
      return e.ring.toArray(sinceMs);
    },
    stats(): IngestStats {
      const seq: IngestStats['providers'] = {};
      for (const pe of providers.values()) seq[hostHex(pe.state.hostId)] = { ...pe.state.seq };
      const allDrops: Record<string, number> = { ...counters.drops };
      for (const [k, v] of Object.entries(drops)) allDrops[k === 'providers' ? 'registryProviders' : k] = v;
      return {
        datagrams: counters.datagrams,
        bytes: counters.bytes,
        malformed: { ...counters.malformed },
        unknownKeys: counters.unknownKeys,
        trailingBytes: counters.trailingBytes,
        partialRecords: counters.partialRecords,
        ignored: { ...counters.ignored },
        samples: samplesTotal,
        staleSamples,
        evictions: counters.evictions,
        pongsSuppressed: { ...counters.pongsSuppressed },
        conflicts: { ...counters.conflicts },
        collisionsSuppressed: counters.collisionsSuppressed,
        drops: allDrops,
        providers: seq,
      };
    },
    dispose() {
      resolverSubscription.unsubscribe();
      samples$.complete();
      events$.complete();
      catalogChanged$.complete();
      views.completeAll();
    },
  };
}
