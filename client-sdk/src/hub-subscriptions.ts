import { Observable, Subject } from 'rxjs';
import type { ChannelDebug } from './create-channel-debug.js';
import { decodeDataFrame, type StreamView, toHubSample } from './decode-data-frame.js';
import type {
  BackfillFrame,
  ChannelSelector,
  DataFrame,
  StreamChannelsChange,
  SubscribeOptions,
  SubscribeResult,
} from '@jetdrive-hub/client/contract';
import { HubError } from './hub-error.js';
import type { HubBatch, HubSample, ResumeOutcome } from './hub-types.js';
import { LocalSubscription } from './local-subscription.js';
import type { HubSocket } from './open-hub-socket.js';

export interface HubSubscriptionsOptions {
  socket: HubSocket;
  requestTimeoutMs: number;
  debug: ChannelDebug | null;
}

/**
 * The client's `samples$` subscriptions and their server side: one server subscription per local one on the current
 * connection, the stream channel tables they share, and delivery of last values, backfill and live frames.
 * A connection `generation` tells a late subscribe ack from the current connection's.
 */
export class HubSubscriptions {
  readonly #socket: HubSocket;
  readonly #requestTimeoutMs: number;
  readonly #debug: ChannelDebug | null;
  readonly #locals = new Set<LocalSubscription>();
  readonly #streams = new Map<number, StreamView>();
  readonly #byServerId = new Map<string, LocalSubscription>();
  #generation = 0;
  /** One per resubscribe after a reconnect: whether the hub replayed the whole gap. */
  readonly resumed$ = new Subject<ResumeOutcome>();

  constructor(options: HubSubscriptionsOptions) {
    this.#socket = options.socket;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#debug = options.debug;
  }

  samples$(selectors: readonly ChannelSelector[], options: SubscribeOptions = {}): Observable<HubBatch> {
    return new Observable<HubBatch>((subscriber) => {
      const local = new LocalSubscription({ selectors: [...selectors], ...options }, subscriber);
      this.#locals.add(local);
      if (this.#socket.connected) this.#subscribeOnServer(local);
      return () => this.#release(local);
    });
  }

  /** A new connection: the old server state is gone; subscribe everything again. */
  resubscribeAll(): void {
    this.forgetServerState();
    for (const local of this.#locals) this.#subscribeOnServer(local, true);
  }

  forgetServerState(): void {
    this.#generation++;
    this.#streams.clear();
    this.#byServerId.clear();
    for (const local of this.#locals) local.detach();
  }

  onData(frame: DataFrame): void {
    const view = this.#streams.get(frame[0]);
    if (!view) return;
    const samples = decodeDataFrame(frame, view);
    for (const local of this.#locals) if (local.stream === view) this.#deliver(local, 'live', samples);
  }

  onBackfill(backfill: BackfillFrame): void {
    const local = this.#byServerId.get(backfill.subscriptionId);
    if (!local?.stream) return;
    this.#deliver(local, 'backfill', decodeDataFrame(backfill.frame, local.stream));
  }

  onChannels(change: StreamChannelsChange): void {
    const view = this.#streams.get(change.stream);
    if (!view) return;
    for (const index of change.removed) view.channels.delete(index);
    for (const channel of change.added) view.channels.set(channel.index, channel);
  }

  /** Releases every subscription and completes its subscriber (the hub is closing). */
  completeAll(): void {
    for (const local of [...this.#locals]) {
      this.#release(local);
      local.subscriber.complete();
    }
    this.resumed$.complete();
  }

  #deliver(local: LocalSubscription, kind: HubBatch['kind'], samples: HubSample[]): void {
    const fresh = local.fresh(kind, samples);
    if (fresh.length === 0) return;
    this.#debug?.onBatch(fresh);
    local.subscriber.next({ receivedAt: Date.now(), kind, samples: fresh });
  }

  #attach(local: LocalSubscription, result: SubscribeResult): void {
    local.serverId = result.subscriptionId;
    this.#byServerId.set(result.subscriptionId, local);
    let view = this.#streams.get(result.stream.id);
    if (!view) {
      view = { id: result.stream.id, envelope: result.stream.envelope, channels: new Map() };
      this.#streams.set(view.id, view);
    }
    for (const channel of result.stream.channels) view.channels.set(channel.index, channel);
    local.stream = view;
    if (result.recovered !== undefined) {
      this.resumed$.next({ selectors: [...local.request.selectors], recovered: result.recovered });
      // The missed samples follow as stream:backfill.
      if (result.recovered) return;
    } else if (local.request.backfill) return;
    const last: HubSample[] = [];
    for (const channel of result.stream.channels) {
      if (channel.last) last.push(toHubSample(channel, channel.last[0], channel.last[1], channel.last[2]));
    }
    last.sort((a, b) => a.time - b.time);
    this.#deliver(local, 'last', last);
  }

  /** `resuming`: a reconnect; the hub is asked for what this subscription missed since its last samples. */
  #subscribeOnServer(local: LocalSubscription, resuming = false): void {
    const at = this.#generation;
    const resume = resuming ? local.resumePoint() : null;
    const request = resume ? { ...local.request, resume } : local.request;
    this.#socket.timeout(this.#requestTimeoutMs).emit('channel:subscribe', request, (error, result) => {
      if (!this.#locals.has(local) || at !== this.#generation) {
        // Torn down or reconnected meanwhile: make sure the server does not keep what we no longer want.
        if (!error && result.ok && at === this.#generation)
          this.#socket.emit('channel:unsubscribe', result.data.subscriptionId, () => {});
        return;
      }
      if (error) {
        if (this.#socket.connected) this.#subscribeOnServer(local, resuming);
        return;
      }
      if (!result.ok) {
        this.#locals.delete(local);
        local.subscriber.error(new HubError(result.error));
        return;
      }
      this.#attach(local, result.data);
    });
  }

  #release(local: LocalSubscription): void {
    this.#locals.delete(local);
    if (local.serverId !== null) {
      this.#byServerId.delete(local.serverId);
      if (this.#socket.connected) this.#socket.emit('channel:unsubscribe', local.serverId, () => {});
    }
    local.detach();
  }
}
