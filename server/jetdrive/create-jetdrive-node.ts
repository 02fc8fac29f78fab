import type { Observable, Subscription } from 'rxjs';
import { createRateLimiter } from '../shared/create-rate-limiter.js';
import { createLogger } from '../log.js';
import { checkHeader, decodeFrame, encodeFrame, FrameDecodeError } from '../protocol/index.js';
import type {
  ChannelInfoMessage,
  ClearChannelInfoMessage,
  DecodedFrame,
  JetDriveMessage,
  PingMessage,
  PongMessage,
} from '../protocol/types.js';
import {
  ALL_HOSTS,
  CHANNEL_VALUE_RECORD_SIZE,
  HEADER_SIZE,
  KEY,
  MAX_PING_ECHO_BYTES,
  PING_VERSION,
} from '../protocol/types.js';
import type { Datagram } from '../transport/types.js';
import { createBudgetedQueue } from './create-budgeted-queue.js';
import { createClockSync, u32Clock } from './clock-sync.js';
import { createNodeCounters } from './create-node-counters.js';
import { createPongLimiter, type PongLimiterStats } from './create-pong-limiter.js';
import { acceptSource } from './accept-source.js';
import { createIdChangeLimiter } from './create-id-change-limiter.js';
import { createSourceGuard, type SourcePolicy } from './create-source-guard.js';
import { DEFAULT_NODE_OPTIONS, type JetDriveNodeOptions } from './default-node-options.js';
import { pickEvictionVictim } from './pick-eviction-victim.js';
import { hostHex, pickHostId } from './pick-host-id.js';
import { createSequenceTracker, type SequenceTracker } from './sequence-tracker.js';
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
  provider: Provider;
  frame: ChannelInfoMessage | ClearChannelInfoMessage;
}

interface Provider extends ProviderState {
  tracker: SequenceTracker;
  announced: boolean;
  lastPingAt: number | null;
  lastInfoRequestAt: number | null;
  /** A ChannelInfo named at least one channel (eviction keeps such providers). */
  named: boolean;
}

/**
 * A well-behaved JetDrive node: claims a host id, answers Pings, tracks sequence numbers and clocks per host,
 * keeps the provider table (online/offline/incompatible) and asks for ChannelInfo it is missing. What it learns
 * goes to the sink (the channel registry); one datagram is handled synchronously in one call.
 */
export function createJetDriveNode(deps: JetDriveNodeDeps, options: Partial<JetDriveNodeOptions> = {}): JetDriveNode {
  const opts: JetDriveNodeOptions = { ...DEFAULT_NODE_OPTIONS, ...options };
  const now = deps.now ?? (() => Date.now());
  const random = deps.random ?? Math.random;
  const counters = deps.counters ?? createNodeCounters();
  const sink = deps.sink;
  const canTransmit = !opts.passive && typeof deps.send === 'function';
  const checkEvery =
    opts.checkIntervalMs > 0 ? opts.checkIntervalMs : Math.max(10, Math.min(1000, opts.offlineAfterMs / 4));

  const providers = new Map<number, Provider>();
  const pongs = createPongLimiter(opts.pong);
  const sources = createSourceGuard({
    policy: opts.sourcePolicy,
    moveAfterMs: opts.offlineAfterMs,
    reportIntervalMs: opts.conflictReportIntervalMs,
  });
  const onConflict = (p: Provider): void => sink.providerChanged(p, 'conflict');
  const idChanges = createIdChangeLimiter(opts.hostIdChangeMinIntervalMs, counters);
  const evictionBudget = createRateLimiter({
    ratePerMin: opts.maxEvictionsPerS * 60,
    burst: Math.max(1, opts.maxEvictionsPerS),
    maxClients: 1,
  });
  let state: NodeState = 'stopped';
  let ourId: number | null = null;
  let claiming = false;
  const seenWhileClaiming = new Set<number>();
  let claimNonce: Uint8Array | null = null;
  let ourSeq = 0;
  let subscription: Subscription | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let claimTimer: ReturnType<typeof setTimeout> | null = null;
  let wakeClaim: (() => void) | null = null;
  // Read through a call: TypeScript would otherwise keep the narrowing from before an await.
  const stateNow = (): NodeState => state;
  let failure: string | null = null;
  let failureError: Error | null = null;

  const drop = (name: string): void => {
    counters.drops[name] = (counters.drops[name] ?? 0) + 1;
  };

  const transmit = (message: JetDriveMessage): void => {
    if (!canTransmit || !deps.send) return;
    deps.send(encodeFrame(message));
    counters.sent[message.type] = (counters.sent[message.type] ?? 0) + 1;
  };
  const nextSeq = (): number => {
    const s = ourSeq;
    ourSeq = (ourSeq + 1) & 0xff;
    return s;
  };

  const ping = (p: Provider, t: number): void => {
    if (ourId === null || p.incompatible) return;
    p.lastPingAt = t;
    transmit({
      type: 'Ping',
      key: 0x04,
      host: ourId,
      seq: nextSeq(),
      destination: p.hostId,
      version: PING_VERSION,
      hostTs: u32Clock(t),
      echo: new Uint8Array(0),
    });
  };

  const requestInfo = (p: Provider, t: number): void => {
    if (ourId === null || p.incompatible) return;
    if (p.lastInfoRequestAt !== null && t - p.lastInfoRequestAt < opts.requestInfoIntervalMs) return;
    p.lastInfoRequestAt = t;
    log.debug({ provider: hostHex(p.hostId) }, 'values for channels without ChannelInfo: requesting it');
    transmit({ type: 'RequestChannelInfo', key: 0x06, host: ourId, seq: nextSeq(), destination: p.hostId });
  };

  const answerPing = (f: PingMessage): void => {
    if (ourId === null) return;
    const refused = pongs.refusal(f.host, f.echo.length, now());
    if (refused !== null) {
      counters.pongsSuppressed[refused] = (counters.pongsSuppressed[refused] ?? 0) + 1;
      return;
    }
    transmit({
      type: 'Pong',
      key: 0x05,
      host: ourId,
      seq: nextSeq(),
      destination: f.host,
      version: PING_VERSION,
      hostTs: f.hostTs,
      remoteTs: u32Clock(now()),
      echo: f.echo,
    });
  };

  const evictFor = (t: number): boolean => {
    const victim = pickEvictionVictim(providers.values());
    if (victim === null || !evictionBudget.take('evict', t).ok) return false;
    providers.delete(victim.hostId);
    counters.evictions++;
    if (victim.announced) sink.providerChanged(victim, 'removed');
    // Squatting hosts evict each other at their own pace: one line per 100 evictions, not one per host.
    const message = `provider table full: forgot ${victim.online ? 'online' : 'offline'} provider ${victim.name} to make room (${counters.evictions} evictions so far)`;
    const fields = { provider: hostHex(victim.hostId), online: victim.online, evictions: counters.evictions };
    if (counters.evictions === 1 || counters.evictions % 100 === 0) log.warn(fields, message);
    else log.debug(fields, message);
    return true;
  };

  const providerFor = (host: number, d: Datagram, t: number): Provider | null => {
    const existing = providers.get(host);
    if (existing) return existing;
    // Rogue hosts churning through a full table would otherwise each cost a log line and a Ping: a newcomer
    // admitted by eviction is logged at debug and pinged by the next check() instead.
    const crowded = providers.size >= opts.maxProviders;
    if (crowded && !evictFor(t)) {
      drop('providers');
      return null;
    }
    const tracker = createSequenceTracker();
    const p: Provider = {
      hostId: host,
      name: `Provider ${hostHex(host)}`,
      address: d.from.address,
      port: d.from.port,
      online: true,
      incompatible: false,
      version: null,
      seq: tracker.counters,
      clock: createClockSync(),
      firstSeen: t,
      lastSeen: t,
      valueMessages: 0,
      tracker,
      announced: false,
      lastPingAt: null,
      lastInfoRequestAt: null,
      named: false,
    };
    providers.set(host, p);
    const fields = { provider: hostHex(host), address: d.from.address };
    if (crowded) log.debug(fields, `new JetDrive host ${hostHex(host)} at ${d.from.address}`);
    else log.info(fields, `new JetDrive host ${hostHex(host)} at ${d.from.address}`);
    if (canTransmit && !crowded) ping(p, t);
    return p;
  };

  const announce = (p: Provider): void => {
    if (p.announced) return;
    p.announced = true;
    sink.providerChanged(p, 'added');
  };

  const onPong = (p: Provider, f: PongMessage, t: number): void => {
    p.version = f.version;
    if (f.version >= INCOMPATIBLE_VERSION) {
      if (!p.incompatible) {
        p.incompatible = true;
        log.warn(
          { provider: hostHex(p.hostId), version: f.version },
          `provider ${p.name} (${hostHex(p.hostId)}) answers with protocol version ${f.version} (>= ${INCOMPATIBLE_VERSION}): incompatible, ignoring its data`,
        );
        announce(p);
        sink.providerChanged(p, 'incompatible');
      }
      return;
    }
    const wasSynced = p.clock.synced;
    if (!p.clock.onPong(f.hostTs, f.remoteTs, t)) {
      drop('stalePongs');
      return;
    }
    if (!wasSynced) {
      if (p.announced) sink.providerChanged(p, 'updated');
      log.debug(
        { provider: hostHex(p.hostId), offsetMs: p.clock.offsetMs, latencyMs: p.clock.latencyMs },
        'clock synced',
      );
    }
  };

  const collision = (from: Datagram['from']): void => {
    if (!idChanges.allow(now(), from)) return;
    counters.collisions++;
    const old = ourId;
    const taken = new Set<number>(providers.keys());
    if (old !== null) taken.add(old);
    ourId = pickHostId(taken, random);
    log.warn(
      { old: old === null ? null : hostHex(old), new: hostHex(ourId) },
      `host id collision: another node uses ${old === null ? '?' : hostHex(old)}; now using ${hostHex(ourId)}`,
    );
  };

  const isOwnClaimPing = (f: DecodedFrame): boolean => {
    if (f.type !== 'Ping' || claimNonce === null || f.echo.length !== claimNonce.length) return false;
    for (let i = 0; i < claimNonce.length; i++) if (f.echo[i] !== claimNonce[i]) return false;
    return true;
  };

  /** Catalog changes can be costly (names, views, quantity guesses per channel): they run within a time budget. */
  const catalogMessages = createBudgetedQueue<CatalogMessage>({
    budgetMs: opts.channelInfoBudgetMs,
    maxWeight: opts.maxQueuedChannelInfoRecords,
    weight: (m) => 1 + (m.frame.type === 'ChannelInfo' ? m.frame.channels.length : 0),
    run({ provider: p, frame: f }) {
      // The provider may have been forgotten (evicted) while this message waited.
      if (providers.get(p.hostId) !== p || p.incompatible) return;
      // The name first: announcing the provider tells everyone its name.
      if (f.type === 'ChannelInfo' && f.providerName && f.providerName !== p.name) p.name = f.providerName;
      announce(p);
      if (f.type === 'ClearChannelInfo') sink.channelsCleared(p);
      else sink.channelInfo(p, f.channels);
    },
  });

  const malformed = (error: unknown): void => {
    const code = error instanceof FrameDecodeError ? error.code : 'UNEXPECTED';
    counters.malformed[code] = (counters.malformed[code] ?? 0) + 1;
    if (!(error instanceof FrameDecodeError)) log.error({ err: error }, 'decoder threw an unexpected error');
  };

  const onDatagram = (d: Datagram): void => {
    counters.datagrams++;
    const bytes = d.bytes;
    const size = bytes.byteLength;
    counters.bytes += size;
    // ChannelValues, the bulk of the traffic, skip decodeFrame: the codec validates the header and the records
    // are read in place by the sink, saving two allocations per sample (measured: the ingest bench's hot path).
    let f: DecodedFrame | null = null;
    let values: DataView | null = null;
    let host: number;
    let seq: number;
    let destination: number;
    try {
      if (size >= HEADER_SIZE && bytes[0] === KEY.ChannelValues) {
        const length = checkHeader(bytes);
        const count = (length / CHANNEL_VALUE_RECORD_SIZE) | 0;
        if (size > HEADER_SIZE + length) counters.trailingBytes += size - HEADER_SIZE - length;
        if (length > count * CHANNEL_VALUE_RECORD_SIZE) counters.partialRecords++;
        values = new DataView(bytes.buffer, bytes.byteOffset + HEADER_SIZE, count * CHANNEL_VALUE_RECORD_SIZE);
        host = bytes[3] | (bytes[4] << 8);
        seq = bytes[5];
        destination = bytes[6] | (bytes[7] << 8);
      } else {
        f = decodeFrame(bytes);
        if (f.trailingBytes > 0) counters.trailingBytes += f.trailingBytes;
        if (f.partialRecordBytes > 0) counters.partialRecords++;
        host = f.host;
        seq = f.seq;
        destination = f.destination;
      }
    } catch (error) {
      malformed(error);
      return;
    }
    if (host === ALL_HOSTS) {
      counters.ignored.fromAllHosts++;
      return;
    }
    if (claiming && host !== 0) seenWhileClaiming.add(host);
    if (ourId !== null && host === ourId) {
      if (destination === ourId) collision(d.from);
      else counters.ignored.ownMessages++;
      return;
    }
    const forUs =
      destination === ALL_HOSTS || (ourId !== null && destination === ourId) || (claiming && destination === 0);
    if (!forUs) {
      counters.ignored.notForUs++;
      return;
    }
    if (host === 0) {
      // A node claiming an id: answering tells it ours is taken. Our own claim Ping comes back via loopback.
      // Claims go to ALL_HOSTS, and one Pong (rate-limited in answerPing) tells every claiming node at once.
      if (f === null) return;
      if (isOwnClaimPing(f)) counters.ignored.ownMessages++;
      else if (f.type === 'Ping' && destination === ALL_HOSTS) answerPing(f);
      return;
    }
    const t = now();
    const p = providerFor(host, d, t);
    if (p === null || !acceptSource(sources, counters, onConflict, p, d.from, t)) return;
    p.tracker.track(seq);
    p.lastSeen = t;
    if (!p.online) {
      p.online = true;
      log.info({ provider: hostHex(host) }, `provider ${p.name} (${hostHex(host)}) is online again`);
      if (p.announced) sink.providerChanged(p, 'online');
    }

    if (values !== null) {
      if (p.incompatible) {
        counters.ignored.incompatible++;
        return;
      }
      announce(p);
      p.valueMessages++;
      if (sink.channelValues(p, d.receivedAt, values) && canTransmit) requestInfo(p, t);
      return;
    }
    if (f === null) return;
    switch (f.type) {
      case 'ChannelInfo': {
        if (p.incompatible) {
          counters.ignored.incompatible++;
          return;
        }
        // The name is taken at once (cheap): values arriving before the queued channel work runs must already
        // announce the provider under its own name. Only the per-channel work waits for its budget.
        if (f.providerName && f.providerName !== p.name) p.name = f.providerName;
        if (f.channels.length > 0) p.named = true;
        if (!catalogMessages.push({ provider: p, frame: f })) drop('channelInfoQueue');
        return;
      }
      case 'ClearChannelInfo': {
        if (p.incompatible) {
          counters.ignored.incompatible++;
          return;
        }
        if (!catalogMessages.push({ provider: p, frame: f })) drop('channelInfoQueue');
        return;
      }
      case 'Ping':
        if (f.version >= INCOMPATIBLE_VERSION) {
          counters.ignored.incompatible++;
          return;
        }
        answerPing(f);
        return;
      case 'Pong':
        onPong(p, f, t);
        return;
      case 'Unknown':
        counters.unknownKeys++;
        return;
      default:
        // RequestChannelInfo (we provide no channels) and the optional extended commands: nothing to do.
        return;
    }
  };

  const check = (): void => {
    const t = now();
    for (const p of providers.values()) {
      if (p.online && t - p.lastSeen > opts.offlineAfterMs) {
        p.online = false;
        log.info(
          { provider: hostHex(p.hostId), silentMs: t - p.lastSeen },
          `provider ${p.name} (${hostHex(p.hostId)}) offline: silent for ${t - p.lastSeen} ms`,
        );
        if (p.announced) sink.providerChanged(p, 'offline');
      }
      if (canTransmit && p.online && (p.lastPingAt === null || t - p.lastPingAt >= opts.pingIntervalMs)) ping(p, t);
    }
  };

  const claim = async (): Promise<void> => {
    claiming = true;
    state = 'claiming';
    seenWhileClaiming.clear();
    // The nonce tells our own claim Ping (looped back) from another node's; 32 random bits are plenty for that.
    claimNonce = new Uint8Array(MAX_PING_ECHO_BYTES);
    for (let i = 0; i < claimNonce.length; i++) claimNonce[i] = Math.floor(random() * 256);
    transmit({
      type: 'Ping',
      key: 0x04,
      host: 0,
      seq: nextSeq(),
      destination: ALL_HOSTS,
      version: PING_VERSION,
      hostTs: u32Clock(now()),
      echo: claimNonce,
    });
    await new Promise<void>((resolve) => {
      wakeClaim = resolve;
      claimTimer = setTimeout(resolve, opts.claimMs);
    });
    claimTimer = null;
    wakeClaim = null;
    claiming = false;
    if (stateNow() === 'stopped') return;
    const taken = new Set<number>([...seenWhileClaiming, ...providers.keys()]);
    ourId = pickHostId(taken, random);
    log.info({ hostId: hostHex(ourId), hostsSeen: taken.size }, `claimed JetDrive host id ${hostHex(ourId)}`);
  };

  return {
    counters,
    hostId: () => ourId,
    providers: () => [...providers.values()],
    status: () => ({
      state,
      passive: !canTransmit,
      hostId: ourId,
      hostHex: ourId === null ? null : hostHex(ourId),
      collisions: counters.collisions,
      collisionsSuppressed: counters.collisionsSuppressed,
      sourcePolicy: sources.policy,
      conflicts: { ...counters.conflicts },
      evictions: counters.evictions,
      pongs: pongs.stats(),
      providers: providers.size,
      incompatible: [...providers.values()]
        .filter((p) => p.incompatible)
        .map((p) => ({ hostId: p.hostId, hostHex: hostHex(p.hostId), name: p.name, version: p.version })),
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
        error: (error: unknown) => {
          failure = error instanceof Error ? error.message : String(error);
          failureError = error instanceof Error ? error : new Error(failure);
          state = 'failed';
          if (timer) clearInterval(timer);
          timer = null;
          log.error({ err: error }, `JetDrive datagram source failed: ${failure}`);
          rejectStart(failureError);
        },
      });
      await Promise.race([deps.ready ?? Promise.resolve(), failed]);
      // A source that fails synchronously loses the race against an already-resolved `ready`.
      if (stateNow() === 'failed' && failureError) throw failureError;
      if (stateNow() !== 'starting') return;
      timer = setInterval(check, checkEvery);
      timer.unref?.();
      if (canTransmit) {
        if (opts.hostId !== null) ourId = opts.hostId;
        else await Promise.race([claim(), failed]);
        if (stateNow() !== 'claiming' && stateNow() !== 'starting') return;
        check();
      } else {
        log.info('passive mode: listening only, no host id, nothing transmitted');
      }
      state = 'running';
    },
    stop() {
      state = 'stopped';
      catalogMessages.clear();
      subscription?.unsubscribe();
      subscription = null;
      if (timer) clearInterval(timer);
      timer = null;
      if (claimTimer) clearTimeout(claimTimer);
      claimTimer = null;
      claiming = false;
      wakeClaim?.();
    },
  };
}
