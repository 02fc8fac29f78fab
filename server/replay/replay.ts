import type { ReplayOptions, ReplayProvider, ReplayState, ReplayStatus } from '@jetdrive-hub/client/contract';
import { Subject } from 'rxjs';
import { createJetDriveNode, type JetDriveNode } from '../jetdrive/create-jetdrive-node.js';
import { createNodeCounters } from '../jetdrive/create-node-counters.js';
import { hostHex } from '../jetdrive/pick-host-id.js';
import type { JetDriveSink, NodeCounters } from '../jetdrive/types.js';
import type { Datagram } from '../transport/types.js';
import { catalogPrimer } from './catalog-primer.js';
import type { LoadedRun } from './load-run-file.js';
import { createNamespacedSink, type NamespacedSink } from './namespaced-sink.js';
import { ProviderClockRebase } from './provider-clock-rebase.js';
import { ReplayPlayer } from './replay-player.js';

/** Positions on the wire in ms to 0.1 ms. */
const tenths = (ms: number): number => Math.round(ms * 10) / 10;

export interface ReplayDeps {
  id: string;
  runId: string;
  /** 1.. the manager's maxConcurrent: the namespace above the 16-bit host ids. */
  slot: number;
  run: LoadedRun;
  /** The shared channel registry's write side (the live node's sink). */
  sink: JetDriveSink;
  options: Omit<ReplayOptions, 'rate'> & { rate: number | 'max' };
  maxPerTurn: number;
  /** The replay node's providers go offline after this much silence (a paused replay). */
  offlineAfterMs: number;
  maxProviders: number;
  changed(replay: Replay): void;
  /** Sees every datagram the replay feeds its node, and its end (a cluster's ingest node publishes them to edges). */
  tap?: ReplayTap;
}

export interface ReplayTap {
  datagram(slot: number, prefix: string, datagram: Datagram): void;
  ended(slot: number): void;
}

/**
 * One replay: the player paces the run's datagrams into its own passive JetDrive node (no host id, no `send`: a
 * replayed datagram never reaches the network), whose sink puts the providers into the shared registry under the
 * replay's namespace. From the node on, it is the live path: decode, provider table, registry, fan-out.
 */
export class Replay {
  readonly id: string;
  readonly runId: string;
  readonly slot: number;
  readonly name: string;
  readonly startedAt = Date.now();
  readonly counters: NodeCounters = createNodeCounters();
  readonly #datagrams$ = new Subject<Datagram>();
  readonly #node: JetDriveNode;
  readonly #sink: NamespacedSink;
  readonly #player: ReplayPlayer;
  readonly #rebase = new ProviderClockRebase();
  readonly #d: ReplayDeps;

  constructor(deps: ReplayDeps) {
    this.#d = deps;
    this.id = deps.id;
    this.runId = deps.runId;
    this.slot = deps.slot;
    this.name = deps.run.name ?? deps.runId;
    const prefix = `replay:${this.name}/`;
    this.#sink = createNamespacedSink(deps.sink, deps.slot, prefix);
    const tap = deps.tap;
    if (tap) this.#datagrams$.subscribe((d) => tap.datagram(deps.slot, prefix, d));
    this.#node = createJetDriveNode(
      { datagrams$: this.#datagrams$, send: null, sink: this.#sink, counters: this.counters },
      { passive: true, offlineAfterMs: deps.offlineAfterMs, maxProviders: deps.maxProviders },
    );
    const o = deps.options;
    const toMs = Math.min(o.to ?? deps.run.durationMs, deps.run.durationMs);
    this.#player = new ReplayPlayer(
      deps.run.datagrams,
      { rate: o.rate, fromMs: Math.min(o.from ?? 0, toMs), toMs, loop: o.loop ?? false, maxPerTurn: deps.maxPerTurn },
      {
        emit: (d, jumped) => {
          if (jumped) this.#rebase.jumped();
          this.#datagrams$.next({ bytes: this.#rebase.apply(d.bytes), from: d.from, receivedAt: Date.now() });
        },
        changed: () => deps.changed(this),
      },
    );
  }

  get state(): ReplayState {
    return this.#player.state;
  }

  /** The node first, then the run's channel catalog from its metadata (if its own ChannelInfo is missing), then play. */
  async start(): Promise<void> {
    await this.#node.start();
    for (const d of catalogPrimer(this.#d.run)) {
      this.#datagrams$.next({ bytes: d.bytes, from: d.from, receivedAt: Date.now() });
    }
    this.#player.start();
  }

  pause(): void {
    this.#player.pause();
  }

  resume(): void {
    this.#player.resume();
  }

  seek(positionMs: number): void {
    this.#player.seek(positionMs);
  }

  /** Stops playback and removes the replay's providers (and so their channels) from the registry. */
  stop(): void {
    this.#player.stop();
    this.#node.stop();
    this.#sink.removeAll();
    this.#datagrams$.complete();
    this.#d.tap?.ended(this.slot);
  }

  providers(): ReplayProvider[] {
    return this.#sink.providers().map((p) => ({
      hostId: p.hostId,
      hostHex: hostHex(p.hostId),
      name: p.name,
      recordedHostId: p.inner.hostId,
    }));
  }

  status(): ReplayStatus {
    const o = this.#d.options;
    const run = this.#d.run;
    const toMs = Math.min(o.to ?? run.durationMs, run.durationMs);
    return {
      id: this.id,
      runId: this.runId,
      name: this.name,
      state: this.#player.state,
      rate: o.rate === 'max' ? Number.POSITIVE_INFINITY : o.rate,
      loop: o.loop ?? false,
      positionMs: tenths(this.#player.position()),
      fromMs: tenths(Math.min(o.from ?? 0, toMs)),
      toMs: tenths(toMs),
      durationMs: tenths(run.durationMs),
      loops: this.#player.loops,
      datagrams: this.#player.emitted,
      providers: this.providers(),
      startedAt: this.startedAt,
    };
  }
}
