import { Subject } from 'rxjs';
import { createJetDriveNode, createNodeCounters, type JetDriveNode, type JetDriveSink } from '../jetdrive/index.js';
import { createNamespacedSink, type NamespacedSink } from '../replay/index.js';
import type { Datagram } from '../transport/types.js';
import type { ReplayedEntry } from './create-stream-reader.js';

export interface ReplayMirrorOptions {
  offlineAfterMs: number;
  maxProviders: number;
}

export interface ReplayMirrorStats {
  /** Mirrors open now. */
  open: number;
  /** Mirrors ended by their replay's end entry (or a new replay in the slot). */
  ended: number;
  /** Mirrors dropped because the ingest node's heartbeat no longer listed their replay (its end entry was lost). */
  expired: number;
}

interface Mirror {
  prefix: string;
  datagrams$: Subject<Datagram>;
  node: JetDriveNode;
  sink: NamespacedSink;
}

/**
 * An edge's copies of the ingest node's replays: per replay slot, a passive JetDrive node (like the replay's own on
 * the ingest node) fed the replayed datagrams from the stream, its providers put into this edge's registry under the
 * same namespace (host id `slot << 16 | host`, name `replay:<run>/…`). So viewers on every node select a replayed
 * provider the same way. Bounded: one mirror per slot (a u8), replaced when a new replay takes the slot.
 */
export class ReplayMirrors {
  readonly #mirrors = new Map<number, Mirror>();
  readonly #sink: JetDriveSink;
  readonly #o: ReplayMirrorOptions;
  #ended = 0;
  #expired = 0;

  constructor(sink: JetDriveSink, options: ReplayMirrorOptions) {
    this.#sink = sink;
    this.#o = options;
  }

  feed(entry: ReplayedEntry): void {
    if (entry.datagram === null) {
      if (this.#end(entry.slot)) this.#ended++;
      return;
    }
    let mirror = this.#mirrors.get(entry.slot);
    // A new replay in the slot (its end was lost while Redis was down): the old one's providers go first.
    if (mirror && mirror.prefix !== entry.prefix) {
      this.#end(entry.slot);
      this.#ended++;
      mirror = undefined;
    }
    mirror ??= this.#open(entry.slot, entry.prefix);
    mirror.datagrams$.next(entry.datagram);
  }

  /**
   * The ingest node's heartbeat lists the replays it publishes: a mirror of any other slot belongs to a replay whose
   * end entry this edge never read (dropped while Redis was down, or trimmed), so its providers go now.
   */
  retain(activeSlots: ReadonlySet<number>): void {
    for (const slot of [...this.#mirrors.keys()]) {
      if (activeSlots.has(slot)) continue;
      this.#end(slot);
      this.#expired++;
    }
  }

  stats(): ReplayMirrorStats {
    return { open: this.#mirrors.size, ended: this.#ended, expired: this.#expired };
  }

  close(): void {
    for (const slot of [...this.#mirrors.keys()]) this.#end(slot);
  }

  #open(slot: number, prefix: string): Mirror {
    const datagrams$ = new Subject<Datagram>();
    const sink = createNamespacedSink(this.#sink, slot, prefix);
    const node = createJetDriveNode(
      { datagrams$, send: null, sink, counters: createNodeCounters() },
      { passive: true, offlineAfterMs: this.#o.offlineAfterMs, maxProviders: this.#o.maxProviders },
    );
    // Passive, no socket: start() only subscribes to datagrams$, synchronously, before the first next().
    node.start().catch(() => undefined);
    const mirror = { prefix, datagrams$, node, sink };
    this.#mirrors.set(slot, mirror);
    return mirror;
  }

  /** Ends the slot's mirror, if it has one (true). */
  #end(slot: number): boolean {
    const mirror = this.#mirrors.get(slot);
    if (!mirror) return false;
    this.#mirrors.delete(slot);
    mirror.node.stop();
    mirror.sink.removeAll();
    mirror.datagrams$.complete();
    return true;
  }
}
