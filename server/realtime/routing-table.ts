import type { ChannelKey } from '../channels/types.js';
import type { StreamState } from './stream-state.js';

/** One stream that wants a channel, under that stream's index for it. */
export interface Route {
  readonly stream: StreamState;
  readonly index: number;
}

/** Channel key -> the streams that want it: a plain Map walked once per sample of a batch. */
export class RoutingTable {
  readonly #routes = new Map<ChannelKey, Route[]>();

  get(key: ChannelKey): Route[] | undefined {
    return this.#routes.get(key);
  }

  add(key: ChannelKey, stream: StreamState, index: number): void {
    let list = this.#routes.get(key);
    if (!list) {
      list = [];
      this.#routes.set(key, list);
    }
    list.push({ stream, index });
  }

  remove(key: ChannelKey, stream: StreamState): void {
    const list = this.#routes.get(key);
    if (!list) return;
    const at = list.findIndex((route) => route.stream === stream);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.#routes.delete(key);
  }
}
