import type { Observable, Subscription } from 'rxjs';
import { createLogger } from '../log.js';
import type { Datagram } from '../transport/types.js';
import { createIdChangeLimiter } from './create-id-change-limiter.js';
import { createNodeCounters } from './create-node-counters.js';
import type { PongLimiterStats } from './create-pong-limiter.js';
import type { SourcePolicy } from './create-source-guard.js';
import { DEFAULT_NODE_OPTIONS, type JetDriveNodeOptions } from './default-node-options.js';
import { HostIdClaim } from './host-id-claim.js';
import { NodeProviderTable } from './node-provider-table.js';
import { NodeReceiver } from './node-receiver.js';
import { NodeTransmitter } from './node-transmitter.js';
import { hostHex } from './pick-host-id.js';
import { PingScheduler } from './ping-scheduler.js';
import type { JetDriveSink, NodeCounters, ProviderState } from './types.js';

const log = createLogger('jetdrive');

export { INCOMPATIBLE_VERSION } from './node-receiver.js';

export type NodeState = 'stopped' | 'starting' | 'claiming' | 'running' | 'failed';

export interface JetDriveNodeStatus {
  state: NodeState;
  passive: boolean;
  hostId: number | null;
  hostHex: string | null;
  /** Host id changes after a collision. */
  collisions: number;
  /** Collisions ignored because our id changed less than hostIdChangeMinIntervalMs before. */
  collisionsSuppressed: number;
  /** Frames whose source address disagreed with their host id's: flagged or dropped per `sourcePolicy`. */
  sourcePolicy: SourcePolicy;
  conflicts: Record<string, number>;
  evictions: number;
  pongs: PongLimiterStats;
  providers: number;
  incompatible: { hostId: number; hostHex: string; name: string; version: number | null }[];
  /** Set when the datagram source failed (bind error). */
  error: string | null;
}

export interface JetDriveNode {
  /** Subscribes to the datagrams, waits for `ready`, claims a host id unless passive. Rejects when the source fails. */
  start(): Promise<void>;
  stop(): void;
  hostId(): number | null;
  providers(): readonly ProviderState[];
  status(): JetDriveNodeStatus;
  readonly counters: Readonly<NodeCounters>;
}

export interface JetDriveNodeDeps {
  datagrams$: Observable<Datagram>;
  /** Resolves when the source can deliver (socket bound and joined); the claim Ping waits for it. */
  ready?: Promise<unknown>;
  /** Transmits one encoded frame to the group; absent or null means we cannot transmit (as if passive). */
  send?: ((bytes: Uint8Array) => void) | null;
  sink: JetDriveSink;
  counters?: NodeCounters;
  /** Epoch ms; injectable for fake timers. */
  now?: () => number;
  random?: () => number;
}

/**
 * A well-behaved JetDrive node: claims a host id, answers Pings, tracks sequence numbers and clocks per host,
 * keeps the provider table (online/offline/incompatible) and asks for ChannelInfo it is missing. What it learns
 * goes to the sink (the channel registry); one datagram is handled synchronously in one call (NodeReceiver, over a
 * pure classifier). The other parts: the host-id claim (HostIdClaim), the provider table (NodeProviderTable), the
 * periodic check that pings and marks providers offline (PingScheduler) and the transmitter.
 */
export function createJetDriveNode(deps: JetDriveNodeDeps, options: Partial<JetDriveNodeOptions> = {}): JetDriveNode {
  const opts: JetDriveNodeOptions = { ...DEFAULT_NODE_OPTIONS, ...options };
  const now = deps.now ?? (() => Date.now());
  const counters = deps.counters ?? createNodeCounters();
  const sink = deps.sink;
  const send = !opts.passive && typeof deps.send === 'function' ? deps.send : null;
  const tx = new NodeTransmitter(send, counters, opts.requestInfoIntervalMs);
  const providers = new NodeProviderTable({
    maxProviders: opts.maxProviders,
    maxEvictionsPerS: opts.maxEvictionsPerS,
    counters,
    removed: (p) => sink.providerChanged(p, 'removed'),
  });
  const hostId = new HostIdClaim({
    random: deps.random ?? Math.random,
    claimMs: opts.claimMs,
    idChanges: createIdChangeLimiter(opts.hostIdChangeMinIntervalMs, counters),
    counters,
    knownHosts: () => providers.hostIds(),
  });
  const scheduler = new PingScheduler({
    providers: () => providers.values(),
    now,
    offlineAfterMs: opts.offlineAfterMs,
    pingIntervalMs: opts.pingIntervalMs,
    canTransmit: tx.canTransmit,
    ping: (p, t) => tx.ping(hostId.id, p, t),
    offline(p, silentMs) {
      log.info(
        { provider: hostHex(p.hostId), silentMs },
        `provider ${p.name} (${hostHex(p.hostId)}) offline: silent for ${silentMs} ms`,
      );
      if (p.announced) sink.providerChanged(p, 'offline');
    },
  });
  const receiver = new NodeReceiver({ opts, now, counters, sink, tx, providers, hostId });
  return new NodeRunner({ deps, opts, now, counters, tx, providers, hostId, scheduler, receiver });
}

interface NodeParts {
  deps: JetDriveNodeDeps;
  opts: JetDriveNodeOptions;
  now: () => number;
  counters: NodeCounters;
  tx: NodeTransmitter;
  providers: NodeProviderTable;
  hostId: HostIdClaim;
  scheduler: PingScheduler;
  receiver: NodeReceiver;
}

/** The node's lifecycle: stopped → starting → (claiming →) running, or failed when the datagram source fails. */
class NodeRunner implements JetDriveNode {
  #state: NodeState = 'stopped';
  #subscription: Subscription | null = null;
  #failure: string | null = null;
  #failureError: Error | null = null;
  readonly #p: NodeParts;

  constructor(parts: NodeParts) {
    this.#p = parts;
  }

  get counters(): Readonly<NodeCounters> {
    return this.#p.counters;
  }

  hostId(): number | null {
    return this.#p.hostId.id;
  }

  providers(): readonly ProviderState[] {
    return [...this.#p.providers.values()];
  }

  status(): JetDriveNodeStatus {
    const { counters, hostId, receiver, providers, tx } = this.#p;
    return {
      state: this.#state,
      passive: !tx.canTransmit,
      hostId: hostId.id,
      hostHex: hostId.id === null ? null : hostHex(hostId.id),
      collisions: counters.collisions,
      collisionsSuppressed: counters.collisionsSuppressed,
      sourcePolicy: receiver.sources.policy,
      conflicts: { ...counters.conflicts },
      evictions: counters.evictions,
      pongs: receiver.pongs.stats(),
      providers: providers.size,
      incompatible: providers.incompatible(),
      error: this.#failure,
    };
  }

  /** Read through a call: TypeScript would otherwise keep the narrowing from before an await. */
  #stateNow(): NodeState {
    return this.#state;
  }

  async start(): Promise<void> {
    if (this.#state !== 'stopped' && this.#state !== 'failed') return;
    this.#state = 'starting';
    this.#failure = null;
    this.#failureError = null;
    let rejectStart: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      rejectStart = reject;
    });
    // The start promise may already be settled when the source fails later: keep that rejection handled.
    failed.catch(() => {});
    this.#subscription = this.#p.deps.datagrams$.subscribe({
      next: this.#p.receiver.onDatagram,
      error: (error: unknown) => this.#fail(error, rejectStart),
    });
    await Promise.race([this.#p.deps.ready ?? Promise.resolve(), failed]);
    // A source that fails synchronously loses the race against an already-resolved `ready`.
    if (this.#stateNow() === 'failed' && this.#failureError) throw this.#failureError;
    if (this.#stateNow() !== 'starting') return;
    await this.#begin(failed);
  }

  #fail(error: unknown, rejectStart: (error: Error) => void): void {
    const failure = error instanceof Error ? error.message : String(error);
    this.#failure = failure;
    this.#failureError = error instanceof Error ? error : new Error(failure);
    this.#state = 'failed';
    this.#p.scheduler.stop();
    log.error({ err: error }, `JetDrive datagram source failed: ${failure}`);
    rejectStart(this.#failureError);
  }

  /** After the source is ready: the periodic check, then our host id (fixed, or claimed). */
  async #begin(failed: Promise<never>): Promise<void> {
    const { opts, scheduler, hostId, tx, now } = this.#p;
    scheduler.start(
      opts.checkIntervalMs > 0 ? opts.checkIntervalMs : Math.max(10, Math.min(1000, opts.offlineAfterMs / 4)),
    );
    if (!tx.canTransmit) {
      log.info('passive mode: listening only, no host id, nothing transmitted');
      this.#state = 'running';
      return;
    }
    if (opts.hostId !== null) hostId.assign(opts.hostId);
    else {
      this.#state = 'claiming';
      const stopped = () => this.#stateNow() === 'stopped';
      await Promise.race([hostId.claim((nonce) => tx.claimPing(nonce, now()), stopped), failed]);
    }
    if (this.#stateNow() !== 'claiming' && this.#stateNow() !== 'starting') return;
    scheduler.check();
    this.#state = 'running';
  }

  stop(): void {
    this.#state = 'stopped';
    this.#p.receiver.catalogMessages.clear();
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    this.#p.scheduler.stop();
    this.#p.hostId.stop();
  }
}
