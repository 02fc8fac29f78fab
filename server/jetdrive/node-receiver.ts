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
import { type BudgetedQueue, createBudgetedQueue } from './create-budgeted-queue.js';
import { createPongLimiter, type PongLimiter } from './create-pong-limiter.js';
import { createSourceGuard, type SourceGuard } from './create-source-guard.js';
import type { JetDriveNodeOptions } from './default-node-options.js';
import type { HostIdClaim } from './host-id-claim.js';
import type { NodeProvider } from './node-provider.js';
import type { NodeProviderTable } from './node-provider-table.js';
import type { NodeTransmitter } from './node-transmitter.js';
import { hostHex } from './pick-host-id.js';
import type { JetDriveSink, NodeCounters } from './types.js';

const log = createLogger('jetdrive');

/** Ping/Pong versions from this one on speak an incompatible protocol (spec). */
export const INCOMPATIBLE_VERSION = 10;

/** A ChannelInfo or ClearChannelInfo waiting for its turn (see createBudgetedQueue). */
interface CatalogMessage {
  provider: NodeProvider;
  frame: ChannelInfoMessage | ClearChannelInfoMessage;
}

export interface NodeReceiverDeps {
  opts: JetDriveNodeOptions;
  now: () => number;
  counters: NodeCounters;
  sink: JetDriveSink;
  tx: NodeTransmitter;
  providers: NodeProviderTable;
  hostId: HostIdClaim;
}

const bump = (counts: Record<string, number>, name: string): void => {
  counts[name] = (counts[name] ?? 0) + 1;
};

/**
 * What the node does with one datagram, synchronously: classify it (pure), apply the address verdict, admit its
 * sender (provider table, source guard, sequence, online), then hand values to the sink, queue catalog messages
 * within their time budget, answer Pings (Pong limiter) and learn clocks from Pongs.
 */
export class NodeReceiver {
  readonly pongs: PongLimiter;
  readonly sources: SourceGuard;
  /** Catalog changes can be costly (names, views, quantity guesses per channel): they run within a time budget. */
  readonly catalogMessages: BudgetedQueue<CatalogMessage>;
  /** Reused for every ChannelValues datagram: the sink reads it during its call. */
  readonly #values = new ChannelValuesBatch();
  readonly #d: NodeReceiverDeps;

  constructor(deps: NodeReceiverDeps) {
    this.#d = deps;
    const opts = deps.opts;
    this.pongs = createPongLimiter(opts.pong);
    this.sources = createSourceGuard({
      policy: opts.sourcePolicy,
      moveAfterMs: opts.offlineAfterMs,
      reportIntervalMs: opts.conflictReportIntervalMs,
    });
    this.catalogMessages = createBudgetedQueue<CatalogMessage>({
      budgetMs: opts.channelInfoBudgetMs,
      maxWeight: opts.maxQueuedChannelInfoRecords,
      weight: (m) => 1 + (m.frame.type === 'ChannelInfo' ? m.frame.channels.length : 0),
      run: (m) => this.#runCatalogMessage(m),
    });
  }

  readonly onDatagram = (d: Datagram): void => {
    const { counters, hostId } = this.#d;
    counters.datagrams++;
    counters.bytes += d.bytes.byteLength;
    const c = classifyDatagram(d.bytes, this.#values);
    if (c.kind === 'malformed') {
      this.#malformed(c.error);
      return;
    }
    if (c.trailingBytes > 0) counters.trailingBytes += c.trailingBytes;
    if (c.partialRecordBytes > 0) counters.partialRecords++;
    const frame = c.kind === 'frame' ? c.frame : null;
    const verdict = addressVerdict(c.host, c.destination, hostId.id, hostId.claiming);
    if (verdict !== 'fromAllHosts') hostId.noteHost(c.host);
    if (verdict === 'collision') hostId.collision(d.from, this.#d.now());
    else if (verdict === 'claim') this.#onClaim(frame, c.destination);
    else if (verdict !== 'provider') counters.ignored[verdict]++;
    if (verdict !== 'provider') return;
    const t = this.#d.now();
    const p = this.#sender(c.host, c.seq, d, t);
    if (p === null) return;
    if (frame === null) this.#onValues(p, d, t);
    else this.#onFrame(p, frame, t);
  };

  #malformed(error: unknown): void {
    bump(this.#d.counters.malformed, error instanceof FrameDecodeError ? error.code : 'UNEXPECTED');
    if (!(error instanceof FrameDecodeError)) log.error({ err: error }, 'decoder threw an unexpected error');
  }

  /** Host 0 is a node claiming an id: answering tells it ours is taken. Our own claim Ping comes back via loopback. */
  #onClaim(f: DecodedFrame | null, destination: number): void {
    if (f === null) return;
    if (this.#d.hostId.isOwnClaimPing(f)) this.#d.counters.ignored.ownMessages++;
    // Claims go to ALL_HOSTS, and one Pong (rate-limited in answerPing) tells every claiming node at once.
    else if (f.type === 'Ping' && destination === ALL_HOSTS) this.#answerPing(f);
  }

  /** The provider a frame comes from, after the table's cap and the source guard; marks it seen (and online). */
  #sender(host: number, seq: number, d: Datagram, t: number): NodeProvider | null {
    const { providers, tx, hostId, counters, sink } = this.#d;
    // A known host (nearly every datagram) without admit's result object.
    let p = providers.get(host);
    if (p === undefined) {
      const admitted = providers.admit(host, d.from, t);
      if (admitted === null) return null;
      p = admitted.p;
      // A newcomer admitted by eviction is pinged by the next check, not at once.
      if (admitted.isNew && tx.canTransmit && !admitted.crowded) tx.ping(hostId.id, p, t);
    }
    if (!acceptSource(this.sources, counters, this.#onConflict, p, d.from, t)) return null;
    p.tracker.track(seq);
    p.lastSeen = t;
    if (!p.online) {
      p.online = true;
      log.info({ provider: hostHex(host) }, `provider ${p.name} (${hostHex(host)}) is online again`);
      if (p.announced) sink.providerChanged(p, 'online');
    }
    return p;
  }

  /** Made once: a closure per datagram cost an allocation (and, under tsx, a defineProperty for its name). */
  readonly #onConflict = (conflicted: NodeProvider): void => this.#d.sink.providerChanged(conflicted, 'conflict');

  #announce(p: NodeProvider): void {
    if (p.announced) return;
    p.announced = true;
    this.#d.sink.providerChanged(p, 'added');
  }

  #onValues(p: NodeProvider, d: Datagram, t: number): void {
    if (p.incompatible) {
      this.#d.counters.ignored.incompatible++;
      return;
    }
    this.#announce(p);
    p.valueMessages++;
    const { sink, tx, hostId } = this.#d;
    if (sink.channelValues(p, d.receivedAt, this.#values) && tx.canTransmit) tx.requestInfo(hostId.id, p, t);
  }

  #onFrame(p: NodeProvider, f: DecodedFrame, t: number): void {
    const counters = this.#d.counters;
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
      if (!this.catalogMessages.push({ provider: p, frame: f })) bump(counters.drops, 'channelInfoQueue');
    } else if (f.type === 'Ping') this.#answerPing(f);
    else if (f.type === 'Pong') this.#onPong(p, f, t);
    else if (f.type === 'Unknown') counters.unknownKeys++;
    // RequestChannelInfo (we provide no channels) and the optional extended commands: nothing to do.
  }

  #runCatalogMessage({ provider: p, frame: f }: CatalogMessage): void {
    // The provider may have been forgotten (evicted) while this message waited.
    if (!this.#d.providers.holds(p) || p.incompatible) return;
    // The name first: announcing the provider tells everyone its name.
    if (f.type === 'ChannelInfo' && f.providerName && f.providerName !== p.name) p.name = f.providerName;
    this.#announce(p);
    if (f.type === 'ClearChannelInfo') this.#d.sink.channelsCleared(p);
    else this.#d.sink.channelInfo(p, f.channels);
  }

  #answerPing(f: PingMessage): void {
    const ourId = this.#d.hostId.id;
    if (ourId === null) return;
    const t = this.#d.now();
    const refused = this.pongs.refusal(f.host, f.echo.length, t);
    if (refused !== null) bump(this.#d.counters.pongsSuppressed, refused);
    else this.#d.tx.pong(ourId, f, t);
  }

  #onPong(p: NodeProvider, f: PongMessage, t: number): void {
    p.version = f.version;
    if (f.version >= INCOMPATIBLE_VERSION) {
      if (p.incompatible) return;
      p.incompatible = true;
      log.warn(
        { provider: hostHex(p.hostId), version: f.version },
        `provider ${p.name} (${hostHex(p.hostId)}) answers with protocol version ${f.version} (>= ${INCOMPATIBLE_VERSION}): incompatible, ignoring its data`,
      );
      this.#announce(p);
      this.#d.sink.providerChanged(p, 'incompatible');
      return;
    }
    const wasSynced = p.clock.synced;
    if (!p.clock.onPong(f.hostTs, f.remoteTs, t)) {
      bump(this.#d.counters.drops, 'stalePongs');
      return;
    }
    if (wasSynced) return;
    if (p.announced) this.#d.sink.providerChanged(p, 'updated');
    log.debug(
      { provider: hostHex(p.hostId), offsetMs: p.clock.offsetMs, latencyMs: p.clock.latencyMs },
      'clock synced',
    );
  }
}
