import type { FanOutDelivery } from './fan-out-delivery.js';
import type { FanOutTransport } from './fan-out-types.js';
import { buildLatestFrame, type StreamState } from './stream-state.js';

/** A viewer's subscriptions, and while it lags, the stream sequence it has seen per stream. */
export interface ViewerState {
  subscriptions: Map<string, StreamState>;
  lagging: Map<StreamState, number> | null;
}

/**
 * Lag handling: a lagging viewer leaves its streams' rooms and gets conflated catch-up frames (the newest value of
 * every channel that changed since its last one); when it keeps up again it flushes and rejoins.
 */
export class LagHandling {
  #count = 0;
  readonly #transport: FanOutTransport;
  readonly #delivery: FanOutDelivery;

  constructor(transport: FanOutTransport, delivery: FanOutDelivery) {
    this.#transport = transport;
    this.#delivery = delivery;
  }

  /** Viewers lagging now. */
  get count(): number {
    return this.#count;
  }

  set(viewerId: string, viewer: ViewerState, lagging: boolean): void {
    if ((viewer.lagging !== null) === lagging) return;
    if (lagging) this.#start(viewerId, viewer);
    else this.#end(viewerId, viewer);
  }

  #start(viewerId: string, viewer: ViewerState): void {
    const lagged = new Map<StreamState, number>();
    viewer.lagging = lagged;
    this.#count++;
    for (const stream of new Set(viewer.subscriptions.values())) {
      this.#transport.leave(viewerId, stream.room);
      stream.laggingViewers.add(viewerId);
      lagged.set(stream, stream.seq);
    }
  }

  #end(viewerId: string, viewer: ViewerState): void {
    const lagged = viewer.lagging;
    if (lagged === null) return;
    // Flush first so the room's pending (older) samples do not reach this viewer after its catch-up frame.
    for (const stream of lagged.keys()) this.#delivery.flushStream(stream);
    this.catchUp(viewerId, viewer);
    for (const stream of lagged.keys()) {
      stream.laggingViewers.delete(viewerId);
      this.#transport.join(viewerId, stream.room);
    }
    viewer.lagging = null;
    this.#count--;
  }

  /** A lagging viewer subscribed to one more stream. */
  add(viewerId: string, viewer: ViewerState, stream: StreamState): void {
    viewer.lagging?.set(stream, stream.seq);
    stream.laggingViewers.add(viewerId);
  }

  /** The viewer is gone. */
  remove(viewer: ViewerState): void {
    if (viewer.lagging) this.#count--;
  }

  /** Sends a lagging viewer the newest value of every channel that changed since its last catch-up. */
  catchUp(viewerId: string, viewer: ViewerState): number {
    if (!viewer.lagging) return 0;
    let sent = 0;
    for (const [stream, seen] of viewer.lagging) {
      this.#delivery.announce(stream);
      const frame = buildLatestFrame(stream, (index) => stream.seqOf[index] > seen, false);
      viewer.lagging.set(stream, stream.seq);
      if (!frame) continue;
      this.#transport.send(viewerId, 'stream:data', frame);
      this.#delivery.counters.conflatedFrames++;
      sent++;
    }
    return sent;
  }
}
