// Which distinct streams each socket, and each client address, holds. A stream costs the hub one table entry,
// timers and a frame per flush however many viewers share it, so the caps count distinct streams: a second
// subscription to a selection the socket (or its address) already holds costs nothing. Before, 63 anonymous sockets
// filled the whole table (2,000 streams) in 1.6 s. Entries exist only for connected viewers and the streams they
// hold, so both maps are bounded by the viewer and stream limits.

export interface StreamHolder {
  address: string;
  /** Operator-token holders are exempt from the per-address cap (never from the per-socket one). */
  exempt: boolean;
}

export type HoldingRefusal = 'socket' | 'address';

interface ViewerHoldings extends StreamHolder {
  streams: number;
}

export class StreamHoldings {
  readonly #limits: { perSocket: number; perAddress: number };
  readonly #viewers = new Map<string, ViewerHoldings>();
  /** address -> stream id -> how many of the address's viewers hold it. */
  readonly #addresses = new Map<string, Map<number, number>>();

  constructor(limits: { perSocket: number; perAddress: number }) {
    this.#limits = limits;
  }

  addViewer(viewerId: string, holder: StreamHolder): void {
    if (!this.#viewers.has(viewerId)) this.#viewers.set(viewerId, { ...holder, streams: 0 });
  }

  /** Call after the viewer released every stream. */
  removeViewer(viewerId: string): void {
    this.#viewers.delete(viewerId);
  }

  /** Why the viewer may not take hold of one more stream (`streamId` null: one that does not exist yet), or null. */
  refusal(viewerId: string, streamId: number | null): { cap: HoldingRefusal; message: string } | null {
    const viewer = this.#viewers.get(viewerId);
    if (!viewer) return null;
    if (viewer.streams >= this.#limits.perSocket) {
      return {
        cap: 'socket',
        message: `streams: this socket holds ${viewer.streams} distinct selections (limit ${this.#limits.perSocket} per socket); reuse one or unsubscribe`,
      };
    }
    if (viewer.exempt) return null;
    const held = this.#addresses.get(viewer.address);
    if (streamId !== null && held?.has(streamId)) return null;
    const count = held?.size ?? 0;
    if (count >= this.#limits.perAddress) {
      return {
        cap: 'address',
        message: `streams: ${viewer.address} holds ${count} distinct selections (limit ${this.#limits.perAddress} per address); reuse one or unsubscribe`,
      };
    }
    return null;
  }

  hold(viewerId: string, streamId: number): void {
    const viewer = this.#viewers.get(viewerId);
    if (!viewer) return;
    viewer.streams++;
    if (viewer.exempt) return;
    let held = this.#addresses.get(viewer.address);
    if (!held) {
      held = new Map();
      this.#addresses.set(viewer.address, held);
    }
    held.set(streamId, (held.get(streamId) ?? 0) + 1);
  }

  release(viewerId: string, streamId: number): void {
    const viewer = this.#viewers.get(viewerId);
    if (!viewer) return;
    viewer.streams--;
    if (viewer.exempt) return;
    const held = this.#addresses.get(viewer.address);
    const count = held?.get(streamId) ?? 0;
    if (!held || count === 0) return;
    if (count > 1) held.set(streamId, count - 1);
    else held.delete(streamId);
    if (held.size === 0) this.#addresses.delete(viewer.address);
  }

  /** Addresses holding at least one stream. */
  addresses(): number {
    return this.#addresses.size;
  }
}
