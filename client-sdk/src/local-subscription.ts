import type { Subscriber } from 'rxjs';
import type { StreamView } from './decode-data-frame.js';
import type { SubscribeRequest } from '@jetdrive-hub/client/contract';
import type { HubBatch, HubSample } from './hub-types.js';

/** Two sample times closer than this (ms) are the same sample. */
const SAME_TIME_MS = 0.0005;

/**
 * One `samples$` subscriber and what it has been given: the newest delivered time per channel key, so a resubscribe
 * never repeats what was delivered, and a guard per key after a 'last'/'backfill' delivery, until the first live
 * sample of that key arrives.
 */
export class LocalSubscription {
  readonly request: SubscribeRequest;
  readonly subscriber: Subscriber<HubBatch>;
  /** Server subscription id on the current connection, null while (re)subscribing or disconnected. */
  serverId: string | null = null;
  stream: StreamView | null = null;
  readonly #lastTimes = new Map<string, number>();
  readonly #guards = new Map<string, number>();

  constructor(request: SubscribeRequest, subscriber: Subscriber<HubBatch>) {
    this.request = request;
    this.subscriber = subscriber;
  }

  /**
   * Where a resubscribe resumes: the newest delivered time per channel key (null before anything was delivered).
   * Bounded by the channels the subscription matched.
   */
  resumePoint(): Record<string, number> | null {
    if (this.#lastTimes.size === 0) return null;
    return Object.fromEntries(this.#lastTimes);
  }

  /** Forgets the server side (disconnect, reconnect, release); what was delivered is kept. */
  detach(): void {
    this.serverId = null;
    this.stream = null;
  }

  /** The samples of a `kind` batch this subscriber has not seen yet, recorded as delivered. */
  fresh(kind: HubBatch['kind'], samples: readonly HubSample[]): HubSample[] {
    const fresh: HubSample[] = [];
    for (const sample of samples) {
      const delivered = this.#lastTimes.get(sample.key);
      if (kind === 'live') {
        // Only the first live sample after a 'last'/'backfill' delivery can repeat it (same period, same sample).
        const guard = this.#guards.get(sample.key);
        if (guard !== undefined) {
          this.#guards.delete(sample.key);
          if (sample.time <= guard + SAME_TIME_MS) continue;
        }
      } else {
        // After a reconnect the hub sends last values (or history) again; never repeat what was delivered.
        if (delivered !== undefined && sample.time <= delivered + SAME_TIME_MS) continue;
        this.#guards.set(sample.key, sample.time);
      }
      this.#lastTimes.set(sample.key, sample.time);
      fresh.push(sample);
    }
    return fresh;
  }
}
