import type { Observable, Subscription } from 'rxjs';
import { createLogger } from '../log.js';
import { ChannelValuesBatch } from '../protocol/channel-values-batch.js';
import { FrameDecodeError } from '../protocol/frame-decode-error.js';
import type {
  ChannelInfoMessage,
  ClearChannelInfoMessage,
  DecodedFrame,
  PingMessage,
  PongMessage,
} from '../protocol/types.js';
import { ALL_HOSTS } from '../protocol/types.js';
import type { Datagram } from '../transport/types.js';
import { acceptSource } from './accept-source.js';
import { addressVerdict } from './address-verdict.js';
import { classifyDatagram } from './classify-datagram.js';
import { createBudgetedQueue } from './create-budgeted-queue.js';
import { createIdChangeLimiter } from './create-id-change-limiter.js';
import { createNodeCounters } from './create-node-counters.js';
import { createPongLimiter, type PongLimiterStats } from './create-pong-limiter.js';
import { createSourceGuard, type SourcePolicy } from './create-source-guard.js';
import { DEFAULT_NODE_OPTIONS, type JetDriveNodeOptions } from './default-node-options.js';
import { HostIdClaim } from './host-id-claim.js';
import type { NodeProvider } from './node-provider.js';
import { NodeProviderTable } from './node-provider-table.js';
import { NodeTransmitter } from './node-transmitter.js';
import { PingScheduler } from './ping-scheduler.js';
import { hostHex } from './pick-host-id.js';
import type { JetDriveSink, NodeCounters, ProviderState } from './types.js';

const log = createLogger('jetdrive');

/** Ping/Pong versions from this one on speak an incompatible protocol (spec). */
export const INCOMPATIBLE_VERSION = 10;

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

/** A ChannelInfo or ClearChannelInfo waiting for its turn (see createBudgetedQueue). */
interface CatalogMessage {
  provider: NodeProvider;
  frame: ChannelInfoMessage | ClearChannelInfoMessage;
}

const bump = (counts: Record<string, number>, name: string): void => {
  counts[name] = (counts[name] ?? 0) + 1;
};

/**
 * A well-behaved JetDrive node: claims a host id, answers Pings, tracks sequence numbers and clocks per host,
 * keeps the provider table (online/offline/incompatible) and asks for ChannelInfo it is missing. What it learns
 * goes to the sink (the channel registry); one datagram is handled synchronously in one call. Its parts: a pure
 * datagram classifier (classifyDatagram, addressVerdict), the host-id claim (HostIdClaim), the provider table
 * (NodeProviderTable), the periodic check that pings and marks providers offline (PingScheduler), the transmitter,
 * and the defences beside them (source guard, Pong limiter, id-change limiter, ChannelInfo budgeted queue).
 */
export function createJetDriveNode(deps: JetDriveNodeDeps, options: Partial<JetDriveNodeOptions> = {}): JetDriveNode {
  const opts: JetDriveNodeOptions = { ...DEFAULT_NODE_OPTIONS, ...options };
  const now = deps.now ?? (() => Date.now());
  const counters = deps.counters ?? createNodeCounters();
  const sink = deps.sink;
  const tx = new NodeTransmitter(
    !opts.passive && typeof deps.send === 'function' ? deps.send : null,
    counters,
    opts.requestInfoIntervalMs,
  );
  const canTransmit = tx.canTransmit;
  const checkEvery =
    opts.checkIntervalMs > 0 ? opts.checkIntervalMs : Math.max(10, Math.min(1000, opts.offlineAfterMs / 4));
  /** Reused for every ChannelValues datagram: the sink reads it during its call. */
  const values = new ChannelValuesBatch();

  const providers = new NodeProviderTable({
    maxProviders: opts.maxProviders,
    maxEvictionsPerS: opts.maxEvictionsPerS,
    counters,
    removed: (p) => sink.providerChanged(p, 'removed'),
  });
  const pongs = createPongLimiter(opts.pong);
  const sources = createSourceGuard({
    policy: opts.sourcePolicy,
    moveAfterMs: opts.offlineAfterMs,
    reportIntervalMs: opts.conflictReportIntervalMs,
  });
  const onConflict = (p: NodeProvider): void => sink.providerChanged(p, 'conflict');
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
    canTransmit,
    ping: (p, t) => tx.ping(hostId.id, p, t),
    offline(p, silentMs) {
      log.info(
        { provider: hostHex(p.hostId), silentMs },
        `provider ${p.name} (${hostHex(p.hostId)}) offline: silent for ${silentMs} ms`,
      );
      if (p.announced) sink.providerChanged(p, 'offline');
    },
  });
  let state: NodeState = 'stopped';
  let subscription: Subscription | null = null;
  // Read through a call: TypeScript would otherwise keep the narrowing from before an await.
  const stateNow = (): NodeState => state;
  let failure: string | null = null;
  let failureError: Error | null = null;

  const answerPing = (f: PingMessage): void => {
    const ourId = hostId.id;
    if (ourId === null) return;
    const refused = pongs.refusal(f.host, f.echo.length, now());
    if (refused !== null) bump(counters.pongsSuppressed, refused);
    else tx.pong(ourId, f, now());
  };

  const announce = (p: NodeProvider): void => {
    if (p.announced) return;
    p.announced = true;
    sink.providerChanged(p, 'added');
  };

  const onPong = (p: NodeProvider, f: PongMessage, t: number): void => {
    p.version = f.version;
    if (f.version >= INCOMPATIBLE_VERSION) {
      if (p.incompatible) return;
      p.incompatible = true;
      log.warn(
        { provider: hostHex(p.hostId), version: f.version },
        `provider ${p.name} (${hostHex(p.hostId)}) answers with protocol version ${f.version} (>= ${INCOMPATIBLE_VERSION}): incompatible, ignoring its data`,
      );
      announce(p);
      sink.providerChanged(p, 'incompatible');
      return;
    }
    const wasSynced = p.clock.synced;
    if (!p.clock.onPong(f.hostTs, f.remoteTs, t)) {
      bump(counters.drops, 'stalePongs');
      return;
    }
    if (wasSynced) return;
    if (p.announced) sink.providerChanged(p, 'updated');
    log.debug(
      { provider: hostHex(p.hostId), offsetMs: p.clock.offsetMs, latencyMs: p.clock.latencyMs },
      'clock synced',
    );
  };

  /** Catalog changes can be costly (names, views, quantity guesses per channel): they run within a time budget. */
  const catalogMessages = createBudgetedQueue<CatalogMessage>({
    budgetMs: opts.channelInfoBudgetMs,
    maxWeight: opts.maxQueuedChannelInfoRecords,
    weight: (m) => 1 + (m.frame.type === 'ChannelInfo' ? m.frame.channels.length : 0),
    run({ provider: p, frame: f }) {
      // The provider may have been forgotten (evicted) while this message waited.
      if (!providers.holds(p) || p.incompatible) return;
      // The name first: announcing the provider tells everyone its name.
      if (f.type === 'ChannelInfo' && f.providerName && f.providerName !== p.name) p.name = f.providerName;
      announce(p);
      if (f.type === 'ClearChannelInfo') sink.channelsCleared(p);
      else sink.channelInfo(p, f.channels);
    },
  });

  const malformed = (error: unknown): void => {
    bump(counters.malformed, error instanceof FrameDecodeError ? error.code : 'UNEXPECTED');
    if (!(error instanceof FrameDecodeError)) log.error({ err: error }, 'decoder threw an unexpected error');
  };

  /** Host 0 is a node claiming an id: answering tells it ours is taken. Our own claim Ping comes back via loopback. */
  const onClaim = (f: DecodedFrame | null, destination: number): void => {
    if (f === null) return;
    if (hostId.isOwnClaimPing(f)) counters.ignored.ownMessages++;
    // Claims go to ALL_HOSTS, and one Pong (rate-limited in answerPing) tells every claiming node at once.
    else if (f.type === 'Ping' && destination === ALL_HOSTS) answerPing(f);
  };

  /** The provider a frame comes from, after the table's cap and the source guard; marks it seen (and online). */
  const sender = (host: number, seq: number, d: Datagram, t: number): NodeProvider | null => {
    const admitted = providers.admit(host, d.from, t);
    if (admitted === null) return null;
    const p = admitted.p;
    // A newcomer admitted by eviction is pinged by the next check, not at once.
    if (admitted.isNew && canTransmit && !admitted.crowded) tx.ping(hostId.id, p, t);
    if (!acceptSource(sources, counters, onConflict, p, d.from, t)) return null;
    p.tracker.track(seq);
    p.lastSeen = t;
    if (!p.online) {
      p.online = true;
      log.info({ provider: hostHex(host) }, `provider ${p.name} (${hostHex(host)}) is online again`);
      if (p.announced) sink.providerChanged(p, 'online');
    }
    return p;
  };

  const onValues = (p: NodeProvider, d: Datagram, t: number): void => {
    if (p.incompatible) {
      counters.ignored.incompatible++;
      return;
    }
    announce(p);
    p.valueMessages++;
    if (sink.channelValues(p, d.receivedAt, values) && canTransmit) tx.requestInfo(hostId.id, p, t);
  };

  const onFrame = (p: NodeProvider, f: DecodedFrame, t: number): void => {
    const catalogFrame = f.type === 'ChannelInfo' || f.type === 'ClearChannelInfo';
    if ((catalogFrame && p.incompatible) || (f.type === 'Ping' && f.version >= INCOMPATIBLE_VERSION)) {
      counters.ignored.incompatible++;
      return;
    }
    if (f.type === 'ChannelInfo') {
      // The name is taken at once (cheap): values arriving before the queued channel work runs must already
      // announce the provider under its own name. Only the per-channel work waits for its budget.
      if (f.providerName && f.providerName !== p.name) p.name = f.providerName;
      if (f.channels.length > 0) p.named = true;
    }
    if (f.type === 'ChannelInfo' || f.type === 'ClearChannelInfo') {
      if (!catalogMessages.push({ provider: p, frame: f })) bump(counters.drops, 'channelInfoQueue');
    } else if (f.type === 'Ping') answerPing(f);
    else if (f.type === 'Pong') onPong(p, f, t);
    else if (f.type === 'Unknown') counters.unknownKeys++;
    // RequestChannelInfo (we provide no channels) and the optional extended commands: nothing to do.
  };

  const onDatagram = (d: Datagram): void => {
    counters.datagrams++;
    counters.bytes += d.bytes.byteLength;
    const c = classifyDatagram(d.bytes, values);
    if (c.kind === 'malformed') {
      malformed(c.error);
      return;
    }
    if (c.trailingBytes > 0) counters.trailingBytes += c.trailingBytes;
    if (c.partialRecordBytes > 0) counters.partialRecords++;
    const frame = c.kind === 'frame' ? c.frame : null;
    const verdict = addressVerdict(c.host, c.destination, hostId.id, hostId.claiming);
    if (verdict !== 'fromAllHosts') hostId.noteHost(c.host);
    switch (verdict) {
      case 'fromAllHosts':
        counters.ignored.fromAllHosts++;
        return;
      case 'collision':
        hostId.collision(d.from, now());
        return;
      case 'ownMessage':
        counters.ignored.ownMessages++;
        return;
      case 'notForUs':
        counters.ignored.notForUs++;
        return;
      case 'claim':
        onClaim(frame, c.destination);
        return;
    }
    const t = now();
    const p = sender(c.host, c.seq, d, t);
    if (p === null) return;
    if (frame === null) onValues(p, d, t);
    else onFrame(p, frame, t);
  };

  const fail = (error: unknown, rejectStart: (error: Error) => void): void => {
    failure = error instanceof Error ? error.message : String(error);
    failureError = error instanceof Error ? error : new Error(failure);
    state = 'failed';
    scheduler.stop();
    log.error({ err: error }, `JetDrive datagram source failed: ${failure}`);
    rejectStart(failureError);
  };

  /** After the source is ready: the periodic check, then our host id (fixed, or claimed). */
  const begin = async (failed: Promise<never>): Promise<void> => {
    scheduler.start(checkEvery);
    if (!canTransmit) {
      log.info('passive mode: listening only, no host id, nothing transmitted');
      state = 'running';
      return;
    }
    if (opts.hostId !== null) hostId.assign(opts.hostId);
    else {
      state = 'claiming';
      const stopped = () => stateNow() === 'stopped';
      await Promise.race([hostId.claim((nonce) => tx.claimPing(nonce, now()), stopped), failed]);
    }
    if (stateNow() !== 'claiming' && stateNow() !== 'starting') return;
    scheduler.check();
    state = 'running';
  };

  return {
    counters,
    hostId: () => hostId.id,
    providers: () => [...providers.values()],
    status: () => ({
      state,
      passive: !canTransmit,
      hostId: hostId.id,
      hostHex: hostId.id === null ? null : hostHex(hostId.id),
      collisions: counters.collisions,
      collisionsSuppressed: counters.collisionsSuppressed,
      sourcePolicy: sources.policy,
      conflicts: { ...counters.conflicts },
      evictions: counters.evictions,
      pongs: pongs.stats(),
      providers: providers.size,
      incompatible: providers.incompatible(),
      error: failure,
    }),
    async start() {
      if (state !== 'stopped' && state !== 'failed') return;
      state = 'starting';
      failure = null;
      failureError = null;
      let rejectStart: (error: Error) => void = () => {};
      const failed = new Promise<never>((_, reject) => {
        rejectStart = reject;
      });
      // The start promise may already be settled when the source fails later: keep that rejection handled.
      failed.catch(() => {});
      subscription = deps.datagrams$.subscribe({
        next: onDatagram,
        error: (error: unknown) => fail(error, rejectStart),
      });
      await Promise.race([deps.ready ?? Promise.resolve(), failed]);
      // A source that fails synchronously loses the race against an already-resolved `ready`.
      if (stateNow() === 'failed' && failureError) throw failureError;
      if (stateNow() !== 'starting') return;
      await begin(failed);
    },
    stop() {
      state = 'stopped';
      catalogMessages.clear();
      subscription?.unsubscribe();
      subscription = null;
      scheduler.stop();
      hostId.stop();
    },
  };
}
