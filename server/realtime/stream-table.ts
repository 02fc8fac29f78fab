import type { DataFrame, StreamChannel, StreamDescriptor } from '@jetdrive-hub/client/contract';
import type { ChannelMeta, ChannelRegistry, QuantityResolver, Sample } from '../channels/types.js';
import { compactFloat } from './compact-float.js';
import { compileSelectors, usesQuantities } from './compile-selectors.js';
import type { FanOutDelivery } from './fan-out-delivery.js';
import type { RoutingTable } from './routing-table.js';
import { claimIndex, createStreamState, type StreamState } from './stream-state.js';
import { channelLabels } from './to-catalog-view.js';

export interface StreamTableDeps {
  registry: Pick<ChannelRegistry, 'catalog' | 'history'>;
  quantities?: QuantityResolver;
  routes: RoutingTable;
  delivery: FanOutDelivery;
  now: () => number;
}

/**
 * Stream lifecycle: one stream per distinct (selection, maxHz, envelope), created with the channels it matches,
 * kept in step with the catalog (reconcile: channels added, renamed, removed, quantities changed) and disposed with
 * its last viewer. Owns the channel indexes of each stream and their routes.
 */
export class StreamTable {
  readonly #streams = new Map<string, StreamState>();
  #nextId = 1;
  readonly #deps: StreamTableDeps;

  constructor(deps: StreamTableDeps) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#streams.size;
  }

  get(key: string): StreamState | undefined {
    return this.#streams.get(key);
  }

  values(): IterableIterator<StreamState> {
    return this.#streams.values();
  }

  create(key: string, selectors: string[], maxHz: number | null, envelope: boolean): StreamState {
    const { registry, quantities, delivery } = this.#deps;
    const stream = createStreamState({
      id: this.#nextId++,
      key,
      selectors,
      maxHz,
      envelope,
      byQuantity: usesQuantities(selectors),
      matches: compileSelectors(selectors, quantities),
    });
    for (const channel of registry.catalog().channels) {
      if (stream.matches(channel)) this.#addChannel(stream, channel);
    }
    if (maxHz !== null) delivery.startTicks(stream);
    this.#streams.set(key, stream);
    return stream;
  }

  dispose(stream: StreamState): void {
    this.#deps.delivery.forget(stream);
    for (const [key, index] of stream.indexOf) this.#removeChannel(stream, key, index);
    this.#streams.delete(stream.key);
  }

  #describeChannel(stream: StreamState, index: number, channel: ChannelMeta): StreamChannel {
    return {
      index,
      ...channelLabels(channel, this.#deps.quantities),
      last: this.#lastOf(stream, index, channel.key),
    };
  }

  #lastOf(stream: StreamState, index: number, key: string): [number, number, number] | null {
    if (stream.seqOf[index] > 0) return [stream.latestTime[index], stream.latestValue[index], stream.latestPts[index]];
    const history = this.#deps.registry.history(key);
    const last = history.length > 0 ? history[history.length - 1] : undefined;
    return last ? [last.time, compactFloat(last.value), last.providerTs] : null;
  }

  #addChannel(stream: StreamState, channel: ChannelMeta): StreamChannel {
    const index = claimIndex(stream);
    stream.indexOf.set(channel.key, index);
    const described = this.#describeChannel(stream, index, channel);
    stream.channels[index] = described;
    this.#deps.routes.add(channel.key, stream, index);
    return described;
  }

  #removeChannel(stream: StreamState, key: string, index: number): void {
    stream.indexOf.delete(key);
    stream.channels[index] = undefined;
    stream.freeIndexes.push(index);
    if (stream.periodDirty[index]) {
      stream.periodDirty[index] = false;
      stream.periodDirtyCount--;
    }
    this.#deps.routes.remove(key, stream);
  }

  /** Re-evaluates one channel against every stream (added / renamed / removed / quantity change). */
  reconcileChannel(channel: ChannelMeta, removed: boolean): void {
    for (const stream of this.#streams.values()) this.#reconcile(stream, channel, removed);
  }

  reconcileAll(channels: readonly ChannelMeta[], onlyQuantityStreams: boolean): void {
    for (const stream of this.#streams.values()) {
      if (onlyQuantityStreams && !stream.byQuantity) continue;
      for (const channel of channels) this.#reconcile(stream, channel, false);
    }
  }

  #reconcile(stream: StreamState, channel: ChannelMeta, removed: boolean): void {
    const delivery = this.#deps.delivery;
    const index = stream.indexOf.get(channel.key);
    const matches = !removed && stream.matches(channel);
    if (matches && index === undefined) {
      stream.changes.add(this.#addChannel(stream, channel));
      delivery.channelsChanged(stream);
    } else if (matches && index !== undefined) {
      const previous = stream.channels[index];
      const updated = this.#describeChannel(stream, index, channel);
      stream.channels[index] = updated;
      if (previous && sameLabels(previous, updated)) return;
      stream.changes.update(updated);
      delivery.channelsChanged(stream);
    } else if (!matches && index !== undefined) {
      // Samples of the leaving channel go out under its index before the index can be given to another.
      delivery.flushStream(stream);
      this.#removeChannel(stream, channel.key, index);
      stream.changes.remove(index);
      delivery.channelsChanged(stream);
    }
  }

  describe(stream: StreamState): StreamDescriptor {
    const channels: StreamChannel[] = [];
    for (const [key, index] of stream.indexOf) {
      const current = stream.channels[index];
      if (!current) continue;
      channels.push({ ...current, last: this.#lastOf(stream, index, key) });
    }
    return { id: stream.id, maxHz: stream.maxHz, envelope: stream.envelope, channels };
  }

  /** The last `seconds` of the stream's channels from the registry's rings, spaced at its rate, in frames. */
  backfill(stream: StreamState, seconds: number, maxSamples: number, frameRecords: number): DataFrame[] {
    const since = this.#deps.now() - seconds * 1000;
    const collected: Collected[] = [];
    for (const [key, index] of stream.indexOf)
      this.#collect(stream, index, this.#deps.registry.history(key, since), collected);
    collected.sort((a, b) => a.sample.time - b.sample.time);
    return this.#frames(stream, collected.length > maxSamples ? collected.slice(-maxSamples) : collected, frameRecords);
  }

  /**
   * What came after `after` (last time received, per channel key) from the rings: `recovered` only when every
   * channel's ring still reaches back to its time, and all of it fits in `maxSamples`; otherwise nothing (a fresh
   * start from the last values — never part of a gap). A channel the viewer had no time for starts after the
   * earliest time it gave.
   */
  resume(
    stream: StreamState,
    after: Readonly<Record<string, number>>,
    maxSamples: number,
    frameRecords: number,
  ): { recovered: boolean; frames: DataFrame[] } {
    const times = Object.values(after);
    const fallback = times.length > 0 ? Math.min(...times) : Number.POSITIVE_INFINITY;
    const collected: Collected[] = [];
    for (const [key, index] of stream.indexOf) {
      const from = Object.hasOwn(after, key) ? after[key] : fallback;
      const ring = this.#deps.registry.history(key);
      // The ring's oldest sample must be at or before the resume point, or what lay between is gone.
      if (ring.length > 0 && ring[0].time > from + SAME_TIME_MS) return { recovered: false, frames: [] };
      const missed = ring.filter((sample) => sample.time > from + SAME_TIME_MS);
      this.#collect(stream, index, missed, collected);
      if (collected.length > maxSamples) return { recovered: false, frames: [] };
    }
    collected.sort((a, b) => a.sample.time - b.sample.time);
    return { recovered: true, frames: this.#frames(stream, collected, frameRecords) };
  }

  /** Samples of one channel, spaced at the stream's rate. */
  #collect(stream: StreamState, index: number, samples: Iterable<Sample>, into: Collected[]): void {
    const spacing = stream.maxHz !== null ? 1000 / stream.maxHz : 0;
    let lastKept = Number.NEGATIVE_INFINITY;
    for (const sample of samples) {
      if (sample.time - lastKept < spacing) continue;
      lastKept = sample.time;
      into.push({ index, sample });
    }
  }

  #frames(stream: StreamState, kept: readonly Collected[], frameRecords: number): DataFrame[] {
    const frames: DataFrame[] = [];
    for (let start = 0; start < kept.length; start += frameRecords) {
      const chunk = kept.slice(start, start + frameRecords);
      const baseTime = chunk[0].sample.time;
      const basePts = chunk[0].sample.providerTs;
      const frame: DataFrame = [stream.id, baseTime, basePts];
      for (const { index, sample } of chunk) {
        const value = compactFloat(sample.value);
        frame.push(index, Math.round((sample.time - baseTime) * 1000) / 1000, value, sample.providerTs - basePts);
        if (stream.envelope) frame.push(value, value);
      }
      frames.push(frame);
    }
    return frames;
  }
}

/** Two sample times closer than this (ms) are the same sample (the SDK uses the same tolerance). */
const SAME_TIME_MS = 0.0005;

interface Collected {
  index: number;
  sample: Sample;
}

/** A re-described channel that viewers need not hear about. */
function sameLabels(a: StreamChannel, b: StreamChannel): boolean {
  return a.name === b.name && a.displayName === b.displayName && a.unit === b.unit && a.quantity === b.quantity;
}
