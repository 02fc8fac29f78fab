import type { SubscribeRequest, SubscribeResult } from '@jetdrive-hub/client/contract';
import type { FanOutDelivery } from './fan-out-delivery.js';
import type { FanOutDeps, FanOutError, FanOutStats, FanOutTransport, SubscribeOutcome } from './fan-out-types.js';
import type { LagHandling, ViewerState } from './lag-handling.js';
import { normalizeSelectors } from './normalize-selectors.js';
import { type StreamHolder, StreamHoldings } from './stream-holdings.js';
import type { StreamState } from './stream-state.js';
import type { StreamTable } from './stream-table.js';

type Outcome<T> = { ok: true; data: T } | { ok: false; error: FanOutError };

export interface ViewerTableParts {
  options: FanOutDeps['options'];
  transport: FanOutTransport;
  streams: StreamTable;
  delivery: FanOutDelivery;
  lag: LagHandling;
}

/**
 * The viewers and their subscriptions: a subscription names a stream (shared by every viewer with the same
 * selection), under the caps per socket, per address and in total; a viewer is in a stream's room once however
 * many of its subscriptions share it, and the stream goes with its last viewer.
 */
export class ViewerTable {
  readonly #viewers = new Map<string, ViewerState>();
  #nextSubscriptionId = 1;
  readonly refused: FanOutStats['refusedSubscriptions'] = {
    subscriptions: 0,
    streams: 0,
    socketStreams: 0,
    addressStreams: 0,
  };
  readonly #holdings: StreamHoldings;
  readonly #p: ViewerTableParts;

  constructor(parts: ViewerTableParts) {
    this.#p = parts;
    this.#holdings = new StreamHoldings({
      perSocket: parts.options.maxStreamsPerSocket,
      perAddress: parts.options.maxStreamsPerAddress,
    });
  }

  get size(): number {
    return this.#viewers.size;
  }

  get(viewerId: string): ViewerState | undefined {
    return this.#viewers.get(viewerId);
  }

  ids(): string[] {
    return [...this.#viewers.keys()];
  }

  subscriptionCount(): number {
    let subscriptions = 0;
    for (const viewer of this.#viewers.values()) subscriptions += viewer.subscriptions.size;
    return subscriptions;
  }

  addresses(): number {
    return this.#holdings.addresses();
  }

  add(viewerId: string, holder: StreamHolder): void {
    if (this.#viewers.has(viewerId)) return;
    this.#viewers.set(viewerId, { subscriptions: new Map(), lagging: null });
    this.#holdings.addViewer(viewerId, holder);
  }

  /** The stream for this request, created when new; refused by the subscription and stream caps. */
  #streamFor(viewerId: string, viewer: ViewerState, request: SubscribeRequest): Outcome<StreamState> {
    if (viewer.subscriptions.size >= this.#p.options.maxSubscriptionsPerSocket) {
      this.refused.subscriptions++;
      const message = `subscriptions: ${viewer.subscriptions.size} open, limit ${this.#p.options.maxSubscriptionsPerSocket} per socket`;
      return { ok: false, error: { code: 'TOO_MANY_SUBSCRIPTIONS', message } };
    }
    const selectors = normalizeSelectors(request.selectors);
    const maxHz = request.maxHz ?? null;
    // An envelope only means something over a period.
    const envelope = maxHz !== null && request.envelope === true;
    const key = JSON.stringify([selectors, maxHz, envelope]);
    const stream = this.#p.streams.get(key);
    if (!stream?.viewers.has(viewerId)) {
      const refused = this.#holdings.refusal(viewerId, stream?.id ?? null);
      if (refused) {
        this.refused[refused.cap === 'socket' ? 'socketStreams' : 'addressStreams']++;
        return { ok: false, error: { code: 'TOO_MANY_STREAMS', message: refused.message } };
      }
    }
    if (stream) return { ok: true, data: stream };
    if (this.#p.streams.size >= this.#p.options.maxStreams) {
      this.refused.streams++;
      const message = `streams: ${this.#p.streams.size} distinct selections, limit ${this.#p.options.maxStreams}`;
      return { ok: false, error: { code: 'TOO_MANY_STREAMS', message } };
    }
    return { ok: true, data: this.#p.streams.create(key, selectors, maxHz, envelope) };
  }

  subscribe(viewerId: string, request: SubscribeRequest): Outcome<SubscribeOutcome> {
    const viewer = this.#viewers.get(viewerId);
    if (!viewer)
      return { ok: false, error: { code: 'UNKNOWN_SUBSCRIPTION', message: `viewer ${viewerId} is not connected` } };
    const found = this.#streamFor(viewerId, viewer, request);
    if (!found.ok) return found;
    const stream = found.data;
    // Pending samples and channel changes predate this viewer's snapshot: deliver them without it.
    this.#p.delivery.flushStream(stream);
    this.#p.delivery.announce(stream);
    const subscriptionId = `s${(this.#nextSubscriptionId++).toString(36)}`;
    viewer.subscriptions.set(subscriptionId, stream);
    const count = stream.viewers.get(viewerId) ?? 0;
    stream.viewers.set(viewerId, count + 1);
    if (count === 0) {
      this.#holdings.hold(viewerId, stream.id);
      if (viewer.lagging) this.#p.lag.add(viewerId, viewer, stream);
      else this.#p.transport.join(viewerId, stream.room);
    }
    const { maxBackfillSamples, backfillFrameRecords } = this.#p.options;
    const result: SubscribeResult = { subscriptionId, stream: this.#p.streams.describe(stream) };
    if (request.resume) {
      const resumed = this.#p.streams.resume(stream, request.resume, maxBackfillSamples, backfillFrameRecords);
      result.recovered = resumed.recovered;
      return { ok: true, data: { result, backfill: resumed.frames } };
    }
    const backfill = request.backfill
      ? this.#p.streams.backfill(stream, request.backfill, maxBackfillSamples, backfillFrameRecords)
      : [];
    return { ok: true, data: { result, backfill } };
  }

  #release(viewerId: string, viewer: ViewerState, stream: StreamState): void {
    const count = stream.viewers.get(viewerId) ?? 0;
    if (count > 1) {
      stream.viewers.set(viewerId, count - 1);
      return;
    }
    stream.viewers.delete(viewerId);
    this.#holdings.release(viewerId, stream.id);
    if (stream.laggingViewers.delete(viewerId)) viewer.lagging?.delete(stream);
    else this.#p.transport.leave(viewerId, stream.room);
    if (stream.viewers.size === 0) this.#p.streams.dispose(stream);
  }

  unsubscribe(viewerId: string, subscriptionId: string): { ok: true } | { ok: false; error: FanOutError } {
    const viewer = this.#viewers.get(viewerId);
    const stream = viewer?.subscriptions.get(subscriptionId);
    if (!viewer || !stream) {
      const message = `subscriptionId ${subscriptionId} is not open on this socket`;
      return { ok: false, error: { code: 'UNKNOWN_SUBSCRIPTION', message } };
    }
    viewer.subscriptions.delete(subscriptionId);
    this.#release(viewerId, viewer, stream);
    return { ok: true };
  }

  removeViewer(viewerId: string): void {
    const viewer = this.#viewers.get(viewerId);
    if (!viewer) return;
    for (const stream of viewer.subscriptions.values()) this.#release(viewerId, viewer, stream);
    viewer.subscriptions.clear();
    this.#p.lag.remove(viewer);
    this.#viewers.delete(viewerId);
    this.#holdings.removeViewer(viewerId);
  }
}
